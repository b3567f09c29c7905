/* pp_lora.c — attaching a LoRA adapter to the model: its parameter layout and
 * initialization, the hooks the linear layers call (with PEFT's dropout on the
 * adapter input), merging, and the memory plan of a LoRA run. */
#include "config.h"
#include "align/pp_lora_internal.h"
#include "align/pp_model_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *TARGET_NAMES[PP_LORA_NTARGETS] = {"q_proj",    "k_proj",  "v_proj", "o_proj",
                                                     "gate_proj", "up_proj", "down_proj"};

const char *pp_lora_target_name(pp_lora_target t)
{
    return t >= 0 && t < PP_LORA_NTARGETS ? TARGET_NAMES[t] : "";
}

pp_status pp_lora_targets_parse(const char *list, unsigned *mask, pp_error *err)
{
    *mask = 0;
    const char *p = list ? list : "";
    while (*p) {
        size_t n = strcspn(p, ",");
        int k = -1;
        for (int t = 0; t < PP_LORA_NTARGETS && k < 0; t++)
            if (strlen(TARGET_NAMES[t]) == n && strncmp(p, TARGET_NAMES[t], n) == 0)
                k = t;
        if (k < 0)
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "unknown target module \"%.*s\" (q_proj, k_proj, v_proj, o_proj, "
                                "gate_proj, up_proj or down_proj)",
                                (int)n, p);
        *mask |= 1u << k;
        p += n;
        if (*p == ',')
            p++;
    }
    if (!*mask)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "no target modules");
    return PP_OK;
}

/* (in, out) of each target for a configuration */
static void target_dims(const pp_llama_config *c, int in[], int out[])
{
    int C = c->hidden_size, I = c->intermediate_size;
    int QD = c->num_attention_heads * c->head_dim, KVD = c->num_key_value_heads * c->head_dim;
    int d[PP_LORA_NTARGETS][2] = {{C, QD}, {C, KVD}, {C, KVD}, {QD, C}, {C, I}, {C, I}, {I, C}};
    for (int t = 0; t < PP_LORA_NTARGETS; t++) {
        in[t] = d[t][0];
        out[t] = d[t][1];
    }
}

void pp_lora_free(struct pp_lora *lo)
{
    if (!lo)
        return;
    free(lo->a_off);
    free(lo->params);
    free(lo->grads);
    free(lo->adam_m);
    free(lo->adam_v);
    free(lo->u);
    free(lo->xd);
    free(lo->du);
    free(lo);
}

void pp_lora_detach(pp_model *m)
{
    pp_lora_free(m->lora);
    m->lora = NULL;
}

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* uniform in [0, 1) from the top 24 bits */
static float unit_float(uint64_t x) { return (float)(x >> 40) * (1.0f / 16777216.0f); }

pp_status pp_lora_config_check(const pp_llama_config *mc, const pp_lora_config *c,
                               pp_error *err)
{
    if (!c->targets || c->targets >= (1u << PP_LORA_NTARGETS))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "no valid target modules");
    if (!(c->dropout >= 0.0f && c->dropout < 1.0f))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "lora_dropout %g is outside [0, 1)", (double)c->dropout);
    if (!(c->alpha > 0.0f) || !isfinite(c->alpha))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "lora_alpha %g must be positive",
                            (double)c->alpha);
    int in[PP_LORA_NTARGETS], out[PP_LORA_NTARGETS];
    target_dims(mc, in, out);
    for (int t = 0; t < PP_LORA_NTARGETS; t++) {
        if (!(c->targets & (1u << t)))
            continue;
        int lim = in[t] < out[t] ? in[t] : out[t];
        if (c->r < 1 || c->r > lim)
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "rank %d for %s (%d x %d): it must be between 1 and %d", c->r,
                                TARGET_NAMES[t], out[t], in[t], lim);
    }
    return PP_OK;
}

pp_status pp_lora_attach(pp_model *m, const pp_lora_config *c, uint64_t seed, pp_error *err)
{
    const pp_llama_config *mc = &m->cfg;
    pp_status st = pp_lora_config_check(mc, c, err);
    if (st)
        return st;
    int in[PP_LORA_NTARGETS], out[PP_LORA_NTARGETS];
    target_dims(mc, in, out);
    struct pp_lora *lo = calloc(1, sizeof *lo);
    if (!lo)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    lo->cfg = *c;
    lo->scale = c->alpha / (float)c->r;
    lo->L = mc->num_hidden_layers;
    memcpy(lo->in, in, sizeof in);
    memcpy(lo->out, out, sizeof out);
    lo->a_off = calloc((size_t)lo->L * PP_LORA_NTARGETS, sizeof *lo->a_off);
    size_t off = 0;
    for (int l = 0; lo->a_off && l < lo->L; l++)
        for (int t = 0; t < PP_LORA_NTARGETS; t++)
            if (c->targets & (1u << t)) {
                lo->a_off[(size_t)l * PP_LORA_NTARGETS + t] = off;
                off += (size_t)c->r * ((size_t)in[t] + out[t]);
            }
    lo->n = off;
    lo->params = calloc(off, sizeof(float));
    if (!lo->a_off || !lo->params) {
        pp_lora_free(lo);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory for the adapter");
    }
    /* A ~ U(-1/sqrt(in), 1/sqrt(in)): kaiming_uniform_(a=sqrt(5)); B stays 0 */
    uint64_t s = seed ^ 0x4C6F5241ull;
    for (int l = 0; l < lo->L; l++)
        for (int t = 0; t < PP_LORA_NTARGETS; t++)
            if (c->targets & (1u << t)) {
                float *A = lo->params + lo->a_off[(size_t)l * PP_LORA_NTARGETS + t];
                float bound = 1.0f / sqrtf((float)in[t]);
                for (size_t i = 0; i < (size_t)c->r * in[t]; i++)
                    A[i] = bound * (2.0f * unit_float(splitmix64(&s)) - 1.0f);
            }
    lo->seed = seed;
    pp_lora_free(m->lora);
    m->lora = lo;
    if (m->capB > 0) {
        st = pp_lora_prepare(lo, m->capB * m->capT, m->training, err);
        if (st) {
            pp_lora_detach(m);
            return st;
        }
        if (m->training) /* the base keeps no gradients while an adapter trains */
            m->plan = pp_lora_memory_plan(mc, c->r, c->targets, m->capB, m->capT,
                                          m->params_bf16 ? 2 : 4, m->training == 2);
    }
    return PP_OK;
}

pp_status pp_lora_prepare(struct pp_lora *lo, int N, int training, pp_error *err)
{
    int r = lo->cfg.r, maxin = 0;
    for (int t = 0; t < PP_LORA_NTARGETS; t++)
        maxin = lo->in[t] > maxin ? lo->in[t] : maxin;
    free(lo->u);
    free(lo->xd);
    free(lo->du);
    lo->u = malloc((size_t)lo->L * PP_LORA_NTARGETS * N * r * sizeof(float));
    lo->xd = malloc((size_t)N * maxin * sizeof(float));
    lo->du = malloc((size_t)N * r * sizeof(float));
    int ok = lo->u && lo->xd && lo->du;
    if (ok && training && !lo->grads) {
        lo->grads = calloc(lo->n, sizeof(float));
        lo->adam_m = calloc(lo->n, sizeof(float));
        lo->adam_v = calloc(lo->n, sizeof(float));
        ok = lo->grads && lo->adam_m && lo->adam_v;
    }
    if (!ok)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory for the adapter");
    lo->capN = N;
    return PP_OK;
}

/* xd = drop(x): each element kept with probability 1 - p and scaled by 1 / (1 - p),
 * as torch.nn.Dropout; the mask is a hash of (seed, layer, target, element), so
 * backward draws the same one without storing it. */
static void dropout_apply(float *xd, const float *x, long n, float p, uint64_t seed, int layer,
                          int target)
{
    uint64_t base = seed * 0x100000001B3ull + (uint64_t)layer * 64 + (uint64_t)target;
    float keep = 1.0f / (1.0f - p);
    for (long i = 0; i < n; i++) {
        uint64_t h = base ^ ((uint64_t)i * 0x9E3779B97F4A7C15ull);
        xd[i] = unit_float(splitmix64(&h)) >= p ? x[i] * keep : 0.0f;
    }
}

static float *u_of(struct pp_lora *lo, int layer, int target)
{
    return lo->u + ((size_t)layer * PP_LORA_NTARGETS + target) * lo->capN * lo->cfg.r;
}

void pp_lora_begin_forward(struct pp_lora *lo, int with_dropout)
{
    lo->drop_on = with_dropout && lo->cfg.dropout > 0.0f;
    if (lo->drop_on)
        lo->mask_seed = lo->seed++;
}

void pp_lora_forward_hook(struct pp_lora *lo, int layer, int t, float *out, const float *x,
                          int N)
{
    if (!(lo->cfg.targets & (1u << t)))
        return;
    const float *A = lo->params + lo->a_off[(size_t)layer * PP_LORA_NTARGETS + t];
    const float *B = A + (size_t)lo->cfg.r * lo->in[t];
    const float *src = x;
    if (lo->drop_on) {
        dropout_apply(lo->xd, x, (long)N * lo->in[t], lo->cfg.dropout, lo->mask_seed, layer, t);
        src = lo->xd;
    }
    pp_op_lora_forward(out, u_of(lo, layer, t), src, A, B, N, lo->in[t], lo->out[t], lo->cfg.r,
                       lo->scale);
}

void pp_lora_backward_hook(struct pp_lora *lo, int layer, int t, float *dx, const float *dout,
                           const float *x, int N)
{
    if (!(lo->cfg.targets & (1u << t)))
        return;
    size_t off = lo->a_off[(size_t)layer * PP_LORA_NTARGETS + t];
    const float *A = lo->params + off, *B = A + (size_t)lo->cfg.r * lo->in[t];
    float *dA = lo->grads + off, *dB = dA + (size_t)lo->cfg.r * lo->in[t];
    int IN = lo->in[t];
    if (!lo->drop_on) {
        pp_op_lora_backward(dx, dA, dB, lo->du, dout, x, u_of(lo, layer, t), A, B, N, IN,
                            lo->out[t], lo->cfg.r, lo->scale, 1);
        return;
    }
    /* the same mask again; the kernel overwrites xd with d(drop(x)), then the mask
     * and its 1/(1-p) carry it to x */
    long n = (long)N * IN;
    float p = lo->cfg.dropout, keep = 1.0f / (1.0f - p);
    dropout_apply(lo->xd, x, n, p, lo->mask_seed, layer, t);
    pp_op_lora_backward(lo->xd, dA, dB, lo->du, dout, lo->xd, u_of(lo, layer, t), A, B, N, IN,
                        lo->out[t], lo->cfg.r, lo->scale, 0);
    uint64_t base = lo->mask_seed * 0x100000001B3ull + (uint64_t)layer * 64 + (uint64_t)t;
    for (long i = 0; i < n; i++) {
        uint64_t h = base ^ ((uint64_t)i * 0x9E3779B97F4A7C15ull);
        if (unit_float(splitmix64(&h)) >= p)
            dx[i] += lo->xd[i] * keep;
    }
}

const pp_lora_config *pp_model_lora(const pp_model *m) { return m->lora ? &m->lora->cfg : NULL; }

void pp_lora_set_dropout_seed(pp_model *m, uint64_t seed)
{
    if (m->lora)
        m->lora->seed = seed;
}

size_t pp_model_num_trainable(const pp_model *m) { return m->lora ? m->lora->n : m->num_params; }

static const int TARGET_KIND[PP_LORA_NTARGETS] = {PK_WQ, PK_WK, PK_WV, PK_WO,
                                                  PK_WGATE, PK_WUP, PK_WDOWN};

pp_status pp_lora_tensor(pp_model *m, const char *name, float **data, float **grad,
                         int64_t shape[2], pp_error *err)
{
    struct pp_lora *lo = m->lora;
    const char *pre = "base_model.model.model.layers.";
    if (lo && strncmp(name, pre, strlen(pre)) == 0) {
        char *end;
        long l = strtol(name + strlen(pre), &end, 10);
        for (int t = 0; l >= 0 && l < lo->L && t < PP_LORA_NTARGETS; t++) {
            if (!(lo->cfg.targets & (1u << t)))
                continue;
            char want[96];
            for (int ab = 0; ab < 2; ab++) {
                snprintf(want, sizeof want, ".%s.%s.lora_%c.weight", t < PP_LORA_GATE ? "self_attn" : "mlp",
                         TARGET_NAMES[t], ab ? 'B' : 'A');
                if (strcmp(end, want) != 0)
                    continue;
                size_t off = lo->a_off[(size_t)l * PP_LORA_NTARGETS + t];
                if (ab)
                    off += (size_t)lo->cfg.r * lo->in[t];
                *data = lo->params + off;
                if (grad)
                    *grad = lo->grads ? lo->grads + off : NULL;
                shape[0] = ab ? lo->out[t] : lo->cfg.r;
                shape[1] = ab ? lo->cfg.r : lo->in[t];
                return PP_OK;
            }
        }
    }
    return pp_error_set(err, PP_ERR_NOT_FOUND, NULL, 0, "no adapter tensor \"%s\"", name);
}

pp_status pp_lora_merge(pp_model *m, pp_error *err)
{
    struct pp_lora *lo = m->lora;
    if (!lo)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "no adapter to merge");
    if (!m->params)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "an adapter merges into F32 weights, "
                                                          "not a BF16 base");
    int r = lo->cfg.r;
    for (int l = 0; l < lo->L; l++)
        for (int t = 0; t < PP_LORA_NTARGETS; t++) {
            if (!(lo->cfg.targets & (1u << t)))
                continue;
            int IN = lo->in[t], OUT = lo->out[t];
            const float *A = lo->params + lo->a_off[(size_t)l * PP_LORA_NTARGETS + t];
            const float *B = A + (size_t)r * IN;
            float *W = pp_param(m, TARGET_KIND[t], l, (size_t)OUT * IN);
            /* W (OUT,IN) += scale * B (OUT,r) @ A (r,IN) */
            for (int o = 0; o < OUT; o++)
                for (int i = 0; i < IN; i++) {
                    double s = 0.0;
                    for (int j = 0; j < r; j++)
                        s += (double)B[(size_t)o * r + j] * A[(size_t)j * IN + i];
                    W[(size_t)o * IN + i] += lo->scale * (float)s;
                }
        }
    pp_lora_detach(m);
    return PP_OK;
}

pp_memory_plan pp_lora_memory_plan(const pp_llama_config *c, int r, unsigned targets, int B,
                                   int T, int bytes_per_weight, int recompute)
{
    pp_memory_plan p = pp_memory_plan_compute(c, B, T, recompute ? 2 : 1);
    int in[PP_LORA_NTARGETS], out[PP_LORA_NTARGETS], maxin = 0;
    target_dims(c, in, out);
    size_t n = 0, nt = 0;
    for (int t = 0; t < PP_LORA_NTARGETS; t++) {
        maxin = in[t] > maxin ? in[t] : maxin;
        if (targets & (1u << t)) {
            n += (size_t)r * ((size_t)in[t] + out[t]);
            nt++;
        }
    }
    n *= (size_t)c->num_hidden_layers;
    size_t P = pp_llama_config_num_params(c), N = (size_t)B * T;
    p.params = P * (size_t)bytes_per_weight;
    p.adapters = n * sizeof(float);
    p.grads = p.adam_m = p.adam_v = n * sizeof(float);
    /* kept A x of every adapted layer, the dropout / input-gradient scratch, du */
    p.activations += (nt * c->num_hidden_layers * N * r + N * r) * sizeof(float);
    p.scratch += N * (size_t)maxin * sizeof(float);
    if (bytes_per_weight == 2) /* one layer, the embeddings and the final norm in F32 */
        p.scratch += pp_model_bf16_scratch_floats(c) * sizeof(float);
    p.total = p.params + p.adapters + p.grads + p.adam_m + p.adam_v + p.activations + p.scratch +
              p.kv_cache;
    return p;
}
