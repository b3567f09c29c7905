/* fuzz_llama_config.c — config.json of a Llama checkpoint: parsing and validation
 * (sizes, rope_scaling kinds, eos lists), the parameter count and memory plan, and,
 * for a configuration small enough, a model and a key/value cache (the RoPE tables of
 * the scaling it names), one decoding step and a prefill of the rest of the cache. */
#include "config.h"
#include "align/pp_model.h"
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pp_llama_config c;
    pp_error err;
    if (pp_llama_config_load(fuzz_file(".json", data, size), &c, &err) != PP_OK) {
        fuzz_touch_str(err.message);
        return 0;
    }
    (void)pp_llama_config_num_params(&c);
    (void)pp_llama_config_is_eos(&c, c.eos_token_id);
    int T = c.max_position_embeddings < 8 ? c.max_position_embeddings : 8;
    pp_memory_plan p = pp_memory_plan_compute(&c, 1, T, 1);
    fuzz_touch(&p, sizeof p);
    /* build and run only what a fuzzing process can hold */
    if (pp_llama_config_num_params(&c) > (1u << 18) || c.num_hidden_layers > 4 ||
        (double)c.num_attention_heads * c.head_dim > 4096 ||
        (double)c.num_key_value_heads * c.head_dim > 4096 || c.intermediate_size > 4096)
        return 0;
    pp_model *m = NULL;
    if (pp_model_new(&c, &m, &err) != PP_OK)
        return 0;
    pp_model_init_random(m, 1, 0.02f);
    pp_kv_cache *kv = NULL;
    float *logits = malloc(sizeof(float) * (size_t)c.vocab_size);
    int32_t ids[8];
    for (int i = 0; i < 8; i++)
        ids[i] = i < c.vocab_size ? i : 0;
    if (logits && pp_kv_cache_new(m, T, &kv, &err) == PP_OK &&
        pp_model_decode(m, kv, c.bos_token_id >= 0 ? c.bos_token_id : 0, logits, &err) == PP_OK) {
        fuzz_touch(logits, sizeof(float) * (size_t)c.vocab_size);
        if (T > 1 && pp_model_prefill(m, kv, ids, T - 1, logits, &err) == PP_OK)
            fuzz_touch(logits, sizeof(float) * (size_t)c.vocab_size);
    }
    pp_kv_cache_free(kv);
    free(logits);
    pp_model_free(m);
    return 0;
}
