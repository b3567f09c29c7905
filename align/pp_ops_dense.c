/* pp_ops_dense.c — embedding, RMSNorm, linear, SwiGLU, residual and cross-entropy,
 * forward and backward side by side (shapes in pp_ops.h). */
#include "config.h"
#include "align/pp_ops.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

/* ---- embedding ---- */

void pp_op_embedding_forward(float *out, const int32_t *ids, const float *wte, int N, int C)
{
#pragma omp parallel for if ((long)N * C >= PP_OMP_MIN_WORK) schedule(static)
    for (int n = 0; n < N; n++)
        memcpy(out + (size_t)n * C, wte + (size_t)ids[n] * C, sizeof(float) * (size_t)C);
}

void pp_op_embedding_backward(float *dwte, const float *dout, const int32_t *ids, int N, int C)
{
    /* rows may repeat ids: serial over rows keeps the sum race-free and in a fixed order */
    for (int n = 0; n < N; n++) {
        float *d = dwte + (size_t)ids[n] * C;
        const float *g = dout + (size_t)n * C;
        for (int c = 0; c < C; c++)
            d[c] += g[c];
    }
}

/* ---- RMSNorm ---- */

void pp_op_rmsnorm_forward(float *out, float *rstd, const float *x, const float *w, int N, int C,
                           float eps)
{
#pragma omp parallel for if ((long)N * C >= PP_OMP_MIN_WORK) schedule(static)
    for (int n = 0; n < N; n++) {
        const float *xn = x + (size_t)n * C;
        float *on = out + (size_t)n * C;
        float ss = 0.0f;
        for (int c = 0; c < C; c++)
            ss += xn[c] * xn[c];
        float r = 1.0f / sqrtf(ss / (float)C + eps);
        rstd[n] = r;
        for (int c = 0; c < C; c++)
            on[c] = xn[c] * r * w[c];
    }
}

void pp_op_rmsnorm_backward(float *dx, float *dw, const float *dout, const float *x,
                            const float *rstd, const float *w, int N, int C)
{
    /* y = x r w, r = (mean(x^2)+eps)^-1/2:
     * dx = r (w dy) - r^3 / C * x * sum_c(w dy x);  dw += sum_n dy x r */
#pragma omp parallel for if ((long)N * C >= PP_OMP_MIN_WORK) schedule(static)
    for (int n = 0; n < N; n++) {
        const float *xn = x + (size_t)n * C, *gn = dout + (size_t)n * C;
        float *dxn = dx + (size_t)n * C;
        float r = rstd[n], dot = 0.0f;
        for (int c = 0; c < C; c++)
            dot += w[c] * gn[c] * xn[c];
        float k = r * r * r * dot / (float)C;
        for (int c = 0; c < C; c++)
            dxn[c] += r * w[c] * gn[c] - k * xn[c];
    }
    if (!dw) /* a frozen weight */
        return;
    /* the weight gradient sums over rows: split by channel so threads never share a sum */
#pragma omp parallel for if ((long)N * C >= PP_OMP_MIN_WORK) schedule(static)
    for (int c = 0; c < C; c++) {
        float s = 0.0f;
        for (int n = 0; n < N; n++)
            s += dout[(size_t)n * C + c] * x[(size_t)n * C + c] * rstd[n];
        dw[c] += s;
    }
}

/* ---- linear ---- */

void pp_op_matmul_forward(float *out, const float *inp, const float *w, int N, int IC, int OC)
{
    if (N == 1) { /* one token (decoding): a matrix-vector product */
        cblas_sgemv(CblasRowMajor, CblasNoTrans, OC, IC, 1.0f, w, IC, inp, 1, 0.0f, out, 1);
        return;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, OC, IC, 1.0f, inp, IC, w, IC, 0.0f,
                out, OC);
}

void pp_op_matmul_forward_naive(float *out, const float *inp, const float *w, int N, int IC,
                                int OC)
{
    for (int n = 0; n < N; n++)
        for (int o = 0; o < OC; o++) {
            double s = 0.0;
            for (int i = 0; i < IC; i++)
                s += (double)inp[(size_t)n * IC + i] * w[(size_t)o * IC + i];
            out[(size_t)n * OC + o] = (float)s;
        }
}

void pp_op_matmul_backward(float *dinp, float *dw, const float *dout, const float *inp,
                           const float *w, int N, int IC, int OC, int accumulate)
{
    if (dinp) /* (N,IC) = dout (N,OC) @ w (OC,IC) */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, IC, OC, 1.0f, dout, OC, w, IC,
                    accumulate ? 1.0f : 0.0f, dinp, IC);
    if (dw) /* (OC,IC) += dout^T (OC,N) @ inp (N,IC) */
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, OC, IC, N, 1.0f, dout, OC, inp, IC,
                    1.0f, dw, IC);
}

void pp_op_matmul_backward_naive(float *dinp, float *dw, const float *dout, const float *inp,
                                 const float *w, int N, int IC, int OC, int accumulate)
{
    if (dinp)
        for (int n = 0; n < N; n++)
            for (int i = 0; i < IC; i++) {
                double s = 0.0;
                for (int o = 0; o < OC; o++)
                    s += (double)dout[(size_t)n * OC + o] * w[(size_t)o * IC + i];
                float *d = dinp + (size_t)n * IC + i;
                *d = accumulate ? *d + (float)s : (float)s;
            }
    if (dw)
        for (int o = 0; o < OC; o++)
            for (int i = 0; i < IC; i++) {
                double s = 0.0;
                for (int n = 0; n < N; n++)
                    s += (double)dout[(size_t)n * OC + o] * inp[(size_t)n * IC + i];
                dw[(size_t)o * IC + i] += (float)s;
            }
}

/* ---- SwiGLU ---- */

void pp_op_swiglu_forward(float *h, const float *gate, const float *up, long n)
{
#pragma omp parallel for if (n >= PP_OMP_MIN_WORK) schedule(static)
    for (long i = 0; i < n; i++) {
        float g = gate[i];
        h[i] = g / (1.0f + expf(-g)) * up[i];
    }
}

void pp_op_swiglu_backward(float *dgate, float *dup, const float *dh, const float *gate,
                           const float *up, long n)
{
    /* silu'(g) = s (1 + g (1 - s)), s = sigmoid(g) */
#pragma omp parallel for if (n >= PP_OMP_MIN_WORK) schedule(static)
    for (long i = 0; i < n; i++) {
        float g = gate[i], s = 1.0f / (1.0f + expf(-g));
        dup[i] = dh[i] * g * s;
        dgate[i] = dh[i] * up[i] * s * (1.0f + g * (1.0f - s));
    }
}

/* ---- residual ---- */

void pp_op_residual_forward(float *out, const float *a, const float *b, long n)
{
#pragma omp parallel for if (n >= PP_OMP_MIN_WORK) schedule(static)
    for (long i = 0; i < n; i++)
        out[i] = a[i] + b[i];
}

void pp_op_add_inplace(float *d, const float *dout, long n)
{
#pragma omp parallel for if (n >= PP_OMP_MIN_WORK) schedule(static)
    for (long i = 0; i < n; i++)
        d[i] += dout[i];
}

/* ---- cross-entropy ---- */

void pp_op_log_softmax_row(float *row, int V)
{
    float mx = row[0];
    for (int v = 1; v < V; v++)
        mx = row[v] > mx ? row[v] : mx;
    double s = 0.0;
    for (int v = 0; v < V; v++)
        s += exp((double)(row[v] - mx));
    float lse = mx + (float)log(s);
    for (int v = 0; v < V; v++)
        row[v] -= lse;
}

long pp_op_crossentropy_forward(float *losses, const float *logits, const int32_t *targets, int N,
                                int V)
{
    long count = 0;
#pragma omp parallel for if ((long)N * V >= PP_OMP_MIN_WORK) schedule(static) reduction(+ : count)
    for (int n = 0; n < N; n++) {
        if (targets[n] < 0) {
            losses[n] = 0.0f;
            continue;
        }
        const float *row = logits + (size_t)n * V;
        float mx = row[0];
        for (int v = 1; v < V; v++)
            mx = row[v] > mx ? row[v] : mx;
        float s = 0.0f;
        for (int v = 0; v < V; v++)
            s += expf(row[v] - mx);
        losses[n] = mx + logf(s) - row[targets[n]];
        count++;
    }
    return count;
}

void pp_op_crossentropy_backward(float *logits, const int32_t *targets, int N, int V, long count,
                                 float dloss)
{
    float scale = count > 0 ? dloss / (float)count : 0.0f;
#pragma omp parallel for if ((long)N * V >= PP_OMP_MIN_WORK) schedule(static)
    for (int n = 0; n < N; n++) {
        float *row = logits + (size_t)n * V;
        if (targets[n] < 0) {
            memset(row, 0, sizeof(float) * (size_t)V);
            continue;
        }
        float mx = row[0];
        for (int v = 1; v < V; v++)
            mx = row[v] > mx ? row[v] : mx;
        float s = 0.0f;
        for (int v = 0; v < V; v++) {
            row[v] = expf(row[v] - mx);
            s += row[v];
        }
        float inv = scale / s;
        for (int v = 0; v < V; v++)
            row[v] *= inv;
        row[targets[n]] -= scale;
    }
}
