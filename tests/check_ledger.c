/* check_ledger.c — ledger rows have the DESIGN.md shape; Wilson intervals
 * match published values. */
#include "config.h"
#include "src/polyphony.h"
#include "tests/testutil.h"

#include <math.h>

static char dir[512];
static void setup(void) { tu_tmpdir(dir, sizeof dir); }
static void teardown(void) { tu_rmtree(dir); }

START_TEST(test_rows)
{
    char path[700];
    snprintf(path, sizeof path, "%s/ledger.jsonl", dir);
    setenv("PP_RUN", "2026-11-23T10:00:00Z", 1);
    pp_ledger *l;
    pp_error err;
    ck_assert_int_eq(pp_ledger_open(path, "filter", &l, &err), PP_OK);
    ck_assert_str_eq(pp_ledger_run(l), "2026-11-23T10:00:00Z");
    ck_assert_int_eq(pp_ledger_add(l, "gopher", "yo", "survival", 0.62, 1200, 0.59, 0.65, &err), PP_OK);
    ck_assert_int_eq(pp_ledger_add(l, NULL, "am", "documents", 10, 10, NAN, NAN, &err), PP_OK);
    ck_assert_int_eq(pp_ledger_add(l, NULL, NULL, "x", 1, 1, NAN, NAN, &err), PP_ERR_INVALID);
    ck_assert_int_eq(pp_ledger_close(l, &err), PP_OK);
    /* Appending keeps earlier rows. */
    ck_assert_int_eq(pp_ledger_open(path, "lid", &l, &err), PP_OK);
    ck_assert_int_eq(pp_ledger_add(l, NULL, "ha", "f1", 0.9, 50, 0.8, 0.95, &err), PP_OK);
    ck_assert_int_eq(pp_ledger_close(l, &err), PP_OK);

    pp_reader *r;
    ck_assert_int_eq(pp_reader_open(path, &r, &err), PP_OK);
    json_t *row;
    ck_assert_int_eq(pp_reader_next(r, &row, &err), PP_OK);
    ck_assert_str_eq(pp_record_str(row, "stage"), "filter");
    ck_assert_str_eq(pp_record_str(row, "step"), "gopher");
    ck_assert_str_eq(pp_record_str(row, "lang"), "yo");
    ck_assert_str_eq(pp_record_str(row, "metric"), "survival");
    ck_assert(fabs(json_real_value(json_object_get(row, "value")) - 0.62) < 1e-12);
    ck_assert_int_eq(json_integer_value(json_object_get(row, "n")), 1200);
    ck_assert(fabs(json_real_value(json_object_get(row, "lo")) - 0.59) < 1e-12);
    ck_assert_str_eq(pp_record_str(row, "run"), "2026-11-23T10:00:00Z");
    json_decref(row);
    ck_assert_int_eq(pp_reader_next(r, &row, &err), PP_OK);
    ck_assert_ptr_null(json_object_get(row, "step"));
    ck_assert_ptr_null(json_object_get(row, "lo"));
    ck_assert_ptr_null(json_object_get(row, "hi"));
    json_decref(row);
    ck_assert_int_eq(pp_reader_next(r, &row, &err), PP_OK);
    ck_assert_str_eq(pp_record_str(row, "stage"), "lid");
    json_decref(row);
    ck_assert_int_eq(pp_reader_next(r, &row, &err), PP_OK);
    ck_assert_ptr_null(row);
    pp_reader_close(r);
}
END_TEST

START_TEST(test_unwritable)
{
    pp_ledger *l;
    pp_error err;
    ck_assert_int_eq(pp_ledger_open("/nonexistent/dir/ledger.jsonl", "x", &l, &err), PP_ERR_IO);
    ck_assert_ptr_null(l);
    ck_assert(strstr(err.message, "cannot open ledger") != NULL);
}
END_TEST

START_TEST(test_wilson)
{
    /* Reference values (Newcombe 1998, Table I): 81/263 -> 0.2553 to 0.3662;
     * 15/148 -> 0.0624 to 0.1605; 0/20 -> 0 to 0.1611. */
    double lo, hi;
    pp_wilson_interval(81, 263, &lo, &hi);
    ck_assert(fabs(lo - 0.2553) < 5e-4 && fabs(hi - 0.3662) < 5e-4);
    pp_wilson_interval(15, 148, &lo, &hi);
    ck_assert(fabs(lo - 0.0624) < 5e-4 && fabs(hi - 0.1605) < 5e-4);
    pp_wilson_interval(0, 20, &lo, &hi);
    ck_assert(lo == 0.0 && fabs(hi - 0.1611) < 5e-4);
    pp_wilson_interval(0, 0, &lo, &hi);
    ck_assert(isnan(lo) && isnan(hi));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ledger");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_rows);
    tcase_add_test(tc, test_unwritable);
    tcase_add_test(tc, test_wilson);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return tu_run(suite()); }
