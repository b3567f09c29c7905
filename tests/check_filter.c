/* check_filter.c — the quality filter presets (pp_filter.h) and the budget
 * allocation (pp_sample.h). */
#include "config.h"
#include "corpora-tools/cleaning/pp_filter.h"
#include "src/pp_record.h"
#include "corpora-tools/mixing/pp_sample.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A clean English paragraph of 78 distinct-enough words: passes every Gopher rule. */
static const char *CLEAN_EN =
    "The river town woke early that spring, and the market filled with farmers who had walked "
    "from the hills before dawn. They brought honey, wool and late apples, and they traded "
    "news with the fishermen about the weather, the new bridge, and the school that the "
    "council had promised to open with a library. Children ran between the stalls while "
    "their parents argued about prices, and an old teacher sat near the fountain reading "
    "letters that had arrived from her brother across the sea.";

static int rule_index(const pp_filter *f, const char *name)
{
    for (size_t i = 0; i < pp_filter_nrules(f); i++)
        if (strcmp(pp_filter_rule_name(f, i), name) == 0)
            return (int)i;
    ck_abort_msg("no rule %s", name);
    return -1;
}

static pp_filter_result judge(pp_filter *f, const char *lang, const char *text)
{
    pp_filter_result r;
    pp_error e;
    ck_assert_int_eq(pp_filter_apply(f, lang, text, strlen(text), &r, &e), PP_OK);
    return r;
}

static int fails(pp_filter *f, const char *text, const char *rule)
{
    pp_filter_result r = judge(f, "en", text);
    free(r.text);
    return (r.failed >> rule_index(f, rule)) & 1;
}

static char *join(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);
    snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

/* ------------------------------------------------------------ gopher */

static pp_filter *G;
static void g_setup(void) { ck_assert_int_eq(pp_filter_new(PP_FILTER_GOPHER, &G, NULL), PP_OK); }
static void g_teardown(void) { pp_filter_free(G); }

START_TEST(gopher_clean_passes)
{
    pp_filter_result r = judge(G, "en", CLEAN_EN);
    ck_assert_msg(r.keep, "clean text rejected: %s", r.reason);
    ck_assert_uint_eq(r.failed, 0);
    ck_assert_ptr_null(r.text);
}
END_TEST

START_TEST(gopher_word_count)
{
    ck_assert(fails(G, "The cat and the dog sat with the owl.", "gopher_word_count"));
    ck_assert(!fails(G, CLEAN_EN, "gopher_word_count"));
    pp_filter_result r = judge(G, "en", "The cat and the dog sat with the owl.");
    ck_assert(!r.keep);
    ck_assert_int_eq(r.rule, rule_index(G, "gopher_word_count"));
    ck_assert_msg(strncmp(r.reason, "gopher_word_count:", 18) == 0, "%s", r.reason);
}
END_TEST

START_TEST(gopher_mean_word_length)
{
    /* 60 short tokens: mean length 2 */
    char buf[1024] = "";
    for (int i = 0; i < 60; i++) {
        char w[8];
        snprintf(w, sizeof w, "%c%c ", 'a' + i % 26, 'a' + (i / 26) % 26);
        strcat(buf, w);
    }
    strcat(buf, "the to");
    ck_assert(fails(G, buf, "gopher_mean_word_length"));
    /* Amharic written with the Ethiopic word space: a whole sentence is one "word" */
    ck_assert(fails(G, "የሰው፡ልጅ፡ሁሉ፡ሲወለድ፡ነጻና፡በክብርና፡በመብትም፡እኩልነት፡ያለው፡ነው።",
                    "gopher_mean_word_length"));
}
END_TEST

START_TEST(gopher_symbols)
{
    char *t = join(CLEAN_EN, " #one #two #three #four #five #six #seven #eight #nine #ten #eleven #twelve #thirteen #fourteen", "");
    ck_assert(fails(G, t, "gopher_hash_ratio"));
    free(t);
    t = join(CLEAN_EN, " ... … ... … ... … ... … ... … ... … ... …", "");
    ck_assert(fails(G, t, "gopher_ellipsis_ratio"));
    free(t);
}
END_TEST

/* CLEAN_EN cut into 8 lines, each with a prefix and a suffix. */
static char *lines_of(const char *prefix, const char *suffix)
{
    char *words = strdup(CLEAN_EN), *save = NULL;
    size_t cap = strlen(CLEAN_EN) * 2 + 256, n = 0;
    char *out = malloc(cap);
    out[0] = 0;
    int i = 0;
    for (char *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save), i++) {
        if (i % 10 == 0)
            n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? suffix : "", i ? "\n" : "");
        if (i % 10 == 0)
            n += (size_t)snprintf(out + n, cap - n, "%s", prefix);
        n += (size_t)snprintf(out + n, cap - n, "%s%s", i % 10 ? " " : "", w);
    }
    snprintf(out + n, cap - n, "%s", suffix);
    free(words);
    return out;
}

START_TEST(gopher_lines)
{
    char *t = lines_of("- ", "");
    ck_assert(fails(G, t, "gopher_bullet_lines"));
    free(t);
    t = lines_of("\xe2\x80\xa2 ", "");
    ck_assert(fails(G, t, "gopher_bullet_lines"));
    free(t);
    t = lines_of("", " ...");
    ck_assert(fails(G, t, "gopher_ellipsis_lines"));
    free(t);
    t = lines_of("", "");
    ck_assert(!fails(G, t, "gopher_bullet_lines"));
    ck_assert(!fails(G, t, "gopher_ellipsis_lines"));
    free(t);
}
END_TEST

START_TEST(gopher_alpha_and_stop_words)
{
    char buf[2048];
    snprintf(buf, sizeof buf, "%s", CLEAN_EN);
    for (int i = 0; i < 30; i++) {
        char w[16];
        snprintf(w, sizeof w, " %d", 1000 + i * 7);
        strcat(buf, w);
    }
    ck_assert(fails(G, buf, "gopher_alpha_words"));
    /* no English stop word: 60 made-up words */
    buf[0] = 0;
    for (int i = 0; i < 60; i++) {
        char w[16];
        snprintf(w, sizeof w, "%swordx%c%c", i ? " " : "", 'a' + i % 26, 'a' + i / 26);
        strcat(buf, w);
    }
    ck_assert(fails(G, buf, "gopher_stop_words"));
    ck_assert(!fails(G, buf, "gopher_word_count"));
    ck_assert(!fails(G, CLEAN_EN, "gopher_stop_words"));
}
END_TEST

START_TEST(gopher_repetition)
{
    const char *line = "This sentence about the harbour and the boats is repeated many times over.";
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", CLEAN_EN);
    for (int i = 0; i < 6; i++) {
        strcat(buf, "\n");
        strcat(buf, line);
    }
    ck_assert(fails(G, buf, "gopher_dup_line_frac"));
    ck_assert(fails(G, buf, "gopher_dup_line_char_frac"));
    for (int n = 5; n <= 10; n++) {
        char r[32];
        snprintf(r, sizeof r, "gopher_dup_%dgram", n);
        ck_assert_msg(fails(G, buf, r), "%s", r);
    }
    snprintf(buf, sizeof buf, "%s\n\n%s\n\n%s\n\n%s", line, CLEAN_EN, line, line);
    ck_assert(fails(G, buf, "gopher_dup_para_frac"));
    ck_assert(!fails(G, CLEAN_EN, "gopher_dup_para_frac"));
    /* a 2-gram that covers more than 20% of the characters */
    snprintf(buf, sizeof buf, "%s", CLEAN_EN);
    for (int i = 0; i < 30; i++)
        strcat(buf, " big cat");
    ck_assert(fails(G, buf, "gopher_top_2gram"));
    ck_assert(!fails(G, CLEAN_EN, "gopher_top_2gram"));
    ck_assert(!fails(G, CLEAN_EN, "gopher_dup_5gram"));
}
END_TEST

/* ------------------------------------------------------------ c4 */

static pp_filter *C;
static void c_setup(void) { ck_assert_int_eq(pp_filter_new(PP_FILTER_C4, &C, NULL), PP_OK); }
static void c_teardown(void) { pp_filter_free(C); }

static const char *C4_CLEAN = "The council met on Monday to discuss the bridge.\n"
                              "Several farmers asked for a new road to the market.\n"
                              "The teacher said the school needs more books.\n"
                              "Nobody agreed on the price of the repairs.\n"
                              "A decision is expected before the rains come.\n"
                              "The mayor thanked everyone for coming.";

START_TEST(c4_clean_passes)
{
    pp_filter_result r = judge(C, "en", C4_CLEAN);
    ck_assert_msg(r.keep, "%s", r.reason);
    ck_assert_ptr_null(r.text); /* unchanged */
}
END_TEST

START_TEST(c4_line_rules)
{
    /* no terminal punctuation anywhere: nothing is left */
    pp_filter_result r = judge(C, "en", "one two three four\nfive six seven eight\nnine ten eleven "
                                        "twelve\na b c d\ne f g h\ni j k l");
    ck_assert(!r.keep);
    ck_assert_int_eq(r.rule, rule_index(C, "c4_terminal_punct"));
    /* a javascript line is dropped, the page kept, the text rewritten */
    char *t = join(C4_CLEAN, "\nPlease enable JavaScript to view this page.", "");
    r = judge(C, "en", t);
    ck_assert(r.keep);
    ck_assert_ptr_nonnull(r.text);
    ck_assert_str_eq(r.text, C4_CLEAN);
    free(r.text);
    free(t);
    /* citation marks go */
    t = join("The bridge was built in 1920.[1]\n", C4_CLEAN, "");
    r = judge(C, "en", t);
    ck_assert(r.keep);
    ck_assert_ptr_nonnull(r.text);
    ck_assert(strncmp(r.text, "The bridge was built in 1920.\n", 30) == 0);
    free(r.text);
    free(t);
    /* short lines are dropped: too few sentences remain */
    r = judge(C, "en", "Yes.\nNo.\nMaybe so.\nOK then.\nFine.\nGood.");
    ck_assert(!r.keep);
    ck_assert((r.failed >> rule_index(C, "c4_min_words_per_line")) & 1);
    /* policy lines */
    t = join(C4_CLEAN, "\nThis site uses cookies to improve your experience.", "");
    r = judge(C, "en", t);
    ck_assert(r.keep);
    ck_assert_str_eq(r.text, C4_CLEAN);
    free(r.text);
    free(t);
}
END_TEST

START_TEST(c4_page_rules)
{
    char *t = join(C4_CLEAN, "\nLorem ipsum dolor sit amet, consectetur adipiscing elit.", "");
    pp_filter_result r = judge(C, "en", t);
    ck_assert(!r.keep);
    ck_assert_int_eq(r.rule, rule_index(C, "c4_lorem_ipsum"));
    free(t);
    t = join(C4_CLEAN, "\nThe function returns {a: 1} to the caller.", "");
    r = judge(C, "en", t);
    ck_assert(!r.keep);
    ck_assert_int_eq(r.rule, rule_index(C, "c4_curly_bracket"));
    free(t);
    r = judge(C, "en", "Too short.");
    ck_assert(!r.keep);
    ck_assert_int_eq(r.rule, rule_index(C, "c4_min_sentences"));
    /* Thai ends sentences without a full stop: every line goes */
    r = judge(C, "th", "ทุกคนมีสิทธิในการดำรงชีวิต เสรีภาพ และความมั่นคงแห่งร่างกาย\n"
                       "บุคคลใดจะถูกทรมาน หรือได้รับผลปฏิบัติ หรือการลงทัณฑ์ที่โหดร้ายไม่ได้\n"
                       "ทุกคนมีสิทธิที่จะได้รับการยอมรับว่าเป็นบุคคลในกฎหมาย\n"
                       "ทุกคนเสมอกันในกฎหมาย\nบุคคลใดจะถูกจับกุมโดยพลการไม่ได้\n"
                       "ทุกคนมีสิทธิในเสรีภาพแห่งการเคลื่อนย้าย");
    ck_assert(!r.keep);
}
END_TEST

/* ------------------------------------------------------------ culture-aware */

static pp_filter *K;

static void calibrate_on(pp_filter *f, const char *path)
{
    for (int pass = 0; pass < pp_filter_calibration_passes(f); pass++) {
        pp_reader *rd;
        pp_error e;
        ck_assert_int_eq(pp_reader_open(path, &rd, &e), PP_OK);
        json_t *rec;
        while (pp_reader_next(rd, &rec, &e) == PP_OK && rec) {
            const char *t = pp_record_str(rec, "text");
            ck_assert_int_eq(pp_filter_observe(f, pass, pp_record_str(rec, "lang"), t, strlen(t),
                                               &e),
                             PP_OK);
            json_decref(rec);
        }
        pp_reader_close(rd);
        ck_assert_int_eq(pp_filter_end_pass(f, pass, &e), PP_OK);
    }
}

static void k_setup(void)
{
    ck_assert_int_eq(pp_filter_new(PP_FILTER_CULTURE, &K, NULL), PP_OK);
    pp_filter_use_profiles(K, 0); /* CLDR and the data only */
    ck_assert_int_eq(pp_filter_calibration_passes(K), 2);
    calibrate_on(K, TESTDATA "/filter/udhr-yo-am.jsonl");
}
static void k_teardown(void) { pp_filter_free(K); }

START_TEST(culture_needs_calibration)
{
    pp_filter *f;
    pp_error e;
    ck_assert_int_eq(pp_filter_new(PP_FILTER_CULTURE, &f, &e), PP_OK);
    pp_filter_result r;
    ck_assert_int_eq(pp_filter_apply(f, "yo", "Ẹ kú àárọ̀", 13, &r, &e), PP_ERR_INVALID);
    pp_filter_free(f);
}
END_TEST

START_TEST(culture_keeps_clean_yo_am)
{
    pp_reader *rd;
    pp_error e;
    ck_assert_int_eq(pp_reader_open(TESTDATA "/filter/udhr-yo-am.jsonl", &rd, &e), PP_OK);
    json_t *rec;
    int n = 0, kept = 0;
    while (pp_reader_next(rd, &rec, &e) == PP_OK && rec) {
        pp_filter_result r = judge(K, pp_record_str(rec, "lang"), pp_record_str(rec, "text"));
        n++;
        kept += r.keep;
        if (!r.keep)
            fprintf(stderr, "rejected %s: %s\n", pp_record_str(rec, "id"), r.reason);
        json_decref(rec);
    }
    pp_reader_close(rd);
    ck_assert_int_eq(n, 40);
    ck_assert_int_ge(kept, 39);
}
END_TEST

START_TEST(culture_exemplars)
{
    /* CLDR has exemplar characters for both; both are calibrated on their own data */
    json_t *yo = pp_filter_thresholds(K, "yo"), *am = pp_filter_thresholds(K, "am");
    ck_assert_str_eq(json_string_value(json_object_get(yo, "exemplars")), "cldr");
    ck_assert_str_eq(json_string_value(json_object_get(am, "exemplars")), "cldr");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(yo, "calibration"), "source")),
                     "language");
    ck_assert_int_gt(json_array_size(json_object_get(yo, "function_words")), 3);
    /* the mean word length bounds differ: calibrated, not one constant */
    double ymax = json_number_value(
        json_object_get(json_object_get(yo, "culture_mean_word_length"), "max"));
    double amax = json_number_value(
        json_object_get(json_object_get(am, "culture_mean_word_length"), "max"));
    ck_assert(fabs(ymax - amax) > 0.1);
    json_decref(yo);
    json_decref(am);

    /* Yoruba with its tone marks and under-dots, precomposed or decomposed: in the set */
    const char *yo_nfc = "Gbogbo ènìyàn ni a bí ní òmìnira; iyì àti ẹ̀tọ́ kọ̀ọ̀kan sì dọ́gba. "
                         "Wọ́n ní ẹ̀bùn ti làákàyè àti ti ẹ̀rí-ọkàn, ó sì yẹ kí wọn máa hùwà sí "
                         "ara wọn gẹ́gẹ́ bí ọmọ ìyá.";
    pp_filter_result r = judge(K, "yo", yo_nfc);
    ck_assert_msg(r.keep, "%s", r.reason);
    const char *yo_nfd = "Gbogbo e\xcc\x80ni\xcc\x80ya\xcc\x80n ni a bi\xcc\x81 ni\xcc\x81 "
                         "o\xcc\x80mi\xcc\x80nira; iyi\xcc\x80 a\xcc\x80ti e\xcc\xa3\xcc\x80to\xcc\xa3\xcc\x81 "
                         "ko\xcc\xa3\xcc\x80o\xcc\xa3\xcc\x80kan si\xcc\x80 do\xcc\xa3\xcc\x81gba.";
    r = judge(K, "yo", yo_nfd);
    ck_assert(!((r.failed >> rule_index(K, "culture_script")) & 1));
    /* Amharic in Ethiopic is consistent; "Amharic" in Latin letters or Yoruba in Cyrillic is not */
    r = judge(K, "am", "የሰው፡ልጅ፡ሁሉ፡ሲወለድ፡ነጻና፡በክብርና፡በመብትም፡እኩልነት፡ያለው፡ነው።");
    ck_assert(!((r.failed >> rule_index(K, "culture_script")) & 1));
    r = judge(K, "am", "This paragraph claims to be Amharic but it is written in English with "
                       "Latin letters from start to end.");
    ck_assert(!r.keep);
    ck_assert_int_eq(r.rule, rule_index(K, "culture_script"));
    r = judge(K, "yo", "Все люди рождаются свободными и равными в своем достоинстве и правах.");
    ck_assert(!r.keep);
    ck_assert((r.failed >> rule_index(K, "culture_script")) & 1);
}
END_TEST

START_TEST(culture_rejects_junk)
{
    pp_filter_result r = judge(K, "yo", "@@ ## $$ %% && ** (( )) [[ ]] {{ }} ## @@ ## $$ !! ?? ;;");
    ck_assert(!r.keep);
    r = judge(K, "yo", "");
    ck_assert(!r.keep);
    ck_assert_int_eq(r.rule, rule_index(K, "culture_word_count"));
    /* a language never seen in calibration: pooled, character-share rules only */
    r = judge(K, "ha", "Dukkan 'yan Adam an haife su ne 'yantattu, kuma kowannensu na da "
                       "mutunci da hakkoki daidai da na kowa.");
    ck_assert_msg(r.keep, "%s", r.reason);
    json_t *ha = pp_filter_thresholds(K, "ha");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(ha, "calibration"), "source")),
                     "pooled");
    json_decref(ha);
}
END_TEST

/* A made-up language with long words (as in agglutinative languages): the
 * calibrated bounds follow its own distribution, where Gopher's English
 * constant (mean word length <= 10) removes every document. */
START_TEST(culture_calibrates_per_language)
{
    static const char *const stems[] = {"tahakamuri", "pelenokuta", "sivaroneki", "mutahalepo",
                                        "kerisotamu", "lanopetika", "ruvasimoke", "nopetalisu"};
    static const char *const ends[] = {"ngawa", "tseli", "moruk", "pavin"};
    pp_filter *f, *g;
    pp_error e;
    ck_assert_int_eq(pp_filter_new(PP_FILTER_CULTURE, &f, &e), PP_OK);
    ck_assert_int_eq(pp_filter_new(PP_FILTER_GOPHER, &g, &e), PP_OK);
    char docs[30][2048];
    for (int d = 0; d < 30; d++) {
        size_t n = 0;
        for (int w = 0; w < 40 + d; w++)
            n += (size_t)snprintf(docs[d] + n, sizeof docs[d] - n, "%s%s%s%s", w ? " " : "",
                                  (w % 5 == 0) ? "na " : "", stems[(w * 7 + d) % 8],
                                  ends[(w + d) % 4]);
        snprintf(docs[d] + n, sizeof docs[d] - n, ".");
    }
    for (int pass = 0; pass < 2; pass++) {
        for (int d = 0; d < 30; d++)
            ck_assert_int_eq(pp_filter_observe(f, pass, "qqa", docs[d], strlen(docs[d]), &e),
                             PP_OK);
        ck_assert_int_eq(pp_filter_end_pass(f, pass, &e), PP_OK);
    }
    int kept = 0, gkept = 0;
    for (int d = 0; d < 30; d++) {
        pp_filter_result r = judge(f, "qqa", docs[d]);
        kept += r.keep;
        r = judge(g, "qqa", docs[d]);
        gkept += r.keep;
        ck_assert((r.failed >> rule_index(g, "gopher_mean_word_length")) & 1);
    }
    ck_assert_int_eq(kept, 30);
    ck_assert_int_eq(gkept, 0);
    json_t *t = pp_filter_thresholds(f, "qqa");
    double lo = json_number_value(json_object_get(json_object_get(t, "culture_mean_word_length"), "min"));
    double hi = json_number_value(json_object_get(json_object_get(t, "culture_mean_word_length"), "max"));
    ck_assert_msg(lo < 13 && hi > 13, "bounds [%g, %g]", lo, hi);
    /* no CLDR data: exemplars and function words are estimated from the data */
    ck_assert_str_eq(json_string_value(json_object_get(t, "exemplars")), "estimated");
    ck_assert_str_eq(json_string_value(json_object_get(t, "function_words_source")), "estimated");
    json_t *fw = json_object_get(t, "function_words");
    ck_assert_int_ge(json_array_size(fw), 1);
    ck_assert_str_eq(json_string_value(json_array_get(fw, 0)), "na");
    json_decref(t);
    /* a document of English words in it is out of its distribution */
    pp_filter_result r = judge(f, "qqa", CLEAN_EN);
    ck_assert(!r.keep);
    pp_filter_free(f);
    pp_filter_free(g);
}
END_TEST

START_TEST(culture_given_words_and_exemplars)
{
    pp_filter *f;
    pp_error e;
    ck_assert_int_eq(pp_filter_new(PP_FILTER_CULTURE, &f, &e), PP_OK);
    const char *words[] = {"ni", "àti", "sì"};
    ck_assert_int_eq(pp_filter_set_function_words(f, "yo", words, 3, &e), PP_OK);
    ck_assert_int_eq(pp_filter_set_exemplars(f, "yo", "abdeẹfghijklmnoọprsṣtuwy", &e), PP_OK);
    calibrate_on(f, TESTDATA "/filter/udhr-yo-am.jsonl");
    json_t *yo = pp_filter_thresholds(f, "yo");
    ck_assert_str_eq(json_string_value(json_object_get(yo, "exemplars")), "profile");
    ck_assert_str_eq(json_string_value(json_object_get(yo, "function_words_source")), "profile");
    ck_assert_int_eq(json_array_size(json_object_get(yo, "function_words")), 3);
    json_decref(yo);
    pp_filter_free(f);
    /* with the installed community profile (langs/yor/profile.xml), when the data is found */
    ck_assert_int_eq(pp_filter_new(PP_FILTER_CULTURE, &f, &e), PP_OK);
    calibrate_on(f, TESTDATA "/filter/udhr-yo-am.jsonl");
    yo = pp_filter_thresholds(f, "yo");
    const char *src = json_string_value(json_object_get(yo, "exemplars"));
    ck_assert(strcmp(src, "profile") == 0 || strcmp(src, "cldr") == 0);
    json_decref(yo);
    pp_reader *rd;
    ck_assert_int_eq(pp_reader_open(TESTDATA "/filter/udhr-yo-am.jsonl", &rd, &e), PP_OK);
    json_t *rec;
    int n = 0, kept = 0;
    while (pp_reader_next(rd, &rec, &e) == PP_OK && rec) {
        pp_filter_result r = judge(f, pp_record_str(rec, "lang"), pp_record_str(rec, "text"));
        n++;
        kept += r.keep;
        json_decref(rec);
    }
    pp_reader_close(rd);
    ck_assert_int_ge(kept, n - 1);
    pp_filter_free(f);
    /* gopher has no such settings */
    ck_assert_int_eq(pp_filter_new(PP_FILTER_GOPHER, &f, &e), PP_OK);
    ck_assert_int_eq(pp_filter_set_function_words(f, "yo", words, 3, &e), PP_ERR_INVALID);
    pp_filter_free(f);
}
END_TEST

START_TEST(preset_names)
{
    pp_filter_preset p;
    ck_assert_int_eq(pp_filter_preset_parse("gopher", &p, NULL), PP_OK);
    ck_assert_int_eq(p, PP_FILTER_GOPHER);
    ck_assert_int_eq(pp_filter_preset_parse("culture-aware", &p, NULL), PP_OK);
    ck_assert_int_eq(p, PP_FILTER_CULTURE);
    ck_assert_int_eq(pp_filter_preset_parse("english", &p, NULL), PP_ERR_INVALID);
    ck_assert_str_eq(pp_filter_preset_name(PP_FILTER_C4), "c4");
}
END_TEST

/* ------------------------------------------------------------ sampling */

/* The allocation module is shared with tokenizer training (pp_sample.h);
 * these are the properties the sample command relies on. */
START_TEST(unimax_allocation)
{
    const double sizes[] = {1000, 10, 100};
    double sh[3], ep[3];
    ck_assert_int_eq(pp_sample_unimax(sizes, 3, 600, 1.0, sh, ep, NULL), PP_OK);
    ck_assert_double_eq_tol(sh[1] * 600, 10, 1e-9);  /* capped at one epoch */
    ck_assert_double_eq_tol(sh[2] * 600, 100, 1e-9); /* 590/2 > 100: capped */
    ck_assert_double_eq_tol(sh[0] * 600, 490, 1e-9); /* the rest */
    ck_assert_double_eq_tol(ep[1], 1.0, 1e-9);
    ck_assert_int_eq(pp_sample_unimax(sizes, 3, 600, 2.0, sh, ep, NULL), PP_OK);
    ck_assert_double_eq_tol(sh[1] * 600, 20, 1e-9);
    ck_assert_double_eq_tol(sh[2] * 600, 200, 1e-9);
    ck_assert_double_eq_tol(sh[0] * 600, 380, 1e-9);
    ck_assert_int_eq(pp_sample_unimax(sizes, 3, 9, 1.0, sh, ep, NULL), PP_OK);
    ck_assert_double_eq_tol(sh[0], 1.0 / 3, 1e-9);
    ck_assert_int_eq(pp_sample_unimax(sizes, 3, 9, 0, sh, ep, NULL), PP_ERR_INVALID);
}
END_TEST

START_TEST(temperature_allocation)
{
    const double sizes[] = {900, 100};
    double sh[2], ep[2];
    ck_assert_int_eq(pp_sample_temperature(sizes, 2, 1.0, 100, sh, ep, NULL), PP_OK);
    ck_assert_double_eq_tol(sh[0], 0.9, 1e-9);
    ck_assert_int_eq(pp_sample_temperature(sizes, 2, 2.0, 100, sh, ep, NULL), PP_OK);
    ck_assert_double_eq_tol(sh[0], 0.75, 1e-9); /* sqrt: 30 : 10 */
    ck_assert_double_eq_tol(sh[0] + sh[1], 1.0, 1e-12);
    ck_assert_int_eq(pp_sample_temperature(sizes, 2, 2.0, 0, sh, ep, NULL), PP_ERR_INVALID);
}
END_TEST

static Suite *filter_suite(void)
{
    Suite *s = suite_create("filter");
    TCase *g = tcase_create("gopher");
    tcase_add_checked_fixture(g, g_setup, g_teardown);
    tcase_add_test(g, gopher_clean_passes);
    tcase_add_test(g, gopher_word_count);
    tcase_add_test(g, gopher_mean_word_length);
    tcase_add_test(g, gopher_symbols);
    tcase_add_test(g, gopher_lines);
    tcase_add_test(g, gopher_alpha_and_stop_words);
    tcase_add_test(g, gopher_repetition);
    suite_add_tcase(s, g);
    TCase *c = tcase_create("c4");
    tcase_add_checked_fixture(c, c_setup, c_teardown);
    tcase_add_test(c, c4_clean_passes);
    tcase_add_test(c, c4_line_rules);
    tcase_add_test(c, c4_page_rules);
    suite_add_tcase(s, c);
    TCase *k = tcase_create("culture-aware");
    tcase_add_checked_fixture(k, k_setup, k_teardown);
    tcase_add_test(k, culture_keeps_clean_yo_am);
    tcase_add_test(k, culture_exemplars);
    tcase_add_test(k, culture_rejects_junk);
    suite_add_tcase(s, k);
    TCase *o = tcase_create("other");
    tcase_set_timeout(o, 30);
    tcase_add_test(o, culture_needs_calibration);
    tcase_add_test(o, culture_given_words_and_exemplars);
    tcase_add_test(o, culture_calibrates_per_language);
    tcase_add_test(o, preset_names);
    tcase_add_test(o, unimax_allocation);
    tcase_add_test(o, temperature_allocation);
    suite_add_tcase(s, o);
    return s;
}

#include "tests/testutil.h"

int main(void) { return tu_run(filter_suite()); }
