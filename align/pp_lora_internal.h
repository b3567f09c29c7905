/* pp_lora_internal.h — the adapter attached to a pp_model, the hooks the model's
 * linear layers call, and the LoRA kernels (not installed). */
#ifndef PP_LORA_INTERNAL_H
#define PP_LORA_INTERNAL_H

#include "align/pp_lora.h"

/* Tensors of layer l, target t: A (r,in) at a_off[l*7+t], B (out,r) right after it,
 * in one parameter block; gradients and AdamW moments in blocks of the same layout. */
struct pp_lora {
    pp_lora_config cfg;
    float scale;                          /* alpha / r */
    int L;
    int in[PP_LORA_NTARGETS], out[PP_LORA_NTARGETS];
    size_t *a_off;                        /* (L*7) offsets in floats; only targeted ones used */
    size_t n;                             /* floats of the block */
    float *params, *grads, *adam_m, *adam_v; /* one allocation each (grads and moments
                                                only after a training prepare) */
    /* what forward keeps for backward, sized by pp_lora_prepare */
    int capN;
    float *u;      /* (L,7,capN,r) A drop(x) of every adapted layer */
    float *xd;     /* (capN, max in) dropped input, then its gradient (scratch) */
    float *du;     /* (capN, r) scratch */
    uint64_t seed; /* next forward's dropout seed */
    uint64_t mask_seed; /* the masks of the last forward with targets */
    int drop_on;   /* the last forward applied dropout */
};

/* Size the kept activations for N rows; training allocates gradients and moments
 * (zeroed, once). */
pp_status pp_lora_prepare(struct pp_lora *lo, int N, int training, pp_error *err);
void pp_lora_free(struct pp_lora *lo);

/* The hooks, called right after the base layer's matmul (forward) and matmul backward:
 * out (N,out) += scale B A drop(x); x (N,in) is the layer input.
 * dx (N,in) += the adapter's share of the input gradient; dA, dB accumulate. */
void pp_lora_forward_hook(struct pp_lora *lo, int layer, int target, float *out,
                          const float *x, int N);
/* Called once at the start of a forward: dropout (if the adapter has any) is applied
 * when with_dropout, with new masks. */
void pp_lora_begin_forward(struct pp_lora *lo, int with_dropout);
void pp_lora_backward_hook(struct pp_lora *lo, int layer, int target, float *dx,
                           const float *dout, const float *x, int N);

/* ---- kernels (x is the adapter's input after dropout) ----
 * forward:  u (N,r) = x (N,IN) @ A^T (r,IN);  out (N,OUT) += scale * u @ B^T (OUT,r)
 * backward: du (N,r) = scale * dout (N,OUT) @ B;  dB (OUT,r) += scale * dout^T @ u;
 *           dA (r,IN) += du^T @ x;  dx (N,IN) (= or += when accumulate) du @ A */
void pp_op_lora_forward(float *out, float *u, const float *x, const float *A, const float *B,
                        int N, int IN, int OUT, int r, float scale);
void pp_op_lora_forward_naive(float *out, float *u, const float *x, const float *A,
                              const float *B, int N, int IN, int OUT, int r, float scale);
void pp_op_lora_backward(float *dx, float *dA, float *dB, float *du, const float *dout,
                         const float *x, const float *u, const float *A, const float *B, int N,
                         int IN, int OUT, int r, float scale, int accumulate);
void pp_op_lora_backward_naive(float *dx, float *dA, float *dB, float *du, const float *dout,
                               const float *x, const float *u, const float *A, const float *B,
                               int N, int IN, int OUT, int r, float scale, int accumulate);

#endif
