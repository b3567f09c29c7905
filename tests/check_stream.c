/* check_stream.c — compressed streams: round trips through plain, gzip and
 * zstd; detection by magic bytes; truncated archives; atomic output. */
#include "config.h"
#include "src/polyphony.h"
#include "tests/testutil.h"

#include <sys/stat.h>

static char dir[512];

static void setup(void) { tu_tmpdir(dir, sizeof dir); }
static void teardown(void) { tu_rmtree(dir); }

/* Write `lines` lines through pp_output to `name`, read them back. */
static void roundtrip(const char *name, long lines)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    pp_output *o;
    pp_error err;
    ck_assert_int_eq(pp_output_open(path, &o, &err), PP_OK);
    for (long i = 0; i < lines; i++) {
        char buf[64];
        int n = snprintf(buf, sizeof buf, "line %ld ẹ̀kọ́\n", i);
        ck_assert_int_eq(pp_output_write(o, buf, (size_t)n, &err), PP_OK);
    }
    ck_assert_int_eq(pp_output_close(o, &err), PP_OK);

    pp_input *in;
    ck_assert_int_eq(pp_input_open(path, &in, &err), PP_OK);
    ck_assert_int_eq(pp_input_compression(in), pp_compression_for_path(path));
    long count = 0;
    for (;;) {
        const char *line;
        size_t len;
        ck_assert_int_eq(pp_input_getline(in, &line, &len, &err), PP_OK);
        if (!line)
            break;
        char want[64];
        int n = snprintf(want, sizeof want, "line %ld ẹ̀kọ́", count);
        ck_assert_uint_eq(len, (size_t)n);
        ck_assert(memcmp(line, want, len) == 0);
        count++;
    }
    ck_assert_int_eq(count, lines);
    ck_assert_int_eq(pp_input_lineno(in), lines);
    pp_input_close(in);
}

START_TEST(test_roundtrip_plain) { roundtrip("a.jsonl", 50000); }
END_TEST
START_TEST(test_roundtrip_gzip) { roundtrip("a.jsonl.gz", 50000); }
END_TEST
START_TEST(test_roundtrip_zstd) { roundtrip("a.jsonl.zst", 50000); }
END_TEST

START_TEST(test_magic_not_extension)
{
    /* A gzip file with a misleading name is still read as gzip. */
    char gz[700], odd[700];
    snprintf(gz, sizeof gz, "%s/x.gz", dir);
    snprintf(odd, sizeof odd, "%s/x.txt", dir);
    pp_output *o;
    pp_error err;
    ck_assert_int_eq(pp_output_open(gz, &o, &err), PP_OK);
    ck_assert_int_eq(pp_output_write(o, "hello\nworld", 11, &err), PP_OK);
    ck_assert_int_eq(pp_output_close(o, &err), PP_OK);
    ck_assert_int_eq(rename(gz, odd), 0);
    pp_input *in;
    ck_assert_int_eq(pp_input_open(odd, &in, &err), PP_OK);
    ck_assert_int_eq(pp_input_compression(in), PP_COMP_GZIP);
    const char *line;
    size_t len;
    ck_assert_int_eq(pp_input_getline(in, &line, &len, &err), PP_OK);
    ck_assert_uint_eq(len, 5);
    ck_assert_int_eq(pp_input_getline(in, &line, &len, &err), PP_OK);
    ck_assert(len == 5 && memcmp(line, "world", 5) == 0); /* last line without '\n' */
    ck_assert_int_eq(pp_input_getline(in, &line, &len, &err), PP_OK);
    ck_assert_ptr_null(line);
    pp_input_close(in);
}
END_TEST

static void truncated(const char *name)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    pp_output *o;
    pp_error err;
    ck_assert_int_eq(pp_output_open(path, &o, &err), PP_OK);
    /* Incompressible-ish content so the file is long enough to cut. */
    unsigned x = 12345;
    for (int i = 0; i < 20000; i++) {
        char buf[32];
        x = x * 1103515245u + 12345u;
        int n = snprintf(buf, sizeof buf, "%u\n", x);
        ck_assert_int_eq(pp_output_write(o, buf, (size_t)n, &err), PP_OK);
    }
    ck_assert_int_eq(pp_output_close(o, &err), PP_OK);
    size_t len;
    char *data = tu_read_file(path, &len);
    tu_write_file(path, data, len / 2);
    free(data);
    pp_input *in;
    ck_assert_int_eq(pp_input_open(path, &in, &err), PP_OK);
    pp_status s;
    long good = 0;
    for (;;) {
        const char *line;
        size_t n;
        s = pp_input_getline(in, &line, &n, &err);
        if (s != PP_OK || !line)
            break;
        good++;
    }
    /* The failure ends the input: not a bad line to skip. */
    ck_assert_int_eq(s, PP_ERR_STREAM);
    ck_assert(strstr(err.message, "truncated") != NULL);
    ck_assert_str_eq(err.file, path);
    ck_assert_int_eq(err.line, good + 1);
    char last[64];
    if (good > 0)
        snprintf(last, sizeof last, "line %ld was the last complete line", good);
    else
        snprintf(last, sizeof last, "no complete line could be read");
    ck_assert_msg(strstr(err.message, last) != NULL, "%s", err.message);
    /* Sticky: every later call gives the same error and no data. */
    for (int i = 0; i < 3; i++) {
        const char *line = "x";
        size_t n = 1;
        pp_error again;
        ck_assert_int_eq(pp_input_getline(in, &line, &n, &again), PP_ERR_STREAM);
        ck_assert_ptr_null(line);
        ck_assert_int_eq(again.line, err.line);
        char b[8];
        size_t got = 1;
        ck_assert_int_eq(pp_input_read(in, b, sizeof b, &got, &again), PP_ERR_STREAM);
        ck_assert_uint_eq(got, 0);
    }
    pp_input_close(in);
}

START_TEST(test_truncated_gzip) { truncated("t.gz"); }
END_TEST
START_TEST(test_truncated_zstd) { truncated("t.zst"); }
END_TEST

START_TEST(test_long_line)
{
    char path[700];
    snprintf(path, sizeof path, "%s/long.txt", dir);
    size_t n = 3u << 20; /* longer than the internal buffer */
    char *big = malloc(n + 1);
    memset(big, 'a', n);
    big[n] = '\n';
    tu_write_file(path, big, n + 1);
    pp_input *in;
    pp_error err;
    ck_assert_int_eq(pp_input_open(path, &in, &err), PP_OK);
    const char *line;
    size_t len;
    ck_assert_int_eq(pp_input_getline(in, &line, &len, &err), PP_OK);
    ck_assert_uint_eq(len, n);
    ck_assert(memcmp(line, big, n) == 0);
    pp_input_close(in);
    free(big);
}
END_TEST

START_TEST(test_missing_file)
{
    pp_input *in;
    pp_error err;
    ck_assert_int_eq(pp_input_open("/nonexistent/file.jsonl", &in, &err), PP_ERR_IO);
    ck_assert_ptr_null(in);
    ck_assert_str_eq(err.file, "/nonexistent/file.jsonl");
    ck_assert(strstr(err.message, "cannot open") != NULL);
}
END_TEST

START_TEST(test_abort_leaves_nothing)
{
    char path[700];
    snprintf(path, sizeof path, "%s/out.jsonl", dir);
    pp_output *o;
    pp_error err;
    ck_assert_int_eq(pp_output_open(path, &o, &err), PP_OK);
    ck_assert_int_eq(pp_output_write(o, "x\n", 2, &err), PP_OK);
    struct stat st;
    ck_assert_int_ne(stat(path, &st), 0); /* not visible before close */
    pp_output_abort(o);
    ck_assert_int_ne(stat(path, &st), 0);
    char cmd[800];
    snprintf(cmd, sizeof cmd, "ls '%s' | grep -q tmp", dir);
    ck_assert_int_ne(system(cmd), 0); /* temporary file removed */
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("stream");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_roundtrip_plain);
    tcase_add_test(tc, test_roundtrip_gzip);
    tcase_add_test(tc, test_roundtrip_zstd);
    tcase_add_test(tc, test_magic_not_extension);
    tcase_add_test(tc, test_truncated_gzip);
    tcase_add_test(tc, test_truncated_zstd);
    tcase_add_test(tc, test_long_line);
    tcase_add_test(tc, test_missing_file);
    tcase_add_test(tc, test_abort_leaves_nothing);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return tu_run(suite()); }
