/* pp_decode.c — one token at a time with a key/value cache: the forward pass of
 * pp_model.c for a single position, attending to the cached keys and values of the
 * positions before it. */
#include "config.h"
#include "align/pp_model_internal.h"
#include "align/pp_ops.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct pp_kv_cache {
    int max_len, len;
    float *k, *v;        /* (L, NKV, max_len, HD) keys after RoPE, values */
    float *cos_t, *sin_t; /* (max_len, HD/2) */
    float *x, *xn;       /* (C) residual stream, normed */
    float *q, *lin;      /* (NH*HD), (max(max(NH,NKV)*HD, C)) */
    float *atty;         /* (NH*HD) */
    float *att;          /* (NH, max_len) */
    float *gate, *up;    /* (I) */
    float rstd;
};

void pp_kv_cache_free(pp_kv_cache *c)
{
    if (!c)
        return;
    free(c->k);
    free(c->v);
    free(c->cos_t);
    free(c->sin_t);
    free(c->x);
    free(c->xn);
    free(c->q);
    free(c->lin);
    free(c->atty);
    free(c->att);
    free(c->gate);
    free(c->up);
    free(c);
}

pp_status pp_kv_cache_new(const pp_model *m, int max_len, pp_kv_cache **out, pp_error *err)
{
    const pp_llama_config *cf = &m->cfg;
    *out = NULL;
    if (max_len <= 0 || max_len > cf->max_position_embeddings)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "cache length %d is not in 1..max_position_embeddings (%d)", max_len,
                            cf->max_position_embeddings);
    pp_kv_cache *c = calloc(1, sizeof *c);
    if (!c)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    size_t HD = (size_t)cf->head_dim, NH = (size_t)cf->num_attention_heads;
    size_t NKV = (size_t)cf->num_key_value_heads, maxh = NH > NKV ? NH : NKV;
    size_t kv = (size_t)cf->num_hidden_layers * NKV * (size_t)max_len * HD;
    c->max_len = max_len;
    c->k = malloc(kv * sizeof(float));
    c->v = malloc(kv * sizeof(float));
    c->cos_t = malloc((size_t)max_len * (HD / 2) * sizeof(float));
    c->sin_t = malloc((size_t)max_len * (HD / 2) * sizeof(float));
    c->x = malloc((size_t)cf->hidden_size * sizeof(float));
    c->xn = malloc((size_t)cf->hidden_size * sizeof(float));
    c->q = malloc(NH * HD * sizeof(float));
    size_t lin = maxh * HD > (size_t)cf->hidden_size ? maxh * HD : (size_t)cf->hidden_size;
    c->lin = malloc(lin * sizeof(float));
    c->atty = malloc(NH * HD * sizeof(float));
    c->att = malloc(NH * (size_t)max_len * sizeof(float));
    c->gate = malloc((size_t)cf->intermediate_size * sizeof(float));
    c->up = malloc((size_t)cf->intermediate_size * sizeof(float));
    if (!c->k || !c->v || !c->cos_t || !c->sin_t || !c->x || !c->xn || !c->q || !c->lin ||
        !c->atty || !c->att || !c->gate || !c->up) {
        pp_kv_cache_free(c);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory for a cache of %d tokens",
                            max_len);
    }
    pp_llama_rope_tables(cf, c->cos_t, c->sin_t, max_len);
    *out = c;
    return PP_OK;
}

void pp_kv_cache_reset(pp_kv_cache *c) { c->len = 0; }

pp_status pp_kv_cache_arrays(pp_kv_cache *c, float **k, float **v, const float **cos_t,
                             const float **sin_t, int *max_len, int **len)
{
    *k = c->k;
    *v = c->v;
    *cos_t = c->cos_t;
    *sin_t = c->sin_t;
    *max_len = c->max_len;
    *len = &c->len;
    return PP_OK;
}
int pp_kv_cache_len(const pp_kv_cache *c) { return c->len; }

pp_status pp_model_decode(pp_model *m, pp_kv_cache *c, int32_t token, float *logits,
                          pp_error *err)
{
    const pp_llama_config *cf = &m->cfg;
    int C = cf->hidden_size, NI = cf->intermediate_size, V = cf->vocab_size;
    int NH = cf->num_attention_heads, NKV = cf->num_key_value_heads, HD = cf->head_dim;
    int QD = NH * HD, KVD = NKV * HD, G = NH / NKV, h2 = HD / 2;
    if (c->len >= c->max_len)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "the cache of %d tokens is full",
                            c->max_len);
    if (token < 0 || token >= V)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "token id %d is outside the vocabulary (%d)", token, V);
    int pos = c->len, S = pos + 1, ML = c->max_len;
    float scale = 1.0f / sqrtf((float)HD);
    const float *cs = c->cos_t + (size_t)pos * h2, *sn = c->sin_t + (size_t)pos * h2;

    memcpy(c->x, m->params + m->kind_offset[PK_WTE] + (size_t)token * C, sizeof(float) * C);
    for (int l = 0; l < cf->num_hidden_layers; l++) {
        float *K = c->k + (size_t)l * NKV * ML * HD; /* (NKV, ML, HD) */
        float *Vc = c->v + (size_t)l * NKV * ML * HD;
        pp_op_rmsnorm_forward(c->xn, &c->rstd, c->x, pp_param(m, PK_LN1, l, C), 1, C,
                              cf->rms_norm_eps);
        pp_op_matmul_forward(c->lin, c->xn, pp_param(m, PK_WQ, l, (size_t)QD * C), 1, C, QD);
        pp_op_rope_forward(c->q, c->lin, cs, sn, 1, 1, NH, HD);
        pp_op_matmul_forward(c->lin, c->xn, pp_param(m, PK_WK, l, (size_t)KVD * C), 1, C, KVD);
        for (int g = 0; g < NKV; g++) /* (1,NKV,1,HD) rope output into the cache row */
            pp_op_rope_forward(K + ((size_t)g * ML + pos) * HD, c->lin + (size_t)g * HD, cs, sn,
                               1, 1, 1, HD);
        pp_op_matmul_forward(c->lin, c->xn, pp_param(m, PK_WV, l, (size_t)KVD * C), 1, C, KVD);
        for (int g = 0; g < NKV; g++)
            memcpy(Vc + ((size_t)g * ML + pos) * HD, c->lin + (size_t)g * HD, sizeof(float) * HD);
        /* the G query heads that share a key/value head, stacked: scores (G, S) =
         * Q (G, HD) K^T with K (S, HD) the cached rows, then y (G, HD) = P (G, S) V */
        for (int g = 0; g < NKV; g++) {
            const float *Kg = K + (size_t)g * ML * HD, *Vg = Vc + (size_t)g * ML * HD;
            float *a = c->att + (size_t)g * G * ML;
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, G, S, HD, scale,
                        c->q + (size_t)g * G * HD, HD, Kg, HD, 0.0f, a, ML);
            for (int h = 0; h < G; h++) {
                float *r = a + (size_t)h * ML, mx = -INFINITY, sum = 0.0f;
                for (int s = 0; s < S; s++)
                    mx = r[s] > mx ? r[s] : mx;
                for (int s = 0; s < S; s++) {
                    r[s] = expf(r[s] - mx);
                    sum += r[s];
                }
                float inv = 1.0f / sum;
                for (int s = 0; s < S; s++)
                    r[s] *= inv;
            }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, G, HD, S, 1.0f, a, ML, Vg, HD,
                        0.0f, c->atty + (size_t)g * G * HD, HD);
        }
        pp_op_matmul_forward(c->lin, c->atty, pp_param(m, PK_WO, l, (size_t)C * QD), 1, QD, C);
        pp_op_add_inplace(c->x, c->lin, C);
        pp_op_rmsnorm_forward(c->xn, &c->rstd, c->x, pp_param(m, PK_LN2, l, C), 1, C,
                              cf->rms_norm_eps);
        pp_op_matmul_forward(c->gate, c->xn, pp_param(m, PK_WGATE, l, (size_t)NI * C), 1, C, NI);
        pp_op_matmul_forward(c->up, c->xn, pp_param(m, PK_WUP, l, (size_t)NI * C), 1, C, NI);
        pp_op_swiglu_forward(c->gate, c->gate, c->up, NI);
        pp_op_matmul_forward(c->lin, c->gate, pp_param(m, PK_WDOWN, l, (size_t)C * NI), 1, NI, C);
        pp_op_add_inplace(c->x, c->lin, C);
    }
    c->len++;
    if (!logits) /* a prompt position whose distribution nobody reads: no head */
        return PP_OK;
    pp_op_rmsnorm_forward(c->xn, &c->rstd, c->x, m->params + m->kind_offset[PK_LNF], 1, C,
                          cf->rms_norm_eps);
    const float *head = m->params + m->kind_offset[cf->tie_word_embeddings ? PK_WTE : PK_HEAD];
    pp_op_matmul_forward(logits, c->xn, head, 1, C, V);
    return PP_OK;
}
