/* pp_model_internal.h — the model struct shared by the files of align/ (not installed). */
#ifndef PP_MODEL_INTERNAL_H
#define PP_MODEL_INTERNAL_H

#include "align/pp_model.h"

/* Parameter kinds; each is one slice of the parameter block holding all layers. */
enum {
    PK_WTE,   /* (V,C)           model.embed_tokens.weight */
    PK_LN1,   /* (L,C)           model.layers.N.input_layernorm.weight */
    PK_WQ,    /* (L,NH*HD,C)     ...self_attn.q_proj.weight */
    PK_WK,    /* (L,NKV*HD,C)    ...self_attn.k_proj.weight */
    PK_WV,    /* (L,NKV*HD,C)    ...self_attn.v_proj.weight */
    PK_WO,    /* (L,C,NH*HD)     ...self_attn.o_proj.weight */
    PK_LN2,   /* (L,C)           ...post_attention_layernorm.weight */
    PK_WGATE, /* (L,I,C)         ...mlp.gate_proj.weight */
    PK_WUP,   /* (L,I,C)         ...mlp.up_proj.weight */
    PK_WDOWN, /* (L,C,I)         ...mlp.down_proj.weight */
    PK_LNF,   /* (C)             model.norm.weight */
    PK_HEAD,  /* (V,C)           lm_head.weight (absent when tied) */
    PK_COUNT
};

/* One named tensor of a checkpoint: where it lives in the parameter block. */
typedef struct pp_named_tensor {
    char name[96];
    size_t offset; /* in floats from the start of the parameter block */
    int ndim;
    int64_t shape[2];
    int is_norm;
} pp_named_tensor;

/* Activations kept by forward (per layer when training, one slot otherwise). */
typedef struct pp_acts {
    float *res;      /* (L+1,B,T,C) residual stream; res[0] the embeddings (2 slots at inference) */
    float *ln1;      /* (L,B,T,C) */
    float *ln1_rstd; /* (L,B,T) */
    float *q;        /* (L,B,NH,T,HD) after RoPE */
    float *k;        /* (L,B,NKV,T,HD) after RoPE */
    float *v;        /* (L,B,NKV,T,HD) */
    float *att;      /* (L,B,NH,T,T) softmax probabilities */
    float *atty;     /* (L,B,T,NH*HD) attention output before o_proj */
    float *res_mid;  /* (L,B,T,C) residual after attention */
    float *ln2;      /* (L,B,T,C) */
    float *ln2_rstd; /* (L,B,T) */
    float *gate;     /* (L,B,T,I) */
    float *up;       /* (L,B,T,I) */
    float *h;        /* (L,B,T,I) silu(gate) * up */
    float *lnf;      /* (B,T,C) */
    float *lnf_rstd; /* (B,T) */
    float *logits;   /* (B,T,V); d(logits) after backward */
    float *losses;   /* (B,T) */
    float *lin;      /* (B,T,max(NH,NKV)*HD) projection before RoPE / head split; attention's head-major output */
} pp_acts;

/* Backward's activation gradients (one layer at a time). */
typedef struct pp_dacts {
    float *dres;  /* (B,T,C) gradient of the residual stream */
    float *dln;   /* (B,T,C) gradient of a norm's output */
    float *dq;    /* (B,NH,T,HD) */
    float *dk;    /* (B,NKV,T,HD) */
    float *dv;    /* (B,NKV,T,HD) */
    float *dlin;  /* (B,T,max(NH,NKV)*HD) */
    float *datty; /* (B,T,NH*HD) */
    float *dgate; /* (B,T,I) */
    float *dup;   /* (B,T,I) */
    float *dh;    /* (B,T,I) */
    float *attscratch; /* (NH/NKV*T,T) */
} pp_dacts;

struct pp_model {
    pp_llama_config cfg;
    size_t num_params;
    size_t kind_offset[PK_COUNT], kind_size[PK_COUNT]; /* floats */
    float *params, *grads, *adam_m, *adam_v;           /* one allocation each */
    pp_named_tensor *tensors;
    int ntensors;

    /* what pp_model_prepare sized */
    int capB, capT, training;
    float *arena;      /* activations, one allocation */
    float *darena;     /* activation gradients (training only) */
    pp_memory_plan plan;
    pp_acts a;
    pp_dacts d;
    float *rope_cos, *rope_sin; /* (capT, HD/2) */

    /* the last forward */
    int B, T;
    int32_t *inputs, *targets; /* (capB*capT) copies */
    int have_targets;
    long ntargets;

    struct pp_lora *lora; /* attached adapter (align/pp_lora_internal.h) or NULL */

    /* a frozen BF16 base (align/pp_model_bf16.c): params is then NULL */
    uint16_t *params_bf16; /* num_params, the layout of params */
    float *wscratch;       /* pp_model_bf16_scratch_floats() */
};

/* The F32 weights of layer l (kinds PK_LN1 .. PK_WDOWN), or of a whole tensor kind
 * (PK_WTE, PK_HEAD, PK_LNF): pointers into params, or, with a BF16 base, converted
 * into the scratch (valid until the next call of either). */
typedef struct pp_layer_w {
    const float *w[PK_COUNT];
} pp_layer_w;
void pp_model_layer_weights(pp_model *m, int l, pp_layer_w *w);
const float *pp_model_weight(pp_model *m, int kind);
size_t pp_model_bf16_scratch_floats(const pp_llama_config *c);
void pp_model_bf16_store(pp_model *m, size_t offset, const float *buf, size_t n);
/* Read every tensor of the checkpoint in dir into m's BF16 block (pp_checkpoint.c). */
pp_status pp_checkpoint_read_each(const char *dir, pp_model *m, pp_error *err);

static inline float *pp_param(const pp_model *m, int kind, int layer, size_t per_layer)
{
    return m->params + m->kind_offset[kind] + (size_t)layer * per_layer;
}

/* RoPE of a configuration (align/pp_rope.c): inv (HD/2) = the rotary frequencies with
 * rope_scaling applied; cos, sin (T, HD/2) = the tables for positions 0..T-1. */
void pp_llama_rope_inv_freq(const pp_llama_config *c, float *inv);
void pp_llama_rope_tables(const pp_llama_config *c, float *cos_t, float *sin_t, int T);

/* A KV cache's arrays (align/pp_decode.c) for the prefill (align/pp_prefill.c): keys and
 * values (L, NKV, max_len, HD), the RoPE tables (max_len, HD/2), its length. */
pp_status pp_kv_cache_arrays(pp_kv_cache *c, float **k, float **v, const float **cos_t,
                             const float **sin_t, int *max_len, int **len);

#endif
