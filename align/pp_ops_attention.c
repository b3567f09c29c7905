/* pp_ops_attention.c — rotary embeddings (rotate-half) and causal attention with
 * grouped key/value heads, forward and backward side by side, fast (blocked sgemm,
 * heads of a kv group stacked) and naive (plain loops) kernels (shapes in pp_ops.h). */
#include "config.h"
#include "align/pp_ops.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

/* ---- RoPE ---- */

void pp_op_rope_tables(float *cos_t, float *sin_t, int T, int HD, float theta)
{
    /* As Hugging Face: inv_freq[i] = 1 / theta^(2i/HD) in float, angle = t * inv_freq[i] */
    int h = HD / 2;
    float inv[h > 0 ? h : 1];
    for (int i = 0; i < h; i++)
        inv[i] = 1.0f / powf(theta, (float)(2 * i) / (float)HD);
    pp_op_rope_tables_freq(cos_t, sin_t, T, HD, inv);
}

void pp_op_rope_tables_freq(float *cos_t, float *sin_t, int T, int HD, const float *inv)
{
    int h = HD / 2;
    for (int i = 0; i < h; i++)
        for (int t = 0; t < T; t++) {
            float a = (float)t * inv[i];
            cos_t[(size_t)t * h + i] = (float)cos((double)a);
            sin_t[(size_t)t * h + i] = (float)sin((double)a);
        }
}

/* x' = x cos + rotate_half(x) sin, rotate_half(x) = (-x2, x1):
 * out[j] = x[j] c - x[j+h] s,  out[j+h] = x[j+h] c + x[j] s  (j < h = HD/2) */
void pp_op_rope_forward(float *out, const float *inp, const float *cos_t, const float *sin_t,
                        int B, int T, int H, int HD)
{
    int h2 = HD / 2;
#pragma omp parallel for if ((long)B * T * H * HD >= PP_OMP_MIN_WORK) collapse(2) schedule(static)
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T; t++)
            for (int hd = 0; hd < H; hd++) {
                const float *x = inp + (((size_t)b * T + t) * H + hd) * HD;
                float *o = out + (((size_t)b * H + hd) * T + t) * HD;
                const float *c = cos_t + (size_t)t * h2, *s = sin_t + (size_t)t * h2;
                for (int j = 0; j < h2; j++) {
                    float x1 = x[j], x2 = x[j + h2];
                    o[j] = x1 * c[j] - x2 * s[j];
                    o[j + h2] = x2 * c[j] + x1 * s[j];
                }
            }
}

/* the transpose of the rotation: dx[j] = d[j] c + d[j+h] s,  dx[j+h] = d[j+h] c - d[j] s */
void pp_op_rope_backward(float *dinp, const float *dout, const float *cos_t, const float *sin_t,
                         int B, int T, int H, int HD)
{
    int h2 = HD / 2;
#pragma omp parallel for if ((long)B * T * H * HD >= PP_OMP_MIN_WORK) collapse(2) schedule(static)
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T; t++)
            for (int hd = 0; hd < H; hd++) {
                float *dx = dinp + (((size_t)b * T + t) * H + hd) * HD;
                const float *d = dout + (((size_t)b * H + hd) * T + t) * HD;
                const float *c = cos_t + (size_t)t * h2, *s = sin_t + (size_t)t * h2;
                for (int j = 0; j < h2; j++) {
                    float d1 = d[j], d2 = d[j + h2];
                    dx[j] = d1 * c[j] + d2 * s[j];
                    dx[j + h2] = d2 * c[j] - d1 * s[j];
                }
            }
}

void pp_op_heads_split(float *out, const float *inp, int B, int T, int H, int HD)
{
#pragma omp parallel for if ((long)B * T * H * HD >= PP_OMP_MIN_WORK) collapse(2) schedule(static)
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T; t++)
            for (int hd = 0; hd < H; hd++)
                memcpy(out + (((size_t)b * H + hd) * T + t) * HD,
                       inp + (((size_t)b * T + t) * H + hd) * HD, sizeof(float) * (size_t)HD);
}

void pp_op_heads_merge(float *out, const float *inp, int B, int T, int H, int HD)
{
#pragma omp parallel for if ((long)B * T * H * HD >= PP_OMP_MIN_WORK) collapse(2) schedule(static)
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T; t++)
            for (int hd = 0; hd < H; hd++)
                memcpy(out + (((size_t)b * T + t) * H + hd) * HD,
                       inp + (((size_t)b * H + hd) * T + t) * HD, sizeof(float) * (size_t)HD);
}

/* ---- attention ----
 * The G = NH/NKV query heads that share a key/value head are contiguous in the
 * (B,NH,T,HD) layout, so one sgemm computes their scores together: (G*T, HD) x (HD, T).
 * The masked upper triangle is computed and then zeroed: on the sizes this runs at,
 * few large calls beat many causal blocks. */

/* softmax of row t over columns 0..t in place; columns after t set to 0 */
static void causal_softmax_row(float *row, int t, int T)
{
    float mx = row[0];
    for (int s = 1; s <= t; s++)
        mx = row[s] > mx ? row[s] : mx;
    float sum = 0.0f;
    for (int s = 0; s <= t; s++) {
        row[s] = expf(row[s] - mx);
        sum += row[s];
    }
    float inv = 1.0f / sum;
    for (int s = 0; s <= t; s++)
        row[s] *= inv;
    for (int s = t + 1; s < T; s++)
        row[s] = 0.0f;
}

size_t pp_op_attention_scratch_floats(int T, int NH, int NKV)
{
    return (size_t)(NH / NKV) * (size_t)T * (size_t)T;
}

void pp_op_attention_forward(float *out, float *att, float *yh, const float *q, const float *k,
                             const float *v, int B, int T, int NH, int NKV, int HD)
{
    int G = NH / NKV;
    float scale = 1.0f / sqrtf((float)HD);
    for (int b = 0; b < B; b++)
        for (int g = 0; g < NKV; g++) {
            size_t h0 = (size_t)b * NH + (size_t)g * G;
            const float *Q = q + h0 * T * HD;                      /* (G*T,HD) */
            const float *K = k + ((size_t)b * NKV + g) * T * HD;   /* (T,HD) */
            const float *Vh = v + ((size_t)b * NKV + g) * T * HD;  /* (T,HD) */
            float *A = att + h0 * T * T;                           /* (G*T,T) */
            /* S = scale Q K^T */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, G * T, T, HD, scale, Q, HD, K,
                        HD, 0.0f, A, T);
            for (int r = 0; r < G * T; r++)
                causal_softmax_row(A + (size_t)r * T, r % T, T);
            /* Y = P V into the head-major (B,NH,T,HD) buffer */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, G * T, HD, T, 1.0f, A, T, Vh,
                        HD, 0.0f, yh + h0 * T * HD, HD);
        }
    pp_op_heads_merge(out, yh, B, T, NH, HD);
}

void pp_op_attention_forward_naive(float *out, float *att, const float *q, const float *k,
                                   const float *v, int B, int T, int NH, int NKV, int HD)
{
    int G = NH / NKV, ld = NH * HD;
    float scale = 1.0f / sqrtf((float)HD);
    for (int b = 0; b < B; b++)
        for (int h = 0; h < NH; h++) {
            const float *Q = q + ((size_t)b * NH + h) * T * HD;
            const float *K = k + ((size_t)b * NKV + h / G) * T * HD;
            const float *Vh = v + ((size_t)b * NKV + h / G) * T * HD;
            float *A = att + ((size_t)b * NH + h) * T * T;
            for (int t = 0; t < T; t++) {
                float *row = A + (size_t)t * T;
                for (int s = 0; s < T; s++) {
                    double d = 0.0;
                    for (int i = 0; i < HD; i++)
                        d += (double)Q[(size_t)t * HD + i] * K[(size_t)s * HD + i];
                    row[s] = s <= t ? (float)d * scale : 0.0f;
                }
                causal_softmax_row(row, t, T);
                float *y = out + ((size_t)b * T + t) * ld + (size_t)h * HD;
                for (int i = 0; i < HD; i++) {
                    double d = 0.0;
                    for (int s = 0; s <= t; s++)
                        d += (double)row[s] * Vh[(size_t)s * HD + i];
                    y[i] = (float)d;
                }
            }
        }
}

/* With P = softmax(S), S = scale Q K^T (causal), Y = P V:
 * dP = dY V^T; dV = P^T dY; dS = P * (dP - rowsum(dP * P)); dQ = scale dS K;
 * dK = scale dS^T Q. Stacking a kv group's G query heads makes the sums over those
 * heads (dK, dV) part of one sgemm. dY is first laid out head-major in dq, which
 * each group's dQ then overwrites once its dY has been used. */
void pp_op_attention_backward(float *dq, float *dk, float *dv, float *scratch, const float *dout,
                              const float *att, const float *q, const float *k, const float *v,
                              int B, int T, int NH, int NKV, int HD)
{
    int G = NH / NKV;
    float scale = 1.0f / sqrtf((float)HD);
    pp_op_heads_split(dq, dout, B, T, NH, HD); /* dY (B,NH,T,HD) */
    float *dS = scratch;                       /* (G*T,T) */
    for (int b = 0; b < B; b++)
        for (int g = 0; g < NKV; g++) {
            size_t h0 = (size_t)b * NH + (size_t)g * G;
            const float *Q = q + h0 * T * HD;
            const float *P = att + h0 * T * T;
            float *dY = dq + h0 * T * HD; /* (G*T,HD), becomes dQ */
            const float *K = k + ((size_t)b * NKV + g) * T * HD;
            const float *Vh = v + ((size_t)b * NKV + g) * T * HD;
            float *dK = dk + ((size_t)b * NKV + g) * T * HD;
            float *dV = dv + ((size_t)b * NKV + g) * T * HD;
            /* dP = dY V^T (G*T,T) */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, G * T, T, HD, 1.0f, dY, HD, Vh,
                        HD, 0.0f, dS, T);
            /* dV = P^T dY (T,HD) */
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, HD, G * T, 1.0f, P, T, dY, HD,
                        0.0f, dV, HD);
            for (int r = 0; r < G * T; r++) {
                int t = r % T;
                const float *p = P + (size_t)r * T;
                float *d = dS + (size_t)r * T, dot = 0.0f;
                for (int s = 0; s <= t; s++)
                    dot += d[s] * p[s];
                for (int s = 0; s <= t; s++)
                    d[s] = p[s] * (d[s] - dot);
                for (int s = t + 1; s < T; s++)
                    d[s] = 0.0f;
            }
            /* dQ = scale dS K (G*T,HD), over dY */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, G * T, HD, T, scale, dS, T, K,
                        HD, 0.0f, dY, HD);
            /* dK = scale dS^T Q (T,HD) */
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, HD, G * T, scale, dS, T, Q,
                        HD, 0.0f, dK, HD);
        }
}

void pp_op_attention_backward_naive(float *dq, float *dk, float *dv, const float *dout,
                                    const float *att, const float *q, const float *k,
                                    const float *v, int B, int T, int NH, int NKV, int HD)
{
    int G = NH / NKV, ld = NH * HD;
    float scale = 1.0f / sqrtf((float)HD);
    memset(dk, 0, sizeof(float) * (size_t)B * NKV * T * HD);
    memset(dv, 0, sizeof(float) * (size_t)B * NKV * T * HD);
    for (int b = 0; b < B; b++)
        for (int h = 0; h < NH; h++) {
            const float *Q = q + ((size_t)b * NH + h) * T * HD;
            const float *K = k + ((size_t)b * NKV + h / G) * T * HD;
            const float *Vh = v + ((size_t)b * NKV + h / G) * T * HD;
            float *dK = dk + ((size_t)b * NKV + h / G) * T * HD;
            float *dV = dv + ((size_t)b * NKV + h / G) * T * HD;
            const float *P = att + ((size_t)b * NH + h) * T * T;
            float *dQ = dq + ((size_t)b * NH + h) * T * HD;
            for (int t = 0; t < T; t++) {
                const float *dy = dout + ((size_t)b * T + t) * ld + (size_t)h * HD;
                const float *p = P + (size_t)t * T;
                double dp[t + 1], dot = 0.0;
                for (int s = 0; s <= t; s++) {
                    double d = 0.0;
                    for (int i = 0; i < HD; i++) {
                        d += (double)dy[i] * Vh[(size_t)s * HD + i];
                        dV[(size_t)s * HD + i] += p[s] * dy[i];
                    }
                    dp[s] = d;
                    dot += d * p[s];
                }
                for (int i = 0; i < HD; i++)
                    dQ[(size_t)t * HD + i] = 0.0f;
                for (int s = 0; s <= t; s++) {
                    float ds = (float)(p[s] * (dp[s] - dot)) * scale;
                    for (int i = 0; i < HD; i++) {
                        dQ[(size_t)t * HD + i] += ds * K[(size_t)s * HD + i];
                        dK[(size_t)s * HD + i] += ds * Q[(size_t)t * HD + i];
                    }
                }
            }
        }
}
