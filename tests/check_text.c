/* check_text.c — ICU text helpers on the scripts that break naive code:
 * Yoruba (combining tone marks under and over one letter), Amharic
 * (Ethiopic syllables and full stop), Hindi (Devanagari, composition
 * exclusions, danda), Thai (no spaces between words), Arabic (right to left,
 * presentation forms). */
#include "config.h"
#include "src/polyphony.h"
#include "tests/testutil.h"

static char *norm(const char *s, pp_norm_form f)
{
    char *out;
    size_t n;
    pp_error err;
    ck_assert_int_eq(pp_normalize(s, strlen(s), f, &out, &n, &err), PP_OK);
    ck_assert_uint_eq(strlen(out), n);
    return out;
}

START_TEST(test_yoruba_tone_marks)
{
    /* ẹ́ has no precomposed form: NFC is U+1EB9 + U+0301 from any order of
     * the two combining marks on e (dot below sorts first: ccc 220 < 230). */
    const char *decomposed = "e\xcc\x81\xcc\xa3"; /* e + acute + dot below */
    char *c = norm(decomposed, PP_NFC);
    ck_assert_str_eq(c, "\xe1\xba\xb9\xcc\x81"); /* U+1EB9 U+0301 */
    free(c);
    char *d = norm("\xe1\xba\xb9\xcc\x81", PP_NFD);
    ck_assert_str_eq(d, "e\xcc\xa3\xcc\x81");
    free(d);
    /* NFKC must keep the tone marks too. */
    char *k = norm("Ọmọ \xe1\xbb\x8d\xcc\x80n\xc3\xa0", PP_NFKC);
    ck_assert_str_eq(k, "Ọmọ \xe1\xbb\x8d\xcc\x80n\xc3\xa0");
    free(k);
    ck_assert(pp_is_normalized("\xe1\xba\xb9\xcc\x81", strlen("\xe1\xba\xb9\xcc\x81"), PP_NFC));
    ck_assert(!pp_is_normalized(decomposed, strlen(decomposed), PP_NFC));
    char code[5];
    pp_script_of("Ẹ̀kọ́ ni ọ̀nà", strlen("Ẹ̀kọ́ ni ọ̀nà"), code, NULL);
    ck_assert_str_eq(code, "Latn");
}
END_TEST

START_TEST(test_amharic)
{
    const char *s = "ሰላም ነው። እንዴት ነህ?";
    char *c = norm(s, PP_NFC);
    ck_assert_str_eq(c, s); /* Ethiopic syllables do not decompose */
    free(c);
    pp_span *sp;
    size_t n;
    pp_error err;
    ck_assert_int_eq(pp_segment(s, strlen(s), "am", PP_SEG_SENTENCE, &sp, &n, &err), PP_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq((int)(sp[0].end - sp[0].start), (int)strlen("ሰላም ነው።"));
    ck_assert(memcmp(s + sp[1].start, "እንዴት", strlen("እንዴት")) == 0);
    free(sp);
    char code[5];
    double share;
    pp_script_of(s, strlen(s), code, &share);
    ck_assert_str_eq(code, "Ethi");
    ck_assert(share == 1.0);
}
END_TEST

START_TEST(test_hindi)
{
    /* U+0958 QA is a composition exclusion: NFC decomposes it. */
    char *c = norm("\xe0\xa5\x98", PP_NFC);
    ck_assert_str_eq(c, "\xe0\xa4\x95\xe0\xa4\xbc");
    free(c);
    const char *s = "सभी मनुष्य स्वतंत्र हैं। वे समान हैं।";
    pp_span *sp;
    size_t n;
    pp_error err;
    ck_assert_int_eq(pp_segment(s, strlen(s), "hi", PP_SEG_SENTENCE, &sp, &n, &err), PP_OK);
    ck_assert_uint_eq(n, 2);
    free(sp);
    ck_assert_int_eq(pp_segment(s, strlen(s), "hi", PP_SEG_WORD, &sp, &n, &err), PP_OK);
    size_t words = 0;
    for (size_t i = 0; i < n; i++)
        words += sp[i].wordlike != 0;
    ck_assert_uint_eq(words, 7); /* vowel signs and virama stay inside words */
    free(sp);
    char code[5];
    pp_script_of(s, strlen(s), code, NULL);
    ck_assert_str_eq(code, "Deva");
}
END_TEST

START_TEST(test_thai_words_without_spaces)
{
    const char *s = "สวัสดีชาวโลก";
    pp_span *sp;
    size_t n;
    pp_error err;
    ck_assert_int_eq(pp_segment(s, strlen(s), "th", PP_SEG_WORD, &sp, &n, &err), PP_OK);
    const char *want[] = {"สวัสดี", "ชาว", "โลก"};
    ck_assert_uint_eq(n, 3);
    for (size_t i = 0; i < 3; i++) {
        ck_assert_uint_eq(sp[i].end - sp[i].start, strlen(want[i]));
        ck_assert(memcmp(s + sp[i].start, want[i], strlen(want[i])) == 0);
        ck_assert(sp[i].wordlike);
    }
    ck_assert_uint_eq(sp[2].end, strlen(s));
    free(sp);
    char code[5];
    pp_script_of(s, strlen(s), code, NULL);
    ck_assert_str_eq(code, "Thai");
}
END_TEST

START_TEST(test_arabic)
{
    /* Presentation-form ligature LAM-ALEF: NFC keeps it, NFKC unfolds it. */
    char *c = norm("\xef\xbb\xbb", PP_NFC);
    ck_assert_str_eq(c, "\xef\xbb\xbb");
    free(c);
    char *k = norm("\xef\xbb\xbb", PP_NFKC);
    ck_assert_str_eq(k, "\xd9\x84\xd8\xa7");
    free(k);
    const char *s = "كيف حالك؟ أنا بخير.";
    pp_span *sp;
    size_t n;
    pp_error err;
    ck_assert_int_eq(pp_segment(s, strlen(s), "ar", PP_SEG_SENTENCE, &sp, &n, &err), PP_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(sp[0].end - sp[0].start, strlen("كيف حالك؟"));
    free(sp);
    char code[5];
    pp_script_of(s, strlen(s), code, NULL);
    ck_assert_str_eq(code, "Arab");
}
END_TEST

START_TEST(test_script_majority_and_common)
{
    char code[5];
    double share;
    pp_script_of("123 ... !!", 10, code, &share);
    ck_assert_str_eq(code, "Zyyy");
    ck_assert(share == 0.0);
    /* Mixed: 4 Cyrillic letters vs 2 Latin. */
    pp_script_of("мама ok", strlen("мама ok"), code, &share);
    ck_assert_str_eq(code, "Cyrl");
    ck_assert(share > 0.66 && share < 0.67);
    pp_script_of("", 0, code, NULL);
    ck_assert_str_eq(code, "Zyyy");
}
END_TEST

START_TEST(test_collapse_space)
{
    char s[] = "  a\t\tb \xe2\x80\x83 c\n ";
    size_t n = pp_collapse_space(s, strlen(s));
    ck_assert_uint_eq(n, 5);
    ck_assert(memcmp(s, "a b c", 5) == 0);
    ck_assert_uint_eq(pp_utf8_length("ẹ̀kọ́", strlen("ẹ̀kọ́")), 5);
}
END_TEST

START_TEST(test_norm_form_names)
{
    pp_norm_form f;
    pp_error err;
    ck_assert_int_eq(pp_norm_form_parse("NFKC", &f, &err), PP_OK);
    ck_assert_int_eq(f, PP_NFKC);
    ck_assert_int_eq(pp_norm_form_parse("nfx", &f, &err), PP_ERR_INVALID);
    ck_assert(strstr(err.message, "nfx") != NULL);
}
END_TEST

START_TEST(test_langtags)
{
    char out[64];
    pp_error err;
    ck_assert_int_eq(pp_langtag_canonicalize("yor", out, sizeof out, &err), PP_OK);
    ck_assert_str_eq(out, "yo");
    ck_assert_int_eq(pp_langtag_canonicalize("pt_BR", out, sizeof out, &err), PP_OK);
    ck_assert_str_eq(out, "pt-BR");
    ck_assert_int_eq(pp_langtag_canonicalize("iw", out, sizeof out, &err), PP_OK);
    ck_assert_str_eq(out, "he");
    ck_assert_int_eq(pp_langtag_canonicalize("quz", out, sizeof out, &err), PP_OK);
    ck_assert_str_eq(out, "quz");
    ck_assert_int_eq(pp_langtag_canonicalize("12", out, sizeof out, &err), PP_ERR_INVALID);
    ck_assert_int_eq(pp_langtag_canonicalize("", out, sizeof out, &err), PP_ERR_INVALID);
    char i3[4], sc[5];
    pp_langtag_iso639_3("yo", i3);
    ck_assert_str_eq(i3, "yor");
    pp_langtag_iso639_3("arb", i3);
    ck_assert_str_eq(i3, "arb");
    pp_langtag_script("am", sc);
    ck_assert_str_eq(sc, "Ethi");
    pp_langtag_script("sr-Latn", sc);
    ck_assert_str_eq(sc, "Latn");
    pp_langtag_script("und", sc);
    ck_assert_str_eq(sc, "");
}
END_TEST

/* Texts longer than the check's stack buffer (4,096 UTF-16 units), with the
 * one character that decides the answer at the very end. */
START_TEST(test_is_normalized_long)
{
    size_t n = 6000;
    char *s = malloc(n * 2 + 8);
    for (size_t i = 0; i < n; i++)
        memcpy(s + 2 * i, "\xc3\xa9", 2); /* é, composed */
    ck_assert(pp_is_normalized(s, n * 2, PP_NFC));
    memcpy(s + n * 2, "e\xcc\x81", 3); /* e + combining acute: not NFC */
    ck_assert(!pp_is_normalized(s, n * 2 + 3, PP_NFC));
    ck_assert(!pp_is_normalized(s, n * 2, PP_NFD));
    free(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("text");
    TCase *tc = tcase_create("icu");
    tcase_add_test(tc, test_yoruba_tone_marks);
    tcase_add_test(tc, test_is_normalized_long);
    tcase_add_test(tc, test_amharic);
    tcase_add_test(tc, test_hindi);
    tcase_add_test(tc, test_thai_words_without_spaces);
    tcase_add_test(tc, test_arabic);
    tcase_add_test(tc, test_script_majority_and_common);
    tcase_add_test(tc, test_collapse_space);
    tcase_add_test(tc, test_norm_form_names);
    tcase_add_test(tc, test_langtags);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return tu_run(suite()); }
