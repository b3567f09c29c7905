/* check_ingest.c — pp_ingest: every format on the fixtures in
 * tests/data/ingest/, segmentation, rejects, --strict, stable ids. */
#include "config.h"
#include "corpora-tools/sourcing/pp_ingest.h"
#include "src/pp_text.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIX TESTDATA "/ingest/"

/* A sink that keeps records and rejects in arrays. */
typedef struct collect {
    json_t *recs;
    json_t *rejects;
    int strict;
} collect;

/* Records come written: parsed back to be inspected, after checking that
 * the fields handed with them are the record's own. */
static pp_status on_emit(void *ctx, const pp_ingest_record *r, pp_error *err)
{
    (void)err;
    collect *c = ctx;
    json_error_t je;
    json_t *rec = json_loadb(r->json, r->json_len, JSON_REJECT_DUPLICATES, &je);
    ck_assert_msg(rec != NULL, "emitted record is not JSON: %s", je.text);
    ck_assert_str_eq(json_string_value(json_object_get(rec, "lang")), r->lang);
    json_t *t = json_object_get(rec, "text");
    ck_assert_uint_eq(json_string_length(t), r->text_len);
    ck_assert(memcmp(json_string_value(t), r->text, r->text_len) == 0);
    json_array_append_new(c->recs, rec);
    return PP_OK;
}

static pp_status on_reject(void *ctx, const char *file, long line, const char *reason,
                           const char *raw, size_t rawlen, pp_error *err)
{
    (void)raw;
    (void)rawlen;
    collect *c = ctx;
    json_array_append_new(c->rejects, json_pack("{s:s,s:I,s:s}", "file", file, "line",
                                                (json_int_t)line, "reason", reason));
    if (c->strict)
        return pp_error_set(err, PP_ERR_PARSE, file, line, "%s", reason);
    return PP_OK;
}

static collect C;

static void setup(void)
{
    C.recs = json_array();
    C.rejects = json_array();
    C.strict = 0;
}

static void teardown(void)
{
    json_decref(C.recs);
    json_decref(C.rejects);
}

static pp_status run(const char *path, const pp_ingest_opts *o, pp_error *err)
{
    pp_ingest_sink sink = {on_emit, on_reject, &C};
    return pp_ingest_file(path, o, &sink, err);
}

static pp_status run_fmt(const char *file, pp_ingest_format f, pp_segment_mode seg)
{
    pp_ingest_opts o;
    pp_ingest_opts_init(&o);
    o.format = f;
    o.segment = seg;
    pp_error err;
    pp_error_clear(&err);
    pp_status s = run(file, &o, &err);
    ck_assert_msg(s == PP_OK, "%s: %s", file, err.message);
    return s;
}

static json_t *rec(size_t i) { return json_array_get(C.recs, i); }
static const char *str(size_t i, const char *key)
{
    return json_string_value(json_object_get(rec(i), key));
}
static json_t *meta(size_t i, const char *key)
{
    return json_object_get(json_object_get(rec(i), "meta"), key);
}
static const char *reason(size_t i)
{
    return json_string_value(json_object_get(json_array_get(C.rejects, i), "reason"));
}

/* Write `len` bytes to a temporary file; returns its malloc'd name. */
static char *tmpfile_with(const char *data, size_t len, const char *suffix)
{
    char *name = malloc(256);
    snprintf(name, 256, "/tmp/check_ingest_XXXXXX%s", suffix);
    int fd = mkstemps(name, (int)strlen(suffix));
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq((long)write(fd, data, len), (long)len);
    close(fd);
    return name;
}

START_TEST(test_parse_names)
{
    pp_ingest_format f;
    pp_segment_mode m;
    ck_assert_int_eq(pp_ingest_format_parse("tmx", &f, NULL), PP_OK);
    ck_assert_int_eq(f, PP_FMT_TMX);
    ck_assert_int_eq(pp_ingest_format_parse("udhr", &f, NULL), PP_OK);
    ck_assert_int_eq(f, PP_FMT_UDHR);
    ck_assert_int_eq(pp_ingest_format_parse("docx", &f, NULL), PP_ERR_INVALID);
    ck_assert_int_eq(pp_segment_mode_parse("sentences", &m, NULL), PP_OK);
    ck_assert_int_eq(m, PP_SEGMENT_SENTENCES);
    ck_assert_int_eq(pp_segment_mode_parse("words", &m, NULL), PP_ERR_INVALID);
    pp_ingest_opts o;
    pp_ingest_opts_init(&o);
    ck_assert_str_eq(o.text_field, "text");
    ck_assert_str_eq(o.lang_field, "lang");
    ck_assert_str_eq(o.id_field, "id");
}
END_TEST

START_TEST(test_udhr)
{
    run_fmt(FIX "udhr-yor.html", PP_FMT_UDHR, PP_SEGMENT_NONE);
    /* preamble 2 + article 1 (1) + article 5 (1) + article 13 (2 list items) */
    ck_assert_uint_eq(json_array_size(C.recs), 6);
    ck_assert_uint_eq(json_array_size(C.rejects), 0);
    ck_assert_str_eq(str(0, "id"), "udhr-yor-a0-p1");
    ck_assert_str_eq(str(2, "id"), "udhr-yor-a1-p1");
    ck_assert_str_eq(str(5, "id"), "udhr-yor-a13-p2");
    for (size_t i = 0; i < 6; i++) {
        ck_assert_str_eq(str(i, "lang"), "yo"); /* "yo" stays; BCP 47 canonical */
        ck_assert_str_eq(str(i, "script"), "Latn");
        ck_assert_str_eq(str(i, "source"), "udhr");
        ck_assert_str_eq(str(i, "license"), "MIT");
        ck_assert_str_eq(json_string_value(meta(i, "udhr_code")), "yor");
        ck_assert_str_eq(json_string_value(meta(i, "iso639_3")), "yor");
        ck_assert_str_eq(json_string_value(meta(i, "name")), "Yoruba");
        ck_assert_str_eq(json_string_value(meta(i, "direction")), "ltr");
        const char *t = str(i, "text");
        ck_assert(pp_is_normalized(t, strlen(t), PP_NFC));
        ck_assert_ptr_null(strstr(t, "  "));
        ck_assert_ptr_null(strchr(t, '\n'));
    }
    ck_assert_str_eq(json_string_value(meta(0, "split")), "train");
    ck_assert_int_eq(json_integer_value(meta(0, "article")), 0);
    ck_assert_int_eq(json_integer_value(meta(3, "article")), 5);
    ck_assert_str_eq(json_string_value(meta(3, "split")), "test");
    ck_assert_str_eq(json_string_value(meta(4, "split")), "dev");
    ck_assert_int_eq(json_integer_value(meta(5, "paragraph")), 2);
    ck_assert(strncmp(str(2, "text"), "Gbogbo ènìyàn ni a bí ní òmìnira;", 34) == 0);
    ck_assert_ptr_null(meta(0, "stage")); /* no --meta file */
}
END_TEST

START_TEST(test_udhr_meta_file)
{
    pp_ingest_opts o;
    pp_ingest_opts_init(&o);
    o.format = PP_FMT_UDHR;
    o.meta_file = FIX "udhr-meta.jsonl";
    pp_error err;
    ck_assert_int_eq(run(FIX "udhr-yor.html", &o, &err), PP_OK);
    ck_assert_uint_eq(json_array_size(C.recs), 6);
    ck_assert_int_eq(json_integer_value(meta(0, "stage")), 4);
    ck_assert(json_real_value(meta(0, "latitude")) > 7.1);
    ck_assert(json_real_value(meta(0, "longitude")) > 3.6);
    /* a missing meta file is an error naming it */
    o.meta_file = FIX "no-such-file.jsonl";
    ck_assert_int_eq(run(FIX "udhr-yor.html", &o, &err), PP_ERR_IO);
    ck_assert_ptr_nonnull(strstr(err.file, "no-such-file"));
}
END_TEST

START_TEST(test_udhr_not_a_declaration)
{
    pp_ingest_opts o;
    pp_ingest_opts_init(&o);
    o.format = PP_FMT_UDHR;
    pp_error err;
    ck_assert_int_eq(run(FIX "page.html", &o, &err), PP_ERR_PARSE);
    ck_assert_ptr_nonnull(strstr(err.message, "data-code"));
}
END_TEST

START_TEST(test_ces)
{
    run_fmt(FIX "ces-basque.xml", PP_FMT_CES, PP_SEGMENT_NONE);
    ck_assert_uint_eq(json_array_size(C.recs), 3);
    ck_assert_str_eq(str(0, "id"), "b.MAT.1.1");
    ck_assert_str_eq(str(2, "id"), "b.MAT.1.3");
    /* iso639="baq" (ISO 639-2/B) -> eus -> eu */
    ck_assert_str_eq(str(0, "lang"), "eu");
    ck_assert_str_eq(str(0, "source"), "ces-basque.xml");
    ck_assert_str_eq(str(0, "text"),
                     "IESVS CHRIST Dauid-en semearen, Abrahamen semearen generationeco Liburuä.");
    ck_assert_ptr_null(json_object_get(rec(0), "license"));
    ck_assert_str_eq(json_string_value(meta(1, "book")), "MAT");
    ck_assert_int_eq(json_integer_value(meta(1, "chapter")), 1);
    ck_assert_int_eq(json_integer_value(meta(1, "verse")), 2);
    ck_assert_str_eq(json_string_value(meta(0, "title")), "Bible(BAQ)");
}
END_TEST

START_TEST(test_ces_license_option)
{
    pp_ingest_opts o;
    pp_ingest_opts_init(&o);
    o.format = PP_FMT_CES;
    o.license = "CC0-1.0";
    o.source = "bible-corpus";
    pp_error err;
    ck_assert_int_eq(run(FIX "ces-basque.xml", &o, &err), PP_OK);
    ck_assert_str_eq(str(0, "license"), "CC0-1.0");
    ck_assert_str_eq(str(0, "source"), "bible-corpus");
}
END_TEST

START_TEST(test_tmx)
{
    run_fmt(FIX "memory.tmx", PP_FMT_TMX, PP_SEGMENT_NONE);
    ck_assert_uint_eq(json_array_size(C.recs), 4);
    ck_assert_uint_eq(json_array_size(C.rejects), 1); /* the empty German tuv */
    ck_assert_str_eq(reason(0), "empty text");
    ck_assert_str_eq(str(0, "id"), "memory.tmx-art1-v1");
    ck_assert_str_eq(str(1, "lang"), "yo"); /* xml:lang="yor" */
    ck_assert_str_eq(json_string_value(meta(1, "pair")), "art1");
    ck_assert_str_eq(json_string_value(meta(1, "srclang")), "en");
    /* second tu has no tuid: its position; TMX 1.1 lang attribute */
    ck_assert_str_eq(json_string_value(meta(2, "pair")), "2");
    ck_assert_str_eq(str(2, "lang"), "en-GB");
    /* inline codes (<bpt>, <ept>) are not text */
    ck_assert_str_eq(str(2, "text"),
                     "Everyone has the right to life, liberty and security of person.");
    ck_assert_str_eq(str(3, "lang"), "fr");
}
END_TEST

START_TEST(test_tei)
{
    run_fmt(FIX "play.tei.xml", PP_FMT_TEI, PP_SEGMENT_NONE);
    ck_assert_uint_eq(json_array_size(C.recs), 5);
    ck_assert_uint_eq(json_array_size(C.rejects), 1); /* <p/> */
    ck_assert_str_eq(str(0, "text"), "Orí kìíní");
    ck_assert_str_eq(json_string_value(meta(0, "element")), "head");
    ck_assert_str_eq(str(1, "id"), "p-greeting"); /* xml:id */
    ck_assert_str_eq(str(2, "id"), "play.tei.xml-p3");
    ck_assert_str_eq(str(2, "text"), "Mo fẹ́ràn láti kà ìwé yìí."); /* note left out */
    ck_assert_str_eq(str(1, "lang"), "yo");                       /* inherited xml:lang */
    ck_assert_str_eq(str(3, "lang"), "en");
    ck_assert_str_eq(str(4, "text"), "Ìlà kìíní, ìlà kejì."); /* a stanza */
    ck_assert_str_eq(json_string_value(meta(4, "element")), "lg");
    ck_assert_str_eq(str(0, "license"), "CC0 1.0");
    ck_assert_str_eq(json_string_value(meta(0, "title")), "Àpẹẹrẹ ìwé");
}
END_TEST

START_TEST(test_html)
{
    run_fmt(FIX "page.html", PP_FMT_HTML, PP_SEGMENT_NONE);
    ck_assert_uint_eq(json_array_size(C.recs), 1);
    const char *t = str(0, "text");
    ck_assert_str_eq(str(0, "id"), "page.html");
    ck_assert_str_eq(str(0, "lang"), "am");
    ck_assert_ptr_nonnull(strstr(t, "የሰው ልጅ ሁሉ"));
    ck_assert_ptr_null(strstr(t, "hidden"));   /* script */
    ck_assert_ptr_null(strstr(t, "color"));    /* style */
    ck_assert_ptr_null(strstr(t, "Enable"));   /* noscript */
    ck_assert_ptr_null(strstr(t, "template")); /* template */
    ck_assert_ptr_null(strstr(t, "የሙከራ"));     /* head/title */
    ck_assert_ptr_nonnull(strstr(t, "ነው። ሁለተኛ")); /* <br> is a space */
    ck_assert_str_eq(json_string_value(meta(0, "title")), "የሙከራ ገጽ");
}
END_TEST

START_TEST(test_html_paragraphs)
{
    run_fmt(FIX "page.html", PP_FMT_HTML, PP_SEGMENT_PARAGRAPHS);
    ck_assert_uint_eq(json_array_size(C.recs), 7);
    ck_assert_str_eq(str(1, "id"), "page.html-p2");
    ck_assert_str_eq(str(1, "text"), "ሰላም");
    ck_assert_str_eq(str(1, "script"), "Ethi");
    ck_assert_str_eq(str(3, "text"), "Inline bold and italic text in a div.");
    ck_assert_str_eq(str(4, "lang"), "en"); /* <p lang="en"> */
    ck_assert_str_eq(str(6, "text"), "ሁለት");
}
END_TEST

START_TEST(test_txt_lines_and_paragraphs)
{
    run_fmt(FIX "paragraphs.txt", PP_FMT_TXT, PP_SEGMENT_NONE);
    ck_assert_uint_eq(json_array_size(C.recs), 4); /* non-blank lines */
    ck_assert_str_eq(str(0, "id"), "paragraphs.txt-l1");
    ck_assert_str_eq(str(2, "id"), "paragraphs.txt-l5");
    ck_assert_str_eq(str(2, "text"), "Second paragraph with spaces.");
    ck_assert_str_eq(str(0, "lang"), "und");
    teardown();
    setup();
    run_fmt(FIX "paragraphs.txt", PP_FMT_TXT, PP_SEGMENT_PARAGRAPHS);
    ck_assert_uint_eq(json_array_size(C.recs), 3);
    ck_assert_str_eq(str(0, "id"), "paragraphs.txt-p1");
    ck_assert_str_eq(str(0, "text"), "First paragraph, line one. line two of the first paragraph.");
    ck_assert_int_eq(json_integer_value(meta(2, "line")), 7);
}
END_TEST

START_TEST(test_txt_nfc_and_sentences)
{
    /* "Ẹ" as E + U+0323 (decomposed), then a second sentence */
    const char text[] = "E\xcc\xa3 ku\xcc\x81 a\xcc\x80" "a\xcc\x81ro\xcc\x80. Ba\xcc\x81wo ni?\n";
    char *path = tmpfile_with(text, sizeof text - 1, ".txt");
    pp_ingest_opts o;
    pp_ingest_opts_init(&o);
    o.lang = "yor";
    pp_error err;
    ck_assert_int_eq(run(path, &o, &err), PP_OK);
    ck_assert_uint_eq(json_array_size(C.recs), 1);
    ck_assert_str_eq(str(0, "text"),
                     "\xe1\xba\xb8 k\xc3\xba \xc3\xa0\xc3\xa1r\xc3\xb2. B\xc3\xa1wo ni?");
    const char *t = str(0, "text");
    ck_assert(pp_is_normalized(t, strlen(t), PP_NFC));
    ck_assert_ptr_nonnull(strstr(t, "\xe1\xba\xb8")); /* U+1EB8 composed */
    ck_assert_str_eq(str(0, "lang"), "yo");
    teardown();
    setup();
    o.segment = PP_SEGMENT_SENTENCES;
    ck_assert_int_eq(run(path, &o, &err), PP_OK);
    ck_assert_uint_eq(json_array_size(C.recs), 2);
    ck_assert_str_eq(str(1, "text"), "Báwo ni?");
    ck_assert_int_eq(json_integer_value(meta(1, "sentence")), 2);
    ck_assert(strstr(str(1, "id"), "-l1-s2") != NULL);
    unlink(path);
    free(path);
}
END_TEST

START_TEST(test_txt_invalid_utf8_and_strict)
{
    const char text[] = "good line\nbad \xff\xfe line\nanother good line\n";
    char *path = tmpfile_with(text, sizeof text - 1, ".txt");
    run_fmt(path, PP_FMT_TXT, PP_SEGMENT_NONE);
    ck_assert_uint_eq(json_array_size(C.recs), 2);
    ck_assert_uint_eq(json_array_size(C.rejects), 1);
    ck_assert_ptr_nonnull(strstr(reason(0), "invalid UTF-8 at byte 5"));
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_array_get(C.rejects, 0), "line")), 2);
    /* strict: the reject stops the ingest with file and line */
    teardown();
    setup();
    C.strict = 1;
    pp_ingest_opts o;
    pp_ingest_opts_init(&o);
    pp_error err;
    ck_assert_int_eq(run(path, &o, &err), PP_ERR_PARSE);
    ck_assert_int_eq(err.line, 2);
    ck_assert_uint_eq(json_array_size(C.recs), 1);
    unlink(path);
    free(path);
}
END_TEST

START_TEST(test_jsonl_mapping)
{
    pp_ingest_opts o;
    pp_ingest_opts_init(&o);
    o.format = PP_FMT_JSONL;
    o.text_field = "content";
    o.lang_field = "language";
    o.id_field = "doc_id";
    pp_error err;
    ck_assert_int_eq(run(FIX "mapped.jsonl", &o, &err), PP_OK);
    ck_assert_uint_eq(json_array_size(C.recs), 3);
    ck_assert_str_eq(str(0, "id"), "d1");
    ck_assert_str_eq(str(0, "lang"), "yo");
    ck_assert_str_eq(json_string_value(meta(0, "url")), "https://example.org/1");
    ck_assert_ptr_null(json_object_get(rec(0), "content"));
    ck_assert_ptr_null(meta(0, "content"));
    ck_assert_str_eq(str(1, "id"), "7"); /* integer id */
    ck_assert_str_eq(str(1, "lang"), "en-US");
    ck_assert_str_eq(str(1, "license"), "CC0-1.0");
    ck_assert_str_eq(json_string_value(meta(1, "topic")), "greeting");
    ck_assert_str_eq(str(1, "text"), "Good morning.\n\nSecond paragraph."); /* kept */
    ck_assert_str_eq(str(2, "id"), "mapped.jsonl-l3");
    ck_assert_uint_eq(json_array_size(C.rejects), 3);
    ck_assert_str_eq(reason(0), "empty text");
    ck_assert_ptr_nonnull(strstr(reason(1), "bad language tag"));
    ck_assert_str_eq(reason(2), "record has no \"content\" string");
    /* paragraphs: the second record splits in two */
    teardown();
    setup();
    o.segment = PP_SEGMENT_PARAGRAPHS;
    ck_assert_int_eq(run(FIX "mapped.jsonl", &o, &err), PP_OK);
    ck_assert_uint_eq(json_array_size(C.recs), 4);
    ck_assert_str_eq(str(1, "id"), "7-p1");
    ck_assert_str_eq(str(2, "id"), "7-p2");
    ck_assert_str_eq(str(2, "text"), "Second paragraph.");
}
END_TEST

START_TEST(test_jsonl_truncated_line)
{
    const char text[] = "{\"text\":\"one\",\"lang\":\"en\"}\n{\"text\":\"tw\n"
                        "{\"text\":\"three\",\"lang\":\"en\"}\n";
    char *path = tmpfile_with(text, sizeof text - 1, ".jsonl");
    run_fmt(path, PP_FMT_JSONL, PP_SEGMENT_NONE);
    ck_assert_uint_eq(json_array_size(C.recs), 2);
    ck_assert_uint_eq(json_array_size(C.rejects), 1);
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_array_get(C.rejects, 0), "line")), 2);
    ck_assert_ptr_nonnull(strstr(reason(0), "malformed JSON"));
    unlink(path);
    free(path);
}
END_TEST

START_TEST(test_malformed_xml)
{
    const char text[] = "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\">\n<body>\n<tu>\n"
                        "<tuv xml:lang=\"en\"><seg>x</seg></tuv>\n</body>\n</tmx>\n";
    char *path = tmpfile_with(text, sizeof text - 1, ".tmx");
    pp_ingest_opts o;
    pp_ingest_opts_init(&o);
    o.format = PP_FMT_TMX;
    pp_error err;
    ck_assert_int_eq(run(path, &o, &err), PP_ERR_PARSE);
    ck_assert_int_eq(err.line, 6);
    ck_assert_str_eq(err.file, path);
    ck_assert_ptr_nonnull(strstr(err.message, "malformed XML"));
    ck_assert_uint_eq(json_array_size(C.recs), 0);
    unlink(path);
    free(path);
}
END_TEST

START_TEST(test_stable_ids)
{
    run_fmt(FIX "memory.tmx", PP_FMT_TMX, PP_SEGMENT_SENTENCES);
    char *a = json_dumps(C.recs, JSON_COMPACT);
    teardown();
    setup();
    run_fmt(FIX "memory.tmx", PP_FMT_TMX, PP_SEGMENT_SENTENCES);
    char *b = json_dumps(C.recs, JSON_COMPACT);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
}
END_TEST

static Suite *ingest_suite(void)
{
    Suite *s = suite_create("ingest");
    TCase *tc = tcase_create("formats");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_parse_names);
    tcase_add_test(tc, test_udhr);
    tcase_add_test(tc, test_udhr_meta_file);
    tcase_add_test(tc, test_udhr_not_a_declaration);
    tcase_add_test(tc, test_ces);
    tcase_add_test(tc, test_ces_license_option);
    tcase_add_test(tc, test_tmx);
    tcase_add_test(tc, test_tei);
    tcase_add_test(tc, test_html);
    tcase_add_test(tc, test_html_paragraphs);
    tcase_add_test(tc, test_txt_lines_and_paragraphs);
    tcase_add_test(tc, test_txt_nfc_and_sentences);
    tcase_add_test(tc, test_txt_invalid_utf8_and_strict);
    tcase_add_test(tc, test_jsonl_mapping);
    tcase_add_test(tc, test_jsonl_truncated_line);
    tcase_add_test(tc, test_malformed_xml);
    tcase_add_test(tc, test_stable_ids);
    suite_add_tcase(s, tc);
    return s;
}

#include "tests/testutil.h"

int main(void) { return tu_run(ingest_suite()); }
