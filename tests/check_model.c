/* check_model.c — the model stage against PyTorch fixtures
 * (tests/data/model/regenerate.py), numerical gradients of every layer, fast
 * kernels against their naive references, safetensors and checkpoints.
 *
 * Tolerances: the fixtures are float64 values from PyTorch; the C code runs in
 * float32. Logits and log-probabilities agree to 1e-4 absolute, the loss to 1e-5,
 * every gradient to 1e-5 + 1e-3 x |reference|, the 10 AdamW losses to 1e-4. */
#include "config.h"
#include "align/pp_model.h"
#include "align/pp_ops.h"
#include "align/pp_safetensors.h"
#include "tests/model_fixtures.h"
#include "tests/testutil.h"

#include <math.h>
#include <stdint.h>

#define FIXDIR TESTDATA "/model"
/* the tiny model's configuration, to be closed by the caller */
#define TINY_CFG_ROPE                                                                   \
    "{\"vocab_size\":64,\"hidden_size\":32,\"intermediate_size\":48,\"num_hidden_layers\":2," \
    "\"num_attention_heads\":4,\"num_key_value_heads\":2"

/* ---- helpers ---- */

static uint64_t rng_state = 42;
static float frand(void) /* uniform in [-1, 1) */
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (float)((rng_state >> 40) / (double)(1ull << 24)) * 2.0f - 1.0f;
}
static void fill(float *x, size_t n, float scale)
{
    for (size_t i = 0; i < n; i++)
        x[i] = frand() * scale;
}

static pp_model *load_tiny(void)
{
    pp_model *m = NULL;
    pp_error e;
    pp_status st = pp_model_load(FIXDIR "/tiny", &m, &e);
    ck_assert_msg(st == PP_OK, "load: %s: %s", e.file, e.message);
    return m;
}

/* ---- against the PyTorch fixtures ---- */

START_TEST(fixture_forward_backward)
{
    pp_safetensors *fx;
    pp_error e;
    ck_assert_int_eq(pp_safetensors_open(FIXDIR "/fixtures.safetensors", &fx, &e), PP_OK);
    pp_model *m = load_tiny();
    const pp_llama_config *c = pp_model_config(m);
    ck_assert_int_eq(c->num_key_value_heads, 2);
    ck_assert_int_eq(c->tie_word_embeddings, 0);
    uint64_t n;
    float *fin = fixture(fx, "inputs", &n), *ftg = fixture(fx, "targets", NULL);
    int32_t *in = ids_of(fin, n), *tg = ids_of(ftg, n);
    int B = 2, T = (int)n / 2;
    ck_assert_int_eq(pp_model_prepare(m, B, T, 1, &e), PP_OK);
    float loss;
    ck_assert_int_eq(pp_model_forward(m, in, tg, B, T, &loss, &e), PP_OK);
    ck_assert_int_eq(pp_model_num_targets(m), (long)n - 2); /* two positions masked */
    float *flog = fixture(fx, "logits", NULL), *floss = fixture(fx, "loss", NULL);
    assert_close("logits", pp_model_logits(m), flog, n * (uint64_t)c->vocab_size, 1e-4, 0);
    assert_close("loss", &loss, floss, 1, 1e-5, 0);
    pp_model_zero_grad(m);
    ck_assert_int_eq(pp_model_backward(m, 1.0f, &e), PP_OK);
    for (int i = 0; i < pp_model_tensor_count(m); i++) {
        const char *name = pp_model_tensor_name(m, i);
        char fname[160];
        snprintf(fname, sizeof fname, "grad.%s", name);
        uint64_t k;
        float *want = fixture(fx, fname, &k), *g;
        int nd;
        int64_t shape[2];
        ck_assert_int_eq(pp_model_tensor(m, name, NULL, &g, &nd, shape, &e), PP_OK);
        ck_assert_uint_eq(k, (uint64_t)shape[0] * (nd == 2 ? (uint64_t)shape[1] : 1));
        assert_close(fname, g, want, k, 1e-5, 1e-3);
        free(want);
    }
    free(fin);
    free(ftg);
    free(in);
    free(tg);
    free(flog);
    free(floss);
    pp_model_free(m);
    pp_safetensors_close(fx);
}
END_TEST

START_TEST(fixture_logprobs_and_kv_cache)
{
    pp_safetensors *fx;
    pp_error e;
    ck_assert_int_eq(pp_safetensors_open(FIXDIR "/fixtures.safetensors", &fx, &e), PP_OK);
    pp_model *m = load_tiny();
    uint64_t n;
    float *fin = fixture(fx, "inputs", &n), *want = fixture(fx, "logprobs", NULL);
    int T = (int)n / 2, V = pp_model_config(m)->vocab_size;
    int32_t *ids = ids_of(fin, (uint64_t)T); /* row 0 */
    float lp[64];
    ck_assert_int_eq(pp_model_logprobs(m, ids, T, lp, &e), PP_OK);
    assert_close("logprobs", lp, want, (uint64_t)T - 1, 1e-4, 0);

    /* the same through the KV cache, one token at a time */
    pp_kv_cache *kv;
    ck_assert_int_eq(pp_kv_cache_new(m, T, &kv, &e), PP_OK);
    float *logits = malloc(sizeof(float) * (size_t)V);
    for (int t = 0; t < T - 1; t++) {
        ck_assert_int_eq(pp_model_decode(m, kv, ids[t], logits, &e), PP_OK);
        pp_op_log_softmax_row(logits, V);
        lp[t] = logits[ids[t + 1]];
    }
    ck_assert_int_eq(pp_kv_cache_len(kv), T - 1);
    assert_close("kv-cache logprobs", lp, want, (uint64_t)T - 1, 1e-4, 0);
    ck_assert_int_eq(pp_model_decode(m, kv, ids[T - 1], logits, &e), PP_OK);
    ck_assert_int_eq(pp_model_decode(m, kv, ids[0], logits, &e), PP_ERR_INVALID); /* full */
    pp_kv_cache_reset(kv);
    /* a prompt fed without logits but the last: the same distribution after it */
    for (int t = 0; t < T - 2; t++)
        ck_assert_int_eq(pp_model_decode(m, kv, ids[t], NULL, &e), PP_OK);
    ck_assert_int_eq(pp_model_decode(m, kv, ids[T - 2], logits, &e), PP_OK);
    pp_op_log_softmax_row(logits, V);
    ck_assert_float_eq_tol(logits[ids[T - 1]], want[T - 2], 1e-4);
    /* the prompt in one prefill (chunks of matrix products), then one more token */
    pp_kv_cache_reset(kv);
    ck_assert_int_eq(pp_model_prefill(m, kv, ids, T - 2, logits, &e), PP_OK);
    ck_assert_int_eq(pp_kv_cache_len(kv), T - 2);
    pp_op_log_softmax_row(logits, V);
    ck_assert_float_eq_tol(logits[ids[T - 2]], want[T - 3], 1e-4);
    ck_assert_int_eq(pp_model_decode(m, kv, ids[T - 2], logits, &e), PP_OK);
    pp_op_log_softmax_row(logits, V);
    ck_assert_float_eq_tol(logits[ids[T - 1]], want[T - 2], 1e-4);
    ck_assert_int_eq(pp_model_prefill(m, kv, ids, 2, logits, &e), PP_ERR_INVALID); /* full */
    pp_kv_cache_reset(kv);
    ck_assert_int_eq(pp_model_decode(m, kv, V, logits, &e), PP_ERR_INVALID);
    free(logits);
    pp_kv_cache_free(kv);
    free(fin);
    free(want);
    free(ids);
    pp_model_free(m);
    pp_safetensors_close(fx);
}
END_TEST

/* rope_scaling "linear" and "llama3": the tiny model's weights under each kind score a
 * 48-token sequence as the PyTorch script does, by the batched forward and by the KV
 * cache; the kinds differ from each other and from the default (so the test sees them). */
START_TEST(fixture_rope_scaling)
{
    static const struct {
        const char *name, *json;
    } cases[] = {
        {"logprobs.rope_linear", "{\"rope_type\":\"linear\",\"factor\":2.0}"},
        {"logprobs.rope_llama3",
         "{\"factor\":4.0,\"low_freq_factor\":1.0,\"high_freq_factor\":4.0,"
         "\"original_max_position_embeddings\":64,\"rope_type\":\"llama3\"}"},
    };
    pp_safetensors *fx;
    pp_error e;
    ck_assert_int_eq(pp_safetensors_open(FIXDIR "/fixtures.safetensors", &fx, &e), PP_OK);
    pp_model *tiny = load_tiny();
    uint64_t n;
    float *fids = fixture(fx, "rope.ids", &n);
    int T = (int)n, V = pp_model_config(tiny)->vocab_size;
    int32_t *ids = ids_of(fids, n);
    float lp[64], lp_default[64], first_case[64];
    ck_assert_int_eq(pp_model_logprobs(tiny, ids, T, lp_default, &e), PP_OK);
    float *logits = malloc(sizeof(float) * (size_t)V);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char buf[1024];
        snprintf(buf, sizeof buf,
                 TINY_CFG_ROPE ",\"head_dim\":8,\"max_position_embeddings\":64,"
                               "\"rms_norm_eps\":1e-5,\"rope_scaling\":%s}",
                 cases[k].json);
        pp_llama_config c;
        ck_assert_msg(pp_llama_config_parse(buf, "cfg.json", &c, &e) == PP_OK, "%s", e.message);
        ck_assert_int_eq(c.rope_kind, k == 0 ? PP_ROPE_LINEAR : PP_ROPE_LLAMA3);
        pp_model *m;
        ck_assert_int_eq(pp_model_new(&c, &m, &e), PP_OK);
        memcpy(pp_model_params(m), pp_model_params(tiny),
               pp_model_num_params(m) * sizeof(float));
        float *want = fixture(fx, cases[k].name, NULL);
        ck_assert_int_eq(pp_model_logprobs(m, ids, T, lp, &e), PP_OK);
        assert_close(cases[k].name, lp, want, (uint64_t)T - 1, 1e-4, 0);
        double dd = 0, dc = 0;
        for (int t = 0; t < T - 1; t++) {
            dd = fmax(dd, fabs(lp[t] - lp_default[t]));
            dc = fmax(dc, fabs(lp[t] - first_case[t]));
        }
        ck_assert_msg(dd > 1e-2, "%s: no different from the default rope", cases[k].name);
        if (k > 0)
            ck_assert_msg(dc > 1e-2, "%s: no different from the first case", cases[k].name);
        memcpy(first_case, lp, sizeof lp);
        pp_kv_cache *kv;
        ck_assert_int_eq(pp_kv_cache_new(m, T, &kv, &e), PP_OK);
        for (int t = 0; t < T - 1; t++) {
            ck_assert_int_eq(pp_model_decode(m, kv, ids[t], logits, &e), PP_OK);
            pp_op_log_softmax_row(logits, V);
            lp[t] = logits[ids[t + 1]];
        }
        assert_close(cases[k].name, lp, want, (uint64_t)T - 1, 1e-4, 0);
        /* prefills of 1..T-1 tokens (one chunk, and the rest one at a time) */
        for (int n = 1; n < T; n += 11) {
            pp_kv_cache_reset(kv);
            ck_assert_int_eq(pp_model_prefill(m, kv, ids, n, logits, &e), PP_OK);
            pp_op_log_softmax_row(logits, V);
            ck_assert_msg(fabsf(logits[ids[n]] - want[n - 1]) < 1e-4, "%s: prefill of %d",
                          cases[k].name, n);
        }
        pp_kv_cache_free(kv);
        free(want);
        pp_model_free(m);
    }
    free(logits);
    free(ids);
    free(fids);
    pp_model_free(tiny);
    pp_safetensors_close(fx);
}
END_TEST

/* A checkpoint stored in bfloat16 by the PyTorch script: the log-probabilities of the
 * rounded weights. */
START_TEST(fixture_bf16_checkpoint)
{
    pp_safetensors *fx;
    pp_error e;
    ck_assert_int_eq(pp_safetensors_open(FIXDIR "/fixtures.safetensors", &fx, &e), PP_OK);
    pp_model *m = NULL;
    ck_assert_int_eq(pp_model_load(FIXDIR "/tiny-bf16", &m, &e), PP_OK);
    uint64_t n;
    float *fin = fixture(fx, "inputs", &n), *want = fixture(fx, "logprobs.bf16", NULL);
    float *want32 = fixture(fx, "logprobs", NULL);
    int T = (int)n / 2;
    int32_t *ids = ids_of(fin, (uint64_t)T);
    float lp[64];
    ck_assert_int_eq(pp_model_logprobs(m, ids, T, lp, &e), PP_OK);
    assert_close("bf16 logprobs", lp, want, (uint64_t)T - 1, 1e-4, 0);
    double diff = 0; /* and the rounding did change something */
    for (int t = 0; t < T - 1; t++)
        diff += fabs((double)want[t] - want32[t]);
    ck_assert(diff > 1e-4);
    free(fin);
    free(want);
    free(want32);
    free(ids);
    pp_model_free(m);
    pp_safetensors_close(fx);
}
END_TEST

START_TEST(fixture_adamw_steps)
{
    pp_safetensors *fx;
    pp_error e;
    ck_assert_int_eq(pp_safetensors_open(FIXDIR "/fixtures.safetensors", &fx, &e), PP_OK);
    pp_model *m = load_tiny();
    uint64_t ns, nsteps;
    float *fstream = fixture(fx, "stream", &ns);
    float *want = fixture(fx, "train.losses", &nsteps);
    float *wnorm = fixture(fx, "train.grad_norms", NULL);
    int32_t *stream = ids_of(fstream, ns);
    const int B = 2, T = 8;
    ck_assert_int_eq(pp_model_prepare(m, B, T, 1, &e), PP_OK);
    pp_adamw opt = {.beta1 = 0.9f, .beta2 = 0.95f, .eps = 1e-8f, .weight_decay = 0.1f};
    float got[16], norms[16];
    int32_t in[B * T], tg[B * T];
    for (int s = 0; s < (int)nsteps; s++) {
        for (int r = 0; r < B; r++) /* row r of step s reads [(sB+r)T, (sB+r)T + T + 1) */
            for (int t = 0; t < T; t++) {
                in[r * T + t] = stream[(s * B + r) * T + t];
                tg[r * T + t] = stream[(s * B + r) * T + t + 1];
            }
        ck_assert_int_eq(pp_model_forward(m, in, tg, B, T, &got[s], &e), PP_OK);
        pp_model_zero_grad(m);
        ck_assert_int_eq(pp_model_backward(m, 1.0f, &e), PP_OK);
        norms[s] = pp_model_clip_grad_norm(m, 1.0f);
        pp_model_adamw_step(m, &opt, 1e-2f, s + 1, 1);
    }
    assert_close("training losses", got, want, nsteps, 1e-4, 0);
    assert_close("gradient norms", norms, wnorm, nsteps, 1e-4, 1e-3);
    for (int i = 0; i < pp_model_tensor_count(m); i++) {
        const char *name = pp_model_tensor_name(m, i);
        char fname[160];
        snprintf(fname, sizeof fname, "train.final.%s", name);
        uint64_t k;
        float *w = fixture(fx, fname, &k), *p;
        ck_assert_int_eq(pp_model_tensor(m, name, &p, NULL, NULL, NULL, &e), PP_OK);
        assert_close(fname, p, w, k, 2e-4, 1e-3);
        free(w);
    }
    free(fstream);
    free(want);
    free(wnorm);
    free(stream);
    pp_model_free(m);
    pp_safetensors_close(fx);
}
END_TEST

/* ---- numerical gradients of every layer ----
 * Each check takes L = sum(out * R) for a random R and compares d L / d input from
 * backward with central differences (step 1e-2 in float; tolerance 2e-3 + 2e-2 relative). */

typedef void (*fwd_fn)(float *out, float **in, void *ctx);

static void gradcheck(const char *what, fwd_fn f, void *ctx, float **in, int which, size_t n_in,
                      size_t n_out, const float *R, const float *analytic)
{
    float *out = malloc(sizeof(float) * n_out);
    for (size_t i = 0; i < n_in; i++) {
        float keep = in[which][i];
        double lp = 0.0, lm = 0.0;
        in[which][i] = keep + 1e-2f;
        f(out, in, ctx);
        for (size_t j = 0; j < n_out; j++)
            lp += (double)out[j] * R[j];
        in[which][i] = keep - 1e-2f;
        f(out, in, ctx);
        for (size_t j = 0; j < n_out; j++)
            lm += (double)out[j] * R[j];
        in[which][i] = keep;
        double num = (lp - lm) / 2e-2;
        ck_assert_msg(fabs(num - analytic[i]) <= 2e-3 + 2e-2 * fabs(num),
                      "%s: element %zu: backward %.6g, finite differences %.6g", what, i,
                      analytic[i], num);
    }
    free(out);
}

enum { GN = 6, GC = 10 };

static void f_rmsnorm(float *out, float **in, void *ctx)
{
    float rstd[GN];
    (void)ctx;
    pp_op_rmsnorm_forward(out, rstd, in[0], in[1], GN, GC, 1e-5f);
}

START_TEST(grad_rmsnorm)
{
    float x[GN * GC], w[GC], R[GN * GC], out[GN * GC], rstd[GN], dx[GN * GC] = {0}, dw[GC] = {0};
    fill(x, GN * GC, 1.0f);
    fill(w, GC, 1.0f);
    fill(R, GN * GC, 1.0f);
    pp_op_rmsnorm_forward(out, rstd, x, w, GN, GC, 1e-5f);
    pp_op_rmsnorm_backward(dx, dw, R, x, rstd, w, GN, GC);
    float *in[2] = {x, w};
    gradcheck("rmsnorm dx", f_rmsnorm, NULL, in, 0, GN * GC, GN * GC, R, dx);
    gradcheck("rmsnorm dw", f_rmsnorm, NULL, in, 1, GC, GN * GC, R, dw);
}
END_TEST

enum { MO = 7 };
static void f_matmul(float *out, float **in, void *ctx)
{
    (void)ctx;
    pp_op_matmul_forward(out, in[0], in[1], GN, GC, MO);
}

START_TEST(grad_matmul)
{
    float x[GN * GC], w[MO * GC], R[GN * MO], dx[GN * GC], dw[MO * GC] = {0};
    fill(x, GN * GC, 1.0f);
    fill(w, MO * GC, 1.0f);
    fill(R, GN * MO, 1.0f);
    pp_op_matmul_backward(dx, dw, R, x, w, GN, GC, MO, 0);
    float *in[2] = {x, w};
    gradcheck("matmul dinp", f_matmul, NULL, in, 0, GN * GC, GN * MO, R, dx);
    gradcheck("matmul dw", f_matmul, NULL, in, 1, MO * GC, GN * MO, R, dw);
}
END_TEST

static void f_embedding(float *out, float **in, void *ctx)
{
    pp_op_embedding_forward(out, ctx, in[0], GN, GC);
}

START_TEST(grad_embedding)
{
    int32_t ids[GN] = {3, 1, 3, 0, 4, 1}; /* repeated ids sum their gradients */
    float wte[5 * GC], R[GN * GC], dw[5 * GC] = {0};
    fill(wte, 5 * GC, 1.0f);
    fill(R, GN * GC, 1.0f);
    pp_op_embedding_backward(dw, R, ids, GN, GC);
    float *in[1] = {wte};
    gradcheck("embedding", f_embedding, ids, in, 0, 5 * GC, GN * GC, R, dw);
}
END_TEST

enum { RB = 2, RT = 5, RH = 3, RHD = 6 };
static float rcos[RT * RHD / 2], rsin[RT * RHD / 2];
static void f_rope(float *out, float **in, void *ctx)
{
    (void)ctx;
    pp_op_rope_forward(out, in[0], rcos, rsin, RB, RT, RH, RHD);
}

START_TEST(grad_rope)
{
    enum { NR = RB * RT * RH * RHD };
    float x[NR], R[NR], dx[NR], out[NR];
    pp_op_rope_tables(rcos, rsin, RT, RHD, 10000.0f);
    fill(x, NR, 1.0f);
    fill(R, NR, 1.0f);
    pp_op_rope_backward(dx, R, rcos, rsin, RB, RT, RH, RHD);
    float *in[1] = {x};
    gradcheck("rope", f_rope, NULL, in, 0, NR, NR, R, dx);
    /* position 0 is the identity; the pair (j, j + HD/2) keeps its norm */
    pp_op_rope_forward(out, x, rcos, rsin, RB, RT, RH, RHD);
    for (int j = 0; j < RHD; j++)
        ck_assert_float_eq_tol(out[j], x[j], 1e-7);
    int t = 3, h = 1, j = 2;
    const float *xi = x + ((0 * RT + t) * RH + h) * RHD, *o = out + ((0 * RH + h) * RT + t) * RHD;
    ck_assert_float_eq_tol(xi[j] * xi[j] + xi[j + 3] * xi[j + 3], o[j] * o[j] + o[j + 3] * o[j + 3],
                           1e-5);
}
END_TEST

enum { AB = 2, AT = 5, ANH = 4, ANKV = 2, AHD = 4 };
enum { NQ = AB * ANH * AT * AHD, NKVE = AB * ANKV * AT * AHD, NY = AB * AT * ANH * AHD };
static void f_attention(float *out, float **in, void *ctx)
{
    static float att[AB * ANH * AT * AT];
    (void)ctx;
    pp_op_attention_forward_naive(out, att, in[0], in[1], in[2], AB, AT, ANH, ANKV, AHD);
}

START_TEST(grad_attention)
{
    float q[NQ], k[NKVE], v[NKVE], R[NY], out[NY], att[AB * ANH * AT * AT];
    float dq[NQ], dk[NKVE], dv[NKVE];
    fill(q, NQ, 1.0f);
    fill(k, NKVE, 1.0f);
    fill(v, NKVE, 1.0f);
    fill(R, NY, 1.0f);
    pp_op_attention_forward_naive(out, att, q, k, v, AB, AT, ANH, ANKV, AHD);
    pp_op_attention_backward_naive(dq, dk, dv, R, att, q, k, v, AB, AT, ANH, ANKV, AHD);
    float *in[3] = {q, k, v};
    gradcheck("attention dq", f_attention, NULL, in, 0, NQ, NY, R, dq);
    gradcheck("attention dk", f_attention, NULL, in, 1, NKVE, NY, R, dk);
    gradcheck("attention dv", f_attention, NULL, in, 2, NKVE, NY, R, dv);
    /* causal: the first position attends to itself only */
    ck_assert_float_eq_tol(att[0], 1.0f, 1e-6);
    ck_assert_float_eq(att[1], 0.0f);
}
END_TEST

static void f_swiglu(float *out, float **in, void *ctx)
{
    (void)ctx;
    pp_op_swiglu_forward(out, in[0], in[1], GN * GC);
}

START_TEST(grad_swiglu)
{
    float g[GN * GC], u[GN * GC], R[GN * GC], dg[GN * GC], du[GN * GC];
    fill(g, GN * GC, 3.0f);
    fill(u, GN * GC, 1.0f);
    fill(R, GN * GC, 1.0f);
    pp_op_swiglu_backward(dg, du, R, g, u, GN * GC);
    float *in[2] = {g, u};
    gradcheck("swiglu dgate", f_swiglu, NULL, in, 0, GN * GC, GN * GC, R, dg);
    gradcheck("swiglu dup", f_swiglu, NULL, in, 1, GN * GC, GN * GC, R, du);
}
END_TEST

static void f_residual(float *out, float **in, void *ctx)
{
    (void)ctx;
    pp_op_residual_forward(out, in[0], in[1], GN * GC);
}

START_TEST(grad_residual)
{
    float a[GN * GC], b[GN * GC], R[GN * GC], da[GN * GC] = {0}, db[GN * GC] = {0};
    fill(a, GN * GC, 1.0f);
    fill(b, GN * GC, 1.0f);
    fill(R, GN * GC, 1.0f);
    pp_op_add_inplace(da, R, GN * GC);
    pp_op_add_inplace(db, R, GN * GC);
    float *in[2] = {a, b};
    gradcheck("residual a", f_residual, NULL, in, 0, GN * GC, GN * GC, R, da);
    gradcheck("residual b", f_residual, NULL, in, 1, GN * GC, GN * GC, R, db);
}
END_TEST

enum { XV = 9 };
static int32_t xent_targets[GN] = {2, -1, 8, 0, 5, -1};
static void f_xent(float *out, float **in, void *ctx)
{
    float losses[GN];
    (void)ctx;
    long cnt = pp_op_crossentropy_forward(losses, in[0], xent_targets, GN, XV);
    double s = 0;
    for (int i = 0; i < GN; i++)
        s += losses[i];
    out[0] = (float)(s / (double)cnt);
}

START_TEST(grad_crossentropy)
{
    float lg[GN * XV], d[GN * XV], R[1] = {1.0f}, losses[GN];
    fill(lg, GN * XV, 2.0f);
    memcpy(d, lg, sizeof lg);
    long cnt = pp_op_crossentropy_forward(losses, lg, xent_targets, GN, XV);
    ck_assert_int_eq(cnt, 4);
    ck_assert_float_eq(losses[1], 0.0f);
    pp_op_crossentropy_backward(d, xent_targets, GN, XV, cnt, 1.0f);
    float *in[1] = {lg};
    gradcheck("cross-entropy", f_xent, NULL, in, 0, GN * XV, 1, R, d);
}
END_TEST

/* ---- fast kernels against their naive references ---- */

START_TEST(fast_matmul_vs_naive)
{
    enum { N = 37, IC = 29, OC = 23 };
    static float x[N * IC], w[OC * IC], o1[N * OC], o2[N * OC], dout[N * OC];
    static float dx1[N * IC], dx2[N * IC], dw1[OC * IC], dw2[OC * IC];
    fill(x, N * IC, 1.0f);
    fill(w, OC * IC, 1.0f);
    fill(dout, N * OC, 1.0f);
    pp_op_matmul_forward(o1, x, w, N, IC, OC);
    pp_op_matmul_forward_naive(o2, x, w, N, IC, OC);
    assert_close("matmul forward", o1, o2, N * OC, 1e-5, 1e-5);
    fill(dx1, N * IC, 1.0f);
    memcpy(dx2, dx1, sizeof dx1);
    fill(dw1, OC * IC, 1.0f);
    memcpy(dw2, dw1, sizeof dw1);
    pp_op_matmul_backward(dx1, dw1, dout, x, w, N, IC, OC, 1);
    pp_op_matmul_backward_naive(dx2, dw2, dout, x, w, N, IC, OC, 1);
    assert_close("matmul dinp", dx1, dx2, N * IC, 1e-5, 1e-5);
    assert_close("matmul dw", dw1, dw2, OC * IC, 1e-5, 1e-5);
}
END_TEST

START_TEST(fast_attention_vs_naive)
{
    /* 3 query heads per kv head, T not a power of two */
    enum { B = 2, T = 150, NH = 6, NKV = 2, HD = 8 };
    size_t nq = (size_t)B * NH * T * HD, nk = (size_t)B * NKV * T * HD;
    size_t na = (size_t)B * NH * T * T;
    float *q = malloc(nq * 4), *k = malloc(nk * 4), *v = malloc(nk * 4), *dy = malloc(nq * 4);
    float *y1 = malloc(nq * 4), *y2 = malloc(nq * 4), *a1 = malloc(na * 4), *a2 = malloc(na * 4);
    float *dq1 = malloc(nq * 4), *dq2 = malloc(nq * 4), *dk1 = malloc(nk * 4), *dk2 = malloc(nk * 4);
    float *dv1 = malloc(nk * 4), *dv2 = malloc(nk * 4);
    float *scratch = malloc(pp_op_attention_scratch_floats(T, NH, NKV) * 4);
    float *yh = malloc(nq * 4);
    fill(q, nq, 1.0f);
    fill(k, nk, 1.0f);
    fill(v, nk, 1.0f);
    fill(dy, nq, 1.0f);
    pp_op_attention_forward(y1, a1, yh, q, k, v, B, T, NH, NKV, HD);
    pp_op_attention_forward_naive(y2, a2, q, k, v, B, T, NH, NKV, HD);
    assert_close("attention probabilities", a1, a2, na, 1e-6, 1e-4);
    assert_close("attention output", y1, y2, nq, 1e-5, 1e-4);
    pp_op_attention_backward(dq1, dk1, dv1, scratch, dy, a1, q, k, v, B, T, NH, NKV, HD);
    pp_op_attention_backward_naive(dq2, dk2, dv2, dy, a2, q, k, v, B, T, NH, NKV, HD);
    assert_close("attention dq", dq1, dq2, nq, 1e-5, 1e-3);
    assert_close("attention dk", dk1, dk2, nk, 1e-5, 1e-3);
    assert_close("attention dv", dv1, dv2, nk, 1e-5, 1e-3);
    free(q), free(k), free(v), free(dy), free(y1), free(y2), free(a1), free(a2);
    free(dq1), free(dq2), free(dk1), free(dk2), free(dv1), free(dv2), free(scratch), free(yh);
}
END_TEST

/* ---- optimizer pieces ---- */

START_TEST(lr_schedules)
{
    pp_lr_schedule s;
    pp_error e;
    ck_assert_int_eq(pp_lr_schedule_parse("cosine", &s, &e), PP_OK);
    ck_assert_int_eq(s, PP_LR_COSINE);
    ck_assert_int_eq(pp_lr_schedule_parse("step", &s, &e), PP_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(e.message, "step"));
    ck_assert_float_eq_tol(pp_lr_at(PP_LR_CONSTANT, 1.0f, 0.0f, 0, 4, 100), 0.25f, 1e-7);
    ck_assert_float_eq_tol(pp_lr_at(PP_LR_CONSTANT, 1.0f, 0.0f, 50, 4, 100), 1.0f, 1e-7);
    ck_assert_float_eq_tol(pp_lr_at(PP_LR_COSINE, 1.0f, 0.1f, 4, 4, 104), 1.0f, 1e-6);
    ck_assert_float_eq_tol(pp_lr_at(PP_LR_COSINE, 1.0f, 0.1f, 54, 4, 104), 0.55f, 1e-6);
    ck_assert_float_eq_tol(pp_lr_at(PP_LR_COSINE, 1.0f, 0.1f, 104, 4, 104), 0.1f, 1e-6);
    ck_assert_float_eq_tol(pp_lr_at(PP_LR_LINEAR, 1.0f, 0.0f, 54, 4, 104), 0.5f, 1e-6);
}
END_TEST

/* ---- configuration ---- */

#define TINY_CFG                                                                        \
    "{\"vocab_size\":64,\"hidden_size\":32,\"intermediate_size\":48,\"num_hidden_layers\":2," \
    "\"num_attention_heads\":4,\"num_key_value_heads\":2%s}"

static pp_status parse_with(const char *extra, pp_error *e)
{
    char buf[1024];
    snprintf(buf, sizeof buf, TINY_CFG, extra);
    pp_llama_config c;
    return pp_llama_config_parse(buf, "cfg.json", &c, e);
}

START_TEST(config_validation)
{
    pp_error e;
    pp_llama_config c;
    char buf[1024];
    snprintf(buf, sizeof buf, TINY_CFG, "");
    ck_assert_int_eq(pp_llama_config_parse(buf, "cfg.json", &c, &e), PP_OK);
    ck_assert_int_eq(c.head_dim, 8);
    ck_assert_float_eq(c.rope_theta, 10000.0f);
    ck_assert_int_eq(c.tie_word_embeddings, 0);
    ck_assert_int_eq(parse_with(",\"rope_scaling\":{\"type\":\"linear\",\"factor\":2}", &e),
                     PP_OK);
    ck_assert_int_eq(parse_with(",\"rope_scaling\":{\"rope_type\":\"default\"}", &e), PP_OK);
    ck_assert_int_eq(parse_with(",\"rope_scaling\":{\"type\":\"dynamic\",\"factor\":2}", &e),
                     PP_ERR_UNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(e.message, "dynamic"));
    ck_assert_str_eq(e.file, "cfg.json");
    ck_assert_int_eq(parse_with(",\"rope_scaling\":{\"rope_type\":\"yarn\",\"factor\":4}", &e),
                     PP_ERR_UNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(e.message, "yarn"));
    ck_assert_int_eq(parse_with(",\"rope_scaling\":{\"rope_type\":\"linear\"}", &e),
                     PP_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(e.message, "factor"));
    ck_assert_int_eq(parse_with(",\"rope_scaling\":{\"rope_type\":\"llama3\",\"factor\":8,"
                                "\"low_freq_factor\":1,\"high_freq_factor\":4}",
                                &e),
                     PP_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(e.message, "original_max_position_embeddings"));
    ck_assert_int_eq(parse_with(",\"rope_scaling\":{\"rope_type\":\"llama3\",\"factor\":8,"
                                "\"low_freq_factor\":4,\"high_freq_factor\":1,"
                                "\"original_max_position_embeddings\":8192}",
                                &e),
                     PP_ERR_INVALID);
    /* the fields a Hugging Face config carries beside the architecture */
    snprintf(buf, sizeof buf, TINY_CFG,
             ",\"torch_dtype\":\"bfloat16\",\"transformers_version\":\"4.45.0\","
             "\"attention_dropout\":0.0,\"pretraining_tp\":1,\"use_cache\":true,"
             "\"initializer_range\":0.02,\"pad_token_id\":null,\"mlp_bias\":false,"
             "\"attention_bias\":false,\"bos_token_id\":1,\"eos_token_id\":[2,5,9],"
             "\"rope_scaling\":{\"factor\":32.0,\"high_freq_factor\":4.0,"
             "\"low_freq_factor\":1.0,\"original_max_position_embeddings\":8192,"
             "\"rope_type\":\"llama3\"}");
    ck_assert_msg(pp_llama_config_parse(buf, "cfg.json", &c, &e) == PP_OK, "%s", e.message);
    ck_assert_int_eq(c.eos_token_id, 2);
    ck_assert_int_eq(c.num_eos_token_ids, 3);
    ck_assert(pp_llama_config_is_eos(&c, 9) && pp_llama_config_is_eos(&c, 2));
    ck_assert(!pp_llama_config_is_eos(&c, 1) && !pp_llama_config_is_eos(&c, -1));
    ck_assert_int_eq(c.rope_kind, PP_ROPE_LLAMA3);
    ck_assert_int_eq(c.rope_original_max_position_embeddings, 8192);
    ck_assert_int_eq(parse_with(",\"eos_token_id\":[2,64]", &e), PP_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(e.message, "eos_token_id"));
    ck_assert_int_eq(parse_with(",\"quantization_config\":{\"bits\":4}", &e),
                     PP_ERR_UNSUPPORTED);
    ck_assert_int_eq(parse_with(",\"partial_rotary_factor\":0.5", &e), PP_ERR_UNSUPPORTED);
    ck_assert_int_eq(parse_with(",\"hidden_act\":\"gelu\"", &e), PP_ERR_UNSUPPORTED);
    ck_assert_int_eq(parse_with(",\"architectures\":[\"MistralForCausalLM\"]", &e),
                     PP_ERR_UNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(e.message, "MistralForCausalLM"));
    ck_assert_int_eq(parse_with(",\"architectures\":[\"LlamaForCausalLM\"],"
                                "\"eos_token_id\":[2,3]",
                                &e),
                     PP_OK);
    ck_assert_int_eq(pp_llama_config_parse("{\"vocab_size\":64}", "c", &c, &e), PP_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(e.message, "hidden_size"));
    /* kv heads that do not divide heads, heads that do not divide the width */
    ck_assert_int_eq(pp_llama_config_parse(buf, "cfg.json", &c, &e), PP_OK);
    c.num_key_value_heads = 3;
    ck_assert_int_eq(pp_llama_config_validate(&c, "cfg.json", &e), PP_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(e.message, "num_key_value_heads"));
    ck_assert_int_eq(pp_llama_config_parse("{\"vocab_size\":64,\"hidden_size\":30,"
                                           "\"intermediate_size\":8,\"num_hidden_layers\":1,"
                                           "\"num_attention_heads\":4}",
                                           "c", &c, &e),
                     PP_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(e.message, "hidden_size"));
    ck_assert_int_eq(parse_with(",\"bos_token_id\":64", &e), PP_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(e.message, "bos_token_id"));
}
END_TEST

START_TEST(generation_config)
{
    pp_error e;
    pp_llama_config c;
    pp_generation_config g;
    char buf[1024];
    snprintf(buf, sizeof buf, TINY_CFG, "");
    ck_assert_int_eq(pp_llama_config_parse(buf, "cfg.json", &c, &e), PP_OK);
    /* Llama 3.2 Instruct's: an eos list and sampling defaults */
    ck_assert_int_eq(pp_generation_config_parse("{\"bos_token_id\":1,\"do_sample\":true,"
                                                "\"eos_token_id\":[2,7,9],\"temperature\":0.6,"
                                                "\"top_p\":0.9,\"transformers_version\":\"4.45\"}",
                                                "g.json", &c, &g, &e),
                     PP_OK);
    ck_assert_int_eq(g.present, 1);
    ck_assert_int_eq(g.num_eos_token_ids, 3);
    ck_assert_int_eq(g.eos_token_ids[2], 9);
    ck_assert_int_eq(g.eos_token_id, 2);
    ck_assert_int_eq(g.do_sample, 1);
    ck_assert_float_eq_tol(g.temperature, 0.6f, 1e-7);
    ck_assert_float_eq_tol(g.top_p, 0.9f, 1e-7);
    ck_assert_int_eq(g.top_k, 50); /* GenerationConfig's default when sampling */
    ck_assert_int_eq(g.max_new_tokens, -1);
    /* TinyLlama's: greedy, a pad id, max_length (ignored) */
    ck_assert_int_eq(pp_generation_config_parse("{\"bos_token_id\":1,\"eos_token_id\":2,"
                                                "\"max_length\":2048,\"pad_token_id\":0}",
                                                "g.json", &c, &g, &e),
                     PP_OK);
    ck_assert_int_eq(g.num_eos_token_ids, 0);
    ck_assert_int_eq(g.eos_token_id, 2);
    ck_assert_int_eq(g.pad_token_id, 0);
    ck_assert_int_eq(g.do_sample, -1);
    ck_assert(g.temperature < 0 && g.top_k < 0 && g.top_p < 0);
    ck_assert_int_eq(pp_generation_config_parse("{\"pad_token_id\":-1}", "g.json", &c, &g, &e),
                     PP_OK);
    ck_assert_int_eq(g.pad_token_id, -1);
    /* wrong values name the file and the field */
    ck_assert_int_eq(pp_generation_config_parse("{\"eos_token_id\":[2,64]}", "g.json", &c, &g, &e),
                     PP_ERR_INVALID);
    ck_assert_str_eq(e.file, "g.json");
    ck_assert_ptr_nonnull(strstr(e.message, "eos_token_id"));
    ck_assert_int_eq(pp_generation_config_parse("{\"top_p\":1.5}", "g.json", &c, &g, &e),
                     PP_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(e.message, "top_p"));
    ck_assert_int_eq(pp_generation_config_parse("{\"do_sample\":\"yes\"}", "g.json", &c, &g, &e),
                     PP_ERR_INVALID);
    ck_assert_int_eq(pp_generation_config_parse("{\"top_k\":2.5}", "g.json", &c, &g, &e),
                     PP_ERR_INVALID);
    ck_assert_int_eq(pp_generation_config_parse("[1]", "g.json", &c, &g, &e), PP_ERR_PARSE);
    ck_assert_int_eq(pp_generation_config_parse("{", "g.json", &c, &g, &e), PP_ERR_PARSE);
    /* a missing file is no error */
    ck_assert_int_eq(pp_generation_config_load(FIXDIR "/tiny/generation_config.json", &c, &g, &e),
                     PP_OK);
    ck_assert_int_eq(g.present, 0);
    /* a saved model writes its eos list back (config.json and generation_config.json) */
    char dir[512], p[600];
    tu_tmpdir(dir, sizeof dir);
    snprintf(buf, sizeof buf, TINY_CFG, ",\"eos_token_id\":[2,5],\"rope_scaling\":"
                                        "{\"rope_type\":\"linear\",\"factor\":2}");
    ck_assert_int_eq(pp_llama_config_parse(buf, "cfg.json", &c, &e), PP_OK);
    pp_model *m;
    ck_assert_int_eq(pp_model_new(&c, &m, &e), PP_OK);
    ck_assert_int_eq(pp_model_save(m, dir, &e), PP_OK);
    snprintf(p, sizeof p, "%s/generation_config.json", dir);
    ck_assert_int_eq(pp_generation_config_load(p, &c, &g, &e), PP_OK);
    ck_assert_int_eq(g.num_eos_token_ids, 2);
    ck_assert_int_eq(g.eos_token_ids[1], 5);
    pp_model *m2;
    ck_assert_int_eq(pp_model_load(dir, &m2, &e), PP_OK);
    ck_assert_int_eq(pp_model_config(m2)->num_eos_token_ids, 2);
    ck_assert_int_eq(pp_model_config(m2)->rope_kind, PP_ROPE_LINEAR);
    ck_assert_float_eq(pp_model_config(m2)->rope_factor, 2.0f);
    pp_model_free(m2);
    pp_model_free(m);
    tu_rmtree(dir);
}
END_TEST

/* ---- checkpoints ---- */

START_TEST(checkpoint_round_trip)
{
    char dir[512];
    tu_tmpdir(dir, sizeof dir);
    pp_model *m = load_tiny(), *m2;
    pp_error e;
    ck_assert_int_eq(pp_model_save(m, dir, &e), PP_OK);
    ck_assert_int_eq(pp_model_load(dir, &m2, &e), PP_OK);
    ck_assert_uint_eq(pp_model_num_params(m2), pp_model_num_params(m));
    ck_assert_int_eq(memcmp(pp_model_params(m), pp_model_params(m2),
                            pp_model_num_params(m) * sizeof(float)),
                     0);
    char p[600];
    snprintf(p, sizeof p, "%s/generation_config.json", dir);
    ck_assert_int_eq(access(p, R_OK), 0);

    /* training state */
    ck_assert_int_eq(pp_model_prepare(m, 1, 4, 1, &e), PP_OK);
    fill(pp_model_adam_m(m), pp_model_num_params(m), 1.0f);
    fill(pp_model_adam_v(m), pp_model_num_params(m), 1.0f);
    pp_train_state s = {.step = 7, .data_pos = 1234, .rng = {1, 2, 3, 4}}, s2;
    ck_assert_int_eq(pp_train_state_save(m, &s, dir, &e), PP_OK);
    ck_assert_int_eq(pp_model_prepare(m2, 1, 4, 1, &e), PP_OK);
    ck_assert_int_eq(pp_train_state_load(m2, &s2, dir, &e), PP_OK);
    ck_assert_int_eq(s2.step, 7);
    ck_assert_int_eq(s2.data_pos, 1234);
    ck_assert_uint_eq(s2.rng[3], 4);
    ck_assert_int_eq(memcmp(pp_model_adam_v(m), pp_model_adam_v(m2),
                            pp_model_num_params(m) * sizeof(float)),
                     0);
    pp_model_free(m);
    pp_model_free(m2);
    tu_rmtree(dir);
}
END_TEST

/* Write a tiny checkpoint as two shards with an index; loads and equals the original. */
START_TEST(checkpoint_sharded)
{
    char dir[512], p[700];
    tu_tmpdir(dir, sizeof dir);
    pp_model *m = load_tiny(), *m2;
    pp_error e;
    int n = pp_model_tensor_count(m), half = n / 2;
    pp_st_out *ts = calloc((size_t)n, sizeof *ts);
    FILE *idx;
    snprintf(p, sizeof p, "%s/model.safetensors.index.json", dir);
    ck_assert_ptr_nonnull(idx = fopen(p, "w"));
    fprintf(idx, "{\"metadata\":{},\"weight_map\":{");
    for (int i = 0; i < n; i++) {
        float *d;
        int nd;
        int64_t sh[2];
        ts[i].name = pp_model_tensor_name(m, i);
        ck_assert_int_eq(pp_model_tensor(m, ts[i].name, &d, NULL, &nd, sh, &e), PP_OK);
        ts[i].data = d;
        ts[i].ndim = nd;
        ts[i].shape[0] = sh[0];
        ts[i].shape[1] = sh[1];
        fprintf(idx, "%s\"%s\":\"model-%05d-of-00002.safetensors\"", i ? "," : "", ts[i].name,
                i < half ? 1 : 2);
    }
    fprintf(idx, "}}");
    fclose(idx);
    snprintf(p, sizeof p, "%s/model-00001-of-00002.safetensors", dir);
    ck_assert_int_eq(pp_safetensors_write(p, ts, half, &e), PP_OK);
    snprintf(p, sizeof p, "%s/model-00002-of-00002.safetensors", dir);
    ck_assert_int_eq(pp_safetensors_write(p, ts + half, n - half, &e), PP_OK);
    snprintf(p, sizeof p, "%s/config.json", dir);
    ck_assert_int_eq(pp_llama_config_save(pp_model_config(m), p, &e), PP_OK);
    ck_assert_int_eq(pp_model_load(dir, &m2, &e), PP_OK);
    ck_assert_int_eq(memcmp(pp_model_params(m), pp_model_params(m2),
                            pp_model_num_params(m) * sizeof(float)),
                     0);
    pp_model_free(m2);
    /* a shard that lacks a tensor the index promises */
    snprintf(p, sizeof p, "%s/model-00002-of-00002.safetensors", dir);
    ck_assert_int_eq(pp_safetensors_write(p, ts + half, n - half - 1, &e), PP_OK);
    ck_assert_int_ne(pp_model_load(dir, &m2, &e), PP_OK);
    ck_assert_ptr_nonnull(strstr(e.file, "model-00002-of-00002.safetensors"));
    ck_assert_ptr_nonnull(strstr(e.message, ts[n - 1].name));
    free(ts);
    pp_model_free(m);
    tu_rmtree(dir);
}
END_TEST

/* A safetensors file written byte by byte. */
static void write_st(const char *path, const char *header, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    ck_assert_ptr_nonnull(fp);
    uint64_t n = strlen(header);
    unsigned char l8[8];
    for (int i = 0; i < 8; i++)
        l8[i] = (unsigned char)(n >> (8 * i));
    fwrite(l8, 1, 8, fp);
    fwrite(header, 1, n, fp);
    fwrite(data, 1, len, fp);
    fclose(fp);
}

START_TEST(safetensors_dtypes)
{
    char dir[512], p[600];
    tu_tmpdir(dir, sizeof dir);
    snprintf(p, sizeof p, "%s/x.safetensors", dir);
    /* 1.5, -2, 0.099609375 in BF16 (0x3FC0, 0xC000, 0x3DCC) and F16 (0x3E00, 0xC000, 0x2E60),
     * plus a subnormal F16 (0x0001 = 2^-24) */
    uint16_t data[7] = {0x3FC0, 0xC000, 0x3DCC, 0x3E00, 0xC000, 0x2E60, 0x0001};
    write_st(p,
             "{\"a\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[0,6]},"
             "\"b\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[6,14]}}",
             data, sizeof data);
    pp_safetensors *st;
    pp_error e;
    ck_assert_int_eq(pp_safetensors_open(p, &st, &e), PP_OK);
    float a[3], b[4];
    ck_assert_int_eq(pp_safetensors_read_f32(st, pp_safetensors_find(st, "a"), a, 3, &e), PP_OK);
    ck_assert_int_eq(pp_safetensors_read_f32(st, pp_safetensors_find(st, "b"), b, 4, &e), PP_OK);
    ck_assert_float_eq(a[0], 1.5f);
    ck_assert_float_eq(a[1], -2.0f);
    ck_assert_float_eq(a[2], 0.099609375f);
    ck_assert_float_eq(b[0], 1.5f);
    ck_assert_float_eq(b[1], -2.0f);
    ck_assert_float_eq(b[2], 0.099609375f);
    ck_assert_float_eq(b[3], ldexpf(1.0f, -24));
    pp_safetensors_close(st);
    tu_rmtree(dir);
}
END_TEST

/* Bad files: each refused with the file and the tensor named. */
START_TEST(safetensors_bad_input)
{
    char dir[512], p[600];
    tu_tmpdir(dir, sizeof dir);
    snprintf(p, sizeof p, "%s/bad.safetensors", dir);
    float data[4] = {1, 2, 3, 4};
    pp_safetensors *st = NULL;
    pp_error e;
    static const struct {
        const char *header;
        size_t len;
        const char *needle;
    } cases[] = {
        /* offsets past the end of the file */
        {"{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,32]}}", 16, "\"w\""},
        /* shape and offsets disagree */
        {"{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]}}", 16, "\"w\""},
        /* overlapping tensors */
        {"{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
         "\"u\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
         16, "overlap"},
        /* unknown dtype */
        {"{\"w\":{\"dtype\":\"Q4\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16, "Q4"},
        /* begin after end */
        {"{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", 16, "\"w\""},
        /* not JSON */
        {"{\"w\":", 16, "JSON"},
        /* the same tensor twice */
        {"{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
         "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}",
         16, "duplicate"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_st(p, cases[i].header, data, cases[i].len);
        ck_assert_int_ne(pp_safetensors_open(p, &st, &e), PP_OK);
        ck_assert_ptr_null(st);
        ck_assert_str_eq(e.file, p);
        ck_assert_msg(strstr(e.message, cases[i].needle) != NULL, "case %zu: %s", i, e.message);
    }
    /* a header length larger than the file */
    unsigned char big[16] = {0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0, '{', '}'};
    tu_write_file(p, big, sizeof big);
    ck_assert_int_eq(pp_safetensors_open(p, &st, &e), PP_ERR_PARSE);
    ck_assert_ptr_nonnull(strstr(e.message, "exceeds"));
    tu_write_file(p, big, 5); /* shorter than the length field */
    ck_assert_int_eq(pp_safetensors_open(p, &st, &e), PP_ERR_PARSE);
    ck_assert_ptr_nonnull(strstr(e.message, "truncated"));
    /* a dtype the reader does not convert */
    write_st(p, "{\"w\":{\"dtype\":\"I32\",\"shape\":[4],\"data_offsets\":[0,16]}}", data, 16);
    ck_assert_int_eq(pp_safetensors_open(p, &st, &e), PP_OK);
    float out[4];
    ck_assert_int_eq(pp_safetensors_read_f32(st, pp_safetensors_at(st, 0), out, 4, &e),
                     PP_ERR_UNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(e.message, "I32"));
    pp_safetensors_close(st);
    tu_rmtree(dir);
}
END_TEST

/* Copy the tiny checkpoint, then break it in one way. */
static void copy_tiny(const char *dir)
{
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "cp '%s'/tiny/config.json '%s'/tiny/model.safetensors '%s'/", FIXDIR,
             FIXDIR, dir);
    ck_assert_int_eq(system(cmd), 0);
}

START_TEST(checkpoint_bad_input)
{
    char dir[512], p[600], cfgp[600];
    tu_tmpdir(dir, sizeof dir);
    copy_tiny(dir);
    snprintf(p, sizeof p, "%s/model.safetensors", dir);
    snprintf(cfgp, sizeof cfgp, "%s/config.json", dir);
    pp_model *m = load_tiny(), *m2 = NULL;
    pp_error e;

    /* truncated: the header promises data the file no longer has */
    size_t len = 0;
    char *bytes = tu_read_file(p, &len);
    tu_write_file(p, bytes, len - 100);
    ck_assert_int_ne(pp_model_load(dir, &m2, &e), PP_OK);
    ck_assert_ptr_null(m2);
    ck_assert_str_eq(e.file, p);
    ck_assert_ptr_nonnull(strstr(e.message, "lm_head.weight"));
    ck_assert_ptr_nonnull(strstr(e.message, "truncated"));
    free(bytes);

    /* a missing tensor */
    int n = pp_model_tensor_count(m);
    pp_st_out *ts = calloc((size_t)n, sizeof *ts);
    for (int i = 0; i < n; i++) {
        float *d;
        int nd;
        int64_t sh[2];
        ts[i].name = pp_model_tensor_name(m, i);
        pp_model_tensor(m, ts[i].name, &d, NULL, &nd, sh, &e);
        ts[i].data = d;
        ts[i].ndim = nd;
        ts[i].shape[0] = sh[0];
        ts[i].shape[1] = sh[1];
    }
    pp_st_out keep = ts[3];
    ts[3] = ts[n - 1];
    ck_assert_int_eq(pp_safetensors_write(p, ts, n - 1, &e), PP_OK);
    ck_assert_int_eq(pp_model_load(dir, &m2, &e), PP_ERR_MODEL);
    ck_assert_str_eq(e.file, p);
    ck_assert_ptr_nonnull(strstr(e.message, keep.name));
    ck_assert_ptr_nonnull(strstr(e.message, "missing"));
    ts[3] = keep;

    /* a wrong shape */
    ts[2].shape[0] -= 1;
    ck_assert_int_eq(pp_safetensors_write(p, ts, n, &e), PP_OK);
    ck_assert_int_eq(pp_model_load(dir, &m2, &e), PP_ERR_MODEL);
    ck_assert_ptr_nonnull(strstr(e.message, ts[2].name));
    ck_assert_ptr_nonnull(strstr(e.message, "shape"));
    ts[2].shape[0] += 1;

    /* an inconsistent configuration */
    ck_assert_int_eq(pp_safetensors_write(p, ts, n, &e), PP_OK);
    const char *badcfg = "{\"vocab_size\":64,\"hidden_size\":32,\"intermediate_size\":48,"
                         "\"num_hidden_layers\":2,\"num_attention_heads\":4,"
                         "\"num_key_value_heads\":3}";
    tu_write_file(cfgp, badcfg, strlen(badcfg));
    ck_assert_int_eq(pp_model_load(dir, &m2, &e), PP_ERR_INVALID);
    ck_assert_str_eq(e.file, cfgp);
    ck_assert_ptr_nonnull(strstr(e.message, "num_key_value_heads"));

    /* a configuration whose sizes do not match the weights */
    const char *othercfg = "{\"vocab_size\":64,\"hidden_size\":32,\"intermediate_size\":40,"
                           "\"num_hidden_layers\":2,\"num_attention_heads\":4,"
                           "\"num_key_value_heads\":2}";
    tu_write_file(cfgp, othercfg, strlen(othercfg));
    ck_assert_int_eq(pp_model_load(dir, &m2, &e), PP_ERR_MODEL);
    ck_assert_ptr_nonnull(strstr(e.message, "gate_proj"));
    free(ts);
    pp_model_free(m);
    tu_rmtree(dir);
}
END_TEST

/* Damaged headers: random bytes of the header (and its length) changed, 300 times;
 * every load either succeeds or fails with an error naming the file. */
START_TEST(checkpoint_damaged_headers)
{
    char dir[512], p[600];
    tu_tmpdir(dir, sizeof dir);
    copy_tiny(dir);
    snprintf(p, sizeof p, "%s/model.safetensors", dir);
    size_t len = 0;
    unsigned char *orig = (unsigned char *)tu_read_file(p, &len);
    uint64_t hl = 0;
    for (int i = 7; i >= 0; i--)
        hl = (hl << 8) | orig[i];
    unsigned char *b = malloc(len);
    uint64_t r = 2024;
    int failed = 0;
    for (int it = 0; it < 300; it++) {
        memcpy(b, orig, len);
        for (int k = 0; k < 1 + it % 3; k++) {
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            size_t at = (size_t)((r >> 33) % (8 + hl));
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            static const char junk[] = "0123456789\"{}[],:-";
            b[at] = it % 2 ? (unsigned char)(r >> 56) : (unsigned char)junk[(r >> 40) % 18];
        }
        tu_write_file(p, b, len);
        pp_model *m = NULL;
        pp_error e;
        pp_status st = pp_model_load(dir, &m, &e);
        if (st != PP_OK) {
            ck_assert_ptr_null(m);
            ck_assert_msg(strstr(e.file, dir) != NULL, "iteration %d: error without the file", it);
            failed++;
        }
        pp_model_free(m);
    }
    ck_assert_int_gt(failed, 100);
    free(b);
    free(orig);
    tu_rmtree(dir);
}
END_TEST

START_TEST(model_bad_input)
{
    pp_model *m = load_tiny();
    pp_error e;
    int32_t ids[4] = {1, 2, 3, 64};
    ck_assert_int_eq(pp_model_prepare(m, 1, 65, 0, &e), PP_ERR_INVALID); /* > max positions */
    ck_assert_ptr_nonnull(strstr(e.message, "max_position_embeddings"));
    ck_assert_int_eq(pp_model_prepare(m, 1, 4, 0, &e), PP_OK);
    ck_assert_int_eq(pp_model_forward(m, ids, NULL, 1, 4, NULL, &e), PP_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(e.message, "64"));
    ck_assert_int_eq(pp_model_forward(m, ids, NULL, 2, 4, NULL, &e), PP_ERR_INVALID);
    ck_assert_int_eq(pp_model_backward(m, 1.0f, &e), PP_ERR_INVALID); /* not for training */
    pp_memory_plan plan = pp_model_memory_plan(m);
    ck_assert_uint_eq(plan.grads, 0);
    ck_assert_uint_gt(plan.kv_cache, 0);
    ck_assert_uint_eq(plan.total, plan.params + plan.activations + plan.kv_cache);
    pp_model_free(m);
}
END_TEST

/* With PP_MODEL_EXPORT=DIR: write a freshly initialized checkpoint and the
 * log-probabilities polyphony gives for a sequence, for
 * `regenerate.py --verify DIR` to compare in PyTorch. */
START_TEST(export_for_torch)
{
    const char *dir = getenv("PP_MODEL_EXPORT");
    pp_llama_config c;
    pp_error e;
    ck_assert_int_eq(pp_llama_config_load(FIXDIR "/tiny/config.json", &c, &e), PP_OK);
    c.tie_word_embeddings = 1; /* the other head layout than the fixtures */
    pp_model *m;
    ck_assert_int_eq(pp_model_new(&c, &m, &e), PP_OK);
    pp_model_init_random(m, 7, 0.2f);
    int32_t ids[20];
    for (int i = 0; i < 20; i++)
        ids[i] = (i * 37 + 5) % c.vocab_size;
    float lp[19];
    ck_assert_int_eq(pp_model_logprobs(m, ids, 20, lp, &e), PP_OK);
    for (int i = 0; i < 19; i++)
        ck_assert(isfinite(lp[i]) && lp[i] < 0.0f);
    if (dir && *dir) {
        ck_assert_int_eq(pp_model_save(m, dir, &e), PP_OK);
        char p[4200];
        snprintf(p, sizeof p, "%s/logprobs.json", dir);
        FILE *fp = fopen(p, "w");
        ck_assert_ptr_nonnull(fp);
        fprintf(fp, "{\"ids\":[");
        for (int i = 0; i < 20; i++)
            fprintf(fp, "%s%d", i ? "," : "", ids[i]);
        fprintf(fp, "],\"logprobs\":[");
        for (int i = 0; i < 19; i++)
            fprintf(fp, "%s%.9g", i ? "," : "", lp[i]);
        fprintf(fp, "]}\n");
        fclose(fp);
    }
    pp_model_free(m);
}
END_TEST

/* Resuming: 3 steps, save (weights + training state), load into a fresh model,
 * 3 more steps == 6 uninterrupted steps, bit for bit. */
static void train_steps(pp_model *m, int from, int to, float *losses)
{
    pp_adamw opt = {.beta1 = 0.9f, .beta2 = 0.95f, .eps = 1e-8f, .weight_decay = 0.1f};
    pp_error e;
    int32_t in[16], tg[16];
    for (int s = from; s < to; s++) {
        for (int i = 0; i < 16; i++) {
            in[i] = (s * 31 + i * 7) % 64;
            tg[i] = (s * 17 + i * 5 + 1) % 64;
        }
        ck_assert_int_eq(pp_model_forward(m, in, tg, 2, 8, &losses[s], &e), PP_OK);
        pp_model_zero_grad(m);
        ck_assert_int_eq(pp_model_backward(m, 1.0f, &e), PP_OK);
        pp_model_clip_grad_norm(m, 1.0f);
        pp_model_adamw_step(m, &opt, pp_lr_at(PP_LR_COSINE, 1e-2f, 1e-3f, s, 2, 6), s + 1, 0);
    }
}

START_TEST(resume_matches_uninterrupted)
{
    char dir[512];
    tu_tmpdir(dir, sizeof dir);
    pp_error e;
    float full[6], part[6];
    pp_model *m = load_tiny();
    ck_assert_int_eq(pp_model_prepare(m, 2, 8, 1, &e), PP_OK);
    train_steps(m, 0, 6, full);
    pp_model_free(m);

    m = load_tiny();
    ck_assert_int_eq(pp_model_prepare(m, 2, 8, 1, &e), PP_OK);
    train_steps(m, 0, 3, part);
    pp_train_state st = {.step = 3, .data_pos = 48};
    ck_assert_int_eq(pp_model_save(m, dir, &e), PP_OK);
    ck_assert_int_eq(pp_train_state_save(m, &st, dir, &e), PP_OK);
    pp_model_free(m);

    ck_assert_int_eq(pp_model_load(dir, &m, &e), PP_OK);
    ck_assert_int_eq(pp_model_prepare(m, 2, 8, 1, &e), PP_OK);
    ck_assert_int_eq(pp_train_state_load(m, &st, dir, &e), PP_OK);
    ck_assert_int_eq(st.step, 3);
    train_steps(m, (int)st.step, 6, part);
    for (int s = 0; s < 6; s++)
        ck_assert_msg(full[s] == part[s], "step %d: %.9g resumed, %.9g uninterrupted", s, part[s],
                      full[s]);
    ck_assert(full[5] != full[0]);
    pp_model_free(m);
    tu_rmtree(dir);
}
END_TEST

/* Gradient accumulation: two half batches with loss_scale 1/2 give the gradient of
 * the whole batch (same number of targets in each half). */
START_TEST(gradient_accumulation)
{
    pp_model *m = load_tiny();
    pp_error e;
    int32_t in[16], tg[16];
    for (int i = 0; i < 16; i++) {
        in[i] = (i * 13 + 3) % 64;
        tg[i] = (i * 29 + 1) % 64;
    }
    ck_assert_int_eq(pp_model_prepare(m, 2, 8, 1, &e), PP_OK);
    size_t np = pp_model_num_params(m);
    pp_model_zero_grad(m);
    ck_assert_int_eq(pp_model_forward(m, in, tg, 2, 8, NULL, &e), PP_OK);
    ck_assert_int_eq(pp_model_backward(m, 1.0f, &e), PP_OK);
    float *whole = malloc(np * sizeof(float));
    memcpy(whole, pp_model_grads(m), np * sizeof(float));
    pp_model_zero_grad(m);
    for (int half = 0; half < 2; half++) {
        ck_assert_int_eq(pp_model_forward(m, in + 8 * half, tg + 8 * half, 1, 8, NULL, &e), PP_OK);
        ck_assert_int_eq(pp_model_backward(m, 0.5f, &e), PP_OK);
    }
    assert_close("accumulated gradient", pp_model_grads(m), whole, np, 1e-6, 1e-4);
    free(whole);
    pp_model_free(m);
}
END_TEST

START_TEST(sampling)
{
    float logits[5] = {0.5f, 2.0f, 1.9f, -1.0f, 2.0f};
    uint64_t rng = 99;
    int32_t tok;
    pp_error e;
    ck_assert_int_eq(pp_sample_token(logits, 5, NULL, &rng, &tok, &e), PP_OK);
    ck_assert_int_eq(tok, 1); /* greedy: the first highest */
    pp_sampler s = {.temperature = 1.0f, .top_k = 2, .top_p = 1.0f};
    int counts[5] = {0};
    for (int i = 0; i < 4000; i++) {
        ck_assert_int_eq(pp_sample_token(logits, 5, &s, &rng, &tok, &e), PP_OK);
        counts[tok]++;
    }
    /* top-2 keeps ids 1 and 4 (equal logits, ties by id), each about half */
    ck_assert_int_eq(counts[0] + counts[2] + counts[3], 0);
    ck_assert_int_gt(counts[1], 1800);
    ck_assert_int_gt(counts[4], 1800);
    /* top-p 0.3: the most probable token alone reaches it */
    s = (pp_sampler){.temperature = 1.0f, .top_k = 0, .top_p = 0.3f};
    for (int i = 0; i < 100; i++) {
        ck_assert_int_eq(pp_sample_token(logits, 5, &s, &rng, &tok, &e), PP_OK);
        ck_assert_int_eq(tok, 1);
    }
    /* plain temperature sampling follows the softmax */
    s = (pp_sampler){.temperature = 0.5f, .top_k = 0, .top_p = 1.0f};
    memset(counts, 0, sizeof counts);
    for (int i = 0; i < 20000; i++) {
        pp_sample_token(logits, 5, &s, &rng, &tok, &e);
        counts[tok]++;
    }
    double z = 0, p2;
    for (int v = 0; v < 5; v++)
        z += exp(logits[v] / 0.5);
    p2 = exp(logits[2] / 0.5) / z;
    ck_assert(fabs(counts[2] / 20000.0 - p2) < 0.02);
    /* the same seed draws the same tokens */
    uint64_t r1 = 5, r2 = 5;
    int32_t t1, t2;
    for (int i = 0; i < 50; i++) {
        pp_sample_token(logits, 5, &s, &r1, &t1, &e);
        pp_sample_token(logits, 5, &s, &r2, &t2, &e);
        ck_assert_int_eq(t1, t2);
    }
    s.top_p = 1.5f;
    ck_assert_int_eq(pp_sample_token(logits, 5, &s, &rng, &tok, &e), PP_ERR_INVALID);
}
END_TEST

static Suite *model_suite(void)
{
    Suite *s = suite_create("model");
    TCase *tc = tcase_create("fixtures");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, fixture_forward_backward);
    tcase_add_test(tc, fixture_logprobs_and_kv_cache);
    tcase_add_test(tc, fixture_bf16_checkpoint);
    tcase_add_test(tc, fixture_rope_scaling);
    tcase_add_test(tc, fixture_adamw_steps);
    tcase_add_test(tc, resume_matches_uninterrupted);
    tcase_add_test(tc, gradient_accumulation);
    suite_add_tcase(s, tc);
    tc = tcase_create("gradients");
    tcase_add_test(tc, grad_rmsnorm);
    tcase_add_test(tc, grad_matmul);
    tcase_add_test(tc, grad_embedding);
    tcase_add_test(tc, grad_rope);
    tcase_add_test(tc, grad_attention);
    tcase_add_test(tc, grad_swiglu);
    tcase_add_test(tc, grad_residual);
    tcase_add_test(tc, grad_crossentropy);
    suite_add_tcase(s, tc);
    tc = tcase_create("kernels");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, fast_matmul_vs_naive);
    tcase_add_test(tc, fast_attention_vs_naive);
    tcase_add_test(tc, lr_schedules);
    tcase_add_test(tc, sampling);
    suite_add_tcase(s, tc);
    tc = tcase_create("files");
    tcase_add_test(tc, config_validation);
    tcase_add_test(tc, generation_config);
    tcase_add_test(tc, checkpoint_round_trip);
    tcase_add_test(tc, checkpoint_sharded);
    tcase_add_test(tc, safetensors_dtypes);
    tcase_add_test(tc, safetensors_bad_input);
    tcase_add_test(tc, checkpoint_bad_input);
    tcase_add_test(tc, checkpoint_damaged_headers);
    tcase_add_test(tc, model_bad_input);
    tcase_add_test(tc, export_for_torch);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_run(model_suite());
}
