/* check_audit.c — gap statistics (u, gap, M_tau, Gini, priorities) against
 * the independent Python computation in tests/data/eval/audit_reference.py. */
#include "config.h"
#include "eval-sets/audit/pp_gap.h"

#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOL 1e-12

static double speakers_of(const char *lang)
{
    FILE *fp = fopen(TESTDATA "/eval/speakers.tsv", "r");
    ck_assert_ptr_nonnull(fp);
    char line[256];
    double v = -1;
    while (fgets(line, sizeof line, fp)) {
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        if (strcmp(line, lang) == 0)
            v = strtod(tab + 1, NULL);
    }
    fclose(fp);
    return v;
}

START_TEST(against_reference)
{
    json_error_t je;
    json_t *exp = json_load_file(TESTDATA "/eval/audit_expected.json", 0, &je);
    ck_assert_msg(exp != NULL, "%s", je.text);
    const char *key;
    json_t *m;
    size_t nmetrics = 0;
    json_object_foreach(exp, key, m) {
        json_t *langs = json_object_get(m, "languages");
        size_t n = json_object_size(langs), i = 0;
        pp_gap_lang *l = calloc(n, sizeof *l), *l2 = calloc(n, sizeof *l2);
        const char *lang;
        json_t *o;
        json_object_foreach(langs, lang, o) {
            l[i].lang = lang;
            l[i].value = json_number_value(json_object_get(o, "value"));
            l[i].speakers = speakers_of(lang);
            i++;
        }
        memcpy(l2, l, n * sizeof *l);
        int lower = pp_gap_lower_is_better(key);
        pp_gap_summary s, s2;
        ck_assert_int_eq(pp_gap_compute(l, n, lower, 1.0, &s, NULL), PP_OK);
        ck_assert_int_eq(pp_gap_compute(l2, n, lower, 0.5, &s2, NULL), PP_OK);
        ck_assert_double_eq_tol(s.gini, json_number_value(json_object_get(m, "gini")), TOL);
        ck_assert_double_eq_tol(s.utility_demographic,
                                json_number_value(json_object_get(m, "utility_demographic")), TOL);
        ck_assert_double_eq_tol(s.utility_linguistic,
                                json_number_value(json_object_get(m, "utility_linguistic")), TOL);
        ck_assert_double_eq_tol(s2.utility_tau, json_number_value(json_object_get(m, "utility_half")),
                                TOL);
        for (i = 0; i < n; i++) {
            json_t *r = json_object_get(langs, l[i].lang);
            ck_assert_double_eq_tol(l[i].u, json_number_value(json_object_get(r, "u")), TOL);
            ck_assert_double_eq_tol(l[i].gap, json_number_value(json_object_get(r, "gap")), TOL);
            json_t *pr = json_object_get(r, "priority");
            if (json_is_null(pr))
                ck_assert(isnan(l[i].priority)); /* no speaker count: no weight */
            else
                ck_assert_double_eq_tol(l[i].priority, json_number_value(pr), TOL);
            ck_assert_int_eq(isfinite(l[i].speakers) && l[i].speakers > 0,
                             json_is_true(json_object_get(r, "speakers_known")));
        }
        free(l);
        free(l2);
        nmetrics++;
    }
    ck_assert_uint_eq(nmetrics, 5);
    json_decref(exp);
}
END_TEST

START_TEST(gini_cases)
{
    double eq[] = {3, 3, 3, 3};
    ck_assert_double_eq_tol(pp_gini(eq, 4), 0.0, TOL);
    double one[] = {0, 0, 0, 8}; /* all to one of four: (N-1)/N */
    ck_assert_double_eq_tol(pp_gini(one, 4), 0.75, TOL);
    double z[] = {0, 0};
    ck_assert_double_eq_tol(pp_gini(z, 2), 0.0, TOL);
    double two[] = {1, 3}; /* |1-3|*2 / (2*4*2) = 0.25 */
    ck_assert_double_eq_tol(pp_gini(two, 2), 0.25, TOL);
}
END_TEST

START_TEST(directions_and_edges)
{
    ck_assert_int_eq(pp_gap_lower_is_better("eval.udhr-lm.bits_per_byte"), 1);
    ck_assert_int_eq(pp_gap_lower_is_better("tokenizers.premium"), 1);
    ck_assert_int_eq(pp_gap_lower_is_better("filter.gopher.survival"), 0);
    ck_assert_int_eq(pp_gap_lower_is_better("eval.chrf"), 0);
    /* One language: u = 1, no gap, Gini 0, M = 1. */
    pp_gap_lang l[1] = {{.lang = "yo", .value = 0.4, .speakers = NAN}};
    pp_gap_summary s;
    ck_assert_int_eq(pp_gap_compute(l, 1, 0, 1.0, &s, NULL), PP_OK);
    ck_assert_double_eq(l[0].u, 1.0);
    ck_assert_double_eq(s.gini, 0.0);
    ck_assert(isnan(s.utility_demographic)); /* no speaker count: nothing to weight */
    ck_assert_double_eq(s.utility_linguistic, 1.0);
    ck_assert_uint_eq(s.speakers_missing, 1);
    ck_assert(isnan(l[0].priority));
    /* Tau 0 weights every language the same whatever the speakers. */
    pp_gap_lang m[2] = {{.lang = "a", .value = 1, .speakers = 1e9}, {.lang = "b", .value = 0.5, .speakers = 10}};
    ck_assert_int_eq(pp_gap_compute(m, 2, 0, 0.0, &s, NULL), PP_OK);
    ck_assert_double_eq_tol(s.utility_linguistic, 0.75, TOL);
    ck_assert_double_eq_tol(m[1].priority, 0.25, TOL);
    ck_assert_double_gt(s.utility_demographic, 0.9999);
    /* Errors. */
    pp_error e;
    ck_assert_int_eq(pp_gap_compute(m, 0, 0, 1.0, &s, &e), PP_ERR_INVALID);
    m[0].value = NAN;
    ck_assert_int_eq(pp_gap_compute(m, 2, 0, 1.0, &s, &e), PP_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(e.message, "'a'"));
}
END_TEST

/* Utilities on declared scales: a lower-is-better share whose best is 0 no
 * longer makes every other language's utility 0. */
START_TEST(scaled_utilities)
{
    pp_gap_scale share = {1, 0.0, 1.0};
    pp_gap_lang l[3] = {{.lang = "en", .value = 0.001, .speakers = 1e9},
                        {.lang = "yo", .value = 0.0, .speakers = 4.5e7},
                        {.lang = "ha", .value = 0.4, .speakers = 8e7}};
    pp_gap_summary s;
    ck_assert_int_eq(pp_gap_compute_scaled(l, 3, &share, 1.0, &s, NULL), PP_OK);
    ck_assert_double_eq_tol(l[0].u, 0.999, TOL);
    ck_assert_double_eq(l[1].u, 1.0);
    ck_assert_double_eq_tol(l[2].u, 0.6, TOL);
    /* the language losing 40% has the largest priority per speaker */
    ck_assert_double_gt(l[2].priority / l[2].speakers, l[0].priority / l[0].speakers);
    /* higher is better on [lo, hi]: u = (a - lo) / (best - lo) */
    pp_gap_scale corr = {0, -1.0, 1.0};
    ck_assert_double_eq_tol(pp_gap_utility(0.0, 0.5, -1.0, &corr), 1.0 / 1.5, TOL);
    /* lower is better, unbounded, best 0: the observed range */
    pp_gap_scale cost = {1, 0.0, INFINITY};
    ck_assert_double_eq_tol(pp_gap_utility(1.0, 0.0, 4.0, &cost), 0.75, TOL);
    ck_assert_double_eq_tol(pp_gap_utility(3.0, 1.5, 4.0, &cost), 0.5, TOL);
    /* outside the declared range: clamped */
    ck_assert_double_eq(pp_gap_utility(1.5, 0.0, 1.5, &share), 0.0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("audit");
    TCase *t = tcase_create("gap");
    tcase_add_test(t, against_reference);
    tcase_add_test(t, gini_cases);
    tcase_add_test(t, directions_and_edges);
    tcase_add_test(t, scaled_utilities);
    suite_add_tcase(s, t);
    return s;
}

#include "tests/testutil.h"

int main(void) { return tu_run(suite()); }
