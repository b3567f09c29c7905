/* check_audit_report.c — the `audit` command's own logic (eval-sets/audit/:
 * ledger join, speaker counts, gap statistics per metric), compiled in from
 * the command's sources, against the independent Python computation in
 * tests/data/eval/audit_reference.py (audit_expected.json). */
#include "config.h"
#include "eval-sets/audit/audit.h"
#include "tests/testutil.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define TOL 1e-12

static const audit_metric *metric(const audit *a, const char *key)
{
    for (size_t i = 0; i < a->nm; i++)
        if (strcmp(a->m[i].key, key) == 0)
            return &a->m[i];
    return NULL;
}

START_TEST(ledger_to_gaps)
{
    char *files[] = {TESTDATA "/eval/audit_ledger.jsonl"};
    audit a;
    memset(&a, 0, sizeof a);
    a.tau = 1.0;
    ck_assert(audit_read(&a, files, 1));
    ck_assert(audit_speakers(&a, TESTDATA "/eval/speakers.tsv"));
    ck_assert(audit_compute(&a));

    json_error_t je;
    json_t *exp = json_load_file(TESTDATA "/eval/audit_expected.json", 0, &je);
    ck_assert_msg(exp != NULL, "%s", je.text);
    ck_assert_uint_eq(a.nm, json_object_size(exp));
    const char *key;
    json_t *e;
    json_object_foreach(exp, key, e) {
        const audit_metric *m = metric(&a, key);
        ck_assert_msg(m != NULL, "metric %s missing", key);
        ck_assert_double_eq_tol(m->sum.gini, json_number_value(json_object_get(e, "gini")), TOL);
        ck_assert_double_eq_tol(m->sum.utility_demographic,
                                json_number_value(json_object_get(e, "utility_demographic")), TOL);
        ck_assert_double_eq_tol(m->sum.utility_linguistic,
                                json_number_value(json_object_get(e, "utility_linguistic")), TOL);
        json_t *langs = json_object_get(e, "languages");
        ck_assert_uint_eq(m->ncells, json_object_size(langs));
        for (size_t c = 0; c < m->ncells; c++) {
            const char *lang = a.l[m->cells[c].lang].lang;
            json_t *o = json_object_get(langs, lang);
            ck_assert_msg(o != NULL, "%s: language %s not expected", key, lang);
            ck_assert_double_eq_tol(m->cells[c].value, json_number_value(json_object_get(o, "value")),
                                    TOL);
            ck_assert_double_eq_tol(m->gap[c].u, json_number_value(json_object_get(o, "u")), TOL);
            ck_assert_double_eq_tol(m->gap[c].gap, json_number_value(json_object_get(o, "gap")), TOL);
        }
    }
    json_decref(exp);
    audit_free(&a);
}
END_TEST

/* Member rows pooled into one language's cell, per pool; the expected
 * figures were computed apart from this code (Python: the Wilson score
 * interval, the n-weighted mean and its normal-error interval). */
START_TEST(pool_rows)
{
    audit_metric m;
    memset(&m, 0, sizeof m);
    m.lo = 0, m.hi = 1;
    audit_cell out;
    /* rate: 5 of 10 and 32 of 40 are 37 of 50 */
    audit_cell rate[] = {{0, 0.5, 0.2, 0.8, 10}, {0, 0.8, 0.6, 0.9, 40}};
    m.pool = AUDIT_POOL_RATE;
    audit_pool_cells(&m, rate, 2, &out);
    ck_assert_double_eq_tol(out.value, 0.74, 1e-15);
    ck_assert_int_eq(out.n, 50);
    ck_assert_double_eq_tol(out.lo, 0.6044684273515117, 1e-12);
    ck_assert_double_eq_tol(out.hi, 0.8412847250644762, 1e-12);
    /* share of one total: 7 and 2 of 54 documents are 9 of 54 */
    audit_cell share[] = {{0, 7.0 / 54, 0.06, 0.25, 54}, {0, 2.0 / 54, 0.01, 0.13, 54}};
    m.pool = AUDIT_POOL_SHARE;
    audit_pool_cells(&m, share, 2, &out);
    ck_assert_double_eq_tol(out.value, 9.0 / 54, 1e-15);
    ck_assert_int_eq(out.n, 54);
    ck_assert_double_eq_tol(out.lo, 0.09024391642997268, 1e-12);
    ck_assert_double_eq_tol(out.hi, 0.2873651422972916, 1e-12);
    /* counts add, with no interval */
    audit_cell sum[] = {{0, 100, NAN, NAN, 10}, {0, 50, NAN, NAN, 5}};
    m.pool = AUDIT_POOL_SUM;
    m.hi = INFINITY;
    audit_pool_cells(&m, sum, 2, &out);
    ck_assert_double_eq(out.value, 150);
    ck_assert_int_eq(out.n, 15);
    ck_assert(isnan(out.lo) && isnan(out.hi));
    /* mean weighted by n; the interval from the rows' as normal errors */
    audit_cell mean[] = {{0, 0.7261, 0.6, 0.8, 7}, {0, 0.6279, 0.5, 0.75, 2}};
    m.pool = AUDIT_POOL_MEAN;
    m.hi = 1;
    audit_pool_cells(&m, mean, 2, &out);
    ck_assert_double_eq_tol(out.value, 0.7042777777777778, 1e-15);
    ck_assert_int_eq(out.n, 9);
    ck_assert_double_eq_tol(out.lo, 0.6216885069593416, 1e-12);
    ck_assert_double_eq_tol(out.hi, 0.7868670485962139, 1e-12);
    /* without n the rows weigh the same, and the interval stays in range */
    audit_cell eq[] = {{0, 0.9, 0.75, 1.05, -1}, {0, 0.8, 0.65, 0.95, 4}};
    audit_pool_cells(&m, eq, 2, &out);
    ck_assert_double_eq_tol(out.value, 0.85, 1e-15);
    ck_assert_int_eq(out.n, -1);
    ck_assert_double_eq_tol(out.lo, 0.743933982822018, 1e-12);
    ck_assert_double_eq_tol(out.hi, 0.9560660171779822, 1e-12);
    /* a row without an interval: the pooled row has none */
    eq[0].lo = NAN;
    audit_pool_cells(&m, eq, 2, &out);
    ck_assert(isnan(out.lo) && isnan(out.hi));
    /* one row is itself */
    audit_pool_cells(&m, mean, 1, &out);
    ck_assert_double_eq(out.value, 0.7261);
    ck_assert_double_eq(out.lo, 0.6);
}
END_TEST

/* At the macrolanguage level the Quechua rows (quz, qxu) make one qu row,
 * each metric pooled by its rule in metric-kinds.tsv; a re-run of one tag
 * replaces its earlier row instead of being pooled with it. */
START_TEST(macrolanguage_pools_members)
{
    char path[] = "/tmp/check_audit_pool_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *fp = fdopen(fd, "w");
    fputs("{\"stage\":\"lid\",\"step\":\"identify\",\"lang\":\"quz\",\"metric\":\"mean_score\","
          "\"value\":0.5,\"n\":7}\n"
          "{\"stage\":\"lid\",\"step\":\"identify\",\"lang\":\"quz\",\"metric\":\"mean_score\","
          "\"value\":0.7261,\"n\":7}\n"
          "{\"stage\":\"lid\",\"step\":\"identify\",\"lang\":\"qxu\",\"metric\":\"mean_score\","
          "\"value\":0.6279,\"n\":2}\n"
          "{\"stage\":\"lid\",\"step\":\"identify\",\"lang\":\"quz\",\"metric\":\"share\","
          "\"value\":0.12962962962962962,\"n\":54,\"lo\":0.06,\"hi\":0.25}\n"
          "{\"stage\":\"lid\",\"step\":\"identify\",\"lang\":\"qxu\",\"metric\":\"share\","
          "\"value\":0.037037037037037035,\"n\":54,\"lo\":0.01,\"hi\":0.13}\n"
          "{\"stage\":\"ingest\",\"step\":\"txt\",\"lang\":\"quz\",\"metric\":\"records\","
          "\"value\":7,\"n\":7}\n"
          "{\"stage\":\"ingest\",\"step\":\"txt\",\"lang\":\"qxu\",\"metric\":\"records\","
          "\"value\":2,\"n\":2}\n"
          "{\"stage\":\"filter\",\"step\":\"gopher\",\"lang\":\"quz\",\"metric\":\"survival\","
          "\"value\":0.5,\"n\":10,\"lo\":0.2,\"hi\":0.8}\n"
          "{\"stage\":\"filter\",\"step\":\"gopher\",\"lang\":\"qxu\",\"metric\":\"survival\","
          "\"value\":0.8,\"n\":40,\"lo\":0.6,\"hi\":0.9}\n"
          /* no table line: the rows say they are counts */
          "{\"stage\":\"corpus\",\"lang\":\"quz\",\"metric\":\"widgets\",\"value\":3,\"n\":3,"
          "\"kind\":\"inventory\",\"range\":[0,null]}\n"
          "{\"stage\":\"corpus\",\"lang\":\"qxu\",\"metric\":\"widgets\",\"value\":4,\"n\":4}\n",
          fp);
    ck_assert_int_eq(fclose(fp), 0);
    char *files[] = {path};
    audit a;
    memset(&a, 0, sizeof a);
    a.tau = 1.0;
    a.level = PP_LANG_MACROLANGUAGE;
    ck_assert(audit_read(&a, files, 1));
    unlink(path);
    ck_assert_uint_eq(a.nl, 1);
    ck_assert_str_eq(a.l[0].lang, "qu");
    const audit_metric *m = metric(&a, "lid.identify.mean_score");
    ck_assert(m && m->ncells == 1 && m->npooled == 1 && m->pool == AUDIT_POOL_MEAN);
    ck_assert_double_eq_tol(m->cells[0].value, 0.7042777777777778, 1e-15);
    m = metric(&a, "lid.identify.share");
    ck_assert(m && m->pool == AUDIT_POOL_SHARE);
    ck_assert_double_eq_tol(m->cells[0].value, 1.0 / 6, 1e-15);
    ck_assert_double_eq_tol(m->cells[0].lo, 0.09024391642997268, 1e-12);
    m = metric(&a, "ingest.txt.records");
    ck_assert(m && m->pool == AUDIT_POOL_SUM);
    ck_assert_double_eq(m->cells[0].value, 9);
    m = metric(&a, "filter.gopher.survival");
    ck_assert(m && m->pool == AUDIT_POOL_RATE);
    ck_assert_double_eq_tol(m->cells[0].value, 0.74, 1e-15);
    ck_assert_double_eq_tol(m->cells[0].hi, 0.8412847250644762, 1e-12);
    m = metric(&a, "corpus.widgets");
    ck_assert(m && m->pool == AUDIT_POOL_SUM && m->kind == AUDIT_INVENTORY);
    ck_assert_double_eq(m->cells[0].value, 7);
    ck_assert_int_eq(m->cells[0].n, 7);
    audit_free(&a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("audit_report");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, ledger_to_gaps);
    tcase_add_test(tc, pool_rows);
    tcase_add_test(tc, macrolanguage_pools_members);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
