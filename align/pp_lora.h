/* pp_lora.h — low-rank adapters (LoRA, Hu et al. 2021) on the linear layers of the
 * Llama model, in the layout of the PEFT library.
 *
 * A targeted linear y = W x (W (out,in), frozen) becomes
 *     y = W x + (alpha / r) B (A drop(x))
 * with A (r,in), B (out,r) trained in FP32 and drop() the dropout PEFT applies to the
 * adapter's input only. W + BA is never materialized during training.
 * Initialization as PEFT's default: A kaiming-uniform with a = sqrt(5), i.e.
 * U(-1/sqrt(in), 1/sqrt(in)), and B = 0, so a fresh adapter leaves the model as it is.
 *
 * While an adapter is attached to a model, the model's trainable parameters are the
 * adapter's: pp_model_zero_grad, pp_model_backward, pp_model_grad_norm,
 * pp_model_clip_grad_norm, pp_model_adamw_step, pp_model_grads, pp_model_adam_m/v and
 * the training state act on them (pp_model_num_trainable counts them), and
 * pp_model_prepare allocates no gradients or moments for the frozen base.
 *
 * Checkpoint of an adapter (a directory): adapter_config.json with PEFT's fields and
 * adapter_model.safetensors with tensors named
 *   base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight  (r, in)
 *   base_model.model.model.layers.N.self_attn.q_proj.lora_B.weight  (out, r)
 * (mlp.gate_proj, mlp.up_proj, mlp.down_proj likewise). */
#ifndef PP_LORA_H
#define PP_LORA_H

#include <stdint.h>

#include "align/pp_model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The linear layers an adapter may target, by their Hugging Face module names. */
typedef enum pp_lora_target {
    PP_LORA_Q = 0, /* self_attn.q_proj */
    PP_LORA_K,     /* self_attn.k_proj */
    PP_LORA_V,     /* self_attn.v_proj */
    PP_LORA_O,     /* self_attn.o_proj */
    PP_LORA_GATE,  /* mlp.gate_proj */
    PP_LORA_UP,    /* mlp.up_proj */
    PP_LORA_DOWN,  /* mlp.down_proj */
    PP_LORA_NTARGETS
} pp_lora_target;

/* Every linear layer of the blocks: what QLoRA-style recipes and PEFT users
 * fine-tuning Llama models usually target. */
#define PP_LORA_DEFAULT_TARGETS "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj"

typedef struct pp_lora_config {
    int r;             /* rank, 1 .. min(in, out) of every targeted layer */
    float alpha;       /* lora_alpha; the update is scaled by alpha / r */
    float dropout;     /* lora_dropout in [0, 1) */
    unsigned targets;  /* bit (1u << pp_lora_target) per targeted module */
} pp_lora_config;

/* "q_proj,v_proj" -> bit mask. PP_ERR_INVALID naming an unknown module. */
PP_API pp_status pp_lora_targets_parse(const char *list, unsigned *mask, pp_error *err);
/* Module name of a target ("q_proj"). */
PP_API const char *pp_lora_target_name(pp_lora_target t);

/* Check an adapter configuration against a model configuration (the errors of
 * pp_lora_attach, before anything is allocated). */
PP_API pp_status pp_lora_config_check(const pp_llama_config *mc, const pp_lora_config *c,
                                      pp_error *err);

/* Attach a fresh adapter (PEFT initialization from `seed`) to m, replacing any.
 * Errors: rank 0 or larger than min(in, out) of a targeted layer (naming it), no
 * targets, dropout outside [0, 1). Call before pp_model_prepare for training, or
 * prepare again afterwards. */
PP_API pp_status pp_lora_attach(pp_model *m, const pp_lora_config *c, uint64_t seed,
                                pp_error *err);

/* Attach the adapter in DIR (adapter_config.json + adapter_model.safetensors).
 * Errors name the file and the field or tensor: peft_type other than LORA, a
 * task_type other than CAUSAL_LM, unknown target modules, fan_in_fan_out, a bias
 * other than "none", a tensor missing or whose shape does not match the model. */
PP_API pp_status pp_lora_load(pp_model *m, const char *dir, pp_error *err);

/* Write DIR/adapter_config.json and DIR/adapter_model.safetensors (F32). `base`
 * (may be NULL) is written as base_model_name_or_path. DIR is created if missing. */
PP_API pp_status pp_lora_save(const pp_model *m, const char *dir, const char *base,
                              pp_error *err);

/* base_model_name_or_path of DIR/adapter_config.json into buf ("" when null). */
PP_API pp_status pp_lora_base_path(const char *dir, char *buf, size_t n, pp_error *err);

/* W += (alpha / r) B A for every adapted layer, then detach the adapter. */
PP_API pp_status pp_lora_merge(pp_model *m, pp_error *err);

/* Remove the adapter (no-op without one). */
PP_API void pp_lora_detach(pp_model *m);

/* The attached adapter's configuration, NULL without one. */
PP_API const pp_lora_config *pp_model_lora(const pp_model *m);

/* Adapter tensors by PEFT name (see above): pointer to the values and (after a
 * training prepare) the gradient; shape (r,in) or (out,r). PP_ERR_NOT_FOUND. */
PP_API pp_status pp_lora_tensor(pp_model *m, const char *name, float **data, float **grad,
                                int64_t shape[2], pp_error *err);

/* Seed of the dropout masks of the next forward passes with targets (each forward
 * with targets draws new masks from it and advances it by one). */
PP_API void pp_lora_set_dropout_seed(pp_model *m, uint64_t seed);

/* Number of trainable parameters: the adapter's when one is attached, else all. */
PP_API size_t pp_model_num_trainable(const pp_model *m);

/* The memory plan of LoRA training with rank r on every target of `targets`:
 * frozen weights in their dtype (bytes_per_weight 4 or 2), the adapters, their
 * gradients and AdamW moments, activations (one layer's with recompute != 0) and
 * activation gradients. */
PP_API pp_memory_plan pp_lora_memory_plan(const pp_llama_config *cfg, int r, unsigned targets,
                                          int B, int T, int bytes_per_weight, int recompute);

#ifdef __cplusplus
}
#endif
#endif
