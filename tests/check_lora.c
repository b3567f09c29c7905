/* check_lora.c — LoRA adapters against PyTorch fixtures (regenerate.py's LoRA case:
 * loss, log-probabilities and the gradient of every lora_A / lora_B of every adapted
 * module), the kernels against their naive references, dropout gradients against
 * finite differences, merging, the PEFT files written and read back, bad adapters.
 *
 * Tolerances as check_model.c: loss 1e-5, log-probabilities 1e-4, gradients
 * 1e-5 + 1e-3 x |reference|. */
#include "config.h"
#include "align/pp_lora.h"
#include "align/pp_lora_internal.h"
#include "align/pp_model_internal.h"
#include "align/pp_safetensors.h"
#include "tests/model_fixtures.h"
#include "tests/testutil.h"

#include <jansson.h>
#include <math.h>
#include <stdint.h>

#define FIXDIR TESTDATA "/model"

static uint64_t rng_state = 7;
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

static pp_model *load_tiny_lora(void)
{
    pp_model *m = load_tiny();
    pp_error e;
    pp_status st = pp_lora_load(m, FIXDIR "/tiny-lora", &e);
    ck_assert_msg(st == PP_OK, "adapter: %s: %s", e.file, e.message);
    return m;
}

/* ---- against the PyTorch fixtures ---- */

START_TEST(fixture_lora_gradients)
{
    pp_safetensors *fx, *ad;
    pp_error e;
    ck_assert_int_eq(pp_safetensors_open(FIXDIR "/lora-fixtures.safetensors", &fx, &e), PP_OK);
    ck_assert_int_eq(pp_safetensors_open(FIXDIR "/tiny-lora/adapter_model.safetensors", &ad, &e),
                     PP_OK);
    pp_model *m = load_tiny_lora();
    uint64_t n;
    float *fin = fixture(fx, "inputs", &n), *ftg = fixture(fx, "targets", NULL);
    int32_t *in = ids_of(fin, n), *tg = ids_of(ftg, n);
    int B = 2, T = (int)n / 2;
    ck_assert_int_eq(pp_model_prepare(m, B, T, 1, &e), PP_OK);
    /* no gradient or moment for the frozen base: the trainable block is the adapter's */
    const pp_llama_config *c = pp_model_config(m);
    int C = c->hidden_size, I = c->intermediate_size;
    int QD = c->num_attention_heads * c->head_dim, KVD = c->num_key_value_heads * c->head_dim;
    size_t want_n = (size_t)c->num_hidden_layers * 4 *
                    ((C + QD) + 2 * (C + KVD) + (QD + C) + 3 * (C + I));
    ck_assert_uint_eq(pp_model_num_trainable(m), want_n);
    pp_memory_plan plan = pp_model_memory_plan(m);
    ck_assert_uint_eq(plan.grads, want_n * sizeof(float));
    ck_assert_uint_eq(plan.adapters, want_n * sizeof(float));

    float loss = 0, *floss = fixture(fx, "loss", NULL);
    pp_model_zero_grad(m);
    ck_assert_int_eq(pp_model_forward(m, in, tg, B, T, &loss, &e), PP_OK);
    ck_assert_msg(fabs(loss - floss[0]) < 1e-5, "loss %.7f, expected %.7f", loss, floss[0]);
    ck_assert_int_eq(pp_model_backward(m, 1.0f, &e), PP_OK);
    int checked = 0;
    for (int i = 0; i < pp_safetensors_count(ad); i++) {
        const char *name = pp_safetensors_at(ad, i)->name;
        char fname[160];
        snprintf(fname, sizeof fname, "grad.%s", name);
        uint64_t k;
        float *want = fixture(fx, fname, &k), *data, *grad;
        int64_t shape[2];
        ck_assert_int_eq(pp_lora_tensor(m, name, &data, &grad, shape, &e), PP_OK);
        ck_assert_uint_eq((uint64_t)(shape[0] * shape[1]), k);
        assert_close(fname, grad, want, k, 1e-5, 1e-3);
        free(want);
        checked++;
    }
    ck_assert_int_eq(checked, c->num_hidden_layers * 7 * 2);
    /* one AdamW step moves the adapter, never the base */
    size_t np = pp_model_num_params(m);
    float *before = malloc(np * sizeof(float));
    memcpy(before, pp_model_params(m), np * sizeof(float));
    float *a0, *g0;
    int64_t sh[2];
    ck_assert_int_eq(pp_lora_tensor(m, pp_safetensors_at(ad, 0)->name, &a0, &g0, sh, &e), PP_OK);
    float a0v = a0[0];
    pp_adamw opt = {0.9f, 0.95f, 1e-8f, 0.1f};
    pp_model_adamw_step(m, &opt, 1e-2f, 1, 1);
    ck_assert_int_eq(memcmp(before, pp_model_params(m), np * sizeof(float)), 0);
    ck_assert(a0[0] != a0v);
    free(before);
    free(fin);
    free(ftg);
    free(in);
    free(tg);
    free(floss);
    pp_model_free(m);
    pp_safetensors_close(fx);
    pp_safetensors_close(ad);
}
END_TEST

/* Scoring with the adapter matches PyTorch; the merged model scores the same. */
START_TEST(fixture_logprobs_and_merge)
{
    pp_safetensors *fx;
    pp_error e;
    ck_assert_int_eq(pp_safetensors_open(FIXDIR "/lora-fixtures.safetensors", &fx, &e), PP_OK);
    uint64_t n;
    float *fin = fixture(fx, "inputs", &n), *want = fixture(fx, "logprobs", NULL);
    int T = (int)n / 2;
    int32_t *ids = ids_of(fin, (uint64_t)T);
    float *lp = malloc(sizeof(float) * T), *lp2 = malloc(sizeof(float) * T);
    pp_model *m = load_tiny_lora();
    ck_assert_int_eq(pp_model_logprobs(m, ids, T, lp, &e), PP_OK);
    assert_close("logprobs with adapter", lp, want, (uint64_t)T - 1, 1e-4, 0);
    ck_assert_int_eq(pp_lora_merge(m, &e), PP_OK);
    ck_assert_ptr_null(pp_model_lora(m));
    ck_assert_int_eq(pp_model_logprobs(m, ids, T, lp2, &e), PP_OK);
    assert_close("logprobs merged", lp2, lp, (uint64_t)T - 1, 1e-4, 0);
    /* the base alone scores differently (the adapter does something) */
    pp_model *b = load_tiny();
    ck_assert_int_eq(pp_model_logprobs(b, ids, T, lp2, &e), PP_OK);
    double diff = 0;
    for (int t = 0; t < T - 1; t++)
        diff += fabs(lp2[t] - lp[t]);
    ck_assert(diff > 1e-2);
    /* a fresh adapter (B = 0) leaves the scores exactly as they are */
    pp_lora_config lc = {.r = 2, .alpha = 16, .dropout = 0, .targets = 0x7f};
    float *lp3 = malloc(sizeof(float) * T);
    ck_assert_int_eq(pp_lora_attach(b, &lc, 3, &e), PP_OK);
    ck_assert_int_eq(pp_model_logprobs(b, ids, T, lp3, &e), PP_OK);
    ck_assert_int_eq(memcmp(lp2, lp3, sizeof(float) * (T - 1)), 0);
    /* PEFT's initialization of A: U(-1/sqrt(in), 1/sqrt(in)) */
    float *A, *Bm;
    int64_t sh[2];
    ck_assert_int_eq(pp_lora_tensor(b, "base_model.model.model.layers.1.mlp.down_proj.lora_A.weight",
                                    &A, NULL, sh, &e), PP_OK);
    ck_assert_int_eq(sh[0], 2);
    ck_assert_int_eq(sh[1], 48);
    float mx = 0;
    for (int i = 0; i < 2 * 48; i++)
        mx = fabsf(A[i]) > mx ? fabsf(A[i]) : mx;
    ck_assert(mx <= 1.0f / sqrtf(48.0f) && mx > 0.5f / sqrtf(48.0f));
    ck_assert_int_eq(pp_lora_tensor(b, "base_model.model.model.layers.1.mlp.down_proj.lora_B.weight",
                                    &Bm, NULL, sh, &e), PP_OK);
    for (int i = 0; i < sh[0] * sh[1]; i++)
        ck_assert(Bm[i] == 0.0f);
    free(lp3);
    pp_model_free(b);
    pp_model_free(m);
    free(fin);
    free(want);
    free(ids);
    free(lp);
    free(lp2);
    pp_safetensors_close(fx);
}
END_TEST

/* ---- kernels ---- */

START_TEST(fast_lora_vs_naive)
{
    int N = 5, IN = 7, OUT = 6, r = 3;
    float scale = 1.5f;
    float x[35], A[21], Bm[18], dout[30], out1[30], out2[30], u1[15], u2[15];
    fill(x, 35, 1);
    fill(A, 21, 1);
    fill(Bm, 18, 1);
    fill(dout, 30, 1);
    fill(out1, 30, 1);
    memcpy(out2, out1, sizeof out1);
    pp_op_lora_forward(out1, u1, x, A, Bm, N, IN, OUT, r, scale);
    pp_op_lora_forward_naive(out2, u2, x, A, Bm, N, IN, OUT, r, scale);
    assert_close("u", u1, u2, 15, 1e-5, 1e-5);
    assert_close("out", out1, out2, 30, 1e-5, 1e-5);
    float dx1[35], dx2[35], dA1[21] = {0}, dA2[21] = {0}, dB1[18] = {0}, dB2[18] = {0};
    float du1[15], du2[15];
    fill(dx1, 35, 1);
    memcpy(dx2, dx1, sizeof dx1);
    pp_op_lora_backward(dx1, dA1, dB1, du1, dout, x, u1, A, Bm, N, IN, OUT, r, scale, 1);
    pp_op_lora_backward_naive(dx2, dA2, dB2, du2, dout, x, u2, A, Bm, N, IN, OUT, r, scale, 1);
    assert_close("dx", dx1, dx2, 35, 1e-5, 1e-5);
    assert_close("dA", dA1, dA2, 21, 1e-5, 1e-5);
    assert_close("dB", dB1, dB2, 18, 1e-5, 1e-5);
    /* the naive reference against a finite difference of sum(dout * out) */
    double eps = 1e-3;
    for (int i = 0; i < 21; i += 4) {
        float save = A[i], o[30], u[15];
        double f[2];
        for (int s = 0; s < 2; s++) {
            A[i] = save + (float)(s ? eps : -eps);
            memset(o, 0, sizeof o);
            pp_op_lora_forward_naive(o, u, x, A, Bm, N, IN, OUT, r, scale);
            f[s] = 0;
            for (int j = 0; j < 30; j++)
                f[s] += (double)dout[j] * o[j];
        }
        A[i] = save;
        double num = (f[1] - f[0]) / (2 * eps);
        ck_assert_msg(fabs(num - dA2[i]) < 1e-2 * (1 + fabs(num)), "dA[%d] %g vs %g", i, dA2[i],
                      num);
    }
}
END_TEST

/* The tiny model with a fresh adapter of rank 3 whose B are made non-zero (the same
 * values for the same call order), prepared for training 1 x 6. */
static pp_model *tiny_with_adapter(float dropout)
{
    pp_model *m = load_tiny();
    pp_error e;
    pp_lora_config lc = {.r = 3, .alpha = 6, .dropout = dropout, .targets = 0x7f};
    ck_assert_int_eq(pp_lora_attach(m, &lc, 11, &e), PP_OK);
    ck_assert_int_eq(pp_model_prepare(m, 1, 6, 1, &e), PP_OK);
    rng_state = 5;
    for (int l = 0; l < 2; l++)
        for (int t = 0; t < PP_LORA_NTARGETS; t++) {
            char name[128];
            snprintf(name, sizeof name, "base_model.model.model.layers.%d.%s.%s.lora_B.weight", l,
                     t < PP_LORA_GATE ? "self_attn" : "mlp", pp_lora_target_name(t));
            float *d;
            int64_t sh[2];
            ck_assert_int_eq(pp_lora_tensor(m, name, &d, NULL, sh, &e), PP_OK);
            fill(d, (size_t)(sh[0] * sh[1]), 0.3f);
        }
    return m;
}

/* Dropout masks the adapter input on training forwards only, and the gradient under
 * one fixed set of masks (the same dropout seed before every forward) matches a
 * finite difference. */
START_TEST(dropout_gradient)
{
    pp_error e;
    int32_t in[6] = {3, 9, 27, 17, 5, 40}, tg[6] = {9, 27, 17, 5, 40, 2};
    pp_model *clean = tiny_with_adapter(0.0f), *m = tiny_with_adapter(0.3f);
    float lclean, l0;
    ck_assert_int_eq(pp_model_forward(clean, in, tg, 1, 6, &lclean, &e), PP_OK);
    /* no targets (scoring): no dropout, the same logits as without it */
    ck_assert_int_eq(pp_model_forward(m, in, NULL, 1, 6, NULL, &e), PP_OK);
    ck_assert_int_eq(pp_model_forward(clean, in, NULL, 1, 6, NULL, &e), PP_OK);
    ck_assert_int_eq(memcmp(pp_model_logits(m), pp_model_logits(clean), 6 * 64 * sizeof(float)),
                     0);
    pp_model_zero_grad(m);
    pp_lora_set_dropout_seed(m, 99);
    ck_assert_int_eq(pp_model_forward(m, in, tg, 1, 6, &l0, &e), PP_OK);
    ck_assert_msg(fabs(lclean - l0) > 1e-4, "dropout changed nothing (%g)", l0);
    ck_assert_int_eq(pp_model_backward(m, 1.0f, &e), PP_OK);
    const char *names[] = {"base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
                           "base_model.model.model.layers.1.mlp.down_proj.lora_A.weight",
                           "base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight",
                           "base_model.model.model.layers.1.mlp.up_proj.lora_A.weight",
                           "base_model.model.model.layers.1.self_attn.o_proj.lora_B.weight"};
    for (int i = 0; i < 5; i++) {
        float *d, *g;
        int64_t sh[2];
        ck_assert_int_eq(pp_lora_tensor(m, names[i], &d, &g, sh, &e), PP_OK);
        for (int j = 0; j < 4; j++) {
            size_t at = (size_t)j * 7 % (size_t)(sh[0] * sh[1]);
            float save = d[at], lp, lm, h = 1e-2f;
            d[at] = save + h;
            pp_lora_set_dropout_seed(m, 99);
            pp_model_forward(m, in, tg, 1, 6, &lp, &e);
            d[at] = save - h;
            pp_lora_set_dropout_seed(m, 99);
            pp_model_forward(m, in, tg, 1, 6, &lm, &e);
            d[at] = save;
            double num = ((double)lp - lm) / (2.0 * h);
            ck_assert_msg(fabs(num - g[at]) < 1e-3 + 2e-2 * fabs(num), "%s[%zu]: %g vs %g",
                          names[i], at, g[at], num);
        }
    }
    pp_model_free(m);
    pp_model_free(clean);
}
END_TEST

/* Recomputation (training == 2) keeps one layer's activations and gives the same
 * loss and gradients, bit for bit: full training, LoRA with dropout, BF16 base. */
static void grads_of(pp_model *m, int training, float *loss, float **grads, size_t *n,
                     pp_memory_plan *plan)
{
    pp_error e;
    int32_t in[12] = {3, 9, 27, 17, 5, 40, 11, 2, 63, 8, 8, 1};
    int32_t tg[12] = {9, 27, 17, 5, 40, -1, 2, 63, 8, 8, 1, 4};
    ck_assert_int_eq(pp_model_prepare(m, 2, 6, training, &e), PP_OK);
    pp_model_zero_grad(m);
    pp_lora_set_dropout_seed(m, 5);
    ck_assert_int_eq(pp_model_forward(m, in, tg, 2, 6, loss, &e), PP_OK);
    ck_assert_int_eq(pp_model_backward(m, 1.0f, &e), PP_OK);
    *n = pp_model_num_trainable(m);
    *grads = malloc(*n * sizeof(float));
    memcpy(*grads, pp_model_grads(m), *n * sizeof(float));
    *plan = pp_model_memory_plan(m);
}

START_TEST(recompute_same_gradients)
{
    pp_error e;
    for (int variant = 0; variant < 3; variant++) {
        float l1, l2, *g1, *g2;
        size_t n1, n2;
        pp_memory_plan p1, p2;
        pp_model *m[2];
        for (int i = 0; i < 2; i++) {
            if (variant == 2) {
                ck_assert_int_eq(pp_model_load_bf16(FIXDIR "/tiny-bf16", &m[i], &e), PP_OK);
            } else {
                m[i] = load_tiny();
            }
            if (variant > 0) {
                pp_lora_config lc = {.r = 3, .alpha = 6, .dropout = 0.2f, .targets = 0x7f};
                ck_assert_int_eq(pp_lora_attach(m[i], &lc, 11, &e), PP_OK);
                rng_state = 9;
                for (int l = 0; l < 2; l++) {
                    char name[128];
                    snprintf(name, sizeof name,
                             "base_model.model.model.layers.%d.mlp.up_proj.lora_B.weight", l);
                    float *d;
                    int64_t sh[2];
                    ck_assert_int_eq(pp_lora_tensor(m[i], name, &d, NULL, sh, &e), PP_OK);
                    fill(d, (size_t)(sh[0] * sh[1]), 0.3f);
                }
            }
        }
        grads_of(m[0], 1, &l1, &g1, &n1, &p1);
        grads_of(m[1], 2, &l2, &g2, &n2, &p2);
        ck_assert_uint_eq(n1, n2);
        ck_assert_msg(l1 == l2, "variant %d: loss %g vs %g", variant, l1, l2);
        ck_assert_msg(memcmp(g1, g2, n1 * sizeof(float)) == 0, "variant %d: gradients differ",
                      variant);
        ck_assert_uint_lt(p2.activations, p1.activations);
        free(g1);
        free(g2);
        pp_model_free(m[0]);
        pp_model_free(m[1]);
    }
}
END_TEST

/* ---- a BF16 frozen base ---- */

/* BF16 tensors load exactly: every weight a BF16 base hands forward equals the F32
 * load of the same file; log-probabilities and adapter gradients are bit for bit
 * those of the F32 model, and match PyTorch's on the rounded weights. */
START_TEST(bf16_base_exact)
{
    pp_error e;
    pp_model *f = NULL, *h = NULL;
    ck_assert_int_eq(pp_model_load(FIXDIR "/tiny-bf16", &f, &e), PP_OK);
    pp_status st = pp_model_load_bf16(FIXDIR "/tiny-bf16", &h, &e);
    ck_assert_msg(st == PP_OK, "%s: %s", e.file, e.message);
    ck_assert(pp_model_is_bf16(h) && !pp_model_is_bf16(f));
    ck_assert_ptr_null(pp_model_params(h));
    const pp_llama_config *c = pp_model_config(f);
    size_t per_layer = 0;
    for (int l = 0; l < c->num_hidden_layers; l++) {
        pp_layer_w wf, wh;
        pp_model_layer_weights(f, l, &wf);
        pp_model_layer_weights(h, l, &wh);
        int kinds[] = {PK_LN1, PK_WQ, PK_WK, PK_WV, PK_WO, PK_LN2, PK_WGATE, PK_WUP, PK_WDOWN};
        for (int i = 0; i < 9; i++) {
            size_t n = f->kind_size[kinds[i]] / (size_t)c->num_hidden_layers;
            ck_assert_int_eq(memcmp(wf.w[kinds[i]], wh.w[kinds[i]], n * sizeof(float)), 0);
            per_layer += n;
        }
    }
    ck_assert_uint_eq(per_layer, pp_model_num_params(f) - f->kind_size[PK_WTE] -
                                     f->kind_size[PK_HEAD] - f->kind_size[PK_LNF]);
    int kinds[] = {PK_WTE, PK_HEAD, PK_LNF};
    for (int i = 0; i < 3; i++) {
        const float *a = pp_model_weight(f, kinds[i]), *b = pp_model_weight(h, kinds[i]);
        ck_assert_int_eq(memcmp(a, b, f->kind_size[kinds[i]] * sizeof(float)), 0);
    }
    /* log-probabilities: PyTorch on the BF16 weights, and the F32 model exactly */
    pp_safetensors *fx;
    ck_assert_int_eq(pp_safetensors_open(FIXDIR "/fixtures.safetensors", &fx, &e), PP_OK);
    uint64_t n;
    float *fin = fixture(fx, "inputs", &n), *want = fixture(fx, "logprobs.bf16", NULL);
    int T = (int)n / 2;
    int32_t *ids = ids_of(fin, (uint64_t)T);
    float *lf = malloc(sizeof(float) * T), *lh = malloc(sizeof(float) * T);
    ck_assert_int_eq(pp_model_logprobs(f, ids, T, lf, &e), PP_OK);
    ck_assert_int_eq(pp_model_logprobs(h, ids, T, lh, &e), PP_OK);
    assert_close("bf16 logprobs", lh, want, (uint64_t)T - 1, 1e-4, 0);
    ck_assert_int_eq(memcmp(lf, lh, sizeof(float) * (T - 1)), 0);
    /* the same adapter on both: the same loss and gradients, bit for bit */
    ck_assert_int_eq(pp_lora_load(f, FIXDIR "/tiny-lora", &e), PP_OK);
    ck_assert_int_eq(pp_lora_load(h, FIXDIR "/tiny-lora", &e), PP_OK);
    ck_assert_int_eq(pp_model_prepare(f, 2, T, 1, &e), PP_OK);
    ck_assert_int_eq(pp_model_prepare(h, 2, T, 1, &e), PP_OK);
    pp_memory_plan pf = pp_model_memory_plan(f), ph = pp_model_memory_plan(h);
    ck_assert_uint_eq(ph.params * 2, pf.params);
    ck_assert_uint_eq(ph.scratch, pf.scratch + pp_model_bf16_scratch_floats(c) * sizeof(float));
    float *ftg = fixture(fx, "targets", NULL);
    int32_t *in = ids_of(fin, n), *tg = ids_of(ftg, n);
    float l1, l2;
    pp_model_zero_grad(f);
    pp_model_zero_grad(h);
    ck_assert_int_eq(pp_model_forward(f, in, tg, 2, T, &l1, &e), PP_OK);
    ck_assert_int_eq(pp_model_forward(h, in, tg, 2, T, &l2, &e), PP_OK);
    ck_assert(l1 == l2);
    ck_assert_int_eq(pp_model_backward(f, 1.0f, &e), PP_OK);
    ck_assert_int_eq(pp_model_backward(h, 1.0f, &e), PP_OK);
    ck_assert_int_eq(memcmp(pp_model_grads(f), pp_model_grads(h),
                            pp_model_num_trainable(f) * sizeof(float)),
                     0);
    /* what needs F32 weights says so */
    ck_assert_int_eq(pp_lora_merge(h, &e), PP_ERR_INVALID);
    ck_assert_int_eq(pp_model_save(h, "unused", &e), PP_ERR_INVALID);
    free(fin);
    free(ftg);
    free(want);
    free(ids);
    free(in);
    free(tg);
    free(lf);
    free(lh);
    pp_safetensors_close(fx);
    pp_model_free(f);
    pp_model_free(h);
}
END_TEST

/* From an F32 file the weights are rounded to the nearest BF16. */
START_TEST(bf16_from_f32_rounds)
{
    pp_error e;
    pp_model *f = load_tiny(), *h = NULL;
    ck_assert_int_eq(pp_model_load_bf16(FIXDIR "/tiny", &h, &e), PP_OK);
    pp_layer_w wf, wh;
    pp_model_layer_weights(f, 1, &wf);
    pp_model_layer_weights(h, 1, &wh);
    size_t n = f->kind_size[PK_WUP] / 2;
    int changed = 0;
    for (size_t i = 0; i < n; i++) {
        float a = wf.w[PK_WUP][i], b = wh.w[PK_WUP][i];
        ck_assert_msg(fabsf(a - b) <= fabsf(a) / 256.0f, "%g rounded to %g", a, b);
        uint32_t bits;
        memcpy(&bits, &b, 4);
        ck_assert_uint_eq(bits & 0xffffu, 0);
        changed += a != b;
    }
    ck_assert_int_gt(changed, (int)n / 2);
    pp_model_to_bf16(f, &e);
    pp_model_layer_weights(f, 1, &wf);
    pp_model_layer_weights(h, 1, &wh);
    ck_assert_int_eq(memcmp(wf.w[PK_WUP], wh.w[PK_WUP], n * sizeof(float)), 0);
    pp_model_free(f);
    pp_model_free(h);
}
END_TEST

/* ---- files ---- */

START_TEST(save_load_as_peft)
{
    char dir[512], p[700];
    tu_tmpdir(dir, sizeof dir);
    pp_model *m = load_tiny_lora();
    pp_error e;
    ck_assert_int_eq(pp_lora_save(m, dir, "../tiny", &e), PP_OK);
    /* adapter_config.json: the keys PEFT's LoraConfig reads */
    snprintf(p, sizeof p, "%s/adapter_config.json", dir);
    json_error_t je;
    json_t *c = json_load_file(p, 0, &je);
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(json_string_value(json_object_get(c, "peft_type")), "LORA");
    ck_assert_str_eq(json_string_value(json_object_get(c, "task_type")), "CAUSAL_LM");
    ck_assert_str_eq(json_string_value(json_object_get(c, "bias")), "none");
    ck_assert_str_eq(json_string_value(json_object_get(c, "base_model_name_or_path")), "../tiny");
    ck_assert_int_eq(json_integer_value(json_object_get(c, "r")), 4);
    ck_assert(json_number_value(json_object_get(c, "lora_alpha")) == 8.0);
    ck_assert(json_is_number(json_object_get(c, "lora_dropout")));
    ck_assert(json_is_false(json_object_get(c, "fan_in_fan_out")));
    ck_assert_int_eq(json_array_size(json_object_get(c, "target_modules")), 7);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(c, "target_modules"), 6)),
                     "down_proj");
    json_decref(c);
    /* the same tensors, names, shapes and values as the PEFT file it was read from */
    pp_safetensors *a, *b;
    snprintf(p, sizeof p, "%s/adapter_model.safetensors", dir);
    ck_assert_int_eq(pp_safetensors_open(p, &a, &e), PP_OK);
    ck_assert_int_eq(pp_safetensors_open(FIXDIR "/tiny-lora/adapter_model.safetensors", &b, &e),
                     PP_OK);
    ck_assert_int_eq(pp_safetensors_count(a), pp_safetensors_count(b));
    for (int i = 0; i < pp_safetensors_count(b); i++) {
        const pp_st_tensor *tb = pp_safetensors_at(b, i);
        const pp_st_tensor *ta = pp_safetensors_find(a, tb->name);
        ck_assert_msg(ta != NULL, "%s not written", tb->name);
        ck_assert_str_eq(ta->dtype_name, "F32");
        ck_assert_int_eq(ta->ndim, 2);
        ck_assert_int_eq(ta->shape[0], tb->shape[0]);
        ck_assert_int_eq(ta->shape[1], tb->shape[1]);
        uint64_t k = pp_st_numel(ta);
        float *x = malloc(k * sizeof(float)), *y = malloc(k * sizeof(float));
        pp_safetensors_read_f32(a, ta, x, k, &e);
        pp_safetensors_read_f32(b, tb, y, k, &e);
        ck_assert_int_eq(memcmp(x, y, k * sizeof(float)), 0);
        free(x);
        free(y);
    }
    pp_safetensors_close(a);
    pp_safetensors_close(b);
    char base[256];
    ck_assert_int_eq(pp_lora_base_path(dir, base, sizeof base, &e), PP_OK);
    ck_assert_str_eq(base, "../tiny");

    /* the training state of a LoRA run holds the adapter's moments */
    ck_assert_int_eq(pp_model_prepare(m, 1, 4, 1, &e), PP_OK);
    fill(pp_model_adam_m(m), pp_model_num_trainable(m), 1.0f);
    pp_train_state s = {.step = 3, .data_pos = 24, .rng = {9, 8, 7, 6}}, s2;
    ck_assert_int_eq(pp_train_state_save(m, &s, dir, &e), PP_OK);
    pp_model *m2 = load_tiny();
    ck_assert_int_eq(pp_lora_load(m2, dir, &e), PP_OK);
    ck_assert_int_eq(pp_model_prepare(m2, 1, 4, 1, &e), PP_OK);
    ck_assert_int_eq(pp_train_state_load(m2, &s2, dir, &e), PP_OK);
    ck_assert_int_eq(s2.step, 3);
    ck_assert_int_eq(memcmp(pp_model_adam_m(m), pp_model_adam_m(m2),
                            pp_model_num_trainable(m) * sizeof(float)),
                     0);
    /* a full-model state does not load into an adapter run */
    pp_model *full = load_tiny();
    ck_assert_int_eq(pp_model_prepare(full, 1, 4, 1, &e), PP_OK);
    ck_assert_int_eq(pp_train_state_load(full, &s2, dir, &e), PP_ERR_MODEL);
    pp_model_free(full);
    pp_model_free(m2);
    pp_model_free(m);
    tu_rmtree(dir);
}
END_TEST

static void write_text(const char *dir, const char *name, const char *text)
{
    char p[700];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    tu_write_file(p, text, strlen(text));
}

/* An adapter that does not fit: exit 1 material, each error naming the field/tensor. */
static void expect_bad(const char *dir, const char *needle)
{
    pp_model *m = load_tiny();
    pp_error e;
    pp_error_clear(&e);
    ck_assert_int_ne(pp_lora_load(m, dir, &e), PP_OK);
    ck_assert_msg(strstr(e.message, needle) != NULL, "\"%s\" not in: %s", needle, e.message);
    ck_assert_ptr_null(pp_model_lora(m));
    pp_model_free(m);
}

START_TEST(bad_adapters)
{
    char dir[512], p[700];
    pp_error e;
    unsigned mask;
    ck_assert_int_eq(pp_lora_targets_parse("q_proj,v_proj", &mask, &e), PP_OK);
    ck_assert_uint_eq(mask, (1u << PP_LORA_Q) | (1u << PP_LORA_V));
    ck_assert_int_eq(pp_lora_targets_parse("q_proj,qkv_proj", &mask, &e), PP_ERR_INVALID);
    ck_assert(strstr(e.message, "qkv_proj") != NULL);
    ck_assert_int_eq(pp_lora_targets_parse(PP_LORA_DEFAULT_TARGETS, &mask, &e), PP_OK);
    ck_assert_uint_eq(mask, 0x7f);

    pp_model *m = load_tiny();
    pp_lora_config lc = {.r = 0, .alpha = 8, .targets = 1};
    ck_assert_int_eq(pp_lora_attach(m, &lc, 1, &e), PP_ERR_INVALID);
    ck_assert(strstr(e.message, "rank 0") != NULL);
    lc.r = 17; /* k_proj is 16 x 32 */
    lc.targets = 1u << PP_LORA_K;
    ck_assert_int_eq(pp_lora_attach(m, &lc, 1, &e), PP_ERR_INVALID);
    ck_assert(strstr(e.message, "k_proj") != NULL);
    lc.r = 16;
    ck_assert_int_eq(pp_lora_attach(m, &lc, 1, &e), PP_OK);
    pp_model_free(m);

    tu_tmpdir(dir, sizeof dir);
    snprintf(p, sizeof p, "cp " FIXDIR "/tiny-lora/adapter_model.safetensors %s/", dir);
    ck_assert_int_eq(system(p), 0);
    const char *good = "{\"peft_type\": \"LORA\", \"task_type\": \"CAUSAL_LM\", \"r\": 4, "
                       "\"lora_alpha\": 8, \"target_modules\": [\"q_proj\", \"k_proj\", "
                       "\"v_proj\", \"o_proj\", \"gate_proj\", \"up_proj\", \"down_proj\"]}";
    write_text(dir, "adapter_config.json", good);
    m = load_tiny();
    ck_assert_int_eq(pp_lora_load(m, dir, &e), PP_OK);
    pp_model_free(m);
    write_text(dir, "adapter_config.json", "{\"peft_type\": \"PREFIX_TUNING\", \"r\": 4}");
    expect_bad(dir, "peft_type");
    write_text(dir, "adapter_config.json",
               "{\"peft_type\": \"LORA\", \"task_type\": \"SEQ_CLS\", \"r\": 4, "
               "\"target_modules\": [\"q_proj\"]}");
    expect_bad(dir, "task_type");
    write_text(dir, "adapter_config.json",
               "{\"peft_type\": \"LORA\", \"r\": 4, \"target_modules\": [\"q_proj\"], "
               "\"auto_mapping\": {\"base_model_class\": \"GPT2LMHeadModel\"}}");
    expect_bad(dir, "GPT2LMHeadModel");
    write_text(dir, "adapter_config.json",
               "{\"peft_type\": \"LORA\", \"r\": 4, \"target_modules\": [\"c_attn\"]}");
    expect_bad(dir, "c_attn");
    write_text(dir, "adapter_config.json",
               "{\"peft_type\": \"LORA\", \"r\": 0, \"target_modules\": [\"q_proj\"]}");
    expect_bad(dir, "\"r\"");
    write_text(dir, "adapter_config.json",
               "{\"peft_type\": \"LORA\", \"r\": 4, \"target_modules\": [\"q_proj\"], "
               "\"use_dora\": true}");
    expect_bad(dir, "use_dora");
    /* the file holds tensors of modules the config does not target */
    write_text(dir, "adapter_config.json",
               "{\"peft_type\": \"LORA\", \"r\": 4, \"target_modules\": [\"q_proj\"]}");
    expect_bad(dir, "not in target_modules");
    /* another rank than the tensors' */
    write_text(dir, "adapter_config.json",
               "{\"peft_type\": \"LORA\", \"r\": 2, \"target_modules\": [\"q_proj\", \"k_proj\", "
               "\"v_proj\", \"o_proj\", \"gate_proj\", \"up_proj\", \"down_proj\"]}");
    expect_bad(dir, "lora_A.weight\" has shape [4, 32]");
    /* an adapter of another model: base shapes that do not match */
    write_text(dir, "adapter_config.json", good);
    pp_llama_config other = *pp_model_config(m = load_tiny());
    pp_model_free(m);
    other.intermediate_size = 40;
    ck_assert_int_eq(pp_model_new(&other, &m, &e), PP_OK);
    ck_assert_int_ne(pp_lora_load(m, dir, &e), PP_OK);
    ck_assert_msg(strstr(e.message, "gate_proj.lora_B.weight\" has shape [48, 4]") != NULL, "%s",
                  e.message);
    ck_assert_ptr_nonnull(strstr(e.file, "adapter_model.safetensors"));
    pp_model_free(m);
    other.intermediate_size = 48;
    other.num_hidden_layers = 1;
    ck_assert_int_eq(pp_model_new(&other, &m, &e), PP_OK);
    ck_assert_int_ne(pp_lora_load(m, dir, &e), PP_OK);
    ck_assert_msg(strstr(e.message, "layers.1.") != NULL, "%s", e.message);
    pp_model_free(m);
    /* a tensor missing */
    m = load_tiny_lora();
    pp_lora_config keep = *pp_model_lora(m);
    (void)keep;
    pp_lora_detach(m);
    pp_lora_config two = {.r = 4, .alpha = 8, .targets = (1u << PP_LORA_Q) | (1u << PP_LORA_V)};
    ck_assert_int_eq(pp_lora_attach(m, &two, 1, &e), PP_OK);
    ck_assert_int_eq(pp_lora_save(m, dir, NULL, &e), PP_OK);
    write_text(dir, "adapter_config.json",
               "{\"peft_type\": \"LORA\", \"r\": 4, \"target_modules\": [\"q_proj\", \"v_proj\", "
               "\"o_proj\"]}");
    expect_bad(dir, "missing tensor \"base_model.model.model.layers.0.self_attn.o_proj.lora_A");
    pp_model_free(m);
    tu_rmtree(dir);
}
END_TEST

static Suite *lora_suite(void)
{
    Suite *s = suite_create("lora");
    TCase *tc = tcase_create("fixtures");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, fixture_lora_gradients);
    tcase_add_test(tc, fixture_logprobs_and_merge);
    tcase_add_test(tc, fast_lora_vs_naive);
    tcase_add_test(tc, dropout_gradient);
    tcase_add_test(tc, bf16_base_exact);
    tcase_add_test(tc, bf16_from_f32_rounds);
    tcase_add_test(tc, recompute_same_gradients);
    suite_add_tcase(s, tc);
    tc = tcase_create("files");
    tcase_add_test(tc, save_load_as_peft);
    tcase_add_test(tc, bad_adapters);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_run(lora_suite());
}
