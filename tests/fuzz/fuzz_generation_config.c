/* fuzz_generation_config.c — generation_config.json: eos ids (an id or a list), bos,
 * pad and the sampling settings, checked against a small vocabulary. */
#include "config.h"
#include "align/pp_model.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const pp_llama_config c = {.vocab_size = 2000, .hidden_size = 8,
                                      .intermediate_size = 8, .num_hidden_layers = 1,
                                      .num_attention_heads = 1, .num_key_value_heads = 1,
                                      .head_dim = 8, .max_position_embeddings = 8,
                                      .rms_norm_eps = 1e-5f, .rope_theta = 10000.0f,
                                      .bos_token_id = 1, .eos_token_id = 2};
    pp_generation_config g;
    pp_error err;
    const char *path = fuzz_file(".json", data, size);
    if (pp_generation_config_load(path, &c, &g, &err) != PP_OK)
        fuzz_touch_str(err.message);
    else if (g.num_eos_token_ids < 0 || g.num_eos_token_ids > PP_MAX_EOS_IDS ||
             g.eos_token_id >= c.vocab_size || g.bos_token_id >= c.vocab_size)
        __builtin_trap(); /* what the reader promises */
    if (pp_generation_config_load(path, NULL, &g, &err) != PP_OK)
        fuzz_touch_str(err.message);
    return 0;
}
