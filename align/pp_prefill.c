/* pp_prefill.c — a prompt into the key/value cache in chunks of tokens: the same
 * layers as pp_decode.c, with matrix-matrix products over the chunk instead of one
 * matrix-vector product per token (reading the weights once per chunk, not once per
 * token), and causal attention over the cache and the chunk. */
#include "config.h"
#include "align/pp_model_internal.h"
#include "align/pp_ops.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PREFILL_CHUNK 64


pp_status pp_model_prefill(pp_model *m, pp_kv_cache *c, const int32_t *tokens, int n,
                           float *logits, pp_error *err)
{
    const pp_llama_config *cf = &m->cfg;
    int C = cf->hidden_size, NI = cf->intermediate_size, V = cf->vocab_size;
    int NH = cf->num_attention_heads, NKV = cf->num_key_value_heads, HD = cf->head_dim;
    int QD = NH * HD, KVD = NKV * HD, G = NH / NKV, h2 = HD / 2;
    float *K, *Vc;
    const float *cos_t, *sin_t;
    int ML, *len;
    pp_kv_cache_arrays(c, &K, &Vc, &cos_t, &sin_t, &ML, &len);
    if (n <= 0)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "no tokens to feed");
    if (n > ML - *len)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "%d tokens do not fit the cache (%d of %d used)", n, *len, ML);
    for (int i = 0; i < n; i++)
        if (tokens[i] < 0 || tokens[i] >= V)
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "token id %d is outside the vocabulary (%d)", tokens[i], V);
    int NC = n < PREFILL_CHUNK ? n : PREFILL_CHUNK;
    int maxd = QD > KVD ? QD : KVD;
    maxd = maxd > C ? maxd : C;
    size_t sz = (size_t)NC * (2 * C + 2 * QD + maxd + 2 * NI + KVD) + NC + (size_t)G * NC * ML;
    float *buf = malloc(sz * sizeof(float));
    if (!buf)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory for a prompt of %d tokens",
                            n);
    float *x = buf, *xn = x + (size_t)NC * C;          /* (NC, C) */
    float *q = xn + (size_t)NC * C;                      /* (NH, NC, HD) */
    float *y = q + (size_t)NC * QD;                      /* (NH, NC, HD), then (NC, NH*HD) */
    float *lin = y + (size_t)NC * QD;                    /* (NC, max(QD, KVD, C)) */
    float *gate = lin + (size_t)NC * maxd, *up = gate + (size_t)NC * NI; /* (NC, I) */
    float *kt = up + (size_t)NC * NI;                    /* (NKV, NC, HD) */
    float *rstd = kt + (size_t)NC * KVD;                 /* (NC) */
    float *att = rstd + NC;                              /* (G*NC, ML) */
    float scale = 1.0f / sqrtf((float)HD);

    for (int c0 = 0; c0 < n; c0 += NC) {
        int nc = n - c0 < NC ? n - c0 : NC, p0 = *len, S = p0 + nc;
        const float *cs = cos_t + (size_t)p0 * h2, *sn = sin_t + (size_t)p0 * h2;
        for (int t = 0; t < nc; t++)
            memcpy(x + (size_t)t * C,
                   m->params + m->kind_offset[PK_WTE] + (size_t)tokens[c0 + t] * C,
                   sizeof(float) * C);
        for (int l = 0; l < cf->num_hidden_layers; l++) {
            float *Kl = K + (size_t)l * NKV * ML * HD, *Vl = Vc + (size_t)l * NKV * ML * HD;
            pp_op_rmsnorm_forward(xn, rstd, x, pp_param(m, PK_LN1, l, C), nc, C, cf->rms_norm_eps);
            pp_op_matmul_forward(lin, xn, pp_param(m, PK_WQ, l, (size_t)QD * C), nc, C, QD);
            pp_op_rope_forward(q, lin, cs, sn, 1, nc, NH, HD);
            pp_op_matmul_forward(lin, xn, pp_param(m, PK_WK, l, (size_t)KVD * C), nc, C, KVD);
            pp_op_rope_forward(kt, lin, cs, sn, 1, nc, NKV, HD);
            for (int g = 0; g < NKV; g++)
                memcpy(Kl + ((size_t)g * ML + p0) * HD, kt + (size_t)g * nc * HD,
                       sizeof(float) * (size_t)nc * HD);
            pp_op_matmul_forward(lin, xn, pp_param(m, PK_WV, l, (size_t)KVD * C), nc, C, KVD);
            for (int t = 0; t < nc; t++)
                for (int g = 0; g < NKV; g++)
                    memcpy(Vl + ((size_t)g * ML + p0 + t) * HD, lin + (size_t)t * KVD + g * HD,
                           sizeof(float) * HD);
            /* per KV head: the (G heads x nc tokens) queries against the S cached keys;
             * the query of chunk row t sees positions 0..p0+t */
            for (int g = 0; g < NKV; g++) {
                const float *Kg = Kl + (size_t)g * ML * HD, *Vg = Vl + (size_t)g * ML * HD;
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, G * nc, S, HD, scale,
                            q + (size_t)g * G * nc * HD, HD, Kg, HD, 0.0f, att, ML);
                for (int r = 0; r < G * nc; r++) {
                    float *a = att + (size_t)r * ML, mx = -INFINITY, sum = 0.0f;
                    int last = p0 + r % nc; /* the row's own position */
                    for (int s = 0; s <= last; s++)
                        mx = a[s] > mx ? a[s] : mx;
                    for (int s = 0; s <= last; s++) {
                        a[s] = expf(a[s] - mx);
                        sum += a[s];
                    }
                    float inv = 1.0f / sum;
                    for (int s = 0; s <= last; s++)
                        a[s] *= inv;
                    for (int s = last + 1; s < S; s++)
                        a[s] = 0.0f;
                }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, G * nc, HD, S, 1.0f, att,
                            ML, Vg, HD, 0.0f, y + (size_t)g * G * nc * HD, HD);
            }
            pp_op_heads_merge(lin, y, 1, nc, NH, HD); /* (NC, NH*HD) */
            memcpy(y, lin, sizeof(float) * (size_t)nc * QD);
            pp_op_matmul_forward(lin, y, pp_param(m, PK_WO, l, (size_t)C * QD), nc, QD, C);
            pp_op_add_inplace(x, lin, (long)nc * C);
            pp_op_rmsnorm_forward(xn, rstd, x, pp_param(m, PK_LN2, l, C), nc, C, cf->rms_norm_eps);
            pp_op_matmul_forward(gate, xn, pp_param(m, PK_WGATE, l, (size_t)NI * C), nc, C, NI);
            pp_op_matmul_forward(up, xn, pp_param(m, PK_WUP, l, (size_t)NI * C), nc, C, NI);
            pp_op_swiglu_forward(gate, gate, up, (long)nc * NI);
            pp_op_matmul_forward(lin, gate, pp_param(m, PK_WDOWN, l, (size_t)C * NI), nc, NI, C);
            pp_op_add_inplace(x, lin, (long)nc * C);
        }
        *len += nc;
        if (logits && c0 + nc == n) { /* the distribution after the last token only */
            const float *xl = x + (size_t)(nc - 1) * C;
            pp_op_rmsnorm_forward(xn, rstd, xl, m->params + m->kind_offset[PK_LNF], 1, C,
                                  cf->rms_norm_eps);
            const float *head =
                m->params + m->kind_offset[cf->tie_word_embeddings ? PK_WTE : PK_HEAD];
            pp_op_matmul_forward(logits, xn, head, 1, C, V);
        }
    }
    free(buf);
    return PP_OK;
}
