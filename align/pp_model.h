/* pp_model.h — a decoder-only transformer with the semantics of Hugging Face's
 * LlamaForCausalLM: configuration, parameters, forward/backward, AdamW, learning-rate
 * schedules, scoring, one-token-at-a-time decoding with a KV cache, and checkpoints in
 * the Hugging Face directory layout (config.json + model.safetensors).
 *
 * Shapes use B = batch, T = sequence length, C = hidden_size, V = vocab_size,
 * NH = num_attention_heads, NKV = num_key_value_heads, HD = head_dim,
 * I = intermediate_size, L = num_hidden_layers.
 *
 * Ownership: a pp_model owns its parameters, gradients, optimizer moments and
 * activation arena; pointers handed out by accessors stay valid until the next
 * pp_model_prepare() or pp_model_free(). The library never prints except into a
 * FILE * the caller passes. */
#ifndef PP_MODEL_H
#define PP_MODEL_H

#include <stdint.h>
#include <stdio.h>

#include "src/pp_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- configuration (config.json with LlamaForCausalLM field names) ---- */

enum { PP_ROPE_DEFAULT = 0, PP_ROPE_LINEAR = 1, PP_ROPE_LLAMA3 = 2 };
#define PP_MAX_EOS_IDS 16

typedef struct pp_llama_config {
    int vocab_size;              /* V */
    int hidden_size;             /* C */
    int intermediate_size;       /* I */
    int num_hidden_layers;       /* L */
    int num_attention_heads;     /* NH */
    int num_key_value_heads;     /* NKV (defaults to NH) */
    int head_dim;                /* HD (defaults to C / NH) */
    int max_position_embeddings; /* longest sequence the model accepts */
    float rms_norm_eps;          /* default 1e-6 */
    float rope_theta;            /* default 10000 */
    int tie_word_embeddings;     /* 1: lm_head shares model.embed_tokens.weight */
    int bos_token_id;            /* -1 when absent */
    int eos_token_id;            /* -1 when absent; the first of eos_token_ids */
    /* rope_scaling (Hugging Face's rope_type, or type in older configs): */
    int rope_kind;               /* PP_ROPE_DEFAULT (null, absent, "default"), _LINEAR, _LLAMA3 */
    float rope_factor;           /* linear and llama3: frequencies divided by it */
    float rope_low_freq_factor;  /* llama3 */
    float rope_high_freq_factor; /* llama3 */
    int rope_original_max_position_embeddings; /* llama3 */
    /* eos_token_id given as a list: every id that ends a generation (0: only eos_token_id) */
    int num_eos_token_ids;
    int eos_token_ids[PP_MAX_EOS_IDS];
} pp_llama_config;

/* Whether `id` ends a generation under `cfg` (eos_token_id or any of eos_token_ids). */
PP_API int pp_llama_config_is_eos(const pp_llama_config *cfg, int id);

/* Read config.json at `path` (model_type must be "llama" or absent;
 * architectures, when given, must include LlamaForCausalLM; rope_scaling must be
 * null, absent, or of rope_type "default", "linear" or "llama3", other kinds are
 * refused by name; hidden_act must be "silu"; attention_bias and mlp_bias must be
 * false or absent; quantization_config and partial_rotary_factor other than 1 are
 * refused; eos_token_id may be a list; bookkeeping fields (torch_dtype,
 * transformers_version, use_cache, initializer_range, pretraining_tp, which only
 * splits the matrix products, attention_dropout, which applies to training only and
 * which polyphony's training does not use, ...) are ignored). Validates with
 * pp_llama_config_validate(). Errors name the file and the field. */
PP_API pp_status pp_llama_config_load(const char *path, pp_llama_config *cfg, pp_error *err);

/* Same from a JSON text already in memory; `source` names it in errors. */
PP_API pp_status pp_llama_config_parse(const char *json_text, const char *source,
                                       pp_llama_config *cfg, pp_error *err);

/* Check the fields agree: all sizes positive, num_key_value_heads divides
 * num_attention_heads, head_dim even (RoPE pairs), rms_norm_eps > 0, rope_theta > 0,
 * token ids inside the vocabulary. Errors name `source` and the field. */
PP_API pp_status pp_llama_config_validate(const pp_llama_config *cfg, const char *source,
                                          pp_error *err);

/* Write config.json (LlamaForCausalLM field names, torch_dtype float32) to `path`. */
/* config.json's object (the fields pp_llama_config_save writes), a new jansson
 * reference the caller owns; NULL when out of memory. */
PP_API struct json_t *pp_llama_config_to_json(const pp_llama_config *cfg);

PP_API pp_status pp_llama_config_save(const pp_llama_config *cfg, const char *path,
                                      pp_error *err);

/* Number of parameters (tied head counted once). */
PP_API size_t pp_llama_config_num_params(const pp_llama_config *cfg);

/* ---- memory plan ---- */

/* Bytes of every part; total is their sum. For inference (training == 0) the
 * grads/moments are 0 and kv_cache is the cache for one sequence of T tokens;
 * training == 2 is training with recomputation (pp_model_prepare). */
typedef struct pp_memory_plan {
    size_t params;
    size_t grads;
    size_t adam_m;
    size_t adam_v;
    size_t activations; /* forward activations kept for backward + logits */
    size_t scratch;     /* backward's activation gradients */
    size_t kv_cache;
    size_t total;
    size_t adapters;    /* LoRA adapter weights (FP32); 0 without an adapter */
} pp_memory_plan;

PP_API pp_memory_plan pp_memory_plan_compute(const pp_llama_config *cfg, int B, int T,
                                             int training);

/* Print the plan, one part a line, human sizes, into `fp`. */
PP_API void pp_memory_plan_print(const pp_memory_plan *plan, FILE *fp);

/* ---- the model ---- */

typedef struct pp_model pp_model;

/* A model with all parameters zero (use pp_model_init_random or load weights). */
PP_API pp_status pp_model_new(const pp_llama_config *cfg, pp_model **out, pp_error *err);
PP_API void pp_model_free(pp_model *m);

/* The usual Llama initialization: every linear and embedding weight ~ N(0, std)
 * (std 0.02 is Hugging Face's initializer_range), RMSNorm weights 1. Deterministic
 * for a given seed whatever the thread count. */
PP_API void pp_model_init_random(pp_model *m, uint64_t seed, float std);

PP_API const pp_llama_config *pp_model_config(const pp_model *m);
PP_API size_t pp_model_num_params(const pp_model *m);

/* All parameters as one contiguous float array of pp_model_num_params() floats,
 * and (after pp_model_prepare with training) the gradients in the same layout. */
PP_API float *pp_model_params(pp_model *m);
PP_API float *pp_model_grads(pp_model *m);

/* A parameter tensor by its Hugging Face name ("model.layers.0.self_attn.q_proj.weight",
 * "lm_head.weight", ...): pointer into the params (and, if grad != NULL and
 * gradients exist, into the grads), the number of dims (1 or 2) and the shape.
 * PP_ERR_NOT_FOUND for an unknown name. For a tied model "lm_head.weight" is not
 * a tensor of its own. */
PP_API pp_status pp_model_tensor(pp_model *m, const char *name, float **data, float **grad,
                                 int *ndim, int64_t shape[2], pp_error *err);

/* Number of named tensors and the i-th name (HF order of a checkpoint). */
PP_API int pp_model_tensor_count(const pp_model *m);
PP_API const char *pp_model_tensor_name(const pp_model *m, int i);

/* Size the activation arena for batches up to B x T (T <= max_position_embeddings).
 * training != 0 also allocates gradients and AdamW moments (once, zeroed) and keeps
 * what backward needs: training == 1 every layer's activations, training == 2
 * (gradient checkpointing) only the residual stream between layers, backward running
 * each layer's forward again (the same gradients, one more forward of compute).
 * Called before the first step; nothing grows afterwards. */
PP_API pp_status pp_model_prepare(pp_model *m, int B, int T, int training, pp_error *err);

/* The plan of what pp_model_prepare allocated (its B, T, training). */
PP_API pp_memory_plan pp_model_memory_plan(const pp_model *m);

/* Forward pass. inputs: (B,T) token ids; targets: (B,T) ids or NULL (logits only);
 * a target < 0 is ignored (SFT masks). *loss (if not NULL) receives the mean
 * cross-entropy over the targets that are not ignored (0 if none). B, T must not
 * exceed the prepared sizes. Ids outside [0, V) are an error. */
PP_API pp_status pp_model_forward(pp_model *m, const int32_t *inputs, const int32_t *targets,
                                  int B, int T, float *loss, pp_error *err);

/* Logits (B,T,V) of the last forward, row-major. After a forward with targets
 * they are overwritten by the probabilities' gradient when backward runs. */
PP_API const float *pp_model_logits(const pp_model *m);

/* Number of target positions (>= 0) the last forward's loss averaged over. */
PP_API long pp_model_num_targets(const pp_model *m);

PP_API void pp_model_zero_grad(pp_model *m);

/* Backward of the last forward (which must have had targets); ADDS to the
 * gradients (so gradient accumulation is zero_grad, then K forward/backward with
 * loss_scale = 1/K). loss_scale multiplies d(loss). */
PP_API pp_status pp_model_backward(pp_model *m, float loss_scale, pp_error *err);

/* ---- optimization ---- */

typedef struct pp_adamw {
    float beta1, beta2, eps, weight_decay;
} pp_adamw;

/* Global L2 norm of the gradients. */
PP_API float pp_model_grad_norm(const pp_model *m);

/* Scale gradients so their global norm is at most max_norm (as
 * torch.nn.utils.clip_grad_norm_: factor max_norm / (norm + 1e-6) when below 1).
 * Returns the norm before clipping. max_norm <= 0: no clipping. */
PP_API float pp_model_clip_grad_norm(pp_model *m, float max_norm);

/* One AdamW update as torch.optim.AdamW: decoupled weight decay p -= lr*wd*p,
 * bias-corrected moments. `step` is the 1-based number of this update. Weight decay
 * applies to every tensor (as torch with one parameter group) unless
 * decay_norms == 0, in which case RMSNorm weights are not decayed. */
PP_API void pp_model_adamw_step(pp_model *m, const pp_adamw *opt, float lr, long step,
                                int decay_norms);

/* AdamW moments (contiguous, same layout as params); NULL before a training prepare. */
PP_API float *pp_model_adam_m(pp_model *m);
PP_API float *pp_model_adam_v(pp_model *m);

typedef enum pp_lr_schedule {
    PP_LR_CONSTANT = 0,
    PP_LR_COSINE,
    PP_LR_LINEAR
} pp_lr_schedule;

/* "constant", "cosine", "linear" -> schedule; PP_ERR_INVALID naming the value. */
PP_API pp_status pp_lr_schedule_parse(const char *name, pp_lr_schedule *out, pp_error *err);

/* Learning rate of 0-based `step` of `total` steps: linear warmup from lr/warmup to
 * lr over the first `warmup` steps (step+1)/warmup, then constant, cosine decay to
 * min_lr, or linear decay to min_lr at `total`. */
PP_API float pp_lr_at(pp_lr_schedule s, float lr, float min_lr, long step, long warmup,
                      long total);

/* ---- using a model ---- */

/* Log-probabilities of a sequence: out[i] = log p(ids[i+1] | ids[0..i]) for
 * i in [0, n-1). Needs n >= 2; when the prepared arena is smaller than 1 x (n-1) it is
 * prepared again for that size (keeping the training flag). n - 1 must not exceed
 * max_position_embeddings. Overwrites the logits of the last forward. */
PP_API pp_status pp_model_logprobs(pp_model *m, const int32_t *ids, int n, float *out,
                                   pp_error *err);

/* A key/value cache for one sequence of up to max_len tokens. */
typedef struct pp_kv_cache pp_kv_cache;

PP_API pp_status pp_kv_cache_new(const pp_model *m, int max_len, pp_kv_cache **out,
                                 pp_error *err);
PP_API void pp_kv_cache_free(pp_kv_cache *c);
PP_API void pp_kv_cache_reset(pp_kv_cache *c);
PP_API int pp_kv_cache_len(const pp_kv_cache *c);

/* Feed one token at the next position of the cache; logits (V floats) receive the
 * distribution of the token after it (logits NULL: not computed, for prompt tokens
 * before the last, which saves the output layer). PP_ERR_INVALID when the cache is
 * full or the id is outside the vocabulary. */
PP_API pp_status pp_model_decode(pp_model *m, pp_kv_cache *c, int32_t token, float *logits,
                                 pp_error *err);

/* Feed n tokens (a prompt) at the next positions of the cache, as n calls of
 * pp_model_decode would, but a chunk of tokens at a time through matrix-matrix
 * products; logits (V floats, or NULL) receive the distribution after the last.
 * PP_ERR_INVALID when they do not fit the cache or an id is outside the vocabulary
 * (nothing is fed then). */
PP_API pp_status pp_model_prefill(pp_model *m, pp_kv_cache *c, const int32_t *tokens, int n,
                                  float *logits, pp_error *err);

/* Choosing the next token. temperature <= 0 (or top_k == 1) is greedy: the first
 * highest logit. Otherwise softmax(logits / temperature), restricted to the top_k
 * most probable tokens (0 = all), then to the smallest prefix of them whose
 * probability reaches top_p (1 or 0 = all; at least one token is kept). */
typedef struct pp_sampler {
    float temperature;
    int top_k;
    float top_p;
} pp_sampler;

/* Draw a token from logits (V floats) with the sampler `s` (NULL: greedy). *rng is a
 * splitmix64 state (any value, e.g. the seed) advanced by one step per draw.
 * PP_ERR_INVALID for top_p outside [0, 1] or top_k < 0. */
PP_API pp_status pp_sample_token(const float *logits, int V, const pp_sampler *s, uint64_t *rng,
                                 int32_t *out, pp_error *err);

/* ---- generation_config.json ---- */

/* What a checkpoint's generation_config.json sets, as Hugging Face's GenerationConfig
 * names it. Absent fields are -1 (ids, do_sample, top_k, max_new_tokens) or a
 * negative float (temperature, top_p). With do_sample true, an absent temperature,
 * top_k or top_p takes GenerationConfig's default (1, 50, 1). Other fields
 * (max_length, transformers_version, ...) are ignored. */
typedef struct pp_generation_config {
    int present;               /* the file exists */
    int bos_token_id;
    int pad_token_id;
    int eos_token_id;          /* the first of eos_token_ids */
    int num_eos_token_ids;     /* eos_token_id given as a list (0: only eos_token_id) */
    int eos_token_ids[PP_MAX_EOS_IDS];
    int do_sample;
    float temperature;
    int top_k;
    float top_p;
    long max_new_tokens;
} pp_generation_config;

/* Read generation_config.json at `path`. A missing file is not an error: *g is all
 * absent with present = 0. Ids must be inside cfg's vocabulary (cfg may be NULL:
 * only non-negative). Errors name the file and the field. */
PP_API pp_status pp_generation_config_load(const char *path, const pp_llama_config *cfg,
                                           pp_generation_config *g, pp_error *err);

/* The same from a JSON text in memory; `source` names it in errors. */
PP_API pp_status pp_generation_config_parse(const char *json_text, const char *source,
                                            const pp_llama_config *cfg, pp_generation_config *g,
                                            pp_error *err);

/* ---- checkpoints (Hugging Face layout) ---- */

/* Load DIR/config.json and DIR/model.safetensors, or the shards listed in
 * DIR/model.safetensors.index.json. F32, F16 and BF16 tensors are accepted.
 * Every expected tensor must be present with the config's shape; errors name the
 * file and the tensor. */
PP_API pp_status pp_model_load(const char *dir, pp_model **out, pp_error *err);

/* Load a checkpoint as a frozen BF16 base (half the memory of F32): BF16 tensors
 * are kept exactly, F32/F16 ones rounded to nearest even. Such a model trains only
 * through a LoRA adapter (align/pp_lora.h); forward and backward convert one layer's
 * weights at a time to F32 into one scratch buffer. pp_model_params() is NULL and
 * saving, decoding, pp_model_tensor() and merging need an F32 model. */
PP_API pp_status pp_model_load_bf16(const char *dir, pp_model **out, pp_error *err);
/* Convert a model's weights to a BF16 base (rounding to nearest even). */
PP_API pp_status pp_model_to_bf16(pp_model *m, pp_error *err);
PP_API int pp_model_is_bf16(const pp_model *m);

/* Write DIR/config.json, DIR/generation_config.json and DIR/model.safetensors
 * (F32, Hugging Face names). DIR is created if missing; files are written under
 * temporary names and renamed when complete. */
PP_API pp_status pp_model_save(const pp_model *m, const char *dir, pp_error *err);

/* Training state for resuming, DIR/training_state.bin (format in align/README.md):
 * the step count, the data position, the RNG state, and the AdamW moments of `m`. */
typedef struct pp_train_state {
    int64_t step;        /* updates done */
    int64_t data_pos;    /* caller-defined position in the data (e.g. rows consumed) */
    uint64_t rng[4];     /* caller's RNG state */
} pp_train_state;

PP_API pp_status pp_train_state_save(const pp_model *m, const pp_train_state *st,
                                     const char *dir, pp_error *err);
/* m must have been prepared for training (the moments are read into it). */
PP_API pp_status pp_train_state_load(pp_model *m, pp_train_state *st, const char *dir,
                                     pp_error *err);

#ifdef __cplusplus
}
#endif
#endif
