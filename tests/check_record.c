/* check_record.c — JSONL records: round trips (.gz/.zst), truncated and
 * malformed lines with file and line, invalid UTF-8 rejected with a reason,
 * rejects file always valid UTF-8, the fast serializer byte for byte
 * jansson's. */
#include "config.h"
#include "src/polyphony.h"
#include "tests/testutil.h"

static char dir[512];
static void setup(void) { tu_tmpdir(dir, sizeof dir); }
static void teardown(void) { tu_rmtree(dir); }

static void roundtrip(const char *name)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    pp_writer *w;
    pp_error err;
    ck_assert_int_eq(pp_writer_open(path, &w, &err), PP_OK);
    const char *texts[] = {"Ẹ̀kọ́ ni ọ̀nà", "ሁሉም ሰው", "सभी मनुष्य", "มนุษย์ทั้งหลาย", "يولد جميع الناس",
                           "quote \" and \\ and \n newline"};
    for (int i = 0; i < 6; i++) {
        json_t *r = json_pack("{s:i, s:s, s:{s:b}}", "id", i, "text", texts[i], "meta", "ok", 1);
        ck_assert_int_eq(pp_writer_put(w, r, &err), PP_OK);
        json_decref(r);
    }
    ck_assert_int_eq(pp_writer_close(w, &err), PP_OK);

    pp_reader *r;
    ck_assert_int_eq(pp_reader_open(path, &r, &err), PP_OK);
    for (int i = 0; i < 6; i++) {
        json_t *rec;
        ck_assert_int_eq(pp_reader_next(r, &rec, &err), PP_OK);
        ck_assert_ptr_nonnull(rec);
        ck_assert_int_eq(json_integer_value(json_object_get(rec, "id")), i);
        ck_assert_str_eq(pp_record_str(rec, "text"), texts[i]);
        ck_assert(json_is_true(json_object_get(json_object_get(rec, "meta"), "ok")));
        ck_assert_int_eq(pp_reader_lineno(r), i + 1);
        json_decref(rec);
    }
    json_t *rec;
    ck_assert_int_eq(pp_reader_next(r, &rec, &err), PP_OK);
    ck_assert_ptr_null(rec);
    pp_reader_close(r);
}

START_TEST(test_roundtrip_plain) { roundtrip("r.jsonl"); }
END_TEST
START_TEST(test_roundtrip_gz) { roundtrip("r.jsonl.gz"); }
END_TEST
START_TEST(test_roundtrip_zst) { roundtrip("r.jsonl.zst"); }
END_TEST

/* Line 1 fine, 2 blank (skipped), 3 truncated, 4 not an object, 5 invalid
 * UTF-8, 6 fine again. The reader reports each bad line and goes on. */
START_TEST(test_bad_lines)
{
    char path[700];
    snprintf(path, sizeof path, "%s/bad.jsonl", dir);
    const char data[] = "{\"id\":\"a\",\"text\":\"x\"}\n"
                        "\n"
                        "{\"id\":\"b\",\"text\":\"trunc\n"
                        "[1,2,3]\n"
                        "{\"id\":\"c\",\"text\":\"caf\xc3\x28\"}\n"
                        "{\"id\":\"d\",\"text\":\"y\"}";
    tu_write_file(path, data, sizeof data - 1);
    pp_reader *r;
    pp_error err;
    json_t *rec;
    ck_assert_int_eq(pp_reader_open(path, &r, &err), PP_OK);
    ck_assert_int_eq(pp_reader_next(r, &rec, &err), PP_OK);
    ck_assert_str_eq(pp_record_str(rec, "id"), "a");
    json_decref(rec);

    ck_assert_int_eq(pp_reader_next(r, &rec, &err), PP_ERR_PARSE);
    ck_assert_ptr_null(rec);
    ck_assert_int_eq(err.line, 3);
    ck_assert_str_eq(err.file, path);
    ck_assert(strstr(err.message, "malformed JSON") != NULL);

    ck_assert_int_eq(pp_reader_next(r, &rec, &err), PP_ERR_PARSE);
    ck_assert_int_eq(err.line, 4);
    ck_assert(strstr(err.message, "object") != NULL);

    ck_assert_int_eq(pp_reader_next(r, &rec, &err), PP_ERR_ENCODING);
    ck_assert_int_eq(err.line, 5);
    ck_assert(strstr(err.message, "invalid UTF-8 at byte 22") != NULL);
    size_t rawlen;
    const char *raw = pp_reader_raw(r, &rawlen);
    ck_assert_uint_eq(rawlen, 25);
    ck_assert(memcmp(raw, "{\"id\":\"c\"", 9) == 0);

    ck_assert_int_eq(pp_reader_next(r, &rec, &err), PP_OK);
    ck_assert_str_eq(pp_record_str(rec, "id"), "d");
    json_decref(rec);
    ck_assert_int_eq(pp_reader_next(r, &rec, &err), PP_OK);
    ck_assert_ptr_null(rec);
    pp_reader_close(r);
}
END_TEST

START_TEST(test_nul_in_string)
{
    char path[700];
    snprintf(path, sizeof path, "%s/nul.jsonl", dir);
    const char data[] = "{\"id\":\"a\",\"text\":\"before\\u0000after\"}\n"
                        "{\"id\":\"b\\u0000\",\"text\":\"x\"}\n"
                        "{\"id\":\"c\",\"text\":\"fine\"}\n";
    tu_write_file(path, data, sizeof data - 1);
    pp_reader *r;
    pp_error err;
    json_t *rec;
    ck_assert_int_eq(pp_reader_open(path, &r, &err), PP_OK);
    for (int line = 1; line <= 2; line++) {
        ck_assert_int_eq(pp_reader_next(r, &rec, &err), PP_ERR_PARSE);
        ck_assert_ptr_null(rec);
        ck_assert_int_eq(err.line, line);
        ck_assert_msg(strstr(err.message, "NUL character") != NULL, "%s", err.message);
        ck_assert(pp_reader_can_go_on(PP_ERR_PARSE));
    }
    ck_assert_int_eq(pp_reader_next(r, &rec, &err), PP_OK);
    ck_assert_str_eq(pp_record_str(rec, "text"), "fine");
    json_decref(rec);
    pp_reader_close(r);
}
END_TEST

START_TEST(test_source_policy)
{
    char a[700], b[700], rj[700];
    snprintf(a, sizeof a, "%s/src-a.jsonl", dir);
    snprintf(b, sizeof b, "%s/src-b.jsonl", dir);
    snprintf(rj, sizeof rj, "%s/src-rej.jsonl", dir);
    const char da[] = "{\"text\":\"one\"}\n{\"text\":1}\n";
    const char db[] = "[1]\n{\"text\":\"two\"}\n";
    tu_write_file(a, da, sizeof da - 1);
    tu_write_file(b, db, sizeof db - 1);
    const char *files[] = {a, b};
    pp_error err;
    json_t *rec;
    /* without rejects: bad lines come back to the caller, the source goes on */
    pp_source_opts o = {files, 2, "text", NULL, 0, NULL};
    pp_source *s;
    ck_assert_int_eq(pp_source_open(&o, &s, &err), PP_OK);
    ck_assert_int_eq(pp_source_next(s, &rec, &err), PP_OK);
    ck_assert_str_eq(pp_record_str(rec, "text"), "one");
    json_decref(rec);
    ck_assert_int_eq(pp_source_next(s, &rec, &err), PP_ERR_PARSE);
    ck_assert_str_eq(err.file, a);
    ck_assert_int_eq(err.line, 2);
    ck_assert_int_eq(pp_source_next(s, &rec, &err), PP_ERR_PARSE);
    ck_assert_str_eq(err.file, b);
    ck_assert_int_eq(err.line, 1);
    ck_assert_int_eq(pp_source_next(s, &rec, &err), PP_OK);
    ck_assert_str_eq(pp_record_str(rec, "text"), "two");
    json_decref(rec);
    ck_assert_int_eq(pp_source_next(s, &rec, &err), PP_OK);
    ck_assert_ptr_null(rec);
    ck_assert_int_eq(pp_source_bad(s), 2);
    ck_assert(pp_source_lost(s));
    pp_source_close(s);
    /* with rejects: kept there, nothing lost; the second file shown as named */
    pp_writer *w;
    ck_assert_int_eq(pp_writer_open(rj, &w, &err), PP_OK);
    o.rejects = w;
    const char *names[] = {NULL, "shard-b"};
    o.names = names;
    ck_assert_int_eq(pp_source_open(&o, &s, &err), PP_OK);
    int n = 0;
    while (pp_source_next(s, &rec, &err) == PP_OK && rec) {
        n++;
        json_decref(rec);
    }
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(pp_source_kept(s), 2);
    ck_assert(!pp_source_lost(s));
    pp_source_close(s);
    ck_assert_int_eq(pp_writer_close(w, &err), PP_OK);
    size_t len;
    char *data = tu_read_file(rj, &len);
    ck_assert(strstr(data, "\"reason\":\"record has no \\\"text\\\" string\"") != NULL);
    ck_assert(strstr(data, "{\"file\":\"shard-b\",\"line\":1,") != NULL);
    ck_assert(strstr(data, a) != NULL);
    free(data);
}
END_TEST

START_TEST(test_reject_file_is_valid_utf8)
{
    char path[700];
    snprintf(path, sizeof path, "%s/rejects.jsonl", dir);
    pp_writer *w;
    pp_error err;
    ck_assert_int_eq(pp_writer_open(path, &w, &err), PP_OK);
    const char raw[] = "{\"text\":\"caf\xc3\x28\"}";
    ck_assert_int_eq(pp_reject_put(w, "in.jsonl", 7, "invalid UTF-8", NULL, raw, sizeof raw - 1, &err),
                     PP_OK);
    json_t *rec = json_pack("{s:s}", "id", "z");
    ck_assert_int_eq(pp_reject_put(w, "in.jsonl", 8, "no lang", rec, NULL, 0, &err), PP_OK);
    json_decref(rec);
    ck_assert_int_eq(pp_writer_close(w, &err), PP_OK);

    pp_reader *r;
    ck_assert_int_eq(pp_reader_open(path, &r, &err), PP_OK);
    json_t *j;
    ck_assert_int_eq(pp_reader_next(r, &j, &err), PP_OK);
    ck_assert_str_eq(pp_record_str(j, "reason"), "invalid UTF-8");
    ck_assert_int_eq(json_integer_value(json_object_get(j, "line")), 7);
    ck_assert(strstr(pp_record_str(j, "raw"), "caf\xEF\xBF\xBD(") != NULL);
    json_decref(j);
    ck_assert_int_eq(pp_reader_next(r, &j, &err), PP_OK);
    ck_assert_str_eq(pp_record_str(json_object_get(j, "record"), "id"), "z");
    json_decref(j);
    pp_reader_close(r);
}
END_TEST

START_TEST(test_utf8_valid)
{
    size_t off = 99;
    ck_assert(pp_utf8_valid("plain ascii", 11, &off));
    ck_assert(pp_utf8_valid("ẹ̀kọ́", strlen("ẹ̀kọ́"), &off));
    ck_assert(!pp_utf8_valid("ab\xff", 3, &off));
    ck_assert_uint_eq(off, 2);
    ck_assert(!pp_utf8_valid("\xed\xa0\x80", 3, &off)); /* encoded surrogate */
    ck_assert_uint_eq(off, 0);
    ck_assert(!pp_utf8_valid("\xc0\xaf", 2, &off)); /* overlong */
    ck_assert(!pp_utf8_valid("\xe1\x88", 2, &off)); /* truncated sequence */
}
END_TEST

/* pp_record_dump writes exactly what json_dumpb writes with the writer's
 * flags, and refuses what it refuses. */
static void same_as_jansson(const json_t *v)
{
    const size_t flags = JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15);
    char ref[4096];
    size_t nref = json_dumpb(v, ref, sizeof ref, flags);
    ck_assert_uint_lt(nref, sizeof ref);
    char *buf = NULL;
    size_t cap = 0;
    size_t n = pp_record_dump(v, &buf, &cap);
    ck_assert_uint_eq(n, nref);
    ck_assert(n == 0 || memcmp(buf, ref, n) == 0);
    free(buf);
}

START_TEST(test_dump_matches_jansson)
{
    char all[128];
    for (int i = 0; i < 127; i++)
        all[i] = (char)(i + 1);
    json_t *rec = json_object();
    json_object_set_new(rec, "ascii", json_stringn(all, 127)); /* every escape */
    json_object_set_new(rec, "nul", json_stringn("a\0b", 3));
    json_object_set_new(rec, "text", json_string("Ẹ̀kọ́ ሁሉም सभी 𐌰𐌱 \"q\" \\ /\t\r\n\x7f"));
    json_object_set_new(rec, "k\"ey\n", json_string(""));
    json_object_set_new(rec, "i", json_integer(-9223372036854775807LL - 1));
    json_object_set_new(rec, "j", json_integer(9223372036854775807LL));
    json_object_set_new(rec, "z", json_integer(0));
    json_object_set_new(rec, "r", json_real(7.15));
    json_object_set_new(rec, "r2", json_real(-1e-300));
    json_object_set_new(rec, "b", json_true());
    json_object_set_new(rec, "n", json_null());
    json_t *meta = json_pack("{s:[i,s,{},[],f],s:{s:s}}", "a", 1, "x\bé", 0.1, "o", "p", "q");
    json_object_set_new(rec, "meta", meta);
    json_object_set_new(rec, "e", json_object());
    same_as_jansson(rec);
    same_as_jansson(meta);
    json_t *s = json_string("alone");
    same_as_jansson(s);
    json_decref(s);
    /* Ill-formed UTF-8 (possible through _nocheck) is refused by both. */
    json_object_set_new(rec, "bad", json_stringn_nocheck("ab\xed\xa0\x80", 5));
    same_as_jansson(rec);
    json_decref(rec);
    /* A long string grows the buffer. */
    char *big = malloc(100000);
    for (int i = 0; i < 100000; i++)
        big[i] = i % 7 == 0 ? '\n' : 'a' + i % 26;
    json_t *bj = json_pack("{s:s%}", "text", big, (size_t)100000);
    char *buf = NULL;
    size_t cap = 0, n = pp_record_dump(bj, &buf, &cap);
    char *ref = json_dumps(bj, JSON_COMPACT | JSON_REAL_PRECISION(15));
    ck_assert_uint_eq(n, strlen(ref));
    ck_assert(memcmp(buf, ref, n) == 0);
    free(ref);
    free(buf);
    free(big);
    json_decref(bj);
}
END_TEST

/* Reals are printed by the project's own formatter: the same digits as
 * jansson's on values of every magnitude, sign and precision. */
START_TEST(test_dump_reals_match_jansson)
{
    static const double fixed[] = {0.0, -0.0, 1.0, -1.0, 0.1, 7.15, 1e15, 1e16, 1e17, 1e21,
                                   123456789012345678.0, 1e-4, 1e-5, 1.5e-7, 5e-324, 1e308,
                                   -2.2250738585072014e-308, 1.7976931348623157e308, 100.0,
                                   0.30000000000000004, 3.141592653589793, 1e100, 123.456e-100};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        json_t *r = json_real(fixed[i]);
        same_as_jansson(r);
        json_decref(r);
    }
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < 30000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        static const double p10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10};
        double d;
        if (i % 3 == 2) { /* decimals as written in data: 6.68, -0.0025, 1234567.5 */
            d = (double)(int64_t)(x % 20000000001ULL - 10000000000LL) / p10[(x >> 40) % 11];
        } else if (i % 3) {
            memcpy(&d, &x, sizeof d); /* any bit pattern */
            if (!isfinite(d))
                continue;
        } else { /* short decimals, as data has them */
            d = (double)(int64_t)(x % 2000001 - 1000000) / (double)(1 + x % 10000);
        }
        json_t *r = json_real(d);
        same_as_jansson(r);
        json_decref(r);
    }
}
END_TEST

/* The view takes a line only when jansson (as the reader calls it) takes it
 * too, and then gives the same record: the tree built from the view, the
 * fields dumped one by one, and jansson's own tree write the same bytes. */
static int view_agrees(pp_record_view *v, const char *line, size_t len)
{
    json_t *j = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL);
    int took = pp_record_view_parse(v, line, len);
    if (took) {
        ck_assert_msg(json_is_object(j), "view took what jansson refuses: %.*s", (int)len, line);
        char *a = NULL, *b = NULL, *c = NULL;
        size_t ca = 0, cb = 0, cc = 0;
        json_t *t = pp_record_view_tree(v);
        size_t na = pp_record_dump(j, &a, &ca), nb = pp_record_dump(t, &b, &cb);
        ck_assert_uint_gt(na, 0);
        ck_assert_msg(na == nb && memcmp(a, b, na) == 0, "trees differ: %.*s", (int)len, line);
        size_t nf;
        const pp_jfield *f = pp_record_view_fields(v, &nf);
        ck_assert_uint_eq(nf, json_object_size(j));
        for (size_t i = 0; i < nf; i++) {
            json_t *one = json_object();
            json_object_setn(one, f[i].key, f[i].key_len, json_object_getn(j, f[i].key, f[i].key_len));
            size_t n1 = pp_record_dump(one, &c, &cc);
            char *d = NULL;
            size_t cd = 0, ld = 0;
            ck_assert(pp_record_view_dump(v, &f[i], &d, &ld, &cd));
            /* {"key":VALUE}: the value is what follows the first ':' after the key */
            size_t kl = n1 - ld - 2;
            ck_assert_msg(n1 > ld + 2 && memcmp(c + kl + 1, d, ld) == 0 && c[kl] == ':',
                          "field %zu dumps differently: %.*s", i, (int)len, line);
            free(d);
            json_decref(one);
        }
        free(a);
        free(b);
        free(c);
        json_decref(t);
    }
    json_decref(j);
    return took;
}

START_TEST(test_view_agrees_with_jansson)
{
    pp_record_view *v = NULL;
    ck_assert_int_eq(pp_record_view_new(&v, NULL), PP_OK);
    static const char *const files[] = {TESTDATA "/stream/view-cases.jsonl",
                                        TESTDATA "/stream/records.jsonl",
                                        TESTDATA "/stream/bad-lines.jsonl"};
    int took = 0, lines = 0;
    uint64_t x = 0x2545F4914F6CDD1DULL;
    for (size_t fi = 0; fi < 3; fi++) {
        size_t n;
        char *data = tu_read_file(files[fi], &n);
        ck_assert(data);
        for (char *p = data, *end = data + n; p < end;) {
            char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
            lines++;
            took += view_agrees(v, p, len);
            /* and mutants of the line: a byte changed, dropped or doubled */
            char *m = malloc(len + 2);
            for (int k = 0; len && k < 300; k++) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                size_t at = x % len, ml = len;
                memcpy(m, p, len);
                static const char pick[] = "\"\\{}[],:0-1.eEu \x00\x80\xc3\xa9\xff";
                switch ((x >> 32) % 3) {
                case 0:
                    m[at] = pick[(x >> 40) % (sizeof pick - 1)];
                    break;
                case 1:
                    memmove(m + at, m + at + 1, len - at - 1);
                    ml--;
                    break;
                default:
                    memmove(m + at + 1, m + at, len - at);
                    ml++;
                }
                view_agrees(v, m, ml);
            }
            free(m);
            p = nl ? nl + 1 : end;
        }
        free(data);
    }
    /* the view took most lines: the comparison is not empty */
    ck_assert_int_gt(took, lines / 2);
    pp_record_view_free(v);
}
END_TEST

/* Every line with ill-formed UTF-8 is an encoding error naming the first bad
 * byte, wherever the byte is and whatever else is wrong with the line (the
 * check runs only on lines jansson refuses). */
START_TEST(test_parse_bad_utf8_anywhere)
{
    static const struct {
        const char *line;
        size_t bad;
    } cases[] = {
        {"{\"text\":\"ab\xff\"}", 12},         /* in a string */
        {"{\"t\xc3\":\"x\"}", 4},              /* in a key, truncated */
        {"{\"text\":\"\xed\xa0\x80\"}", 10},   /* encoded surrogate */
        {"{\"text\":\"\xc0\xaf\"}", 10},       /* overlong */
        {"{\"text\":\"\xf4\x90\x80\x80\"}", 10}, /* above U+10FFFF */
        {"{\"text\":\"x\"}\xff", 13},          /* after the object */
        {"{\"text\":\xe2\x82\xac}", 9},        /* outside a string, well-formed */
        {"{\"text\":\"\xff\",", 10},           /* and truncated */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *rec = NULL;
        pp_error err;
        pp_status st = pp_record_parse(cases[i].line, strlen(cases[i].line), "f", 3, &rec, &err);
        ck_assert_ptr_null(rec);
        if (i == 6) { /* valid UTF-8, bad JSON */
            ck_assert_int_eq(st, PP_ERR_PARSE);
            continue;
        }
        ck_assert_int_eq(st, PP_ERR_ENCODING);
        char want[64];
        snprintf(want, sizeof want, "invalid UTF-8 at byte %zu of the line", cases[i].bad);
        ck_assert_str_eq(err.message, want);
    }
    json_t *rec = NULL;
    pp_error err;
    const char *ok = "{\"text\":\"\xe1\xba\xb8\xcc\x80 \xf0\x90\x8c\xb0\"}";
    ck_assert_int_eq(pp_record_parse(ok, strlen(ok), "f", 1, &rec, &err), PP_OK);
    json_decref(rec);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("record");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_roundtrip_plain);
    tcase_add_test(tc, test_roundtrip_gz);
    tcase_add_test(tc, test_roundtrip_zst);
    tcase_add_test(tc, test_bad_lines);
    tcase_add_test(tc, test_dump_reals_match_jansson);
    tcase_add_test(tc, test_view_agrees_with_jansson);
    tcase_add_test(tc, test_nul_in_string);
    tcase_add_test(tc, test_source_policy);
    tcase_add_test(tc, test_reject_file_is_valid_utf8);
    tcase_add_test(tc, test_utf8_valid);
    tcase_add_test(tc, test_dump_matches_jansson);
    tcase_add_test(tc, test_parse_bad_utf8_anywhere);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return tu_run(suite()); }
