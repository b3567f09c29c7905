/* check_prefs.c — Krippendorff's alpha, annotators, preference records,
 * group statistics, aggregation and the synthetic controlled set. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corpora-tools/community/pp_prefs.h"

#define PDIR TESTDATA "/prefs"
#define U -1 /* missing value in the reliability matrix */

START_TEST(test_alpha_published_example)
{
    /* Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the
     * nominal example with 4 observers, 12 units and missing values; the
     * published value is 0.743. By hand: n = 40 pairable values, observed
     * disagreement sum_{c!=k} o_ck = 8, expected sum_{c!=k} n_c n_k = 1216,
     * alpha = 1 - 39 * 8 / 1216 = 113/152 = 0.74342... Unit 12 has a single
     * value and is not pairable. */
    static const int obs[4][12] = {
        {1, 2, 3, 3, 2, 1, 4, 1, 2, U, U, U},
        {1, 2, 3, 3, 2, 2, 4, 1, 2, 5, U, 3},
        {U, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, U},
        {1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, U},
    };
    int vals[12][4];
    const int *rows[12];
    size_t m[12];
    for (int u = 0; u < 12; u++) {
        m[u] = 0;
        for (int o = 0; o < 4; o++)
            if (obs[o][u] != U)
                vals[u][m[u]++] = obs[o][u];
        rows[u] = vals[u];
    }
    size_t n = 0;
    double a = pp_krippendorff_alpha_nominal(rows, m, 12, &n);
    ck_assert_uint_eq(n, 40);
    ck_assert_double_eq_tol(a, 113.0 / 152.0, 1e-12);
    ck_assert_double_eq_tol(a, 0.743, 5e-4);
}
END_TEST

START_TEST(test_alpha_small_and_degenerate)
{
    /* units (a,a), (a,b), (b,b): o_aa = o_bb = 2, o_ab = o_ba = 1, n_a = n_b = 3,
     * alpha = 1 - 5 * 2 / 18 = 4/9 */
    int u1[] = {0, 0}, u2[] = {0, 1}, u3[] = {1, 1};
    const int *rows[] = {u1, u2, u3};
    size_t m[] = {2, 2, 2};
    ck_assert_double_eq_tol(pp_krippendorff_alpha_nominal(rows, m, 3, NULL), 4.0 / 9.0, 1e-12);
    /* perfect agreement with variation: 1 */
    int v1[] = {0, 0, 0}, v2[] = {1, 1, 1};
    const int *rows2[] = {v1, v2};
    size_t m2[] = {3, 3};
    ck_assert_double_eq_tol(pp_krippendorff_alpha_nominal(rows2, m2, 2, NULL), 1.0, 1e-12);
    /* no variation at all: undefined */
    const int *rows3[] = {v1, v1};
    ck_assert(isnan(pp_krippendorff_alpha_nominal(rows3, m2, 2, NULL)));
    /* nothing pairable */
    size_t m4[] = {1, 1};
    ck_assert(isnan(pp_krippendorff_alpha_nominal(rows2, m4, 2, NULL)));
}
END_TEST

START_TEST(test_unknown_annotator)
{
    pp_annotators *a = NULL;
    pp_prefset *s = NULL;
    pp_error e;
    ck_assert_int_eq(pp_annotators_load(PDIR "/annotators.json", &a, &e), PP_OK);
    ck_assert_uint_eq(pp_annotators_count(a), 3);
    ck_assert_ptr_null(pp_annotators_groups(a, "u9"));
    ck_assert_int_eq(pp_prefset_new(a, &s, &e), PP_OK);
    size_t bad = 0;
    ck_assert_int_eq(pp_prefset_read(s, PDIR "/unknown-annotator.jsonl", 1, &bad, &e),
                     PP_ERR_NOT_FOUND);
    ck_assert_uint_eq(bad, 2);
    ck_assert_int_eq(e.line, 2);
    ck_assert_ptr_nonnull(strstr(e.file, "unknown-annotator.jsonl"));
    ck_assert_ptr_nonnull(strstr(e.message, "unknown annotator \"u9\""));
    /* the good line is kept, the bad ones left no trace */
    ck_assert_uint_eq(pp_prefset_count(s), 1);
    ck_assert_uint_eq(json_array_size(json_object_get(pp_prefset_item(s, 0), "judgements")), 1);
    pp_prefset_free(s);
    pp_annotators_free(a);
}
END_TEST

typedef struct sink {
    json_t *v;
} sink;

static pp_status collect(const json_t *p, void *ud, pp_error *err)
{
    (void)err;
    json_array_append(((sink *)ud)->v, (json_t *)p);
    return PP_OK;
}

START_TEST(test_merge_and_aggregate)
{
    pp_annotators *a = NULL;
    pp_prefset *s = NULL;
    pp_error e;
    ck_assert_int_eq(pp_annotators_load(PDIR "/annotators.json", &a, &e), PP_OK);
    ck_assert_int_eq(pp_prefset_new(a, &s, &e), PP_OK);
    ck_assert_int_eq(pp_prefset_read(s, PDIR "/pairs.jsonl", 0, NULL, &e), PP_OK);
    ck_assert_uint_eq(pp_prefset_count(s), 2);
    const json_t *q1 = pp_prefset_item(s, 0);
    ck_assert_uint_eq(json_array_size(json_object_get(q1, "responses")), 2);
    ck_assert_uint_eq(json_array_size(json_object_get(q1, "judgements")), 3);
    /* groups come from the annotators file */
    const json_t *j3 = json_array_get(json_object_get(q1, "judgements"), 2);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j3, "groups"), "community")),
                     "south");

    sink maj = {json_array()}, pg = {json_array()}, dist = {json_array()};
    size_t dropped = 9;
    ck_assert_int_eq(pp_prefs_aggregate_pairs(s, PP_AGG_MAJORITY, NULL, collect, &maj, &dropped, &e),
                     PP_OK);
    ck_assert_uint_eq(json_array_size(maj.v), 2);
    ck_assert_uint_eq(dropped, 0);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(maj.v, 0), "chosen")),
                     "Orúkọ mi ni Adé.");
    ck_assert_int_eq(pp_prefs_aggregate_pairs(s, PP_AGG_PER_GROUP, "community", collect, &pg,
                                              &dropped, &e),
                     PP_OK);
    ck_assert_uint_eq(json_array_size(pg.v), 4); /* 2 prompts x 2 communities */
    const json_t *south = json_array_get(pg.v, 1);
    ck_assert_str_eq(json_string_value(json_object_get(south, "group")), "south");
    ck_assert_str_eq(json_string_value(json_object_get(south, "chosen")), "Adé ni.");
    ck_assert_int_eq(pp_prefs_aggregate_pairs(s, PP_AGG_PER_GROUP, "nope", collect, &pg, &dropped,
                                              &e),
                     PP_ERR_INVALID);
    ck_assert_int_eq(
        pp_prefs_aggregate_pairs(s, PP_AGG_DISTRIBUTION, NULL, collect, &dist, &dropped, &e),
        PP_OK);
    ck_assert_uint_eq(json_array_size(dist.v), 4); /* both directions, each preferred once */
    double w = 0;
    for (size_t i = 0; i < 2; i++)
        w += json_real_value(json_object_get(json_array_get(dist.v, i), "weight"));
    ck_assert_double_eq_tol(w, 1.0, 1e-12);
    ck_assert_double_eq_tol(json_real_value(json_object_get(json_array_get(dist.v, 0), "weight")),
                            2.0 / 3.0, 1e-12);
    json_decref(maj.v), json_decref(pg.v), json_decref(dist.v);

    json_t *rep = NULL;
    pp_prefs_stats_opts o = {"community"};
    ck_assert_int_eq(pp_prefs_stats(s, &o, &rep, &e), PP_OK);
    const json_t *d0 = json_array_get(json_object_get(rep, "dimensions"), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(d0, "prompts_where_groups_differ")), 2);
    json_decref(rep);
    pp_prefs_stats_opts o2 = {"religion"};
    ck_assert_int_eq(pp_prefs_stats(s, &o2, &rep, &e), PP_ERR_NOT_FOUND);
    pp_prefset_free(s);
    pp_annotators_free(a);
}
END_TEST

START_TEST(test_synth_shows_hidden_disagreement)
{
    json_t *recs = NULL, *anns = NULL;
    pp_error e;
    ck_assert_int_eq(pp_prefs_synth(7, 0.0, &recs, &anns, &e), PP_OK);
    ck_assert_uint_eq(json_array_size(recs), 16);
    ck_assert_uint_eq(json_array_size(anns), 9);
    /* same seed, same set; another seed shuffles response order */
    json_t *r2 = NULL, *a2 = NULL;
    ck_assert_int_eq(pp_prefs_synth(7, 0.0, &r2, &a2, &e), PP_OK);
    ck_assert(json_equal(recs, r2));
    json_decref(r2), json_decref(a2);
    ck_assert_int_eq(pp_prefs_synth(7, 0.7, &r2, &a2, &e), PP_ERR_INVALID);

    /* annotators file through a temporary JSONL */
    char path[] = "/tmp/check_prefs_annXXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    size_t i;
    json_t *x;
    json_array_foreach(anns, i, x) {
        json_dumpf(x, f, JSON_COMPACT);
        fputc('\n', f);
    }
    fclose(f);
    pp_annotators *a = NULL;
    pp_prefset *s = NULL;
    ck_assert_int_eq(pp_annotators_load(path, &a, &e), PP_OK);
    unlink(path);
    ck_assert_int_eq(pp_prefset_new(a, &s, &e), PP_OK);
    json_array_foreach(recs, i, x) ck_assert_int_eq(pp_prefset_add(s, x, "synth", (long)i + 1, &e),
                                                    PP_OK);
    json_t *rep = NULL;
    pp_prefs_stats_opts o = {"community"};
    ck_assert_int_eq(pp_prefs_stats(s, &o, &rep, &e), PP_OK);
    /* without noise: each group agrees perfectly within, never across */
    const json_t *d0 = json_array_get(json_object_get(rep, "dimensions"), 0);
    const json_t *g = json_object_get(d0, "groups");
    ck_assert_double_eq_tol(json_real_value(json_object_get(json_array_get(g, 0), "alpha")), 1.0,
                            1e-12);
    ck_assert_double_eq_tol(json_real_value(json_object_get(json_array_get(g, 1), "alpha")), 1.0,
                            1e-12);
    const json_t *b = json_object_get(d0, "between");
    ck_assert_double_eq_tol(json_real_value(json_object_get(b, "agreement_within")), 1.0, 1e-12);
    ck_assert_double_eq_tol(json_real_value(json_object_get(b, "agreement_across")), 0.0, 1e-12);
    ck_assert_int_eq(json_integer_value(json_object_get(d0, "prompts_where_groups_differ")), 16);
    /* pooled alpha is far below either group's: the disagreement is between groups */
    double pooled = json_real_value(
        json_object_get(json_object_get(rep, "alpha_overall"), "alpha"));
    ck_assert(pooled < 0.1);
    /* the majority vote overrules group B on every prompt */
    const json_t *eff = json_array_get(json_object_get(d0, "majority_effect"), 1);
    ck_assert_str_eq(json_string_value(json_object_get(eff, "group")), "B");
    ck_assert_int_eq(json_integer_value(json_object_get(eff, "overruled_prompts")), 16);
    /* every record says what each group was built to prefer */
    const json_t *syn = json_object_get(json_array_get(recs, 0), "synthetic");
    ck_assert_ptr_nonnull(json_object_get(json_object_get(syn, "preferred_by"), "A"));
    json_decref(rep);
    pp_prefset_free(s);
    pp_annotators_free(a);
    json_decref(recs), json_decref(anns);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("prefs");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_alpha_published_example);
    tcase_add_test(tc, test_alpha_small_and_degenerate);
    tcase_add_test(tc, test_unknown_annotator);
    tcase_add_test(tc, test_merge_and_aggregate);
    tcase_add_test(tc, test_synth_shows_hidden_disagreement);
    suite_add_tcase(s, tc);
    return s;
}

#include "tests/testutil.h"

int main(void) { return tu_run(suite()); }
