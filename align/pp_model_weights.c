/* pp_model_weights.c — the F32 weights forward and backward use: pointers into the
 * parameters, or, with a frozen BF16 base (pp_model_bf16.c), one layer (or the
 * embeddings, the head, the final norm) at a time widened into one scratch buffer.
 *
 * Scratch layout (floats): [one layer: LN1 Wq Wk Wv Wo LN2 Wgate Wup Wdown]
 *                          [embeddings or head (V,C)] [final norm (C)] */
#include "config.h"
#include "align/pp_model_internal.h"
#include "align/pp_ops.h"

#include <string.h>

static const int LAYER_KINDS[] = {PK_LN1, PK_WQ,    PK_WK,  PK_WV,   PK_WO,
                                  PK_LN2, PK_WGATE, PK_WUP, PK_WDOWN};
#define NLAYER_KINDS (int)(sizeof LAYER_KINDS / sizeof LAYER_KINDS[0])

static size_t layer_floats(const pp_model *m)
{
    size_t n = 0;
    for (int i = 0; i < NLAYER_KINDS; i++)
        n += m->kind_size[LAYER_KINDS[i]] / (size_t)m->cfg.num_hidden_layers;
    return n;
}

size_t pp_model_bf16_scratch_floats(const pp_llama_config *c)
{
    size_t C = (size_t)c->hidden_size, I = (size_t)c->intermediate_size;
    size_t QD = (size_t)c->num_attention_heads * c->head_dim;
    size_t KVD = (size_t)c->num_key_value_heads * c->head_dim;
    return 2 * C + 2 * QD * C + 2 * KVD * C + 3 * I * C + (size_t)c->vocab_size * C + C;
}

static void widen(float *dst, const uint16_t *src, size_t n)
{
#pragma omp parallel for if ((long)n >= PP_OMP_MIN_WORK) schedule(static)
    for (size_t i = 0; i < n; i++) {
        uint32_t bits = (uint32_t)src[i] << 16;
        memcpy(&dst[i], &bits, 4);
    }
}

void pp_model_layer_weights(pp_model *m, int l, pp_layer_w *w)
{
    size_t off = 0;
    for (int i = 0; i < NLAYER_KINDS; i++) {
        int k = LAYER_KINDS[i];
        size_t per = m->kind_size[k] / (size_t)m->cfg.num_hidden_layers;
        size_t src = m->kind_offset[k] + (size_t)l * per;
        if (m->params_bf16) {
            widen(m->wscratch + off, m->params_bf16 + src, per);
            w->w[k] = m->wscratch + off;
            off += per;
        } else {
            w->w[k] = m->params + src;
        }
    }
}

const float *pp_model_weight(pp_model *m, int kind)
{
    if (!m->params_bf16)
        return m->params + m->kind_offset[kind];
    float *dst = m->wscratch + layer_floats(m);
    if (kind == PK_LNF)
        dst += (size_t)m->cfg.vocab_size * m->cfg.hidden_size;
    widen(dst, m->params_bf16 + m->kind_offset[kind], m->kind_size[kind]);
    return dst;
}
