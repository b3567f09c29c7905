/* pp_model_bf16.c — a frozen base kept in BF16: converting a model, or loading a
 * checkpoint straight into BF16 (exactly from BF16 files; rounded to nearest even
 * from F32 ones). Forward and backward read it through pp_model_weights.c. */
#include "config.h"
#include "align/pp_model_internal.h"
#include "align/pp_ops.h"
#include "align/pp_safetensors.h"

#include <stdlib.h>
#include <string.h>

/* round to nearest even; NaN stays NaN (quiet) */
static uint16_t f32_to_bf16(float f)
{
    uint32_t x;
    memcpy(&x, &f, 4);
    if ((x & 0x7fffffffu) > 0x7f800000u)
        return (uint16_t)((x >> 16) | 0x40);
    x += 0x7fffu + ((x >> 16) & 1u);
    return (uint16_t)(x >> 16);
}

static pp_status alloc_bf16(pp_model *m, pp_error *err)
{
    m->params_bf16 = malloc(m->num_params * sizeof(uint16_t));
    m->wscratch = malloc(pp_model_bf16_scratch_floats(&m->cfg) * sizeof(float));
    if (!m->params_bf16 || !m->wscratch) {
        free(m->params_bf16);
        free(m->wscratch);
        m->params_bf16 = NULL;
        m->wscratch = NULL;
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory for the BF16 weights");
    }
    return PP_OK;
}

pp_status pp_model_to_bf16(pp_model *m, pp_error *err)
{
    if (m->params_bf16)
        return PP_OK;
    if (m->grads)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "a model prepared for full training cannot switch to BF16 weights");
    pp_status st = alloc_bf16(m, err);
    if (st)
        return st;
    for (size_t i = 0; i < m->num_params; i++)
        m->params_bf16[i] = f32_to_bf16(m->params[i]);
    free(m->params);
    m->params = NULL;
    return PP_OK;
}

int pp_model_is_bf16(const pp_model *m) { return m->params_bf16 != NULL; }

pp_status pp_model_load_bf16(const char *dir, pp_model **out, pp_error *err)
{
    /* no F32 copy of the model at any time: tensors pass through a buffer of one */
    *out = NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/config.json", dir);
    pp_llama_config cfg;
    pp_status st = pp_llama_config_load(path, &cfg, err);
    pp_model *m = NULL;
    if (st || (st = pp_model_new(&cfg, &m, err)))
        return st;
    free(m->params);
    m->params = NULL;
    if ((st = alloc_bf16(m, err))) {
        pp_model_free(m);
        return st;
    }
    st = pp_checkpoint_read_each(dir, m, err);
    if (st) {
        pp_model_free(m);
        return st;
    }
    *out = m;
    return PP_OK;
}

/* Called by the checkpoint reader for a tensor read as F32 into buf. */
void pp_model_bf16_store(pp_model *m, size_t offset, const float *buf, size_t n)
{
    uint16_t *d = m->params_bf16 + offset;
    for (size_t i = 0; i < n; i++)
        d[i] = f32_to_bf16(buf[i]);
}
