/* check_registry.c — the language registry and community profiles. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "langs/pp_registry.h"

static pp_registry *reg;

static void setup(void)
{
    /* bundled data from the source tree */
    char *dir = realpath(TESTDATA "/../..", NULL);
    ck_assert_ptr_nonnull(dir);
    setenv("POLYPHONY_DATA", dir, 1);
    free(dir);
    pp_error err;
    ck_assert_int_eq(pp_registry_open(NULL, &reg, &err), PP_OK);
}

static void teardown(void)
{
    pp_registry_free(reg);
    reg = NULL;
}

START_TEST(test_count_and_order)
{
    size_t n = pp_registry_count(reg);
    ck_assert_uint_gt(n, 7000); /* every ISO 639-3 code */
    for (size_t i = 1; i < n; i++)
        ck_assert_int_lt(strcmp(pp_registry_at(reg, i - 1)->iso639_3,
                                pp_registry_at(reg, i)->iso639_3), 0);
    ck_assert_ptr_null(pp_registry_at(reg, n));
}
END_TEST

START_TEST(test_lookup_forms)
{
    const pp_language *a = pp_registry_get(reg, "yor");
    ck_assert_ptr_nonnull(a);
    ck_assert_str_eq(a->name, "Yoruba");
    ck_assert_str_eq(a->bcp47, "yo");
    ck_assert_ptr_eq(pp_registry_get(reg, "yo"), a);       /* ISO 639-1 */
    ck_assert_ptr_eq(pp_registry_get(reg, "yo-NG"), a);    /* BCP 47 */
    ck_assert_ptr_eq(pp_registry_get(reg, "YO_Latn_NG"), a);
    ck_assert_ptr_eq(pp_registry_get(reg, "fre"), pp_registry_get(reg, "fra")); /* 639-2/B */
    ck_assert_ptr_eq(pp_registry_get(reg, "iw"), pp_registry_get(reg, "heb"));  /* deprecated */
    ck_assert_ptr_null(pp_registry_get(reg, "qqq"));
    ck_assert_ptr_null(pp_registry_get(reg, "zz"));
    ck_assert_ptr_null(pp_registry_get(reg, ""));
    ck_assert_ptr_null(pp_registry_get(reg, "yoruba"));
    ck_assert_ptr_null(pp_registry_get(reg, NULL));
}
END_TEST

START_TEST(test_macrolanguage)
{
    const pp_language *arz = pp_registry_get(reg, "arz");
    ck_assert_ptr_nonnull(arz);
    ck_assert_str_eq(arz->macrolanguage, "ara");
    const pp_language *ara = pp_registry_get(reg, "ar");
    ck_assert_str_eq(ara->iso639_3, "ara");
    ck_assert_int_eq(ara->scope, 'M');
    ck_assert_ptr_null(ara->macrolanguage);
    ck_assert_str_eq(pp_registry_get(reg, "quz")->macrolanguage, "que");
    ck_assert_str_eq(pp_registry_get(reg, "swh")->macrolanguage, "swa");
    ck_assert_int_eq(pp_registry_get(reg, "lat")->type, 'A');
}
END_TEST

START_TEST(test_fields)
{
    const pp_language *yo = pp_registry_get(reg, "yor");
    ck_assert(yo->speakers > 1e6);
    ck_assert_str_eq(yo->scripts, "Latn");
    ck_assert(!isnan(yo->latitude) && yo->latitude > 0 && yo->latitude < 15);
    ck_assert_int_ge(yo->in_udhr, 1);
    ck_assert_ptr_nonnull(yo->family);
    ck_assert_str_eq(yo->family, "Niger-Kordofanian");
    ck_assert_str_eq(pp_language_iso639_1(yo), "yo");
    ck_assert_int_eq(pp_language_icu_locale(yo), 1);
    ck_assert(pp_language_is_low_resource(yo));
    const pp_language *am = pp_registry_get(reg, "am");
    ck_assert_str_eq(am->scripts, "Ethi");
    /* Joshi classes from the paper's Table 1 */
    ck_assert_int_eq(pp_registry_get(reg, "en")->joshi_class, 5);
    ck_assert(!pp_language_is_low_resource(pp_registry_get(reg, "en")));
    ck_assert_int_eq(pp_registry_get(reg, "zu")->joshi_class, 2);
    ck_assert(pp_language_is_low_resource(pp_registry_get(reg, "zu")));
    ck_assert_int_eq(pp_registry_get(reg, "nav")->joshi_class, 1);
    ck_assert_int_eq(yo->joshi_class, -1);
    /* proxies: Tagalog takes CLDR's fil data (legacy alias tl => fil) and has
     * a packaged spell-checker; Hausa has none; the indicator follows */
    const pp_language *tl = pp_registry_get(reg, "tl");
    ck_assert_int_eq(tl->cldr_coverage, 3);
    ck_assert_int_eq(pp_language_spellcheck(tl), 1);
    ck_assert_int_eq(pp_language_spellcheck(pp_registry_get(reg, "hau")), 0);
    ck_assert(fabs(pp_registry_get(reg, "hau")->digital_support - 0.8) < 1e-9);
    ck_assert(fabs(yo->digital_support - (0.4 * 0.6 + 0.2 + 0.2)) < 1e-9);
    /* a macrolanguage counts its members' UDHR texts (grn through gug) */
    ck_assert_int_eq(pp_registry_get(reg, "grn")->in_udhr, 0);
    ck_assert(pp_registry_get(reg, "grn")->digital_support >= 0.2);
    /* an unwritten-in-CLDR language: unknown everything, low-resource */
    const pp_language *aaa = pp_registry_get(reg, "aaa");
    ck_assert(aaa->speakers < 0);
    ck_assert_str_eq(aaa->scripts, "");
    ck_assert(aaa->digital_support < PP_LOW_RESOURCE_THRESHOLD);
    ck_assert(pp_language_is_low_resource(aaa));
    ck_assert(pp_language_is_low_resource(NULL));
}
END_TEST

START_TEST(test_bad_snapshot)
{
    pp_registry *r = NULL;
    pp_error err;
    ck_assert_int_eq(pp_registry_open(TESTDATA "/registry/bad-registry.tsv", &r, &err),
                     PP_ERR_PARSE);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(err.line, 3);
    ck_assert_ptr_nonnull(strstr(err.message, "columns"));
    ck_assert_int_eq(pp_registry_open(TESTDATA "/registry/missing.tsv", &r, &err), PP_ERR_IO);
}
END_TEST

START_TEST(test_exemplars)
{
    char *ex = NULL;
    pp_error err;
    ck_assert_int_eq(pp_exemplar_chars("am", &ex, &err), PP_OK);
    ck_assert_ptr_nonnull(ex);
    /* every character is Ethiopic (U+1200..U+139F, U+2D80.., U+AB00..) */
    size_t n = strlen(ex);
    ck_assert_uint_gt(n, 100);
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)ex[i];
        ck_assert_int_eq(c, 0xE1); /* U+1000..U+1FFF are E1 xx xx */
        i += 3;
    }
    ck_assert_ptr_nonnull(strstr(ex, "ሀ"));
    free(ex);
    ck_assert_int_eq(pp_exemplar_chars("yor", &ex, &err), PP_OK);
    ck_assert_ptr_nonnull(strstr(ex, "ẹ"));
    ck_assert_ptr_null(strstr(ex, "c"));
    free(ex);
    ex = NULL;
    /* CLDR keeps Cusco Quechua under qu and Tagalog under fil */
    ck_assert_int_eq(pp_exemplar_chars("quz", &ex, &err), PP_OK);
    ck_assert_ptr_nonnull(strstr(ex, "ñ"));
    free(ex);
    ck_assert_int_eq(pp_exemplar_chars("tl", &ex, &err), PP_OK);
    free(ex);
    ck_assert_str_eq(pp_language_cldr_locale(pp_registry_get(reg, "quz")), "qu");
    ck_assert_str_eq(pp_language_cldr_locale(pp_registry_get(reg, "wbp")), "");
    ex = NULL;
    ck_assert_int_eq(pp_exemplar_chars("wbp", &ex, &err), PP_ERR_NOT_FOUND);
    ck_assert_ptr_null(ex);
    ck_assert_int_eq(pp_exemplar_chars("not a tag!", &ex, &err), PP_ERR_INVALID);
}
END_TEST

START_TEST(test_profile_load)
{
    pp_profile *p = NULL;
    pp_error err;
    ck_assert_int_eq(pp_profile_find("yo", &p, &err), PP_OK);
    ck_assert_str_eq(pp_profile_code(p), "yor");
    ck_assert_str_eq(pp_profile_name(p), "Yoruba");
    ck_assert_str_eq(pp_profile_status(p), "draft");
    ck_assert_str_eq(pp_profile_normalization(p), "NFC");
    ck_assert_str_eq(pp_profile_scripts(p), "Latn");
    ck_assert_ptr_nonnull(strstr(pp_profile_exemplars(p), "ẹ"));
    ck_assert_ptr_nonnull(strstr(pp_profile_required_marks(p), "\xcc\x81")); /* U+0301 */
    ck_assert_ptr_nonnull(strstr(pp_profile_required_marks(p), "\xcc\xa3")); /* U+0323 */
    ck_assert_uint_ge(pp_profile_nstopwords(p), 20);
    ck_assert_str_eq(pp_profile_stopword(p, 0), "àti");
    ck_assert_ptr_null(pp_profile_stopword(p, 1000));
    ck_assert_uint_ge(pp_profile_nvarieties(p), 2);
    ck_assert_str_eq(pp_profile_variety_tag(p, 0), "yo-NG");
    ck_assert_str_eq(pp_profile_calendar(p), "gregorian");
    ck_assert_str_eq(pp_profile_numbering(p), "latn");
    ck_assert_uint_ge(pp_profile_nsources(p), 1);
    ck_assert_uint_ge(pp_profile_ncontacts(p), 1);
    pp_profile_free(p);

    ck_assert_int_eq(pp_profile_find("am-ET", &p, &err), PP_OK);
    ck_assert_str_eq(pp_profile_code(p), "amh");
    ck_assert_str_eq(pp_profile_scripts(p), "Ethi");
    ck_assert_str_eq(pp_profile_calendar(p), "ethiopic");
    pp_profile_free(p);
    pp_profile_free(NULL);

    ck_assert_int_eq(pp_profile_find("aaa", &p, &err), PP_ERR_NOT_FOUND);
    ck_assert_ptr_null(p);
}
END_TEST

START_TEST(test_profile_invalid)
{
    pp_profile *p = NULL;
    pp_error err;
    ck_assert_int_eq(pp_profile_load(TESTDATA "/registry/bad-profile.xml", &p, &err),
                     PP_ERR_INVALID);
    ck_assert_ptr_null(p);
    ck_assert_ptr_nonnull(strstr(err.file, "bad-profile.xml"));
    ck_assert_int_eq(err.line, 4); /* the line of the bad status attribute */
    ck_assert_int_eq(pp_profile_load(TESTDATA "/registry/bad-registry.tsv", &p, &err),
                     PP_ERR_PARSE);
    ck_assert_int_eq(err.line, 1);
    ck_assert_int_eq(pp_profile_load(TESTDATA "/registry/none.xml", &p, &err), PP_ERR_IO);
}
END_TEST

START_TEST(test_all_profiles)
{
    /* every seeded profile loads, is a draft awaiting community review and has
     * at least 20 function words; lookups by 639-1 and by BCP 47 agree */
    static const char *codes[] = {"yor", "hau", "ibo", "swa", "zul", "amh", "wol", "quz",
                                  "hin", "arb", "tgl", "nav", "tha", "gug"};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        pp_profile *p = NULL;
        pp_error err;
        ck_assert_msg(pp_profile_find(codes[i], &p, &err) == PP_OK, "%s: %s", codes[i],
                      err.message);
        ck_assert_str_eq(pp_profile_code(p), codes[i]);
        ck_assert_str_eq(pp_profile_status(p), "draft");
        ck_assert_ptr_nonnull(strstr(pp_profile_review(p), "awaits review by"));
        ck_assert_uint_ge(pp_profile_nstopwords(p), 20);
        ck_assert_uint_ge(pp_profile_nvarieties(p), 1);
        ck_assert_ptr_nonnull(pp_registry_get(reg, pp_profile_bcp47(p)));
        ck_assert_str_eq(pp_profile_contact(p, 0), "to be named by the community");
        pp_profile_free(p);
    }
    /* Arabic: the dialects are varieties of the arb profile; "ar" finds it */
    pp_profile *p = NULL;
    pp_error err;
    ck_assert_int_eq(pp_profile_find("ar", &p, &err), PP_OK);
    ck_assert_str_eq(pp_profile_code(p), "arb");
    int dialects = 0;
    for (size_t i = 0; i < pp_profile_nvarieties(p); i++) {
        const char *t = pp_profile_variety_tag(p, i);
        dialects += !strcmp(t, "arz") || !strcmp(t, "apc") || !strcmp(t, "ary") || !strcmp(t, "acm");
    }
    ck_assert_int_eq(dialects, 4);
    ck_assert_str_eq(pp_profile_numbering(p), "arab");
    pp_profile_free(p);
    /* a member of a macrolanguage finds the macrolanguage's profile */
    ck_assert_int_eq(pp_profile_find("swh", &p, &err), PP_OK);
    ck_assert_str_eq(pp_profile_code(p), "swa");
    pp_profile_free(p);
    ck_assert_int_eq(pp_profile_find("th", &p, &err), PP_OK);
    ck_assert_str_eq(pp_profile_calendar(p), "buddhist");
    pp_profile_free(p);
}
END_TEST

START_TEST(test_lang_identity)
{
    /* a macrolanguage request selects its individual languages */
    ck_assert(pp_lang_matches(reg, "sw", "swh"));
    ck_assert(pp_lang_matches(reg, "swa", "swc"));
    ck_assert(pp_lang_matches(reg, "sw", "sw-KE"));
    ck_assert(pp_lang_matches(reg, "sw", "swa"));
    ck_assert(pp_lang_matches(reg, "yo", "yor"));
    ck_assert(pp_lang_matches(reg, "ar", "arb"));
    /* an individual request selects only itself */
    ck_assert(!pp_lang_matches(reg, "swh", "swc"));
    ck_assert(!pp_lang_matches(reg, "swh", "sw"));
    ck_assert(!pp_lang_matches(reg, "yo", "ig"));
    /* extra subtags in the request must be in the record */
    ck_assert(pp_lang_matches(reg, "sr-Latn", "sr-Latn-RS") == 0);
    ck_assert(pp_lang_matches(reg, "sr-Latn", "sr-Latn"));
    ck_assert(!pp_lang_matches(reg, "sr-Latn", "sr-Cyrl"));
    ck_assert(!pp_lang_matches(reg, "sw", ""));
    /* without a registry only equal language subtags match */
    ck_assert(pp_lang_matches(NULL, "yor", "yo"));
    ck_assert(!pp_lang_matches(NULL, "sw", "swh"));
    char k[64];
    pp_error err;
    ck_assert_int_eq(pp_lang_key(reg, "swh", PP_LANG_MACROLANGUAGE, k, sizeof k, &err), PP_OK);
    ck_assert_str_eq(k, "sw");
    ck_assert_int_eq(pp_lang_key(reg, "swh", PP_LANG_INDIVIDUAL, k, sizeof k, &err), PP_OK);
    ck_assert_str_eq(k, "swh");
    ck_assert_int_eq(pp_lang_key(reg, "yor", PP_LANG_INDIVIDUAL, k, sizeof k, &err), PP_OK);
    ck_assert_str_eq(k, "yo");
    ck_assert_int_eq(pp_lang_key(reg, "arb-EG", PP_LANG_MACROLANGUAGE, k, sizeof k, &err), PP_OK);
    ck_assert_str_eq(k, "ar-EG");
    ck_assert_int_eq(pp_lang_key(reg, "not a tag", PP_LANG_INDIVIDUAL, k, sizeof k, &err),
                     PP_ERR_INVALID);
    const pp_language *m = pp_language_macrolanguage(reg, pp_registry_get(reg, "swh"));
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(m->iso639_3, "swa");
    ck_assert_ptr_null(pp_language_macrolanguage(reg, m));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("registry");
    TCase *tc = tcase_create("registry");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_count_and_order);
    tcase_add_test(tc, test_lookup_forms);
    tcase_add_test(tc, test_macrolanguage);
    tcase_add_test(tc, test_fields);
    tcase_add_test(tc, test_bad_snapshot);
    tcase_add_test(tc, test_exemplars);
    tcase_add_test(tc, test_profile_load);
    tcase_add_test(tc, test_profile_invalid);
    tcase_add_test(tc, test_all_profiles);
    tcase_add_test(tc, test_lang_identity);
    suite_add_tcase(s, tc);
    return s;
}

#include "tests/testutil.h"

int main(void) { return tu_run(suite()); }
