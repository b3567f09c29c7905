/* check_lid.c — language identification: preprocessing, label mapping,
 * script rule, model loading (corrupt files), abstention, evaluation
 * numbers, trigram clustering. A tiny model is trained once from
 * tests/data/lid/train.jsonl into a temporary directory. */
#include "config.h"

#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <unicode/uchar.h>

#include "langs/pp_cluster.h"
#include "langs/pp_lid.h"
#include "langs/pp_lid_check.h"
#include "langs/pp_registry.h"
#include "src/pp_stream.h"
#include "src/pp_text.h"

static char tmpdir[256];
static char model[512];

static void train_once(void)
{
    if (model[0])
        return;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/check_lid.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    snprintf(model, sizeof model, "%s/tiny.ftz", tmpdir);
    pp_lid_train_opts o;
    pp_lid_train_opts_init(&o);
    o.input = TESTDATA "/lid/train.jsonl";
    o.output = model;
    o.split = "train";
    o.dev_split = "dev";
    o.dim = 16;
    o.bucket = 5000;
    o.epoch = 100;
    o.lr = 1.0;
    o.maxn = 3;
    pp_lid_train_report rep;
    pp_error err;
    pp_status st = pp_lid_train(&o, &rep, &err);
    ck_assert_msg(st == PP_OK, "training failed: %s", err.message);
    ck_assert_int_eq(rep.labels, 4);
}

static void cleanup(void)
{
    if (!model[0])
        return;
    char p[600];
    unlink(model);
    snprintf(p, sizeof p, "%s.thresholds.json", model);
    unlink(p);
    snprintf(p, sizeof p, "%s.profiles.tsv.zst", model);
    unlink(p);
    snprintf(p, sizeof p, "%s/bad.ftz", tmpdir);
    unlink(p);
    rmdir(tmpdir);
}

static char *pre(const char *s)
{
    char *o = NULL;
    size_t n;
    ck_assert_int_eq(pp_lid_preprocess(s, strlen(s), &o, &n, NULL), PP_OK);
    ck_assert_uint_eq(n, strlen(o));
    return o;
}

#define CHECK_PRE(in, want)                 \
    do {                                    \
        char *got_ = pre(in);               \
        ck_assert_str_eq(got_, want);       \
        free(got_);                         \
    } while (0)

START_TEST(test_preprocess)
{
    CHECK_PRE("", "");
    CHECK_PRE("   ", "");
    CHECK_PRE("Hello, World!", "hello world");
    CHECK_PRE("Room 101: 2 beds.", "room beds");
    CHECK_PRE("  a \t\n b  ", "a b");
    /* NFC: e + combining acute -> é; then lowercase */
    CHECK_PRE("E\xcc\x81T\xc3\x89", "\xc3\xa9t\xc3\xa9");
    /* typographic apostrophe folded to ASCII, kept inside words */
    CHECK_PRE("L\xe2\x80\x99\xc3\xa9t\xc3\xa9", "l'\xc3\xa9t\xc3\xa9");
    /* Cyrillic and Greek lowercasing (root locale) */
    CHECK_PRE("\xd0\x9c\xd0\x98\xd0\xa0", "\xd0\xbc\xd0\xb8\xd1\x80");
    CHECK_PRE("\xce\xa3\xce\x9f\xce\xa6\xce\x99\xce\x91", "\xcf\x83\xce\xbf\xcf\x86\xce\xb9\xce\xb1");
    /* Arabic-Indic digits and Devanagari danda removed; letters and marks kept */
    CHECK_PRE("\xe0\xa4\xa8\xe0\xa4\xae\xe0\xa4\xb8\xe0\xa5\x8d\xe0\xa4\xa4\xe0\xa5\x87\xe0\xa5\xa4 \xd9\xa1\xd9\xa2",
              "\xe0\xa4\xa8\xe0\xa4\xae\xe0\xa4\xb8\xe0\xa5\x8d\xe0\xa4\xa4\xe0\xa5\x87");
}
END_TEST

/* The table-driven path of pp_lid_preprocess against ICU's (the path
 * PP_LID_PREPROCESS_ICU=1 forces), on random strings over code points where
 * the two could part: combining marks in and out of canonical order, the
 * lowercase mappings that are not one code point or need context (U+0130,
 * capital sigma), NFC quick check "no"/"maybe", case pairs of different
 * UTF-8 lengths, other planes, invalid UTF-8, NUL. */
static size_t put_cp(char *b, size_t i, unsigned c)
{
    if (c < 0x80)
        b[i++] = (char)c;
    else if (c < 0x800) {
        b[i++] = (char)(0xC0 | (c >> 6));
        b[i++] = (char)(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        b[i++] = (char)(0xE0 | (c >> 12));
        b[i++] = (char)(0x80 | ((c >> 6) & 0x3F));
        b[i++] = (char)(0x80 | (c & 0x3F));
    } else {
        b[i++] = (char)(0xF0 | (c >> 18));
        b[i++] = (char)(0x80 | ((c >> 12) & 0x3F));
        b[i++] = (char)(0x80 | ((c >> 6) & 0x3F));
        b[i++] = (char)(0x80 | (c & 0x3F));
    }
    return i;
}

START_TEST(test_preprocess_paths)
{
    static const unsigned ranges[][2] = {
        {0x20, 0x7E},     {0x00, 0x1F},     {0xA0, 0xFF},     {0x100, 0x24F},
        {0x130, 0x131},   {0x300, 0x36F},   {0x370, 0x3FF},   {0x3A3, 0x3A3},
        {0x400, 0x52F},   {0x531, 0x587},   {0x591, 0x5F4},   {0x610, 0x6FF},
        {0x900, 0x97F},   {0x980, 0x9FF},   {0xB80, 0xBFF},   {0x1100, 0x11FF},
        {0x13A0, 0x13FD}, {0x1C90, 0x1CBF}, {0x1E00, 0x1FFF}, {0x2126, 0x2160},
        {0x3040, 0x30FF}, {0x4E00, 0x4E20}, {0xAC00, 0xAC40}, {0xAB70, 0xABBF},
        {0xFF21, 0xFF5A}, {0x10400, 0x1044F}, {0x1E900, 0x1E94B}, {0x1F600, 0x1F64F},
        {0x20000, 0x20010}, {0x1D15E, 0x1D164},
    };
    const size_t nr = sizeof ranges / sizeof ranges[0];
    unsigned long x = 12345;
    char buf[256];
    int fast_differs = 0;
    for (int t = 0; t < 20000; t++) {
        size_t len = 0;
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        int ncp = (int)((x >> 33) % 40);
        for (int k = 0; k < ncp; k++) {
            x = x * 6364136223846793005UL + 1442695040888963407UL;
            unsigned r = (unsigned)(x >> 33);
            if (r % 97 == 0) { /* a broken byte now and then */
                buf[len++] = (char)(r & 1 ? 0xFF : 0xC3);
                continue;
            }
            if (r % 7 == 0) { /* word breaks (final sigma) */
                buf[len++] = ' ';
                continue;
            }
            /* mostly one script per string, as text is */
            const unsigned *g = ranges[(r % 4 == 0 ? (r >> 8) : (unsigned)t) % nr];
            len = put_cp(buf, len, g[0] + (r >> 4) % (g[1] - g[0] + 1));
        }
        char *a = NULL, *b = NULL;
        size_t na = 0, nb = 0;
        unsetenv("PP_LID_PREPROCESS_ICU");
        ck_assert_int_eq(pp_lid_preprocess(buf, len, &a, &na, NULL), PP_OK);
        setenv("PP_LID_PREPROCESS_ICU", "1", 1);
        ck_assert_int_eq(pp_lid_preprocess(buf, len, &b, &nb, NULL), PP_OK);
        unsetenv("PP_LID_PREPROCESS_ICU");
        if (na != nb || memcmp(a, b, na) != 0)
            fast_differs++;
        ck_assert_msg(na == nb && memcmp(a, b, na) == 0, "string %d: the two paths differ", t);
        free(a);
        free(b);
    }
    ck_assert_int_eq(fast_differs, 0);
}
END_TEST

START_TEST(test_label_map)
{
    pp_lid_label l;
    ck_assert_int_eq(pp_lid_label_map("eng_Latn", &l, NULL), PP_OK);
    ck_assert_str_eq(l.lang, "en");
    ck_assert_str_eq(l.iso639_3, "eng");
    ck_assert_str_eq(l.script, "Latn");
    ck_assert_int_eq(pp_lid_label_map("en", &l, NULL), PP_OK);
    ck_assert_str_eq(l.lang, "en");
    ck_assert_str_eq(l.iso639_3, "eng");
    ck_assert_str_eq(l.script, "Latn");
    ck_assert_int_eq(pp_lid_label_map("yor_Latn", &l, NULL), PP_OK);
    ck_assert_str_eq(l.lang, "yo");
    ck_assert_str_eq(l.iso639_3, "yor");
    /* a script that is not the language's usual one becomes a subtag */
    ck_assert_int_eq(pp_lid_label_map("uzb_Cyrl", &l, NULL), PP_OK);
    ck_assert_str_eq(l.lang, "uz-Cyrl");
    ck_assert_str_eq(l.script, "Cyrl");
    ck_assert_int_eq(pp_lid_label_map("am", &l, NULL), PP_OK);
    ck_assert_str_eq(l.iso639_3, "amh");
    ck_assert_str_eq(l.script, "Ethi");
    ck_assert_int_eq(pp_lid_label_map("und_Latn", &l, NULL), PP_OK);
    ck_assert_str_eq(l.lang, "und_Latn");
    ck_assert_str_eq(l.iso639_3, "und");
    ck_assert_int_eq(pp_lid_label_map("not a tag!", &l, NULL), PP_ERR_INVALID);
    ck_assert_int_eq(pp_lid_label_map("", &l, NULL), PP_ERR_INVALID);
}
END_TEST

static void writing(const char *text, const char *want, long want_letters)
{
    char *p = NULL, sc[5], ws[8];
    size_t n = 0;
    double share;
    long letters = -1;
    ck_assert_int_eq(pp_lid_preprocess(text, strlen(text), &p, &n, NULL), PP_OK);
    pp_script_of(p, n, sc, &share);
    pp_lid_writing_system(p, n, sc, ws, &letters);
    ck_assert_msg(strcmp(ws, want) == 0, "%s: %s, not %s", text, ws, want);
    ck_assert_int_eq(letters, want_letters);
    free(p);
}

START_TEST(test_writing_system)
{
    /* Han text is Chinese unless kana (Japanese) or Hangul (Korean) are
     * among its letters */
    writing("今天天气很冷。", "Hani", 6);
    writing("今日はとても寒い。", "Jpan", 8);
    writing("東京都庁", "Hani", 4); /* Han alone cannot be told from Chinese */
    writing("大韓民國 헌법", "Kore", 6);
    writing("오늘은 춥다", "Kore", 5);
    /* one kana in a long Chinese text is a quoted name, not Japanese */
    writing("这是一个很长的中文句子我们今天讨论的是语言识别问题的各种方法和结果ア", "Hani", 34);
    writing("Сегодня холодно", "Cyrl", 14);
    writing("ภาษาไทย", "Thai", 7);
    writing("東京都庁 Tokyo 東京都庁", "Hani", 13); /* Latin letters count, Han decides */
    /* ASCII takes a path of its own: its letters are ICU's alphabetic ones */
    for (int c = 1; c < 0x80; c++) {
        char s[4] = {(char)c, 'x', (char)c, '\0'}, ws[8];
        long letters = -1;
        pp_lid_writing_system(s, 3, "Latn", ws, &letters);
        ck_assert_int_eq(letters, 1 + 2 * (u_isalpha(c) != 0));
        ck_assert_str_eq(ws, "Latn");
    }
}
END_TEST

START_TEST(test_script_rule)
{
    ck_assert(pp_lid_script_ok("Latn", "Latn"));
    ck_assert(!pp_lid_script_ok("Latn", "Cyrl"));
    ck_assert(pp_lid_script_ok("Latn Cyrl", "Cyrl"));
    ck_assert(pp_lid_script_ok("", "Cher"));
    ck_assert(pp_lid_script_ok("Jpan", "Hani"));
    ck_assert(pp_lid_script_ok("Jpan", "Hira"));
    ck_assert(pp_lid_script_ok("Kore", "Hang"));
    ck_assert(pp_lid_script_ok("Hans", "Hani"));
    ck_assert(!pp_lid_script_ok("Hans", "Hang"));
    ck_assert(!pp_lid_script_ok("Latn", "Zyyy"));
}
END_TEST

static pp_lid *load_tiny(void)
{
    train_once();
    pp_lid *lid = NULL;
    pp_error err;
    pp_status st = pp_lid_load(model, NULL, &lid, &err);
    ck_assert_msg(st == PP_OK, "%s", err.message);
    return lid;
}

static void identify(pp_lid *lid, const char *text, pp_lid_result *res)
{
    ck_assert_int_eq(pp_lid_identify(lid, text, strlen(text), 3, res, NULL), PP_OK);
}

/* The letter check: English words with German letters (ä, ß, which neither
 * English nor French uses) are English to the model; the check gives the
 * text to German, the best candidate whose language uses its letters. */
START_TEST(test_letter_check)
{
    pp_lid *lid = load_tiny();
    const char *text = "the river is cold ääää ßßßß";
    pp_lid_result r;
    pp_lid_set_letter_check(lid, 0);
    identify(lid, text, &r);
    ck_assert_str_eq(r.top[0].iso639_3, "eng"); /* what the model says */
    ck_assert_str_eq(r.best.iso639_3, "eng");
    ck_assert_int_eq(r.rule, PP_LID_BY_MODEL);
    ck_assert(r.foreign < 0); /* not checked */
    pp_lid_set_letter_check(lid, 0.1);
    identify(lid, text, &r);
    ck_assert_str_eq(r.top[0].iso639_3, "eng");
    ck_assert_str_eq(r.best.iso639_3, "deu");
    ck_assert_int_eq(r.rule, PP_LID_BY_LETTERS);
    ck_assert_int_eq(r.abstained, PP_LID_DECIDED);
    ck_assert(r.foreign > 0.3 && r.foreign < 0.4); /* 8 of 22 letters */
    /* text the model's label spells with its own letters is left alone */
    identify(lid, "The river is very cold this morning.", &r);
    ck_assert_str_eq(r.best.iso639_3, "eng");
    ck_assert_int_eq(r.rule, PP_LID_BY_MODEL);
    ck_assert(r.foreign == 0.0);
    /* a share above the text's keeps the model's label */
    pp_lid_set_letter_check(lid, 0.5);
    identify(lid, text, &r);
    ck_assert_str_eq(r.best.iso639_3, "eng");
    pp_lid_free(lid);
}
END_TEST

/* The letter check reads a text once for all its candidates (its distinct
 * letters counted); PP_LID_CHECK_NAIVE=1 reads the whole text again for
 * every label and set, as the check first did. Both must give the same
 * share, letter count and pick, on random strings (several scripts, marks,
 * precomposed letters, invalid UTF-8) and on UDHR paragraphs of the
 * repository, for labels with CLDR letters, profile letters, both or none. */
static void feed_profile(pp_lid_check *c, const char *label, const char *text)
{
    pp_lid_check_profile_label(c, label);
    size_t n = strlen(text);
    for (size_t i = 0; i < n;) { /* trigrams of code points, as profiles hold */
        size_t e = i, k = 0;
        while (e < n && k < 3) {
            e++;
            while (e < n && ((unsigned char)text[e] & 0xC0) == 0x80)
                e++;
            k++;
        }
        pp_lid_check_profile_trigram(c, text + i, e - i);
        i++;
        while (i < n && ((unsigned char)text[i] & 0xC0) == 0x80)
            i++;
    }
}

static pp_lid_check *letter_checker(const pp_registry *reg, int naive)
{
    if (naive)
        setenv("PP_LID_CHECK_NAIVE", "1", 1);
    pp_lid_check *c = pp_lid_check_new();
    unsetenv("PP_LID_CHECK_NAIVE");
    ck_assert_ptr_nonnull(c);
    pp_lid_check_set_registry(c, reg);
    feed_profile(c, "yor_Latn", "\xe1\xbb\x8dm\xe1\xbb\x8d \xe1\xba\xb9n\xc3\xacy\xc3\xa0n \xe1\xb9\xa3" "e");
    feed_profile(c, "deu_Latn", "stra\xc3\x9f" "e \xc3\xbc" "ber");
    feed_profile(c, "qxa_Latn", "abc \xc4\x85\xc5\x8b\xc9\x94\xc3\xa9" "d\xcc\x81"); /* no CLDR data */
    feed_profile(c, "rus_Cyrl", "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82");
    feed_profile(c, "qxb_Latn", "   ");          /* a profile without letters */
    feed_profile(c, "yor_Latn", "\xc6\x90xyz"); /* a second run of one label */
    pp_lid_check_profile_end(c);
    return c;
}

static void compare_checks(pp_lid_check *fast, pp_lid_check *naive, const pp_lid_label *labels,
                           int nl, const char *t, size_t len, const char *script)
{
    for (int i = 0; i < nl; i++) {
        long na = -7, nb = -7;
        double a = pp_lid_check_foreign(fast, &labels[i], t, len, script, &na);
        double b = pp_lid_check_foreign(naive, &labels[i], t, len, script, &nb);
        ck_assert_msg(a == b && na == nb, "%s on \"%.*s\" (%s): %g/%ld vs %g/%ld",
                      labels[i].label, (int)len, t, script, a, na, b, nb);
    }
    for (int first = 0; first < nl; first += 3) { /* candidate lists in several orders */
        pp_lid_label cand[16];
        for (int i = 0; i < nl; i++)
            cand[i] = labels[(first + i) % nl];
        double fa, fb;
        int pa = pp_lid_check_letters(fast, cand, nl, t, len, script, 0.1, &fa);
        int pb = pp_lid_check_letters(naive, cand, nl, t, len, script, 0.1, &fb);
        ck_assert_int_eq(pa, pb);
        ck_assert(fa == fb);
    }
}

START_TEST(test_letter_check_paths)
{
    pp_registry *reg = NULL;
    ck_assert_int_eq(pp_registry_open(NULL, &reg, NULL), PP_OK);
    pp_lid_check *fast = letter_checker(reg, 0), *naive = letter_checker(reg, 1);
    static const char *const names[] = {"eng_Latn", "deu_Latn", "yor_Latn", "fra_Latn",
                                        "vie_Latn", "qxa_Latn", "qxb_Latn", "rus_Cyrl",
                                        "ell_Grek", "hin_Deva", "amh_Ethi", "arb_Arab",
                                        "srp_Latn", "srp_Cyrl"};
    const int nl = (int)(sizeof names / sizeof names[0]);
    pp_lid_label labels[16];
    for (int i = 0; i < nl; i++)
        ck_assert_int_eq(pp_lid_label_map(names[i], &labels[i], NULL), PP_OK);
    static const unsigned ranges[][2] = {
        {0x61, 0x7A},   {0x20, 0x40},     {0xDF, 0xFF},     {0x100, 0x24F}, {0x300, 0x36F},
        {0x3B1, 0x3C9}, {0x430, 0x45F},   {0x620, 0x64A},   {0x900, 0x97F}, {0x1200, 0x1248},
        {0x1E00, 0x1EFF}, {0x4E00, 0x4E20}, {0x10400, 0x1044F},
    };
    static const char *const scripts[] = {"Latn", "Cyrl", "Grek", "Deva",
                                          "Ethi", "Arab", "Hani", "Zyyy"};
    const size_t nr = sizeof ranges / sizeof ranges[0];
    unsigned long x = 777;
    char buf[512];
    for (int t = 0; t < 3000; t++) {
        size_t len = 0;
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        int ncp = (int)((x >> 33) % 120);
        for (int k = 0; k < ncp; k++) {
            x = x * 6364136223846793005UL + 1442695040888963407UL;
            unsigned r = (unsigned)(x >> 33);
            if (r % 89 == 0) { /* a broken byte now and then */
                buf[len++] = (char)(r & 1 ? 0xFF : 0xC3);
                continue;
            }
            if (r % 6 == 0) {
                buf[len++] = ' ';
                continue;
            }
            const unsigned *g = ranges[(r % 3 == 0 ? (r >> 8) : (unsigned)t) % nr];
            len = put_cp(buf, len, g[0] + (r >> 4) % (g[1] - g[0] + 1));
        }
        compare_checks(fast, naive, labels, nl, buf, len, scripts[(unsigned)t % 8]);
    }
    /* real text: every 15th UDHR paragraph, preprocessed, in its own script */
    pp_input *in = NULL;
    ck_assert_int_eq(pp_input_open(TESTDATA "/../../eval-sets/udhr/udhr.jsonl.zst", &in, NULL), PP_OK);
    int seen = 0, latin_foreign = 0;
    for (long ln = 0;; ln++) {
        const char *line;
        size_t ll;
        ck_assert_int_eq(pp_input_getline(in, &line, &ll, NULL), PP_OK);
        if (!line)
            break;
        const char *a = ln % 15 == 0 ? strstr(line, "\"text\":\"") : NULL;
        const char *b = a ? strstr(a + 8, "\",\"") : NULL;
        if (!b)
            continue; /* (escapes are left as they are: any bytes will do) */
        char *p = NULL;
        size_t plen = 0;
        ck_assert_int_eq(pp_lid_preprocess(a + 8, (size_t)(b - a - 8), &p, &plen, NULL), PP_OK);
        char sc[5];
        double share;
        pp_script_of(p, plen, sc, &share);
        compare_checks(fast, naive, labels, nl, p, plen, sc);
        long n;
        if (strcmp(sc, "Latn") == 0 && pp_lid_check_foreign(fast, &labels[0], p, plen, sc, &n) > 0.1)
            latin_foreign++;
        free(p);
        seen++;
    }
    pp_input_close(in);
    ck_assert_int_gt(seen, 1500);
    ck_assert_int_gt(latin_foreign, 100); /* English letters do not fit every Latin text */
    pp_lid_check_free(fast);
    pp_lid_check_free(naive);
    pp_registry_free(reg);
}
END_TEST

START_TEST(test_identify)
{
    pp_lid *lid = load_tiny();
    ck_assert_int_eq(pp_lid_nlabels(lid), 4);
    ck_assert(pp_lid_has_profiles(lid));
    pp_lid_result r;
    identify(lid, "The river is very cold this morning.", &r);
    ck_assert_int_eq(r.abstained, PP_LID_DECIDED);
    ck_assert_str_eq(r.best.lang, "en");
    ck_assert_str_eq(r.best.iso639_3, "eng");
    ck_assert_str_eq(r.best.script, "Latn");
    ck_assert_int_eq(r.ntop, 3);
    ck_assert(r.top[0].prob >= r.top[1].prob);
    identify(lid, "Сегодня очень холодный ветер.", &r);
    ck_assert_str_eq(r.best.lang, "ru");
    /* empty and letterless input: nothing to identify */
    identify(lid, "", &r);
    ck_assert_int_eq(r.abstained, PP_LID_NO_TEXT);
    ck_assert_str_eq(r.best.lang, "und_Zyyy");
    identify(lid, "123 456 !!!", &r);
    ck_assert_int_eq(r.abstained, PP_LID_NO_TEXT);
    /* a script no label is written in (Cherokee) */
    identify(lid, "\xe1\x8f\xa3\xe1\x8e\xb3\xe1\x8e\xa9 \xe1\x8e\xa6\xe1\x8f\xac\xe1\x8f\x82\xe1\x8e\xaf\xe1\x8f\x8d\xe1\x8f\x97", &r);
    ck_assert_int_eq(r.abstained, PP_LID_WRONG_SCRIPT);
    ck_assert_str_eq(r.best.lang, "und_Cher");
    ck_assert_str_eq(r.best.iso639_3, "und");
    /* mixed script: the majority script decides */
    identify(lid, "Каждое утро дети идут в школу, ok", &r);
    ck_assert_str_eq(r.text_script, "Cyrl");
    ck_assert_str_eq(r.best.lang, "ru");
    /* one word still gets an answer or a clean abstention */
    identify(lid, "Schule", &r);
    ck_assert(r.abstained == PP_LID_DECIDED || r.abstained == PP_LID_LOW_SCORE);
    /* threshold 1: abstain with the text's script */
    pp_lid_set_threshold(lid, 1.0);
    identify(lid, "The river is very cold this morning.", &r);
    ck_assert_int_eq(r.abstained, PP_LID_LOW_SCORE);
    ck_assert_str_eq(r.best.lang, "und_Latn");
    ck_assert_int_eq(r.rule, PP_LID_BY_MODEL);
    /* ...but Russian is the only language of the model written in Cyrillic:
     * chosen whatever its score when the text has enough letters */
    identify(lid, "Сегодня очень холодный ветер.", &r);
    ck_assert_int_eq(r.abstained, PP_LID_DECIDED);
    ck_assert_int_eq(r.rule, PP_LID_BY_SCRIPT);
    ck_assert_str_eq(r.best.lang, "ru");
    ck_assert_str_eq(r.best.script, "Cyrl");
    ck_assert_str_eq(r.writing, "Cyrl");
    ck_assert(r.best.prob > 0.0 && r.best.prob <= 1.0);
    identify(lid, "Да!", &r); /* two letters are not enough */
    ck_assert_int_eq(r.abstained, PP_LID_LOW_SCORE);
    ck_assert_str_eq(r.best.lang, "und_Cyrl");
    pp_lid_set_script_rule(lid, 2);
    identify(lid, "Да!", &r);
    ck_assert_str_eq(r.best.lang, "ru");
    pp_lid_set_script_rule(lid, 0); /* off: the threshold alone */
    identify(lid, "Сегодня очень холодный ветер.", &r);
    ck_assert_int_eq(r.abstained, PP_LID_LOW_SCORE);
    ck_assert_str_eq(r.best.lang, "und_Cyrl");
    pp_lid_set_script_rule(lid, 4);
    pp_lid_set_threshold(lid, -1);
    identify(lid, "The river is very cold this morning.", &r);
    ck_assert_int_eq(r.abstained, PP_LID_DECIDED);
    /* without profile re-ranking the same clear case holds */
    pp_lid_set_rerank(lid, 0, 0.0);
    identify(lid, "Der Fluss ist heute Abend sehr kalt.", &r);
    ck_assert_str_eq(r.best.lang, "de");
    pp_lid_free(lid);
    pp_lid_free(NULL);
}
END_TEST

START_TEST(test_calibrate)
{
    pp_lid *lid = load_tiny();
    pp_lid_calibrator *c = pp_lid_calibrator_new();
    ck_assert_ptr_nonnull(c);
    /* Latin, by score: 0.2 and 0.3 should be abstained on (unknown
     * language), 0.5 is a wrong decision, 0.8 and 0.9 right ones: abstaining
     * under 0.5 gives 4 right outcomes of 5 (2 at threshold 0) */
    const double p[] = {0.9, 0.3, 0.8, 0.5, 0.2};
    const int right[] = {1, 0, 1, 0, 0}, und[] = {0, 1, 0, 0, 1};
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(pp_lid_calibrator_add(c, "Latn", p[i], right[i], und[i], NULL), PP_OK);
    ck_assert_int_eq(pp_lid_calibrator_add(c, "Cyrl", 0.4, 1, 0, NULL), PP_OK);
    char out[600];
    snprintf(out, sizeof out, "%s/cal.json", tmpdir);
    pp_error err;
    ck_assert_int_eq(pp_lid_calibrate_write(c, lid, NULL, out, 2, "test", &err), PP_OK);
    pp_lid_calibrator_free(c);
    pp_lid_free(lid);
    /* the sidecar written: Latin gets 0.5, Cyrillic (one item) none */
    pp_lid *cal = NULL;
    ck_assert_int_eq(pp_lid_load(model, out, &cal, &err), PP_OK);
    ck_assert_double_eq_tol(pp_lid_writing_threshold(cal, "Latn"), 0.5, 1e-9);
    ck_assert_double_eq_tol(pp_lid_writing_threshold(cal, "Cyrl"), -1.0, 1e-9);
    ck_assert_str_eq(pp_lid_scripts(cal, "eng_Latn"), "Latn"); /* labels kept */
    pp_lid_result r;
    identify(cal, "The river is very cold this morning.", &r);
    ck_assert_double_eq_tol(r.threshold, 0.5, 1e-9); /* applied to the decision */
    ck_assert_int_eq(r.abstained, r.best.prob >= 0.5 ? PP_LID_DECIDED : PP_LID_LOW_SCORE);
    pp_lid_set_threshold(cal, 0.0); /* an override wins */
    identify(cal, "The river is very cold this morning.", &r);
    ck_assert_double_eq_tol(r.threshold, 0.0, 1e-9);
    pp_lid_free(cal);
    /* Texts that should all be abstained on, some of score 1: abstaining on
     * all would need a threshold above 1, which a sidecar cannot hold; the
     * best one within [0, 1] is 1 (the sidecar written loads) */
    lid = load_tiny();
    c = pp_lid_calibrator_new();
    ck_assert_ptr_nonnull(c);
    const double q[] = {0.3, 1.0, 0.6, 1.0};
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pp_lid_calibrator_add(c, "Latn", q[i], 0, 1, NULL), PP_OK);
    ck_assert_int_eq(pp_lid_calibrate_write(c, lid, NULL, out, 2, "test", &err), PP_OK);
    pp_lid_calibrator_free(c);
    pp_lid_free(lid);
    ck_assert_int_eq(pp_lid_load(model, out, &cal, &err), PP_OK);
    ck_assert_double_eq_tol(pp_lid_writing_threshold(cal, "Latn"), 1.0, 1e-9);
    pp_lid_free(cal);
    /* and the accuracy reported is that threshold's: 0.3 and 0.6 abstained */
    json_t *side = json_load_file(out, 0, NULL);
    ck_assert_ptr_nonnull(side);
    json_t *latn = json_object_get(json_object_get(side, "writing_systems"), "Latn");
    ck_assert_double_eq_tol(json_number_value(json_object_get(latn, "accuracy")), 0.5, 1e-9);
    json_decref(side);
}
END_TEST

static void write_bytes(const char *path, const void *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(b, 1, n, f), n);
    fclose(f);
}

static void expect_bad_model(const char *path, const char *needle)
{
    pp_lid *lid = NULL;
    pp_error err;
    pp_status st = pp_lid_load(path, NULL, &lid, &err);
    ck_assert_int_ne(st, PP_OK);
    ck_assert_ptr_null(lid);
    ck_assert_msg(strstr(err.message, needle) != NULL, "message '%s' lacks '%s'", err.message,
                  needle);
}

START_TEST(test_corrupt_models)
{
    train_once();
    char bad[600];
    snprintf(bad, sizeof bad, "%s/bad.ftz", tmpdir);
    expect_bad_model("/nonexistent/model.ftz", "cannot open");
    write_bytes(bad, "", 0);
    expect_bad_model(bad, "too short");
    write_bytes(bad, "this is not a model at all, just text", 37);
    expect_bad_model(bad, "magic");
    int32_t hdr[2] = {793712314, 99};
    write_bytes(bad, hdr, sizeof hdr);
    expect_bad_model(bad, "version");
    /* a real model cut in half */
    FILE *f = fopen(model, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    write_bytes(bad, buf, (size_t)n / 2);
    expect_bad_model(bad, "fastText model");
    write_bytes(bad, buf, 60);
    expect_bad_model(bad, "fastText model");
    /* header intact, arguments scrambled */
    memset(buf + 8, 0xff, 48);
    write_bytes(bad, buf, (size_t)n);
    expect_bad_model(bad, "corrupt");
    free(buf);
}
END_TEST

START_TEST(test_eval_numbers)
{
    /* gold -> pred: a a | a a | a b | b b | b (abstain) | c a */
    pp_lid_eval *e = pp_lid_eval_new();
    pp_lid_eval_add(e, "a", "a");
    pp_lid_eval_add(e, "a", "a");
    pp_lid_eval_add(e, "a", "b");
    pp_lid_eval_add(e, "b", "b");
    pp_lid_eval_add(e, "b", "und_Latn");
    pp_lid_eval_add(e, "c", "a");
    ck_assert_int_eq(pp_lid_eval_items(e), 6);
    ck_assert_uint_eq(pp_lid_eval_nclasses(e), 3);
    pp_lid_class_stats s;
    pp_lid_eval_class(e, 0, &s);
    ck_assert_str_eq(s.lang, "a");
    ck_assert_int_eq(s.tp, 2);
    ck_assert_int_eq(s.fp, 1);
    ck_assert_int_eq(s.fn, 1);
    ck_assert_int_eq(s.tn, 2);
    ck_assert_double_eq_tol(s.precision, 2.0 / 3, 1e-12);
    ck_assert_double_eq_tol(s.recall, 2.0 / 3, 1e-12);
    ck_assert_double_eq_tol(s.f1, 2.0 / 3, 1e-12);
    ck_assert_double_eq_tol(s.fpr, 1.0 / 3, 1e-12);
    pp_lid_eval_class(e, 1, &s);
    ck_assert_str_eq(s.lang, "b");
    ck_assert_int_eq(s.abstained, 1);
    ck_assert_double_eq_tol(s.precision, 0.5, 1e-12);
    ck_assert_double_eq_tol(s.recall, 0.5, 1e-12);
    ck_assert_double_eq_tol(s.fpr, 1.0 / 4, 1e-12);
    pp_lid_eval_class(e, 2, &s);
    ck_assert_str_eq(s.lang, "c");
    ck_assert_double_eq_tol(s.f1, 0.0, 1e-12);
    double p, r, f1, fpr, acc;
    pp_lid_eval_macro(e, &p, &r, &f1, &fpr, &acc);
    ck_assert_double_eq_tol(f1, (2.0 / 3 + 0.5 + 0) / 3, 1e-12);
    ck_assert_double_eq_tol(acc, 0.5, 1e-12);
    pp_lid_confusion c[5];
    size_t nc = pp_lid_eval_confusions(e, c, 5);
    ck_assert_uint_eq(nc, 2);
    ck_assert_str_eq(c[0].gold, "a");
    ck_assert_str_eq(c[0].pred, "b");
    ck_assert_str_eq(c[1].gold, "c");
    ck_assert_str_eq(c[1].pred, "a");
    /* restricted to {a}: only a's three items count */
    pp_lid_eval *e2 = pp_lid_eval_new();
    ck_assert_int_eq(pp_lid_eval_restrict(e2, "a", NULL), PP_OK);
    pp_lid_eval_add(e2, "a", "a");
    pp_lid_eval_add(e2, "c", "a");
    pp_lid_eval_add(e2, "a", "b");
    ck_assert_int_eq(pp_lid_eval_items(e2), 2);
    pp_lid_eval_free(e2);
    /* gold und: should abstain; a correct abstention is not a miss */
    pp_lid_eval *e3 = pp_lid_eval_new();
    pp_lid_eval_add(e3, "a", "a");
    pp_lid_eval_add(e3, "a", "und_Latn");
    pp_lid_eval_add(e3, "und", "und_Latn");
    pp_lid_eval_add(e3, "und", "und_Copt");
    pp_lid_eval_add(e3, "und", "a");
    ck_assert_int_eq(pp_lid_eval_items(e3), 5);
    ck_assert_uint_eq(pp_lid_eval_nclasses(e3), 1); /* und is not a class */
    pp_lid_eval_class(e3, 0, &s);
    ck_assert_int_eq(s.tp, 1);
    ck_assert_int_eq(s.fp, 1);
    ck_assert_int_eq(s.fn, 1);
    pp_lid_eval_macro(e3, NULL, NULL, NULL, NULL, &acc);
    ck_assert_double_eq_tol(acc, 3.0 / 5, 1e-12);
    pp_lid_abstention_stats ab;
    pp_lid_eval_abstention(e3, &ab);
    ck_assert_int_eq(ab.abstained, 3);
    ck_assert_int_eq(ab.gold_und, 3);
    ck_assert_int_eq(ab.correct, 2);
    ck_assert_double_eq_tol(ab.rate, 3.0 / 5, 1e-12);
    ck_assert_double_eq_tol(ab.precision, 2.0 / 3, 1e-12);
    ck_assert_double_eq_tol(ab.recall, 2.0 / 3, 1e-12);
    nc = pp_lid_eval_confusions(e3, c, 5);
    ck_assert_uint_eq(nc, 1);
    ck_assert_str_eq(c[0].gold, "und");
    ck_assert_str_eq(c[0].pred, "a");
    pp_lid_eval_free(e3);
    pp_lid_eval_free(e);
    pp_lid_eval_free(NULL);
}
END_TEST

START_TEST(test_cluster)
{
    /* Two invented "languages" with disjoint syllables, three texts each,
     * interleaved; clustering must separate them. */
    const char *t[] = {"kalomi tanaki lomika mita kalo", "zurvex drozvu xevru vuzdro",
                       "mitaka lomi kanalo tamiko", "druvex zovrux vexdru zurdo",
                       "kanami tolaki mikalo", "vuxdro zexvur drovu xurzev"};
    pp_profile_vec *v[6];
    for (int i = 0; i < 6; i++)
        ck_assert_int_eq(pp_trigram_profile(t[i], strlen(t[i]), &v[i], NULL), PP_OK);
    ck_assert_double_eq_tol(pp_profile_cosine(v[0], v[0]), 1.0, 1e-9);
    ck_assert_double_lt(pp_profile_cosine(v[0], v[1]), 0.05);
    size_t assign[6], n = 0;
    ck_assert_int_eq(pp_cluster_average(v, 6, 0.1, assign, &n, NULL), PP_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(assign[0], 0);
    ck_assert_uint_eq(assign[2], 0);
    ck_assert_uint_eq(assign[4], 0);
    ck_assert_uint_eq(assign[1], 1);
    ck_assert_uint_eq(assign[3], 1);
    ck_assert_uint_eq(assign[5], 1);
    /* at similarity 1 nothing merges */
    ck_assert_int_eq(pp_cluster_average(v, 6, 1.01, assign, &n, NULL), PP_OK);
    ck_assert_uint_eq(n, 6);
    for (int i = 0; i < 6; i++)
        pp_profile_vec_free(v[i]);
    ck_assert_int_eq(pp_cluster_average(NULL, 0, 0.5, assign, &n, NULL), PP_OK);
    ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(test_train_errors)
{
    pp_lid_train_opts o;
    pp_lid_train_opts_init(&o);
    o.input = TESTDATA "/lid/train.jsonl";
    o.output = "/tmp/check_lid_model.txt";
    pp_error err;
    ck_assert_int_eq(pp_lid_train(&o, NULL, &err), PP_ERR_INVALID);
    ck_assert(strstr(err.message, ".ftz") != NULL);
    o.output = "/tmp/check_lid_nowhere.ftz";
    o.input = TESTDATA "/lid/does-not-exist.jsonl";
    ck_assert_int_ne(pp_lid_train(&o, NULL, &err), PP_OK);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("lid");
    TCase *tc = tcase_create("lid");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_preprocess);
    tcase_add_test(tc, test_preprocess_paths);
    tcase_add_test(tc, test_label_map);
    tcase_add_test(tc, test_script_rule);
    tcase_add_test(tc, test_writing_system);
    tcase_add_test(tc, test_calibrate);
    tcase_add_test(tc, test_identify);
    tcase_add_test(tc, test_letter_check);
    tcase_add_test(tc, test_letter_check_paths);
    tcase_add_test(tc, test_corrupt_models);
    tcase_add_test(tc, test_eval_numbers);
    tcase_add_test(tc, test_cluster);
    tcase_add_test(tc, test_train_errors);
    suite_add_tcase(s, tc);
    return s;
}

#include "tests/testutil.h"

int main(void)
{
    int status = tu_run_fork(suite(), CK_NOFORK);
    cleanup();
    return status;
}
