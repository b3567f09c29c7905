/* check_eval.c — metrics (chrF/chrF++ against the reference fixtures, token
 * F1, bits per byte), bootstrap determinism, single-item cells, paired tests. */
#include "config.h"
#include "eval-sets/metrics/pp_eval.h"
#include "src/pp_record.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Corpus chrF of a list of (hyp, ref) pairs, as sacreBLEU's corpus_score. */
static double corpus(const char *const *hyps, const char *const *refs, size_t n, int wo)
{
    double sums[PP_METRIC_MAX_STATS] = {0}, st[PP_METRIC_MAX_STATS];
    int order = PP_CHRF_CHAR_ORDER + wo;
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(pp_chrf_stats(hyps[i], &refs[i], 1, wo, st, NULL), PP_OK);
        for (int j = 0; j < 3 * order; j++)
            sums[j] += st[j];
    }
    return pp_chrf_score(sums, order, PP_CHRF_BETA);
}

START_TEST(chrf_published)
{
    /* Published with sacreBLEU 2.x (via the evaluate chrF metric card). */
    const char *h[] = {"The relationship between cats and dogs is not exactly friendly.",
                       "a good bookshop is just a genteel black hole that knows how to read."};
    const char *r[] = {"The relationship between dogs and cats is not exactly friendly.",
                       "A good bookshop is just a genteel Black Hole that knows how to read."};
    ck_assert_double_eq_tol(corpus(h, r, 2, 0), 84.64214891738334, 1e-9);
    ck_assert_double_eq_tol(corpus(h, r, 2, 2), 82.87263732906315, 1e-9);
    /* sacreBLEU test_chrf.py, effective-order cases (beta 3 there). */
    double st[PP_METRIC_MAX_STATS];
    const char *aa = "aa", *ab = "ab";
    pp_chrf_stats(aa, &ab, 1, 0, st, NULL);
    ck_assert_double_eq_tol(pp_chrf_score(st, 6, 3.0), 25.0, 1e-9);
    const char *x = "a b c", *y = "abc";
    pp_chrf_stats(x, &y, 1, 0, st, NULL);
    ck_assert_double_eq_tol(pp_chrf_score(st, 6, 3.0), 100.0, 1e-9);
    const char *e = "", *ref = "reference";
    pp_chrf_stats(e, &ref, 1, 0, st, NULL);
    ck_assert_double_eq_tol(pp_chrf_score(st, 6, 3.0), 0.0, 1e-12);
}
END_TEST

/* Every language and every sentence of the fixture equals the Python
 * reference (tests/data/eval/chrf_reference.py) within 0.01. */
START_TEST(chrf_fixtures)
{
    pp_reader *in = NULL, *ex = NULL;
    ck_assert_int_eq(pp_reader_open(TESTDATA "/eval/chrf_input.jsonl", &in, NULL), PP_OK);
    ck_assert_int_eq(pp_reader_open(TESTDATA "/eval/chrf_expected.jsonl", &ex, NULL), PP_OK);
    json_t *items[256];
    size_t n = 0;
    json_t *rec;
    while (pp_reader_next(in, &rec, NULL) == PP_OK && rec && n < 256)
        items[n++] = rec;
    ck_assert_uint_gt(n, 50);
    size_t nlang = 0, nsent = 0;
    double maxdiff = 0.0;
    while (pp_reader_next(ex, &rec, NULL) == PP_OK && rec) {
        const char *lang = pp_record_str(rec, "lang");
        for (int wo = 0; wo <= 2; wo += 2) {
            pp_metric m = wo ? PP_METRIC_CHRFPP : PP_METRIC_CHRF;
            double sums[PP_METRIC_MAX_STATS] = {0}, st[PP_METRIC_MAX_STATS];
            size_t k = pp_metric_nstats(m);
            json_t *sent = json_object_get(rec, "sentences");
            for (size_t i = 0; i < n; i++) {
                if (strcmp(pp_record_str(items[i], "lang"), lang) != 0)
                    continue;
                ck_assert_int_eq(pp_metric_item(m, items[i], lang, st, NULL), PP_OK);
                for (size_t j = 0; j < k; j++)
                    sums[j] += st[j];
                /* the sentence score of this item */
                const char *id = pp_record_str(items[i], "id");
                for (size_t s = 0; s < json_array_size(sent); s++) {
                    json_t *o = json_array_get(sent, s);
                    if (strcmp(pp_record_str(o, "id"), id) == 0) {
                        double want = json_number_value(json_object_get(o, wo ? "chrf++" : "chrf"));
                        double got = pp_metric_score(m, st);
                        ck_assert_msg(fabs(got - want) < 0.01, "%s %s: %f vs reference %f", id,
                                      pp_metric_name(m), got, want);
                        if (fabs(got - want) > maxdiff)
                            maxdiff = fabs(got - want);
                        nsent++;
                    }
                }
            }
            double want = json_number_value(json_object_get(rec, wo ? "chrf++" : "chrf"));
            double got = pp_metric_score(m, sums);
            ck_assert_msg(fabs(got - want) < 0.01, "%s %s: %f vs reference %f", lang,
                          pp_metric_name(m), got, want);
            if (fabs(got - want) > maxdiff)
                maxdiff = fabs(got - want);
        }
        nlang++;
        json_decref(rec);
    }
    ck_assert_uint_ge(nlang, 12);
    ck_assert_uint_eq(nsent, 2 * n);
    /* In practice the two implementations agree to rounding. */
    ck_assert_double_lt(maxdiff, 1e-9);
    for (size_t i = 0; i < n; i++)
        json_decref(items[i]);
    pp_reader_close(in);
    pp_reader_close(ex);
}
END_TEST

START_TEST(token_f1_and_em)
{
    double f1, em;
    const char *ref = "The Cat sat.";
    ck_assert_int_eq(pp_token_f1("cat  sat", &ref, 1, "en", &f1, &em, NULL), PP_OK);
    ck_assert_double_eq(em, 1.0);
    ck_assert_double_eq(f1, 1.0);
    /* Articles are English only. */
    ck_assert_int_eq(pp_token_f1("cat sat", &ref, 1, "fr", &f1, &em, NULL), PP_OK);
    ck_assert_double_eq(em, 0.0);
    ck_assert_double_eq_tol(f1, 0.8, 1e-12);
    /* Case folding beyond ASCII, punctuation of other scripts. */
    const char *ref2 = "ÀBÇ、DEF";
    ck_assert_int_eq(pp_token_f1("àbç def", &ref2, 1, "xx", &f1, &em, NULL), PP_OK);
    ck_assert_double_eq(em, 1.0);
    const char *refs[] = {"nothing here", "blue whale"};
    ck_assert_int_eq(pp_token_f1("a blue fish", refs, 2, "en", &f1, &em, NULL), PP_OK);
    ck_assert_double_eq_tol(f1, 0.5, 1e-12);
}
END_TEST

START_TEST(bits_per_byte)
{
    json_t *r = json_pack("{s:s,s:s,s:f,s:i}", "id", "1", "lang", "en", "logprob", -8 * M_LN2, "bytes", 4);
    double st[2];
    ck_assert_int_eq(pp_metric_item(PP_METRIC_BPB, r, "en", st, NULL), PP_OK);
    ck_assert_double_eq_tol(pp_metric_score(PP_METRIC_BPB, st), 2.0, 1e-12);
    json_object_set_new(r, "logprob", json_real(0.5));
    pp_error e;
    ck_assert_int_eq(pp_metric_item(PP_METRIC_BPB, r, "en", st, &e), PP_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(e.message, "logprob"));
    json_decref(r);
    ck_assert_int_eq(pp_metric_lower_is_better(PP_METRIC_BPB), 1);
}
END_TEST

START_TEST(missing_fields)
{
    pp_error e;
    double st[PP_METRIC_MAX_STATS];
    json_t *r = json_pack("{s:s,s:s,s:s}", "id", "1", "lang", "en", "prediction", "x");
    ck_assert_int_eq(pp_metric_item(PP_METRIC_CHRF, r, "en", st, &e), PP_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(e.message, "reference"));
    json_decref(r);
    r = json_pack("{s:s,s:s,s:[s,s],s:i}", "id", "1", "lang", "en", "choices", "a", "b", "answer", 1);
    ck_assert_int_eq(pp_metric_item(PP_METRIC_ACCURACY, r, "en", st, &e), PP_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(e.message, "prediction"));
    json_object_set_new(r, "prediction", json_string("b"));
    ck_assert_int_eq(pp_metric_item(PP_METRIC_ACCURACY, r, "en", st, &e), PP_OK);
    ck_assert_double_eq(st[0], 1.0);
    json_object_set_new(r, "prediction", json_integer(0));
    ck_assert_int_eq(pp_metric_item(PP_METRIC_ACCURACY, r, "en", st, &e), PP_OK);
    ck_assert_double_eq(st[0], 0.0);
    json_object_set_new(r, "prediction", json_integer(7));
    ck_assert_int_eq(pp_metric_item(PP_METRIC_ACCURACY, r, "en", st, &e), PP_ERR_INVALID);
    json_decref(r);
}
END_TEST

static double *accuracy_items(size_t n, unsigned seed)
{
    double *d = malloc(2 * n * sizeof *d);
    for (size_t i = 0; i < n; i++) {
        d[2 * i] = ((i * 2654435761u + seed) >> 7) % 3 != 0;
        d[2 * i + 1] = 1.0;
    }
    return d;
}

START_TEST(bootstrap_determinism)
{
    double *d = accuracy_items(200, 1);
    double lo1, hi1, lo2, hi2, lo3, hi3;
    pp_bootstrap_interval(PP_METRIC_ACCURACY, d, 200, 42, "lang:yo", 500, &lo1, &hi1);
    pp_bootstrap_interval(PP_METRIC_ACCURACY, d, 200, 42, "lang:yo", 500, &lo2, &hi2);
    pp_bootstrap_interval(PP_METRIC_ACCURACY, d, 200, 43, "lang:yo", 500, &lo3, &hi3);
    ck_assert(lo1 == lo2 && hi1 == hi2);
    ck_assert(lo1 != lo3 || hi1 != hi3);
    double sums[2] = {0};
    for (size_t i = 0; i < 200; i++)
        sums[0] += d[2 * i], sums[1] += 1;
    double v = pp_metric_score(PP_METRIC_ACCURACY, sums);
    ck_assert(lo1 < v && v < hi1);
    /* Close to the normal-approximation interval of a proportion. */
    double half = 1.96 * sqrt(v * (1 - v) / 200);
    ck_assert_double_eq_tol(hi1 - lo1, 2 * half, 0.03);
    /* A single item has no interval. */
    pp_bootstrap_interval(PP_METRIC_ACCURACY, d, 1, 42, "lang:yo", 500, &lo1, &hi1);
    ck_assert(isnan(lo1) && isnan(hi1));
    free(d);
}
END_TEST

START_TEST(paired)
{
    double *a = accuracy_items(300, 1), *b = accuracy_items(300, 1);
    pp_paired_result r;
    pp_paired_test(PP_METRIC_ACCURACY, a, b, 300, 7, "x", 200, &r);
    ck_assert_double_eq(r.delta, 0.0);
    ck_assert_double_eq(r.p_randomization, 1.0);
    ck_assert_double_eq(r.p_bootstrap, 1.0);
    /* System b is wrong on every item: a clear difference. */
    for (size_t i = 0; i < 300; i++)
        b[2 * i] = 0.0;
    pp_paired_test(PP_METRIC_ACCURACY, a, b, 300, 7, "x", 200, &r);
    ck_assert(r.delta > 0.5);
    ck_assert(r.delta_lo > 0.0);
    ck_assert_double_lt(r.p_randomization, 0.01);
    ck_assert_double_lt(r.p_bootstrap, 0.01);
    free(a);
    free(b);
}
END_TEST

START_TEST(rng_uniform)
{
    pp_rng r;
    pp_rng_seed(&r, 1, "u");
    size_t counts[5] = {0};
    for (int i = 0; i < 50000; i++)
        counts[pp_rng_below(&r, 5)]++;
    for (int i = 0; i < 5; i++)
        ck_assert(counts[i] > 9500 && counts[i] < 10500);
}
END_TEST

/* BLEU and TER equal the independent reference (bleu_ter_reference.py,
 * itself checked against sacreBLEU's published scores) on multilingual
 * UDHR text: every item's statistics exactly, corpus scores per language. */
START_TEST(bleu_ter_fixtures)
{
    pp_reader *in = NULL, *ex = NULL;
    ck_assert_int_eq(pp_reader_open(TESTDATA "/eval/chrf_input.jsonl", &in, NULL), PP_OK);
    ck_assert_int_eq(pp_reader_open(TESTDATA "/eval/bleu_ter_expected.jsonl", &ex, NULL), PP_OK);
    json_t *items[256];
    size_t n = 0, nlang = 0, nitems = 0;
    json_t *rec;
    while (pp_reader_next(in, &rec, NULL) == PP_OK && rec && n < 256)
        items[n++] = rec;
    const char *keys[4] = {"bleu_13a", "bleu_intl", "bleu_char", "ter"};
    const pp_bleu_tokenize toks[3] = {PP_BLEU_TOK_13A, PP_BLEU_TOK_INTL, PP_BLEU_TOK_CHAR};
    while (pp_reader_next(ex, &rec, NULL) == PP_OK && rec) {
        const char *lang = pp_record_str(rec, "lang");
        json_t *want_items = json_object_get(rec, "items");
        for (int k = 0; k < 4; k++) {
            pp_metric m = k < 3 ? PP_METRIC_BLEU : PP_METRIC_TER;
            double sums[PP_METRIC_MAX_STATS] = {0}, st[PP_METRIC_MAX_STATS];
            size_t ns = pp_metric_nstats(m);
            for (size_t i = 0; i < n; i++) {
                if (strcmp(pp_record_str(items[i], "lang"), lang) != 0)
                    continue;
                ck_assert_int_eq(pp_metric_item_tok(m, items[i], lang, k < 3 ? toks[k] : 0, st, NULL),
                                 PP_OK);
                json_t *w = json_object_get(json_object_get(want_items, pp_record_str(items[i], "id")),
                                            keys[k]);
                ck_assert_uint_eq(json_array_size(w), ns);
                for (size_t j = 0; j < ns; j++) {
                    ck_assert_msg(fabs(st[j] - json_number_value(json_array_get(w, j))) < 1e-9,
                                  "%s %s stat %zu: %g vs reference %g", pp_record_str(items[i], "id"),
                                  keys[k], j, st[j], json_number_value(json_array_get(w, j)));
                    sums[j] += st[j];
                }
                nitems++;
            }
            double want = json_number_value(json_object_get(rec, keys[k]));
            ck_assert_msg(fabs(pp_metric_score(m, sums) - want) < 1e-9, "%s %s: %f vs %f", lang,
                          keys[k], pp_metric_score(m, sums), want);
        }
        json_decref(rec);
        nlang++;
    }
    ck_assert_uint_ge(nlang, 10);
    ck_assert_uint_ge(nitems, 4 * 50);
    for (size_t i = 0; i < n; i++)
        json_decref(items[i]);
    pp_reader_close(in);
    pp_reader_close(ex);
}
END_TEST

/* The scores sacreBLEU publishes in its own tests, and the tokenizers it
 * has that this build does not are refused by name. */
START_TEST(bleu_ter_published)
{
    const char *hyp[3] = {"The dog bit the man.", "It wasn't surprising.",
                          "The man had just bitten him."};
    const char *r1[3] = {"The dog bit the man.", "It was not unexpected.", "The man bit him first."};
    const char *r2[3] = {"The dog had bit the man.", "No one was surprised.",
                         "The man had bitten the dog."};
    const struct {
        pp_bleu_tokenize t;
        double want;
    } cases[] = {{PP_BLEU_TOK_13A, 48.530827}, {PP_BLEU_TOK_NONE, 49.1919566},
                 {PP_BLEU_TOK_INTL, 43.91623493}};
    for (size_t c = 0; c < 3; c++) {
        double sums[PP_BLEU_NSTATS] = {0}, st[PP_BLEU_NSTATS];
        for (int i = 0; i < 3; i++) {
            const char *refs[2] = {r1[i], r2[i]};
            ck_assert_int_eq(pp_bleu_stats(hyp[i], refs, 2, cases[c].t, st, NULL), PP_OK);
            for (int j = 0; j < PP_BLEU_NSTATS; j++)
                sums[j] += st[j];
        }
        ck_assert_double_eq_tol(pp_bleu_score(sums), cases[c].want, 1e-6);
    }
    double st[PP_TER_NSTATS];
    const char *ref[1] = {"a b c d e f g h"};
    ck_assert_int_eq(pp_ter_stats("d e f g h a b c", ref, 1, st, NULL), PP_OK);
    ck_assert_double_eq_tol(pp_ter_score(st), 12.5, 1e-9); /* one shift */
    const char *ref2[1] = {"aaaa bbbb cccc"};
    ck_assert_int_eq(pp_ter_stats("dddd eeee ffff", ref2, 1, st, NULL), PP_OK);
    ck_assert_double_eq_tol(pp_ter_score(st), 100.0, 1e-9);
    const char *ref3[1] = {"a"};
    ck_assert_int_eq(pp_ter_stats("", ref3, 1, st, NULL), PP_OK);
    ck_assert_double_eq_tol(pp_ter_score(st), 100.0, 1e-9);
    pp_bleu_tokenize t;
    pp_error e;
    ck_assert_int_eq(pp_bleu_tokenize_parse("ja-mecab", &t, &e), PP_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(e.message, "'ja-mecab' is not available"));
    ck_assert_int_eq(pp_bleu_tokenize_parse("zh", &t, &e), PP_ERR_INVALID);
    ck_assert_int_eq(pp_bleu_tokenize_parse("intl", &t, &e), PP_OK);
    ck_assert_int_eq(t, PP_BLEU_TOK_INTL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("eval");
    TCase *t = tcase_create("metrics");
    tcase_add_test(t, chrf_published);
    tcase_add_test(t, chrf_fixtures);
    tcase_add_test(t, token_f1_and_em);
    tcase_add_test(t, bits_per_byte);
    tcase_add_test(t, missing_fields);
    tcase_add_test(t, bootstrap_determinism);
    tcase_add_test(t, paired);
    tcase_add_test(t, rng_uniform);
    tcase_add_test(t, bleu_ter_fixtures);
    tcase_add_test(t, bleu_ter_published);
    tcase_set_timeout(t, 60);
    suite_add_tcase(s, t);
    return s;
}

#include "tests/testutil.h"

int main(void) { return tu_run(suite()); }
