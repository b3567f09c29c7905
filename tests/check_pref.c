/* check_pref.c — the preference objectives (align/pp_pref_loss.h) against
 * PyTorch fixtures (tests/data/model/regenerate_prefs.py): for dpo, ipo, cdpo,
 * distributional and group-robust DPO, the batch loss and its gradient with
 * respect to every parameter of the tiny model, the completion log-probs going
 * through the model (align/pp_pref_seq.h). Also the loss derivatives against
 * central differences and the group-weight update by hand.
 *
 * Tolerances: the fixtures are float64; the model runs in float32. Log-probs
 * to 1e-4, losses to 1e-5, gradients to 1e-5 + 2e-3 x |reference|. */
#include "config.h"
#include "align/pp_model.h"
#include "align/pp_pref_loss.h"
#include "align/pp_pref_seq.h"
#include "align/pp_safetensors.h"
#include "tests/model_fixtures.h"
#include "tests/testutil.h"

#include <math.h>
#include <stdint.h>

#define FIXDIR TESTDATA "/model"
#define NPAIRS 4
#define NSEQ (2 * NPAIRS)

/* The fixture's sequences: ids and completion flags. */
typedef struct seqs {
    int32_t *ids[NSEQ];
    uint8_t *tgt[NSEQ];
    size_t n[NSEQ];
} seqs;

static void load_seqs(pp_safetensors *fx, seqs *s)
{
    for (int i = 0; i < NSEQ; i++) {
        char name[32];
        uint64_t k;
        snprintf(name, sizeof name, "seq.%d", i);
        float *f = fixture(fx, name, &k);
        snprintf(name, sizeof name, "seq.%d.start", i);
        float *st = fixture(fx, name, NULL);
        s->n[i] = k;
        s->ids[i] = malloc(k * sizeof(int32_t));
        s->tgt[i] = malloc(k);
        for (uint64_t j = 0; j < k; j++) {
            s->ids[i][j] = (int32_t)lrintf(f[j]);
            s->tgt[i][j] = (long)j >= lrintf(st[0]);
        }
        free(f);
        free(st);
    }
}

static void free_seqs(seqs *s)
{
    for (int i = 0; i < NSEQ; i++) {
        free(s->ids[i]);
        free(s->tgt[i]);
    }
}

/* One objective of the fixture: loss and every gradient. */
static void check_objective(const char *obj, pp_pref_kind kind, int robust)
{
    pp_safetensors *fx;
    pp_error e;
    ck_assert_int_eq(pp_safetensors_open(FIXDIR "/prefs.safetensors", &fx, &e), PP_OK);
    pp_model *m = NULL;
    ck_assert_int_eq(pp_model_load(FIXDIR "/tiny", &m, &e), PP_OK);
    seqs s;
    load_seqs(fx, &s);
    float *ref = fixture(fx, "ref", NULL), *pol = fixture(fx, "policy", NULL);
    float *pc = fixture(fx, "p_chosen", NULL), *grp = fixture(fx, "group", NULL);
    float *prm = fixture(fx, "params", NULL);
    size_t maxn = 0;
    for (int i = 0; i < NSEQ; i++)
        maxn = s.n[i] > maxn ? s.n[i] : maxn;
    ck_assert_int_eq(pp_model_prepare(m, 1, (int)maxn - 1, 1, &e), PP_OK);

    /* pass 1: the policy's completion log-probs */
    pp_pref_pair pairs[NPAIRS];
    float got_lp[NSEQ];
    for (int i = 0; i < NSEQ; i++) {
        double lp;
        long nt;
        ck_assert_int_eq(pp_pref_seq_logprob(m, s.ids[i], s.tgt[i], s.n[i], &lp, &nt, &e), PP_OK);
        got_lp[i] = (float)lp;
        pp_pref_pair *p = &pairs[i / 2];
        if (i % 2 == 0) {
            p->pol_chosen = lp;
            p->ref_chosen = ref[i];
            p->n_chosen = nt;
        } else {
            p->pol_rejected = lp;
            p->ref_rejected = ref[i];
            p->n_rejected = nt;
        }
    }
    assert_close("policy log-probs", got_lp, pol, NSEQ, 1e-4, 0);
    for (int i = 0; i < NPAIRS; i++) {
        pairs[i].p_chosen = pc[i];
        pairs[i].group = (int)lrintf(grp[i]);
    }

    /* the loss and d loss / d log-probs, then pass 2: backward of each sequence */
    pp_pref_opts o = {kind, prm[0], prm[1]};
    double w[2] = {0.5, 0.5}, loss, dc[NPAIRS], dr[NPAIRS];
    ck_assert_int_eq(pp_pref_batch_loss(&o, pairs, NPAIRS, robust ? w : NULL, 2, prm[2], NULL,
                                        &loss, dc, dr, &e),
                     PP_OK);
    char name[160];
    snprintf(name, sizeof name, "%s.loss", obj);
    float *wl = fixture(fx, name, NULL), fl = (float)loss;
    assert_close(name, &fl, wl, 1, 1e-5, 0);
    free(wl);
    if (robust) {
        float *ww = fixture(fx, "grdpo.weights", NULL), gw[2] = {(float)w[0], (float)w[1]};
        assert_close("grdpo.weights", gw, ww, 2, 1e-6, 0);
        free(ww);
    }
    pp_model_zero_grad(m);
    for (int i = 0; i < NSEQ; i++)
        ck_assert_int_eq(pp_pref_seq_backward(m, s.ids[i], s.tgt[i], s.n[i],
                                              i % 2 == 0 ? dc[i / 2] : dr[i / 2], &e),
                         PP_OK);
    for (int t = 0; t < pp_model_tensor_count(m); t++) {
        const char *tn = pp_model_tensor_name(m, t);
        snprintf(name, sizeof name, "%s.grad.%s", obj, tn);
        uint64_t k;
        float *want = fixture(fx, name, &k), *g;
        int nd;
        int64_t shape[2];
        ck_assert_int_eq(pp_model_tensor(m, tn, NULL, &g, &nd, shape, &e), PP_OK);
        ck_assert_uint_eq(k, (uint64_t)shape[0] * (nd == 2 ? (uint64_t)shape[1] : 1));
        assert_close(name, g, want, k, 1e-5, 2e-3);
        free(want);
    }
    free(ref);
    free(pol);
    free(pc);
    free(grp);
    free(prm);
    free_seqs(&s);
    pp_model_free(m);
    pp_safetensors_close(fx);
}

START_TEST(fixture_dpo) { check_objective("dpo", PP_PREF_DPO, 0); }
END_TEST
START_TEST(fixture_ipo) { check_objective("ipo", PP_PREF_IPO, 0); }
END_TEST
START_TEST(fixture_cdpo) { check_objective("cdpo", PP_PREF_CDPO, 0); }
END_TEST
START_TEST(fixture_distributional) { check_objective("distributional", PP_PREF_DISTRIBUTIONAL, 0); }
END_TEST
START_TEST(fixture_group_robust) { check_objective("grdpo", PP_PREF_DPO, 1); }
END_TEST

/* d loss / d log-probs of one pair against central differences, every kind */
START_TEST(pair_derivatives)
{
    pp_pref_pair p = {-3.1, -4.7, -3.5, -4.0, 3, 5, 0.65, 0};
    for (int k = PP_PREF_DPO; k <= PP_PREF_DISTRIBUTIONAL; k++) {
        pp_pref_opts o = {(pp_pref_kind)k, 0.7, 0.15};
        double dc, dr, x, y, h = 1e-5;
        pp_pref_pair_loss(&o, &p, &dc, &dr);
        pp_pref_pair q = p;
        q.pol_chosen += h;
        double up = pp_pref_pair_loss(&o, &q, &x, &y);
        q.pol_chosen -= 2 * h;
        double dn = pp_pref_pair_loss(&o, &q, &x, &y);
        ck_assert_double_eq_tol(dc, (up - dn) / (2 * h), 1e-7);
        q = p;
        q.pol_rejected += h;
        up = pp_pref_pair_loss(&o, &q, &x, &y);
        q.pol_rejected -= 2 * h;
        dn = pp_pref_pair_loss(&o, &q, &x, &y);
        ck_assert_double_eq_tol(dr, (up - dn) / (2 * h), 1e-7);
    }
}
END_TEST

/* values by hand: DPO at Δ = 0 is log 2; distributional with p = 1 is DPO;
 * p = 1/2 has its minimum at Δ = 0; IPO's minimum is at Δ' = 1/(2β);
 * large margins stay finite */
START_TEST(known_values)
{
    pp_pref_pair p = {-2, -2, -1, -1, 2, 2, 1.0, 0};
    pp_pref_opts o = {PP_PREF_DPO, 0.1, 0};
    double dc, dr;
    ck_assert_double_eq_tol(pp_pref_pair_loss(&o, &p, &dc, &dr), log(2.0), 1e-12);
    ck_assert_double_eq_tol(dc, -0.05, 1e-12);
    ck_assert_double_eq_tol(dr, 0.05, 1e-12);
    p.pol_chosen = -1.5;
    double dpo = pp_pref_pair_loss(&o, &p, &dc, &dr);
    o.kind = PP_PREF_DISTRIBUTIONAL;
    ck_assert_double_eq_tol(pp_pref_pair_loss(&o, &p, &dc, &dr), dpo, 1e-12);
    p.p_chosen = 0.5;
    p.pol_chosen = -2;
    pp_pref_pair_loss(&o, &p, &dc, &dr);
    ck_assert_double_eq_tol(dc, 0, 1e-12);
    o.kind = PP_PREF_IPO;
    o.beta = 0.25; /* 1/(2β) = 2: Δ' = (pc − qc)/2 − (pr − qr)/2 */
    p.pol_chosen = -1 + 4;
    p.pol_rejected = -1;
    ck_assert_double_eq_tol(pp_pref_pair_loss(&o, &p, &dc, &dr), 0, 1e-12);
    o.kind = PP_PREF_DPO;
    p.pol_chosen = -1e4;
    double l = pp_pref_pair_loss(&o, &p, &dc, &dr);
    ck_assert(isfinite(l) && isfinite(dc));
    ck_assert_double_eq_tol(l, 0.25 * (1e4 - 1), 1e-6 * l);
}
END_TEST

/* group weights: exponentiated-gradient step from the group mean losses */
START_TEST(group_weights)
{
    /* Δ = 0 for every pair: each loss is log 2, both groups' means log 2 */
    pp_pref_pair pairs[3] = {{-1, -1, -1, -1, 1, 1, 1, 0}, {-1, -1, -1, -1, 1, 1, 1, 0},
                             {-1, -1, -1, -1, 1, 1, 1, 1}};
    pp_pref_opts o = {PP_PREF_DPO, 1.0, 0};
    double w[3] = {0.2, 0.3, 0.5}, gl[3], loss, dc[3], dr[3];
    pp_error e;
    ck_assert_int_eq(pp_pref_batch_loss(&o, pairs, 3, w, 3, 2.0, gl, &loss, dc, dr, &e), PP_OK);
    /* group 2 is absent: loss 0, its weight shrinks relative to the others */
    double a = 0.2 * exp(2 * log(2.0)), b = 0.3 * exp(2 * log(2.0)), c = 0.5, s = a + b + c;
    ck_assert_double_eq_tol(w[0], a / s, 1e-12);
    ck_assert_double_eq_tol(w[1], b / s, 1e-12);
    ck_assert_double_eq_tol(w[2], c / s, 1e-12);
    ck_assert_double_eq_tol(gl[2], 0, 1e-15);
    ck_assert_double_eq_tol(loss, (w[0] + w[1]) * log(2.0), 1e-12);
    /* the two pairs of group 0 share its weight */
    ck_assert_double_eq_tol(dc[0], -0.5 * w[0] / 2, 1e-12);
    ck_assert_double_eq_tol(dc[2], -0.5 * w[1], 1e-12);
    /* bad input */
    pairs[2].group = 3;
    ck_assert_int_eq(pp_pref_batch_loss(&o, pairs, 3, w, 3, 2.0, gl, &loss, dc, dr, &e),
                     PP_ERR_INVALID);
    o.kind = PP_PREF_DISTRIBUTIONAL;
    pairs[2].group = 0;
    pairs[1].p_chosen = 1.5;
    ck_assert_int_eq(pp_pref_batch_loss(&o, pairs, 3, NULL, 0, 0, NULL, &loss, dc, dr, &e),
                     PP_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(e.message, "p_chosen"));
    o.kind = PP_PREF_IPO;
    pairs[1].n_rejected = 0;
    ck_assert_int_eq(pp_pref_batch_loss(&o, pairs, 3, NULL, 0, 0, NULL, &loss, dc, dr, &e),
                     PP_ERR_INVALID);
    pp_pref_kind k;
    ck_assert_int_eq(pp_pref_kind_parse("cdpo", &k, &e), PP_OK);
    ck_assert_int_eq(k, PP_PREF_CDPO);
    ck_assert_int_eq(pp_pref_kind_parse("ppo", &k, &e), PP_ERR_INVALID);
}
END_TEST

static Suite *pref_suite(void)
{
    Suite *s = suite_create("pref");
    TCase *tc = tcase_create("fixtures");
    tcase_add_test(tc, fixture_dpo);
    tcase_add_test(tc, fixture_ipo);
    tcase_add_test(tc, fixture_cdpo);
    tcase_add_test(tc, fixture_distributional);
    tcase_add_test(tc, fixture_group_robust);
    suite_add_tcase(s, tc);
    tc = tcase_create("loss");
    tcase_add_test(tc, pair_derivatives);
    tcase_add_test(tc, known_values);
    tcase_add_test(tc, group_weights);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_run(pref_suite());
}
