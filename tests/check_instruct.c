/* check_instruct.c — ICU MessageFormat shim, templates (schema, declared
 * arguments, locale from profiles), rendering with provenance. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "langs/pp_fasttext.h"
#include "langs/pp_lid.h"
#include "corpora-tools/community/pp_instruct.h"
#include "src/pp_record.h"

#include <unistd.h>

#define SCHEMA TESTDATA "/../../langs/schema/template.rng"
#define TDIR TESTDATA "/instruct"

/* 1948-12-10T12:00:00Z in milliseconds (the day the UDHR was adopted). */
static const double ADOPTED = (-7692.0 * 86400.0 + 43200.0) * 1000.0;

static void setup(void)
{
    char *dir = realpath(TESTDATA "/../..", NULL);
    ck_assert_ptr_nonnull(dir);
    setenv("POLYPHONY_DATA", dir, 1);
    free(dir);
}

static char *fmt1(const char *locale, const char *pattern, pp_msgarg a)
{
    char *out = NULL;
    pp_error e;
    ck_assert_msg(pp_msgformat(locale, pattern, &a, 1, &out, &e) == PP_OK, "%s", e.message);
    return out;
}

START_TEST(test_named_args_and_plural)
{
    pp_msgarg a[2] = {{"name", PP_MSGARG_STRING, "Adé", 0}, {"n", PP_MSGARG_NUMBER, NULL, 3}};
    char *out = NULL;
    pp_error e;
    ck_assert_int_eq(pp_msgformat("en", "{name} has {n, plural, one {# book} other {# books}}",
                                  a, 2, &out, &e),
                     PP_OK);
    ck_assert_str_eq(out, "Adé has 3 books");
    free(out);
    /* Swahili plural (noun classes 7/8: kifungu / vifungu) and a select */
    const char *sw = "{n, plural, one {kifungu # } other {vifungu # }}{g, select, rasmi {(rasmi)} other {}}";
    pp_msgarg b[2] = {{"n", PP_MSGARG_NUMBER, NULL, 1}, {"g", PP_MSGARG_STRING, "rasmi", 0}};
    ck_assert_int_eq(pp_msgformat("sw", sw, b, 2, &out, &e), PP_OK);
    ck_assert_str_eq(out, "kifungu 1 (rasmi)");
    free(out);
    b[0].num = 30;
    b[1].str = "kawaida";
    ck_assert_int_eq(pp_msgformat("sw", sw, b, 2, &out, &e), PP_OK);
    ck_assert_str_eq(out, "vifungu 30 ");
    free(out);
    /* a pattern that does not parse */
    ck_assert_int_eq(pp_msgformat("en", "{name", a, 2, &out, &e), PP_ERR_PARSE);
    ck_assert_ptr_null(out);
}
END_TEST

START_TEST(test_arabic_digits_rtl)
{
    /* Arabic-Indic digits from the numbering system; Arabic plural categories
     * (3 is "few", 11 is "many"); the text stays right-to-left Arabic. */
    char *s = fmt1("ar@numbers=arab", "المادة {n, number}", (pp_msgarg){"n", PP_MSGARG_NUMBER, 0, 25});
    ck_assert_str_eq(s, "المادة ٢٥");
    free(s);
    const char *pl = "{n, plural, zero {لا مواد} one {مادة واحدة} two {مادتان} few {# مواد} "
                     "many {# مادة} other {# مادة}}";
    s = fmt1("ar@numbers=arab", pl, (pp_msgarg){"n", PP_MSGARG_NUMBER, 0, 3});
    ck_assert_str_eq(s, "٣ مواد");
    free(s);
    s = fmt1("ar@numbers=arab", pl, (pp_msgarg){"n", PP_MSGARG_NUMBER, 0, 11});
    ck_assert_str_eq(s, "١١ مادة");
    free(s);
    s = fmt1("ar@numbers=arab", "{d, date, long}", (pp_msgarg){"d", PP_MSGARG_DATE, 0, ADOPTED});
    ck_assert_str_eq(s, "١٠ ديسمبر ١٩٤٨");
    free(s);
}
END_TEST

START_TEST(test_ethiopic_calendar)
{
    /* 10 December 1948 (Gregorian) is 1 Tahsas 1941 in the Ethiopian calendar. */
    char *s = fmt1("am@calendar=ethiopic", "{d, date, ::yMMMMd}",
                   (pp_msgarg){"d", PP_MSGARG_DATE, 0, ADOPTED});
    ck_assert_str_eq(s, "1 ታኅሣሥ 1941");
    free(s);
    s = fmt1("am", "{d, date, ::yMMMMd}", (pp_msgarg){"d", PP_MSGARG_DATE, 0, ADOPTED});
    ck_assert_str_eq(s, "10 ዲሴምበር 1948");
    free(s);
    char loc[64];
    pp_error e;
    ck_assert_int_eq(pp_msgformat_locale("am", "ethiopic", NULL, loc, sizeof loc, &e), PP_OK);
    ck_assert_str_eq(loc, "am@calendar=ethiopic");
    ck_assert_int_eq(pp_msgformat_locale("ar-001", NULL, "arab", loc, sizeof loc, &e), PP_OK);
    ck_assert_str_eq(loc, "ar_001@numbers=arab");
    ck_assert_int_eq(pp_msgformat_locale("not a tag!", NULL, NULL, loc, sizeof loc, &e),
                     PP_ERR_INVALID);
}
END_TEST

START_TEST(test_names)
{
    char **names = NULL;
    size_t n = 0;
    pp_error e;
    ck_assert_int_eq(pp_msgformat_names("{a} {b, number} {a} {c, plural, other {{d}}}", &names,
                                        &n, &e),
                     PP_OK);
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(names[0], "a");
    ck_assert_str_eq(names[3], "d");
    pp_strv_free(names, n);
    ck_assert_int_eq(pp_msgformat_names("{0} {1}", &names, &n, &e), PP_ERR_INVALID);
}
END_TEST

START_TEST(test_cldr_lists_and_names)
{
    const char *items[] = {"A", "B", "C"};
    char *s = NULL;
    pp_error e;
    ck_assert_int_eq(pp_list_format("sw", 1, items, 3, &s, &e), PP_OK);
    ck_assert_str_eq(s, "A, B au C");
    free(s);
    /* no list data for Igbo in this ICU: refused rather than English "or" */
    ck_assert_int_eq(pp_list_format("ig", 1, items, 3, &s, &e), PP_ERR_NOT_FOUND);
    ck_assert_int_eq(pp_language_display_name("en", "sw", &s, &e), PP_OK);
    ck_assert_str_eq(s, "Kiingereza");
    free(s);
    /* no CLDR locale for K'iche': never an English fallback */
    ck_assert_int_eq(pp_language_display_name("es", "quc", &s, &e), PP_ERR_NOT_FOUND);
}
END_TEST

START_TEST(test_template_bad)
{
    pp_template *t = NULL;
    pp_error e;
    ck_assert_int_eq(pp_template_load(TDIR "/bad/schema.xml", SCHEMA, &t, &e), PP_ERR_INVALID);
    ck_assert_ptr_null(t);
    ck_assert_ptr_nonnull(strstr(e.file, "schema.xml"));
    ck_assert_ptr_nonnull(strstr(e.message, "does not validate"));

    ck_assert_int_eq(pp_template_load(TDIR "/bad/missing-arg.xml", SCHEMA, &t, &e),
                     PP_ERR_NOT_FOUND);
    ck_assert_int_eq(e.line, 12); /* the <input> element */
    ck_assert_ptr_nonnull(strstr(e.message, "{source_text}"));

    ck_assert_int_eq(pp_template_load(TDIR "/bad/no-reviewer.xml", SCHEMA, &t, &e),
                     PP_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(e.message, "no <reviewer>"));

    ck_assert_int_eq(pp_template_load(TDIR "/does-not-exist.xml", SCHEMA, &t, &e), PP_ERR_IO);
}
END_TEST

typedef struct sink {
    json_t *items;
} sink;

static pp_status collect(const json_t *item, void *ud, pp_error *err)
{
    (void)err;
    json_array_append(((sink *)ud)->items, (json_t *)item);
    return PP_OK;
}

static pp_instruct_data *load_sample(void)
{
    pp_instruct_data *d = NULL;
    pp_reader *r = NULL;
    pp_error e;
    ck_assert_int_eq(pp_instruct_data_new(&d, &e), PP_OK);
    ck_assert_int_eq(pp_reader_open(TDIR "/udhr-sample.jsonl", &r, &e), PP_OK);
    json_t *rec;
    while (pp_reader_next(r, &rec, &e) == PP_OK && rec) {
        ck_assert_int_eq(pp_instruct_data_add(d, rec, pp_reader_name(r), pp_reader_lineno(r), &e),
                         PP_OK);
        json_decref(rec);
    }
    pp_reader_close(r);
    ck_assert_uint_eq(pp_instruct_data_count(d), 12);
    return d;
}

START_TEST(test_render_arabic_provenance)
{
    pp_instruct_data *d = load_sample();
    pp_template *t = NULL;
    pp_error e;
    ck_assert_msg(pp_template_load(TDIR "/templates/ar-article-qa.xml", SCHEMA, &t, &e) == PP_OK,
                  "%s", e.message);
    ck_assert_str_eq(pp_template_locale(t), "ar_001@numbers=arab");
    sink s = {json_array()};
    pp_instruct_counts c;
    pp_instruct_opts o = {0, 1, NULL, 0};
    ck_assert_int_eq(pp_instruct_render(t, d, &o, collect, &s, &c, &e), PP_OK);
    /* articles 1 and 2 are train; article 5 is test and must not be read */
    ck_assert_uint_eq(c.items, 2);
    ck_assert_uint_eq(json_array_size(s.items), 2);
    const json_t *it = json_array_get(s.items, 1);
    ck_assert_str_eq(pp_record_str(it, "completion"), "المادة ٢");
    ck_assert_str_eq(pp_record_str(it, "source_id"), "udhr-arb-a2-p1");
    ck_assert_str_eq(pp_record_str(it, "template"), "test-ar-article-qa");
    ck_assert_str_eq(pp_record_str(it, "lang"), "ar");
    ck_assert_str_eq(pp_record_str(it, "variety"), "ar-001");
    ck_assert_str_eq(pp_record_str(it, "review_status"), "draft");
    ck_assert_str_eq(pp_record_str(it, "license"), "MIT");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(it, "authors"), 0)),
                     "test fixture");
    const json_t *m = json_object_get(it, "messages");
    ck_assert_uint_eq(json_array_size(m), 2);
    ck_assert_str_eq(pp_record_str(json_array_get(m, 0), "role"), "user");
    ck_assert_str_eq(pp_record_str(json_array_get(m, 1), "role"), "assistant");
    ck_assert_str_eq(pp_record_str(json_array_get(m, 1), "content"), "المادة ٢");
    /* --langs filter */
    const char *langs[] = {"yor"};
    pp_instruct_opts o2 = {0, 1, langs, 1};
    ck_assert_int_eq(pp_instruct_render(t, d, &o2, collect, &s, &c, &e), PP_OK);
    ck_assert_uint_eq(c.items, 0);
    json_decref(s.items);
    pp_template_free(t);
    pp_instruct_data_free(d);
}
END_TEST

START_TEST(test_render_ethiopic)
{
    pp_instruct_data *d = load_sample();
    pp_template *t = NULL;
    pp_error e;
    ck_assert_msg(pp_template_load(TDIR "/templates/am-dated.xml", SCHEMA, &t, &e) == PP_OK, "%s",
                  e.message);
    char *p = NULL, *c = NULL;
    ck_assert_int_eq(pp_template_try(t, d, &p, &c, &e), PP_OK);
    ck_assert_int_eq(strncmp(p, "1 ታኅሣሥ 1941 ", strlen("1 ታኅሣሥ 1941 ")), 0);
    ck_assert_str_eq(c, "አንቀጽ 1");
    free(p), free(c);
    ck_assert_str_eq(pp_template_review_status(t), "reviewed");
    ck_assert_uint_eq(pp_template_nreviewers(t), 1);
    pp_template_free(t);
    pp_instruct_data_free(d);
}
END_TEST

START_TEST(test_missing_field_in_data)
{
    pp_instruct_data *d = load_sample();
    pp_template *t = NULL;
    pp_error e;
    ck_assert_int_eq(pp_template_load(TDIR "/bad/missing-field.xml", SCHEMA, &t, &e), PP_OK);
    char *p = NULL, *c = NULL;
    ck_assert_int_eq(pp_template_try(t, d, &p, &c, &e), PP_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(strstr(e.message, "meta.chapter"));
    ck_assert_ptr_nonnull(strstr(e.file, "missing-field.xml"));
    sink s = {json_array()};
    pp_instruct_counts n;
    ck_assert_int_eq(pp_instruct_render(t, d, NULL, collect, &s, &n, &e), PP_OK);
    ck_assert_uint_eq(n.items, 0);
    ck_assert_uint_eq(n.skipped, 2); /* two Yoruba train records, both lacking the field */
    json_decref(s.items);
    pp_template_free(t);
    pp_instruct_data_free(d);
}
END_TEST

START_TEST(test_seed_templates_render)
{
    /* every seed template loads (schema, arguments, CLDR names and lists);
     * the Amharic article QA takes the Ethiopian calendar from the profile */
    const char *codes[] = {"yor", "hau", "ibo", "swa", "zul", "amh", "wol",
                           "quz", "hin", "arb", "tgl", "quc", "gug", "tha"};
    const char *tasks[] = {"translation", "language-id", "cloze", "article-qa"};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        for (size_t k = 0; k < 4; k++) {
            char path[512];
            snprintf(path, sizeof path, TESTDATA "/../../langs/%s/templates/%s.xml", codes[i],
                     tasks[k]);
            pp_template *t = NULL;
            pp_error e;
            ck_assert_msg(pp_template_load(path, SCHEMA, &t, &e) == PP_OK, "%s: %s", path,
                          e.message);
            ck_assert_str_eq(pp_template_review_status(t), "draft");
            ck_assert_uint_ge(pp_template_nauthors(t), 1);
            if (strcmp(codes[i], "amh") == 0)
                ck_assert_ptr_nonnull(strstr(pp_template_locale(t), "calendar=ethiopic"));
            pp_template_free(t);
        }
}
END_TEST

START_TEST(test_language_id_check)
{
    /* a small fastText model trained here on the bundled UDHR (train split)
     * of five languages; labels in GlotLID style (yor_Latn) */
    char dir[] = "/tmp/check_instruct_lidXXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char train[256], prefix[256], model[300];
    snprintf(train, sizeof train, "%s/train.txt", dir);
    snprintf(prefix, sizeof prefix, "%s/lid", dir);
    snprintf(model, sizeof model, "%s/lid.bin", dir);
    FILE *f = fopen(train, "w");
    ck_assert_ptr_nonnull(f);
    pp_reader *r = NULL;
    pp_error e;
    ck_assert_int_eq(pp_reader_open(TESTDATA "/../../eval-sets/udhr/udhr.jsonl.zst", &r, &e), PP_OK);
    static const char *const want[][2] = {{"yor", "yor_Latn"}, {"hau_NG", "hau_Latn"},
                                          {"arb", "arb_Arab"}, {"amh", "amh_Ethi"},
                                          {"eng", "eng_Latn"}};
    json_t *rec;
    size_t n = 0;
    while (pp_reader_next(r, &rec, &e) == PP_OK && rec) {
        const json_t *meta = json_object_get(rec, "meta");
        const char *code = json_string_value(json_object_get(meta, "udhr_code"));
        const char *split = json_string_value(json_object_get(meta, "split"));
        for (size_t i = 0; code && split && i < 5; i++)
            if (strcmp(code, want[i][0]) == 0 && strcmp(split, "train") == 0) {
                char *pre = NULL;
                size_t pl = 0;
                const char *txt = pp_record_str(rec, "text");
                ck_assert_int_eq(pp_lid_preprocess(txt, strlen(txt), &pre, &pl, &e), PP_OK);
                fprintf(f, "__label__%s %s\n", want[i][1], pre);
                free(pre);
                n++;
            }
        json_decref(rec);
    }
    pp_reader_close(r);
    fclose(f);
    ck_assert_uint_gt(n, 200);
    pp_ft_train_opts o;
    pp_ft_train_opts_init(&o);
    o.input = train;
    o.output = prefix;
    o.dim = 16;
    o.epoch = 25;
    o.bucket = 50000;
    o.minn = 2;
    o.maxn = 4;
    ck_assert_msg(pp_fasttext_train(&o, NULL, &e) == PP_OK, "%s", e.message);
    pp_lid *ft = NULL;
    ck_assert_msg(pp_lid_load(model, NULL, &ft, &e) == PP_OK, "%s", e.message);
    pp_lid_set_threshold(ft, 0.0);

    pp_template *t = NULL;
    int match = -1;
    char got[64];
    float p;
    ck_assert_int_eq(pp_template_load(TESTDATA "/../../langs/yor/templates/article-qa.xml", SCHEMA,
                                      &t, &e),
                     PP_OK);
    ck_assert_int_eq(pp_template_check_lid(t, ft, &match, got, sizeof got, &p, &e), PP_OK);
    ck_assert_msg(match == 1, "Yoruba template identified as %s", got);
    pp_template_free(t);
    ck_assert_int_eq(pp_template_load(TESTDATA "/../../langs/arb/templates/cloze.xml", SCHEMA, &t,
                                      &e),
                     PP_OK);
    ck_assert_int_eq(pp_template_check_lid(t, ft, &match, got, sizeof got, &p, &e), PP_OK);
    ck_assert_msg(match == 1, "Arabic template identified as %s", got);
    pp_template_free(t);
    ck_assert_int_eq(pp_template_load(TDIR "/bad/wrong-language.xml", SCHEMA, &t, &e), PP_OK);
    ck_assert_int_eq(pp_template_check_lid(t, ft, &match, got, sizeof got, &p, &e), PP_OK);
    ck_assert_int_eq(match, 0);
    ck_assert_str_eq(got, "yo");
    pp_template_free(t);
    pp_lid_free(ft);
    unlink(train);
    unlink(model);
    rmdir(dir);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("instruct");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_named_args_and_plural);
    tcase_add_test(tc, test_arabic_digits_rtl);
    tcase_add_test(tc, test_ethiopic_calendar);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_cldr_lists_and_names);
    tcase_add_test(tc, test_template_bad);
    tcase_add_test(tc, test_render_arabic_provenance);
    tcase_add_test(tc, test_render_ethiopic);
    tcase_add_test(tc, test_missing_field_in_data);
    tcase_add_test(tc, test_seed_templates_render);
    tcase_add_test(tc, test_language_id_check);
    suite_add_tcase(s, tc);
    return s;
}

#include "tests/testutil.h"

int main(void) { return tu_run(suite()); }
