/* pp_model.c — parameter layout, the activation arena and its memory plan,
 * and the model's forward and backward passes (layers in pp_ops_*.c). */
#include "config.h"
#include "align/pp_lora_internal.h"
#include "align/pp_model_internal.h"
#include "align/pp_ops.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* ---- parameters ---- */

static void layout_params(pp_model *m)
{
    const pp_llama_config *c = &m->cfg;
    size_t C = (size_t)c->hidden_size, V = (size_t)c->vocab_size, I = (size_t)c->intermediate_size;
    size_t L = (size_t)c->num_hidden_layers;
    size_t QD = (size_t)c->num_attention_heads * c->head_dim;
    size_t KVD = (size_t)c->num_key_value_heads * c->head_dim;
    size_t sz[PK_COUNT] = {
        [PK_WTE] = V * C,       [PK_LN1] = L * C,      [PK_WQ] = L * QD * C,
        [PK_WK] = L * KVD * C,  [PK_WV] = L * KVD * C, [PK_WO] = L * C * QD,
        [PK_LN2] = L * C,       [PK_WGATE] = L * I * C, [PK_WUP] = L * I * C,
        [PK_WDOWN] = L * C * I, [PK_LNF] = C,          [PK_HEAD] = c->tie_word_embeddings ? 0 : V * C,
    };
    size_t off = 0;
    for (int k = 0; k < PK_COUNT; k++) {
        m->kind_offset[k] = off;
        m->kind_size[k] = sz[k];
        off += sz[k];
    }
    m->num_params = off;
}

static void add_tensor(pp_model *m, const char *name, int kind, int layer, int ndim, int64_t d0,
                       int64_t d1)
{
    pp_named_tensor *t = &m->tensors[m->ntensors++];
    snprintf(t->name, sizeof t->name, "%s", name);
    size_t per = (size_t)d0 * (size_t)(ndim == 2 ? d1 : 1);
    t->offset = m->kind_offset[kind] + (size_t)layer * per;
    t->ndim = ndim;
    t->shape[0] = d0;
    t->shape[1] = ndim == 2 ? d1 : 0;
    t->is_norm = kind == PK_LN1 || kind == PK_LN2 || kind == PK_LNF;
}

static void name_tensors(pp_model *m)
{
    const pp_llama_config *c = &m->cfg;
    int C = c->hidden_size, I = c->intermediate_size;
    int QD = c->num_attention_heads * c->head_dim, KVD = c->num_key_value_heads * c->head_dim;
    char n[96];
    add_tensor(m, "model.embed_tokens.weight", PK_WTE, 0, 2, c->vocab_size, C);
    for (int l = 0; l < c->num_hidden_layers; l++) {
#define T(suffix, kind, nd, a, b)                                                                \
    snprintf(n, sizeof n, "model.layers.%d.%s", l, suffix);                                     \
    add_tensor(m, n, kind, l, nd, a, b);
        T("input_layernorm.weight", PK_LN1, 1, C, 0)
        T("self_attn.q_proj.weight", PK_WQ, 2, QD, C)
        T("self_attn.k_proj.weight", PK_WK, 2, KVD, C)
        T("self_attn.v_proj.weight", PK_WV, 2, KVD, C)
        T("self_attn.o_proj.weight", PK_WO, 2, C, QD)
        T("post_attention_layernorm.weight", PK_LN2, 1, C, 0)
        T("mlp.gate_proj.weight", PK_WGATE, 2, I, C)
        T("mlp.up_proj.weight", PK_WUP, 2, I, C)
        T("mlp.down_proj.weight", PK_WDOWN, 2, C, I)
#undef T
    }
    add_tensor(m, "model.norm.weight", PK_LNF, 0, 1, C, 0);
    if (!c->tie_word_embeddings)
        add_tensor(m, "lm_head.weight", PK_HEAD, 0, 2, c->vocab_size, C);
}

pp_status pp_model_new(const pp_llama_config *cfg, pp_model **out, pp_error *err)
{
    *out = NULL;
    pp_status st = pp_llama_config_validate(cfg, "configuration", err);
    if (st)
        return st;
    pp_model *m = calloc(1, sizeof *m);
    if (!m)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    m->cfg = *cfg;
    layout_params(m);
    m->params = calloc(m->num_params, sizeof(float));
    m->tensors = calloc((size_t)cfg->num_hidden_layers * 9 + 3, sizeof *m->tensors);
    if (!m->params || !m->tensors) {
        pp_model_free(m);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0,
                            "out of memory for %zu parameters", (size_t)cfg->vocab_size);
    }
    name_tensors(m);
    *out = m;
    return PP_OK;
}

void pp_model_free(pp_model *m)
{
    if (!m)
        return;
    free(m->params);
    free(m->params_bf16);
    free(m->wscratch);
    free(m->grads);
    free(m->adam_m);
    free(m->adam_v);
    free(m->tensors);
    free(m->arena);
    free(m->darena);
    free(m->rope_cos);
    free(m->rope_sin);
    free(m->inputs);
    free(m->targets);
    pp_lora_free(m->lora);
    free(m);
}

/* splitmix64: the seed expander; normals by Box-Muller, one parameter after another */
static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void pp_model_init_random(pp_model *m, uint64_t seed, float std)
{
    if (!m->params) /* a BF16 base */
        return;
    uint64_t s = seed;
    for (int i = 0; i < m->ntensors; i++) {
        pp_named_tensor *t = &m->tensors[i];
        float *p = m->params + t->offset;
        size_t n = (size_t)t->shape[0] * (size_t)(t->ndim == 2 ? t->shape[1] : 1);
        if (t->is_norm) {
            for (size_t j = 0; j < n; j++)
                p[j] = 1.0f;
            continue;
        }
        for (size_t j = 0; j < n; j += 2) {
            double u1 = ((double)(splitmix64(&s) >> 11) + 1.0) / 9007199254740993.0;
            double u2 = (double)(splitmix64(&s) >> 11) / 9007199254740992.0;
            double r = sqrt(-2.0 * log(u1));
            p[j] = (float)(r * cos(2.0 * M_PI * u2)) * std;
            if (j + 1 < n)
                p[j + 1] = (float)(r * sin(2.0 * M_PI * u2)) * std;
        }
    }
}

const pp_llama_config *pp_model_config(const pp_model *m) { return &m->cfg; }
size_t pp_model_num_params(const pp_model *m) { return m->num_params; }
float *pp_model_params(pp_model *m) { return m->params; }
float *pp_model_grads(pp_model *m) { return m->lora ? m->lora->grads : m->grads; }
float *pp_model_adam_m(pp_model *m) { return m->lora ? m->lora->adam_m : m->adam_m; }
float *pp_model_adam_v(pp_model *m) { return m->lora ? m->lora->adam_v : m->adam_v; }
int pp_model_tensor_count(const pp_model *m) { return m->ntensors; }
const float *pp_model_logits(const pp_model *m) { return m->a.logits; }
long pp_model_num_targets(const pp_model *m) { return m->ntargets; }
pp_memory_plan pp_model_memory_plan(const pp_model *m) { return m->plan; }

const char *pp_model_tensor_name(const pp_model *m, int i)
{
    return i >= 0 && i < m->ntensors ? m->tensors[i].name : NULL;
}

pp_status pp_model_tensor(pp_model *m, const char *name, float **data, float **grad, int *ndim,
                          int64_t shape[2], pp_error *err)
{
    for (int i = 0; i < m->ntensors; i++) {
        pp_named_tensor *t = &m->tensors[i];
        if (strcmp(t->name, name) != 0)
            continue;
        if (!m->params)
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "tensor \"%s\" is held in BF16 (a frozen base)", name);
        if (data)
            *data = m->params + t->offset;
        if (grad)
            *grad = m->grads ? m->grads + t->offset : NULL;
        if (ndim)
            *ndim = t->ndim;
        if (shape) {
            shape[0] = t->shape[0];
            shape[1] = t->shape[1];
        }
        return PP_OK;
    }
    return pp_error_set(err, PP_ERR_NOT_FOUND, NULL, 0, "the model has no tensor \"%s\"", name);
}

/* ---- activations and the memory plan ---- */

/* Assign the activation pointers from `base` (NULL: only count) for capacity B x T;
 * returns the number of floats. */
static size_t layout_acts(const pp_llama_config *c, int B, int T, int training, float *base,
                          pp_acts *a)
{
    size_t N = (size_t)B * T, C = (size_t)c->hidden_size, I = (size_t)c->intermediate_size;
    /* training 1 keeps every layer's activations; 2 (recomputation) one layer's and the
     * residual stream between layers */
    size_t L = training == 1 ? (size_t)c->num_hidden_layers : 1;
    size_t HD = (size_t)c->head_dim, NH = (size_t)c->num_attention_heads;
    size_t NKV = (size_t)c->num_key_value_heads, V = (size_t)c->vocab_size;
    size_t maxh = NH > NKV ? NH : NKV;
    size_t off = 0;
#define A(field, n)                                                                              \
    do {                                                                                         \
        if (base)                                                                                \
            a->field = base + off;                                                               \
        off += (n);                                                                              \
    } while (0)
    A(res, (training ? (size_t)c->num_hidden_layers + 1 : 2) * N * C);
    A(ln1, L * N * C);
    A(ln1_rstd, L * N);
    A(q, L * N * NH * HD);
    A(k, L * N * NKV * HD);
    A(v, L * N * NKV * HD);
    A(att, L * (size_t)B * NH * T * T);
    A(atty, L * N * NH * HD);
    A(res_mid, L * N * C);
    A(ln2, L * N * C);
    A(ln2_rstd, L * N);
    A(gate, L * N * I);
    A(up, L * N * I);
    A(h, L * N * I);
    A(lnf, N * C);
    A(lnf_rstd, N);
    A(logits, N * V);
    A(losses, N);
    A(lin, N * maxh * HD);
#undef A
    return off;
}

static size_t layout_dacts(const pp_llama_config *c, int B, int T, float *base, pp_dacts *d)
{
    size_t N = (size_t)B * T, C = (size_t)c->hidden_size, I = (size_t)c->intermediate_size;
    size_t HD = (size_t)c->head_dim, NH = (size_t)c->num_attention_heads;
    size_t NKV = (size_t)c->num_key_value_heads, maxh = NH > NKV ? NH : NKV;
    size_t off = 0;
#define D(field, n)                                                                              \
    do {                                                                                         \
        if (base)                                                                                \
            d->field = base + off;                                                               \
        off += (n);                                                                              \
    } while (0)
    D(dres, N * C);
    D(dln, N * C);
    D(dq, N * NH * HD);
    D(dk, N * NKV * HD);
    D(dv, N * NKV * HD);
    D(dlin, N * maxh * HD);
    D(datty, N * NH * HD);
    D(dgate, N * I);
    D(dup, N * I);
    D(dh, N * I);
    D(attscratch, pp_op_attention_scratch_floats(T, (int)NH, (int)NKV));
#undef D
    return off;
}

pp_memory_plan pp_memory_plan_compute(const pp_llama_config *c, int B, int T, int training)
{
    pp_memory_plan p = {0};
    pp_acts a;
    pp_dacts d;
    size_t P = pp_llama_config_num_params(c);
    p.params = P * sizeof(float);
    if (training) {
        p.grads = p.adam_m = p.adam_v = p.params;
        p.activations = layout_acts(c, B, T, training, NULL, &a) * sizeof(float);
        p.scratch = layout_dacts(c, B, T, NULL, &d) * sizeof(float);
    } else {
        p.activations = layout_acts(c, B, T, 0, NULL, &a) * sizeof(float);
        /* one sequence of T tokens: keys and values of every layer */
        p.kv_cache = 2 * (size_t)c->num_hidden_layers * c->num_key_value_heads * c->head_dim *
                     (size_t)T * sizeof(float);
    }
    /* RoPE tables and the token copies */
    p.activations += (size_t)T * c->head_dim * sizeof(float) + 2 * (size_t)B * T * sizeof(int32_t);
    p.total = p.params + p.grads + p.adam_m + p.adam_v + p.activations + p.scratch + p.kv_cache;
    return p;
}

static void print_size(FILE *fp, const char *what, size_t bytes)
{
    double x = (double)bytes;
    const char *unit = "B";
    if (x >= 1024.0 * 1024 * 1024) {
        x /= 1024.0 * 1024 * 1024;
        unit = "GiB";
    } else if (x >= 1024.0 * 1024) {
        x /= 1024.0 * 1024;
        unit = "MiB";
    } else if (x >= 1024.0) {
        x /= 1024.0;
        unit = "KiB";
    }
    fprintf(fp, "  %-12s %10.1f %s\n", what, x, unit);
}

void pp_memory_plan_print(const pp_memory_plan *p, FILE *fp)
{
    fprintf(fp, "memory plan:\n");
    print_size(fp, "parameters", p->params);
    if (p->adapters)
        print_size(fp, "adapters", p->adapters);
    if (p->grads)
        print_size(fp, "gradients", p->grads);
    if (p->adam_m)
        print_size(fp, "adam m", p->adam_m);
    if (p->adam_v)
        print_size(fp, "adam v", p->adam_v);
    print_size(fp, "activations", p->activations);
    if (p->scratch)
        print_size(fp, "act. grads", p->scratch);
    if (p->kv_cache)
        print_size(fp, "kv cache", p->kv_cache);
    print_size(fp, "total", p->total);
}

pp_status pp_model_prepare(pp_model *m, int B, int T, int training, pp_error *err)
{
    const pp_llama_config *c = &m->cfg;
    if (B <= 0 || T <= 0)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "batch size and sequence length must be positive");
    if (T > c->max_position_embeddings)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "sequence length %d exceeds max_position_embeddings (%d)", T,
                            c->max_position_embeddings);
    free(m->arena);
    free(m->darena);
    free(m->rope_cos);
    free(m->rope_sin);
    free(m->inputs);
    free(m->targets);
    m->arena = m->darena = m->rope_cos = m->rope_sin = NULL;
    m->inputs = m->targets = NULL;
    memset(&m->a, 0, sizeof m->a);
    memset(&m->d, 0, sizeof m->d);
    m->capB = m->capT = 0;

    size_t na = layout_acts(c, B, T, training, NULL, &m->a);
    m->arena = malloc(na * sizeof(float));
    m->rope_cos = malloc((size_t)T * (c->head_dim / 2) * sizeof(float));
    m->rope_sin = malloc((size_t)T * (c->head_dim / 2) * sizeof(float));
    m->inputs = malloc((size_t)B * T * sizeof(int32_t));
    m->targets = malloc((size_t)B * T * sizeof(int32_t));
    int ok = m->arena && m->rope_cos && m->rope_sin && m->inputs && m->targets;
    if (ok && training) {
        size_t nd = layout_dacts(c, B, T, NULL, &m->d);
        m->darena = malloc(nd * sizeof(float));
        ok = m->darena != NULL;
        if (ok)
            layout_dacts(c, B, T, m->darena, &m->d);
        if (ok && !m->grads && !m->lora) { /* a LoRA base is frozen: no gradients */
            m->grads = calloc(m->num_params, sizeof(float));
            m->adam_m = calloc(m->num_params, sizeof(float));
            m->adam_v = calloc(m->num_params, sizeof(float));
            ok = m->grads && m->adam_m && m->adam_v;
        }
    }
    if (ok && m->lora)
        ok = pp_lora_prepare(m->lora, B * T, training, err) == PP_OK;
    if (!ok) {
        pp_memory_plan p = pp_memory_plan_compute(c, B, T, training);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0,
                            "out of memory: the plan for batch %d x %d needs %.1f MiB", B, T,
                            (double)p.total / 1048576.0);
    }
    layout_acts(c, B, T, training, m->arena, &m->a);
    pp_llama_rope_tables(c, m->rope_cos, m->rope_sin, T);
    m->capB = B;
    m->capT = T;
    m->training = training;
    m->plan = m->lora && training
                  ? pp_lora_memory_plan(c, m->lora->cfg.r, m->lora->cfg.targets, B, T,
                                        m->params_bf16 ? 2 : 4, training == 2)
                  : pp_memory_plan_compute(c, B, T, training);
    return PP_OK;
}

/* ---- forward ---- */

/* Layers [l0, l1) of the last forward (m->B, m->T): from the residual stream res[l0]
 * to res[l1], keeping what backward needs. Backward with recomputation calls it for
 * one layer at a time. */
static void forward_layers(pp_model *m, int l0, int l1)
{
    const pp_llama_config *c = &m->cfg;
    int B = m->B, T = m->T, N = B * T, C = c->hidden_size, I = c->intermediate_size;
    int NH = c->num_attention_heads, NKV = c->num_key_value_heads, HD = c->head_dim;
    int QD = NH * HD, KVD = NKV * HD;
    /* per-layer strides use the prepared capacity so layer slices never move */
    size_t cN = (size_t)m->capB * m->capT;
    size_t cAtt = (size_t)m->capB * NH * m->capT * m->capT;
    pp_acts *a = &m->a;
    /* training 1: every layer's activations kept; 2 (recompute) or 0: one layer's */
    int tr = m->training;
#define RES(l) (a->res + (size_t)(tr ? (l) : ((l) & 1)) * cN * C)
#define LY(l) ((size_t)(tr == 1 ? (l) : 0))
    struct pp_lora *lo = m->lora;
#define LORA(t, out, x) \
    if (lo)             \
    pp_lora_forward_hook(lo, l, t, out, x, N)
    pp_layer_w lw; /* the layer's F32 weights (converted from a BF16 base) */
    for (int l = l0; l < l1; l++) {
        pp_model_layer_weights(m, l, &lw);
        float *ln1 = a->ln1 + LY(l) * cN * C, *ln1r = a->ln1_rstd + LY(l) * cN;
        float *q = a->q + LY(l) * cN * QD, *k = a->k + LY(l) * cN * KVD;
        float *v = a->v + LY(l) * cN * KVD, *att = a->att + LY(l) * cAtt;
        float *atty = a->atty + LY(l) * cN * QD, *rmid = a->res_mid + LY(l) * cN * C;
        float *ln2 = a->ln2 + LY(l) * cN * C, *ln2r = a->ln2_rstd + LY(l) * cN;
        float *gate = a->gate + LY(l) * cN * I, *up = a->up + LY(l) * cN * I;
        float *h = a->h + LY(l) * cN * I;
        const float *wq = lw.w[PK_WQ], *wk = lw.w[PK_WK], *wv = lw.w[PK_WV], *wo = lw.w[PK_WO];
        const float *wg = lw.w[PK_WGATE], *wu = lw.w[PK_WUP], *wd = lw.w[PK_WDOWN];

        pp_op_rmsnorm_forward(ln1, ln1r, RES(l), lw.w[PK_LN1], N, C, c->rms_norm_eps);
        pp_op_matmul_forward(a->lin, ln1, wq, N, C, QD);                 /* (N,QD) */
        LORA(PP_LORA_Q, a->lin, ln1);
        pp_op_rope_forward(q, a->lin, m->rope_cos, m->rope_sin, B, T, NH, HD);
        pp_op_matmul_forward(a->lin, ln1, wk, N, C, KVD);                /* (N,KVD) */
        LORA(PP_LORA_K, a->lin, ln1);
        pp_op_rope_forward(k, a->lin, m->rope_cos, m->rope_sin, B, T, NKV, HD);
        pp_op_matmul_forward(a->lin, ln1, wv, N, C, KVD);
        LORA(PP_LORA_V, a->lin, ln1);
        pp_op_heads_split(v, a->lin, B, T, NKV, HD);
        pp_op_attention_forward(atty, att, a->lin, q, k, v, B, T, NH, NKV, HD);
        pp_op_matmul_forward(rmid, atty, wo, N, QD, C);                  /* (N,C) */
        LORA(PP_LORA_O, rmid, atty);
        pp_op_add_inplace(rmid, RES(l), (long)N * C);
        pp_op_rmsnorm_forward(ln2, ln2r, rmid, lw.w[PK_LN2], N, C, c->rms_norm_eps);
        pp_op_matmul_forward(gate, ln2, wg, N, C, I);                    /* (N,I) */
        LORA(PP_LORA_GATE, gate, ln2);
        pp_op_matmul_forward(up, ln2, wu, N, C, I);
        LORA(PP_LORA_UP, up, ln2);
        pp_op_swiglu_forward(h, gate, up, (long)N * I);
        pp_op_matmul_forward(RES(l + 1), h, wd, N, I, C);                /* (N,C) */
        LORA(PP_LORA_DOWN, RES(l + 1), h);
        pp_op_add_inplace(RES(l + 1), rmid, (long)N * C);
    }
#undef LORA
}

pp_status pp_model_forward(pp_model *m, const int32_t *inputs, const int32_t *targets, int B,
                           int T, float *loss, pp_error *err)
{
    const pp_llama_config *c = &m->cfg;
    if (!m->arena || B <= 0 || T <= 0 || B > m->capB || T > m->capT)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "batch %d x %d does not fit the prepared %d x %d", B, T, m->capB,
                            m->capT);
    int N = B * T, C = c->hidden_size, V = c->vocab_size, L = c->num_hidden_layers;
    for (int n = 0; n < N; n++) {
        if (inputs[n] < 0 || inputs[n] >= V)
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "input id %d at position %d is outside the vocabulary (%d)",
                                inputs[n], n, V);
        if (targets && targets[n] >= V)
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "target id %d at position %d is outside the vocabulary (%d)",
                                targets[n], n, V);
    }
    m->B = B;
    m->T = T;
    memcpy(m->inputs, inputs, sizeof(int32_t) * (size_t)N);
    m->have_targets = targets != NULL;
    if (targets)
        memcpy(m->targets, targets, sizeof(int32_t) * (size_t)N);

    size_t cN = (size_t)m->capB * m->capT; /* the stride of RES() */
    pp_acts *a = &m->a;
    int tr = m->training;
    if (m->lora) /* PEFT's dropout is active in training, i.e. on forwards with targets */
        pp_lora_begin_forward(m->lora, tr && targets != NULL);

    pp_op_embedding_forward(RES(0), inputs, pp_model_weight(m, PK_WTE), N, C);
    forward_layers(m, 0, L);
    pp_op_rmsnorm_forward(a->lnf, a->lnf_rstd, RES(L), pp_model_weight(m, PK_LNF), N, C,
                          c->rms_norm_eps);
    const float *head = pp_model_weight(m, c->tie_word_embeddings ? PK_WTE : PK_HEAD);
    pp_op_matmul_forward(a->logits, a->lnf, head, N, C, V);              /* (N,V) */

    m->ntargets = 0;
    if (targets) {
        m->ntargets = pp_op_crossentropy_forward(a->losses, a->logits, targets, N, V);
        if (loss) {
            double s = 0.0;
            for (int n = 0; n < N; n++)
                s += a->losses[n];
            *loss = m->ntargets > 0 ? (float)(s / (double)m->ntargets) : 0.0f;
        }
    } else if (loss) {
        *loss = 0.0f;
    }
    return PP_OK;
}

void pp_model_zero_grad(pp_model *m)
{
    if (m->lora && m->lora->grads)
        memset(m->lora->grads, 0, sizeof(float) * m->lora->n);
    else if (m->grads)
        memset(m->grads, 0, sizeof(float) * m->num_params);
}

/* ---- backward ---- */

pp_status pp_model_backward(pp_model *m, float loss_scale, pp_error *err)
{
    const pp_llama_config *c = &m->cfg;
    struct pp_lora *lo = m->lora;
    if (!m->training || !(lo ? lo->grads != NULL : m->grads != NULL))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "backward needs a model prepared for training");
    if (!m->have_targets)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "backward needs a forward pass with targets");
    int B = m->B, T = m->T, N = B * T, C = c->hidden_size, I = c->intermediate_size;
    int V = c->vocab_size, NH = c->num_attention_heads, NKV = c->num_key_value_heads;
    int HD = c->head_dim, QD = NH * HD, KVD = NKV * HD, L = c->num_hidden_layers;
    size_t cN = (size_t)m->capB * m->capT;
    size_t cAtt = (size_t)m->capB * NH * m->capT * m->capT;
    pp_acts *a = &m->a;
    pp_dacts *d = &m->d;
    float *g = lo ? NULL : m->grads; /* NULL: the base is frozen (LoRA) */
    int tr = m->training;

    /* loss -> logits -> final norm */
    pp_op_crossentropy_backward(a->logits, m->targets, N, V, m->ntargets, loss_scale);
    m->have_targets = 0; /* the logits now hold their gradient */
    int head_kind = c->tie_word_embeddings ? PK_WTE : PK_HEAD;
    pp_op_matmul_backward(d->dln, g ? g + m->kind_offset[head_kind] : NULL, a->logits, a->lnf,
                          pp_model_weight(m, head_kind), N, C, V, 0);
    memset(d->dres, 0, sizeof(float) * (size_t)N * C);
    pp_op_rmsnorm_backward(d->dres, g ? g + m->kind_offset[PK_LNF] : NULL, d->dln, RES(L), a->lnf_rstd,
                           pp_model_weight(m, PK_LNF), N, C);

    pp_layer_w lw;
    for (int l = L - 1; l >= 0; l--) {
        if (tr == 2) /* recomputation: this layer's activations again from res[l] */
            forward_layers(m, l, l + 1);
        pp_model_layer_weights(m, l, &lw);
        float *ln1 = a->ln1 + LY(l) * cN * C, *ln1r = a->ln1_rstd + LY(l) * cN;
        float *q = a->q + LY(l) * cN * QD, *k = a->k + LY(l) * cN * KVD;
        float *v = a->v + LY(l) * cN * KVD, *att = a->att + LY(l) * cAtt;
        float *atty = a->atty + LY(l) * cN * QD, *rmid = a->res_mid + LY(l) * cN * C;
        float *ln2 = a->ln2 + LY(l) * cN * C, *ln2r = a->ln2_rstd + LY(l) * cN;
        float *gate = a->gate + LY(l) * cN * I, *up = a->up + LY(l) * cN * I;
        float *h = a->h + LY(l) * cN * I;
#define P(kind, per) lw.w[kind]
#define G(kind, per) (g ? g + m->kind_offset[kind] + (size_t)l * (per) : NULL)
#define LORA(t, dx, dout, x) \
    if (lo)                  \
    pp_lora_backward_hook(lo, l, t, dx, dout, x, N)
        /* MLP: res[l+1] = rmid + down(swiglu(gate(ln2), up(ln2))); dres passes to rmid */
        pp_op_matmul_backward(d->dh, G(PK_WDOWN, (size_t)C * I), d->dres, h,
                              P(PK_WDOWN, (size_t)C * I), N, I, C, 0);
        LORA(PP_LORA_DOWN, d->dh, d->dres, h);
        pp_op_swiglu_backward(d->dgate, d->dup, d->dh, gate, up, (long)N * I);
        pp_op_matmul_backward(d->dln, G(PK_WGATE, (size_t)I * C), d->dgate, ln2,
                              P(PK_WGATE, (size_t)I * C), N, C, I, 0);
        LORA(PP_LORA_GATE, d->dln, d->dgate, ln2);
        pp_op_matmul_backward(d->dln, G(PK_WUP, (size_t)I * C), d->dup, ln2,
                              P(PK_WUP, (size_t)I * C), N, C, I, 1);
        LORA(PP_LORA_UP, d->dln, d->dup, ln2);
        pp_op_rmsnorm_backward(d->dres, G(PK_LN2, C), d->dln, rmid, ln2r, P(PK_LN2, C), N, C);
        /* attention: rmid = res[l] + o(attention(rope(q(ln1)), rope(k(ln1)), v(ln1))) */
        pp_op_matmul_backward(d->datty, G(PK_WO, (size_t)C * QD), d->dres, atty,
                              P(PK_WO, (size_t)C * QD), N, QD, C, 0);
        LORA(PP_LORA_O, d->datty, d->dres, atty);
        pp_op_attention_backward(d->dq, d->dk, d->dv, d->attscratch, d->datty, att, q, k, v, B,
                                 T, NH, NKV, HD);
        pp_op_rope_backward(d->dlin, d->dq, m->rope_cos, m->rope_sin, B, T, NH, HD);
        pp_op_matmul_backward(d->dln, G(PK_WQ, (size_t)QD * C), d->dlin, ln1,
                              P(PK_WQ, (size_t)QD * C), N, C, QD, 0);
        LORA(PP_LORA_Q, d->dln, d->dlin, ln1);
        pp_op_rope_backward(d->dlin, d->dk, m->rope_cos, m->rope_sin, B, T, NKV, HD);
        pp_op_matmul_backward(d->dln, G(PK_WK, (size_t)KVD * C), d->dlin, ln1,
                              P(PK_WK, (size_t)KVD * C), N, C, KVD, 1);
        LORA(PP_LORA_K, d->dln, d->dlin, ln1);
        pp_op_heads_merge(d->dlin, d->dv, B, T, NKV, HD);
        pp_op_matmul_backward(d->dln, G(PK_WV, (size_t)KVD * C), d->dlin, ln1,
                              P(PK_WV, (size_t)KVD * C), N, C, KVD, 1);
        LORA(PP_LORA_V, d->dln, d->dlin, ln1);
        pp_op_rmsnorm_backward(d->dres, G(PK_LN1, C), d->dln, RES(l), ln1r, P(PK_LN1, C), N, C);
#undef P
#undef G
#undef LORA
    }
    if (g)
        pp_op_embedding_backward(g + m->kind_offset[PK_WTE], d->dres, m->inputs, N, C);
    return PP_OK;
}

/* ---- scoring ---- */

pp_status pp_model_logprobs(pp_model *m, const int32_t *ids, int n, float *out, pp_error *err)
{
    if (n < 2)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "scoring needs at least 2 tokens");
    int T = n - 1, V = m->cfg.vocab_size;
    if (!m->arena || m->capT < T || m->capB < 1) {
        pp_status st = pp_model_prepare(m, 1, T, m->training, err);
        if (st)
            return st;
    }
    pp_status st = pp_model_forward(m, ids, NULL, 1, T, NULL, err);
    if (st)
        return st;
    for (int t = 0; t < T; t++) {
        int y = ids[t + 1];
        if (y < 0 || y >= V)
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "id %d at position %d is outside the vocabulary (%d)", y, t + 1, V);
        float *row = m->a.logits + (size_t)t * V;
        pp_op_log_softmax_row(row, V);
        out[t] = row[y];
    }
    return PP_OK;
}
