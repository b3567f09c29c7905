/* check_prefs_lewidi.c — LeWiDi rating data into grouped preference records
 * and a preference set; UDHR variant preference sets (pp_prefs_variants). */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpora-tools/community/pp_prefs_lewidi.h"
#include "tests/testutil.h"

#define LDIR TESTDATA "/prefs/lewidi"

static pp_status collect(const json_t *rec, void *ud, pp_error *err)
{
    (void)err;
    json_array_append((json_t *)ud, (json_t *)rec);
    return PP_OK;
}

static const json_t *by_id(const json_t *arr, const char *id)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) if (strcmp(json_string_value(json_object_get(x, "id")), id) == 0) return x;
    return NULL;
}

START_TEST(test_lewidi_groups_and_shares)
{
    const char *items[] = {LDIR "/mp_items.json"};
    pp_lewidi *l = NULL;
    pp_error e;
    pp_error_clear(&e);
    ck_assert_int_eq(pp_lewidi_read(items, 1, LDIR "/mp_annotators_meta.json", "Nationality", NULL, &l,
                                    &e),
                     PP_OK);
    ck_assert_uint_eq(json_array_size(pp_lewidi_issues(l)), 0);
    ck_assert_uint_eq(pp_lewidi_item_count(l), 6);
    json_t *recs = json_array();
    size_t n = 0, ties = 0;
    ck_assert_int_eq(pp_lewidi_prefs(l, collect, recs, &n, &ties, &e), PP_OK);
    ck_assert_uint_eq(n, 11);
    ck_assert_uint_eq(ties, 1);
    /* m3: the US group 2 of 3 for irony, the UK group unanimous against */
    const json_t *us = by_id(recs, "m3/United States"), *uk = by_id(recs, "m3/United Kingdom");
    ck_assert_ptr_nonnull(us);
    ck_assert_ptr_nonnull(uk);
    ck_assert_str_eq(json_string_value(json_object_get(us, "chosen")), "1");
    ck_assert_double_eq_tol(json_real_value(json_object_get(us, "p_chosen")), 2.0 / 3.0, 1e-12);
    ck_assert_str_eq(json_string_value(json_object_get(uk, "chosen")), "0");
    ck_assert_str_eq(json_string_value(json_object_get(uk, "rejected")), "1");
    ck_assert_double_eq_tol(json_real_value(json_object_get(uk, "p_chosen")), 1.0, 1e-12);
    ck_assert_str_eq(json_string_value(json_object_get(uk, "lang")), "de");
    /* the tie is recorded as an issue of kind "tie" */
    const json_t *last = json_array_get(pp_lewidi_issues(l), 0);
    ck_assert_str_eq(json_string_value(json_object_get(last, "kind")), "tie");
    ck_assert_str_eq(json_string_value(json_object_get(last, "item")), "m5");
    /* the preference set: one prompt per item, every annotator's label */
    pp_annotators *a = NULL;
    pp_prefset *s = NULL;
    ck_assert_int_eq(pp_lewidi_prefset(l, &a, &s, &e), PP_OK);
    ck_assert_uint_eq(pp_prefset_count(s), 6);
    ck_assert_uint_eq(pp_annotators_count(a), 6);
    ck_assert_uint_eq(json_array_size(json_object_get(pp_prefset_item(s, 0), "judgements")), 6);
    json_t *rep = NULL;
    pp_prefs_stats_opts so = {"Nationality"};
    ck_assert_int_eq(pp_prefs_stats(s, &so, &rep, &e), PP_OK);
    /* the value alpha_reference.py computes from Krippendorff's definition */
    ck_assert_double_eq_tol(
        json_real_value(json_object_get(json_object_get(rep, "alpha_overall"), "alpha")),
        0.2010695187165773, 1e-9);
    json_decref(rep);
    pp_prefset_free(s);
    pp_annotators_free(a);
    json_decref(recs);
    pp_lewidi_free(l);
}
END_TEST

START_TEST(test_lewidi_bad_input)
{
    const char *items[] = {LDIR "/bad_items.json"};
    pp_lewidi *l = NULL;
    pp_error e;
    pp_error_clear(&e);
    ck_assert_int_eq(pp_lewidi_read(items, 1, LDIR "/mp_annotators_meta.json", "Nationality", NULL, &l,
                                    &e),
                     PP_OK);
    const json_t *is = pp_lewidi_issues(l);
    ck_assert_uint_eq(json_array_size(is), 4);
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(json_array_get(is, 0), "reason")),
                                 "item b1: unknown annotator Ann9"));
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(is, 2), "annotator")), "Ann6");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(is, 3), "kind")), "item");
    pp_lewidi_free(l);
    /* a field nobody has, a missing file, a metadata file that is not an object */
    ck_assert_int_ne(pp_lewidi_read(items, 1, LDIR "/mp_annotators_meta.json", "Religion", NULL, &l, &e),
                     PP_OK);
    ck_assert_ptr_null(l);
    const char *none[] = {LDIR "/no-such.json"};
    ck_assert_int_ne(pp_lewidi_read(none, 1, LDIR "/mp_annotators_meta.json", "Gender", NULL, &l, &e),
                     PP_OK);
    ck_assert_int_ne(pp_lewidi_read(items, 1, LDIR "/alpha_reference.py", "Gender", NULL, &l, &e), PP_OK);
}
END_TEST

/* A two-declaration UDHR: articles 1..10, paragraph 1; article 2 identical
 * in both; articles 3 and 5 outside the training split. */
static void tiny_udhr(const char *path)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    for (int k = 0; k < 2; k++)
        for (int a = 1; a <= 10; a++)
            fprintf(f,
                    "{\"id\":\"udhr-x%c-a%d-p1\",\"text\":\"%s %d\",\"lang\":\"xx\","
                    "\"meta\":{\"udhr_code\":\"x%c\",\"iso639_3\":\"xxx\",\"name\":\"Testish (%s)\","
                    "\"article\":%d,\"paragraph\":1,\"split\":\"%s\"}}\n",
                    k ? 'b' : 'a', a, a == 2 ? "same" : (k ? "new" : "old"), a, k ? 'b' : 'a',
                    k ? "new" : "old", a, a == 3 ? "dev" : a == 5 ? "test" : "train");
    fclose(f);
}

START_TEST(test_variants_majority_and_seed)
{
    char dir[256], path[300];
    tu_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/udhr.jsonl", dir);
    tiny_udhr(path);
    pp_prefs_variants_opts o = {path, "xa", "xb", 0.7, 5, 0};
    pp_prefs_variants_counts c;
    pp_error e;
    pp_error_clear(&e);
    json_t *tr = json_array(), *ev = json_array();
    ck_assert_int_eq(pp_prefs_variants(&o, collect, collect, tr, &c, &e), PP_OK);
    /* 7 differing training paragraphs: round(0.7 * 7) = 5 to the majority */
    ck_assert_uint_eq(c.train_a, 5);
    ck_assert_uint_eq(c.train_b, 2);
    ck_assert_uint_eq(c.identical, 1);
    ck_assert_uint_eq(c.eval_pairs, 2);
    ck_assert_uint_eq(json_array_size(tr), 11);
    size_t i, na = 0;
    json_t *x;
    json_array_foreach(tr, i, x) {
        const char *g = json_string_value(json_object_get(x, "group"));
        double p = json_real_value(json_object_get(x, "p_chosen"));
        const char *ch = json_string_value(json_object_get(x, "chosen"));
        if (strcmp(json_string_value(json_object_get(x, "split")), "eval") == 0)
            continue;
        if (strcmp(g, "xa-convention") == 0) {
            na++;
            ck_assert(strncmp(ch, "old", 3) == 0);
            ck_assert_double_eq_tol(p, 0.7, 1e-12);
        } else {
            ck_assert_str_eq(g, "xb-convention");
            ck_assert(strncmp(ch, "new", 3) == 0);
            ck_assert_double_eq_tol(p, 0.3, 1e-12);
        }
        ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(x, "prompt")), "in Testish."));
    }
    ck_assert_uint_eq(na, 5);
    /* the same seed draws the same paragraphs; the evaluation pairs are fixed */
    ck_assert_int_eq(pp_prefs_variants(&o, collect, collect, ev, &c, &e), PP_OK);
    ck_assert(json_equal(tr, ev));
    json_array_clear(ev);
    int differs = 0;
    for (unsigned long long seed = 6; seed < 12 && !differs; seed++) {
        o.seed = seed;
        json_array_clear(ev);
        ck_assert_int_eq(pp_prefs_variants(&o, collect, collect, ev, &c, &e), PP_OK);
        ck_assert_uint_eq(c.train_a, 5);
        differs = !json_equal(tr, ev);
    }
    ck_assert(differs);
    /* bad requests */
    o.majority = 1.0;
    ck_assert_int_ne(pp_prefs_variants(&o, collect, collect, ev, &c, &e), PP_OK);
    o.majority = 0.7;
    o.code_b = "xa";
    ck_assert_int_ne(pp_prefs_variants(&o, collect, collect, ev, &c, &e), PP_OK);
    o.code_b = "zz";
    ck_assert_int_ne(pp_prefs_variants(&o, collect, collect, ev, &c, &e), PP_OK);
    ck_assert_ptr_nonnull(strstr(e.message, "\"zz\""));
    json_decref(tr);
    json_decref(ev);
    tu_rmtree(dir);
}
END_TEST

/* --split-by annotators: every training paragraph judged by both groups,
 * A's record repeated against B's in the ratio of the majority share */
START_TEST(test_variants_split_by_annotators)
{
    char dir[256], path[300];
    tu_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/udhr.jsonl", dir);
    tiny_udhr(path);
    pp_prefs_variants_opts o = {path, "xa", "xb", 0.75, 5, 0, PP_PREFS_SPLIT_ANNOTATORS};
    pp_prefs_variants_counts c;
    pp_error e;
    pp_error_clear(&e);
    json_t *tr = json_array(), *ev = json_array();
    ck_assert_int_eq(pp_prefs_variants(&o, collect, collect, tr, &c, &e), PP_OK);
    /* 7 differing training paragraphs, 0.75 -> 3:1 a paragraph */
    ck_assert_uint_eq(c.train_paragraphs, 7);
    ck_assert_uint_eq(c.copies_a, 3);
    ck_assert_uint_eq(c.copies_b, 1);
    ck_assert_uint_eq(c.train_a, 21);
    ck_assert_uint_eq(c.train_b, 7);
    ck_assert_uint_eq(c.eval_pairs, 2);
    ck_assert_uint_eq(json_array_size(tr), 28 + 4);
    /* per paragraph: 3 records of A (old text, p 0.75), 1 of B (new, p 0.25), distinct ids */
    json_t *per = json_object();
    size_t i;
    json_t *x;
    json_array_foreach(tr, i, x) {
        if (strcmp(json_string_value(json_object_get(x, "split")), "train") != 0)
            continue;
        const char *src = json_string_value(json_object_get(x, "source_id"));
        const char *g = json_string_value(json_object_get(x, "group"));
        const char *ch = json_string_value(json_object_get(x, "chosen"));
        double p = json_real_value(json_object_get(x, "p_chosen"));
        int is_a = strcmp(g, "xa-convention") == 0;
        ck_assert(strncmp(ch, is_a ? "old" : "new", 3) == 0);
        ck_assert_double_eq_tol(p, is_a ? 0.75 : 0.25, 1e-12);
        json_t *n = json_object_get(per, src);
        if (!n) {
            n = json_pack("[i,i]", 0, 0);
            json_object_set_new(per, src, n);
        }
        json_array_set_new(n, !is_a, json_integer(json_integer_value(json_array_get(n, !is_a)) + 1));
        const char *id = json_string_value(json_object_get(x, "id"));
        for (size_t j = i + 1; j < json_array_size(tr); j++)
            ck_assert_str_ne(id, json_string_value(json_object_get(json_array_get(tr, j), "id")));
    }
    ck_assert_uint_eq(json_object_size(per), 7);
    const char *k;
    json_object_foreach(per, k, x) {
        ck_assert_int_eq(json_integer_value(json_array_get(x, 0)), 3);
        ck_assert_int_eq(json_integer_value(json_array_get(x, 1)), 1);
    }
    json_decref(per);
    /* 0.7 -> 7:3; the seed draws nothing in this design */
    o.majority = 0.7;
    o.seed = 9;
    ck_assert_int_eq(pp_prefs_variants(&o, collect, collect, ev, &c, &e), PP_OK);
    ck_assert_uint_eq(c.copies_a, 7);
    ck_assert_uint_eq(c.copies_b, 3);
    ck_assert_uint_eq(c.train_a + c.train_b, 70);
    /* the minority share must stay countable in hundredths */
    o.majority = 0.996;
    ck_assert_int_ne(pp_prefs_variants(&o, collect, collect, ev, &c, &e), PP_OK);
    o.majority = 0.7;
    o.split_by = (pp_prefs_split_by)7;
    ck_assert_int_ne(pp_prefs_variants(&o, collect, collect, ev, &c, &e), PP_OK);
    json_decref(tr);
    json_decref(ev);
    tu_rmtree(dir);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("prefs_lewidi");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_lewidi_groups_and_shares);
    tcase_add_test(tc, test_lewidi_bad_input);
    tcase_add_test(tc, test_variants_majority_and_seed);
    tcase_add_test(tc, test_variants_split_by_annotators);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return tu_run(suite()); }
