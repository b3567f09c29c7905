/* check_audit_report.c — the `audit` command's own logic (eval-sets/audit/:
 * ledger join, speaker counts, gap statistics per metric), compiled in from
 * the command's sources, against the independent Python computation in
 * tests/data/eval/audit_reference.py (audit_expected.json). */
#include "config.h"
#include "eval-sets/audit/audit.h"
#include "tests/testutil.h"

#include <jansson.h>
#include <math.h>

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

int main(void)
{
    Suite *s = suite_create("audit_report");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, ledger_to_gaps);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
