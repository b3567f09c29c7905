/* pp_ops.h — the layers of the Llama model, forward and backward side by side,
 * each fast kernel with a naive reference beside it (private to the library;
 * not exported: tests/check_model.c compiles them in).
 *
 * N = B*T rows. Tensors are row-major float; shapes are in the comments.
 * Backward functions ADD into parameter gradients (dw) and, where stated, into
 * input gradients; "=" in a comment means overwrite. */
#ifndef PP_OPS_H
#define PP_OPS_H

#include <stdint.h>

#include "src/pp_common.h"

/* Loops over fewer elements than this run on one thread: waking a team costs more
 * than it saves, and idle OpenMP threads compete with the BLAS threads. */
#define PP_OMP_MIN_WORK 32768L

/* ---- embedding: out[n] = wte[ids[n]] ---- */
/* out (N,C) = ; ids (N); wte (V,C) */
void pp_op_embedding_forward(float *out, const int32_t *ids, const float *wte, int N, int C);
/* dwte (V,C) += scatter of dout (N,C) */
void pp_op_embedding_backward(float *dwte, const float *dout, const int32_t *ids, int N,
                                     int C);

/* ---- RMSNorm: out = x / sqrt(mean(x^2) + eps) * w ---- */
/* out (N,C) = ; rstd (N) = ; x (N,C); w (C) */
void pp_op_rmsnorm_forward(float *out, float *rstd, const float *x, const float *w, int N,
                                  int C, float eps);
/* dx (N,C) += ; dw (C) += ; dout (N,C); x (N,C); rstd (N); w (C) */
void pp_op_rmsnorm_backward(float *dx, float *dw, const float *dout, const float *x,
                                   const float *rstd, const float *w, int N, int C);

/* ---- linear without bias: out = inp @ w^T ---- */
/* out (N,OC) = ; inp (N,IC); w (OC,IC) — cblas_sgemm */
void pp_op_matmul_forward(float *out, const float *inp, const float *w, int N, int IC,
                                 int OC);
void pp_op_matmul_forward_naive(float *out, const float *inp, const float *w, int N,
                                       int IC, int OC);
/* dinp (N,IC) = (accumulate != 0: +=) dout @ w; dw (OC,IC) += dout^T @ inp.
 * dinp or dw may be NULL to skip it. */
void pp_op_matmul_backward(float *dinp, float *dw, const float *dout, const float *inp,
                                  const float *w, int N, int IC, int OC, int accumulate);
void pp_op_matmul_backward_naive(float *dinp, float *dw, const float *dout,
                                        const float *inp, const float *w, int N, int IC, int OC,
                                        int accumulate);

/* ---- rotary position embedding, Hugging Face rotate-half layout ---- */
/* cos, sin (T, HD/2) = tables for positions 0..T-1 with base theta */
void pp_op_rope_tables(float *cos_t, float *sin_t, int T, int HD, float theta);
/* the same from the frequencies inv (HD/2): angle of (t, i) = t * inv[i] in float */
void pp_op_rope_tables_freq(float *cos_t, float *sin_t, int T, int HD, const float *inv);
/* out (B,H,T,HD) = rope(inp (B,T,H,HD)), position of row t is t. Also the layout change
 * from the projection's (token, head) to attention's (head, token). */
void pp_op_rope_forward(float *out, const float *inp, const float *cos_t,
                               const float *sin_t, int B, int T, int H, int HD);
/* dinp (B,T,H,HD) = rope^T(dout (B,H,T,HD)) */
void pp_op_rope_backward(float *dinp, const float *dout, const float *cos_t,
                                const float *sin_t, int B, int T, int H, int HD);
/* out (B,H,T,HD) = inp (B,T,H,HD) transposed; and back (used for v and its gradient) */
void pp_op_heads_split(float *out, const float *inp, int B, int T, int H, int HD);
void pp_op_heads_merge(float *out, const float *inp, int B, int T, int H, int HD);

/* ---- causal self-attention with grouped key/value heads ---- */
/* q (B,NH,T,HD); k, v (B,NKV,T,HD); att (B,NH,T,T) = softmax probs (upper triangle 0);
 * out (B,T,NH*HD) = ; scale = 1/sqrt(HD). Query head h reads kv head h / (NH/NKV).
 * The fast kernel also needs yh (B,NH,T,HD) as scratch. */
void pp_op_attention_forward(float *out, float *att, float *yh, const float *q,
                                    const float *k, const float *v, int B, int T, int NH,
                                    int NKV, int HD);
void pp_op_attention_forward_naive(float *out, float *att, const float *q,
                                          const float *k, const float *v, int B, int T, int NH,
                                          int NKV, int HD);
/* dq (B,NH,T,HD) = ; dk, dv (B,NKV,T,HD) = ; dout (B,T,NH*HD); scratch: (NH/NKV)*T*T
 * floats (fast kernel only; pp_op_attention_scratch_floats says how many). */
void pp_op_attention_backward(float *dq, float *dk, float *dv, float *scratch,
                                     const float *dout, const float *att, const float *q,
                                     const float *k, const float *v, int B, int T, int NH,
                                     int NKV, int HD);
void pp_op_attention_backward_naive(float *dq, float *dk, float *dv, const float *dout,
                                           const float *att, const float *q, const float *k,
                                           const float *v, int B, int T, int NH, int NKV,
                                           int HD);
size_t pp_op_attention_scratch_floats(int T, int NH, int NKV);

/* ---- SwiGLU: h = silu(gate) * up ---- */
/* h (N,I) = ; gate, up (N,I) */
void pp_op_swiglu_forward(float *h, const float *gate, const float *up, long n);
/* dgate, dup (N,I) = ; dh (N,I) */
void pp_op_swiglu_backward(float *dgate, float *dup, const float *dh, const float *gate,
                                  const float *up, long n);

/* ---- residual: out = a + b; backward passes dout to both ---- */
void pp_op_residual_forward(float *out, const float *a, const float *b, long n);
/* d (n) += dout */
void pp_op_add_inplace(float *d, const float *dout, long n);

/* ---- cross-entropy over logits (N,V), targets < 0 ignored ---- */
/* losses (N) = per-row loss (0 for ignored rows); returns the number of targets counted */
long pp_op_crossentropy_forward(float *losses, const float *logits, const int32_t *targets,
                                       int N, int V);
/* logits (N,V) are replaced by d(loss)/d(logits) for loss = dloss * sum(losses) / count:
 * (softmax - onehot) * dloss / count on counted rows, 0 on ignored ones. */
void pp_op_crossentropy_backward(float *logits, const int32_t *targets, int N, int V,
                                        long count, float dloss);

/* log-softmax of one row, in place (V) */
void pp_op_log_softmax_row(float *row, int V);

#endif
