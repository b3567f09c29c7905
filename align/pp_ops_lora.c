/* pp_ops_lora.c — the LoRA update of a linear layer, forward and backward side by
 * side, each cblas kernel with a naive reference beside it (shapes in
 * pp_lora_internal.h). The low-rank product is applied as two thin matmuls: the
 * (OUT,IN) matrix B A is never formed. */
#include "config.h"
#include "align/pp_lora_internal.h"

#include <cblas.h>

void pp_op_lora_forward(float *out, float *u, const float *x, const float *A, const float *B,
                        int N, int IN, int OUT, int r, float scale)
{
    /* u (N,r) = x (N,IN) @ A^T */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, r, IN, 1.0f, x, IN, A, IN, 0.0f, u,
                r);
    /* out (N,OUT) += scale * u @ B^T */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, OUT, r, scale, u, r, B, r, 1.0f, out,
                OUT);
}

void pp_op_lora_forward_naive(float *out, float *u, const float *x, const float *A,
                              const float *B, int N, int IN, int OUT, int r, float scale)
{
    for (int n = 0; n < N; n++) {
        for (int j = 0; j < r; j++) {
            double s = 0.0;
            for (int i = 0; i < IN; i++)
                s += (double)x[(size_t)n * IN + i] * A[(size_t)j * IN + i];
            u[(size_t)n * r + j] = (float)s;
        }
        for (int o = 0; o < OUT; o++) {
            double s = 0.0;
            for (int j = 0; j < r; j++)
                s += (double)u[(size_t)n * r + j] * B[(size_t)o * r + j];
            out[(size_t)n * OUT + o] += scale * (float)s;
        }
    }
}

void pp_op_lora_backward(float *dx, float *dA, float *dB, float *du, const float *dout,
                         const float *x, const float *u, const float *A, const float *B, int N,
                         int IN, int OUT, int r, float scale, int accumulate)
{
    /* du (N,r) = scale * dout (N,OUT) @ B (OUT,r) */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, r, OUT, scale, dout, OUT, B, r,
                0.0f, du, r);
    /* dB (OUT,r) += scale * dout^T (OUT,N) @ u (N,r) */
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, OUT, r, N, scale, dout, OUT, u, r, 1.0f,
                dB, r);
    /* dA (r,IN) += du^T (r,N) @ x (N,IN) */
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, r, IN, N, 1.0f, du, r, x, IN, 1.0f, dA,
                IN);
    /* dx (N,IN) (+)= du (N,r) @ A (r,IN) */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, IN, r, 1.0f, du, r, A, IN,
                accumulate ? 1.0f : 0.0f, dx, IN);
}

void pp_op_lora_backward_naive(float *dx, float *dA, float *dB, float *du, const float *dout,
                               const float *x, const float *u, const float *A, const float *B,
                               int N, int IN, int OUT, int r, float scale, int accumulate)
{
    for (int n = 0; n < N; n++)
        for (int j = 0; j < r; j++) {
            double s = 0.0;
            for (int o = 0; o < OUT; o++)
                s += (double)dout[(size_t)n * OUT + o] * B[(size_t)o * r + j];
            du[(size_t)n * r + j] = scale * (float)s;
        }
    for (int o = 0; o < OUT; o++)
        for (int j = 0; j < r; j++) {
            double s = 0.0;
            for (int n = 0; n < N; n++)
                s += (double)dout[(size_t)n * OUT + o] * u[(size_t)n * r + j];
            dB[(size_t)o * r + j] += scale * (float)s;
        }
    for (int j = 0; j < r; j++)
        for (int i = 0; i < IN; i++) {
            double s = 0.0;
            for (int n = 0; n < N; n++)
                s += (double)du[(size_t)n * r + j] * x[(size_t)n * IN + i];
            dA[(size_t)j * IN + i] += (float)s;
        }
    for (int n = 0; n < N; n++)
        for (int i = 0; i < IN; i++) {
            double s = 0.0;
            for (int j = 0; j < r; j++)
                s += (double)du[(size_t)n * r + j] * A[(size_t)j * IN + i];
            float *d = dx + (size_t)n * IN + i;
            *d = accumulate ? *d + (float)s : (float)s;
        }
}
