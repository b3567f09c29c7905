/* check_tok_records.c — the records `tokenizer encode` writes
 * (tokenizers/pp_tok_records.h), from a view and from a tree, against the
 * way they were made with jansson: parse, set "pieces", delete "tokens",
 * json_dumpb(JSON_COMPACT), then ,"tokens":[ids]. Random records with
 * fields of every type, reals of any bit pattern, "pieces" and "tokens"
 * in any place. */
#include "config.h"

#include "src/pp_record.h"
#include "src/pp_record_view.h"
#include "tokenizers/pp_tok_records.h"
#include "tokenizers/pp_tokenizer.h"

#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static const char *const texts[] = {
    "", "a", "Ẹ̀kọ́ ni ọ̀nà <mask> № 5", "quote \" back \\ tab\t nl\n ctl \x01 del \x7f",
    "ሁሉም ሰው 你好 𐌰𐌱 سلام", "   spaces   ", "digits 12345 and ∑ symbols"};

static json_t *random_value(int depth)
{
    switch (next() % (depth < 3 ? 9 : 7)) {
    case 0: return json_null();
    case 1: return json_true();
    case 2: return json_false();
    case 3: return json_integer((json_int_t)next());
    case 4: {
        uint64_t x = next();
        double d;
        memcpy(&d, &x, sizeof d);
        if (!isfinite(d) || x % 3 == 0)
            d = (double)(int64_t)(x % 2000001 - 1000000) / (double)(1 + x % 1000);
        return json_real(d);
    }
    case 5:
    case 6: return json_string(texts[next() % (sizeof texts / sizeof *texts)]);
    case 7: {
        json_t *a = json_array();
        for (int n = (int)(next() % 4); n > 0; n--)
            json_array_append_new(a, random_value(depth + 1));
        return a;
    }
    default: {
        json_t *o = json_object();
        for (int n = (int)(next() % 4); n > 0; n--) {
            char k[16];
            snprintf(k, sizeof k, "k%d\"%d", depth, (int)(next() % 5));
            json_object_set_new(o, k, random_value(depth + 1));
        }
        return o;
    }
    }
}

/* The output as it was made before, from jansson's tree of the line. */
static char *reference(pp_tokenizer *t, const char *line, int pieces)
{
    json_t *rec = json_loads(line, JSON_REJECT_DUPLICATES, NULL);
    ck_assert_ptr_nonnull(rec);
    json_t *tx = json_object_get(rec, "text");
    int32_t *ids = NULL;
    size_t n = 0;
    pp_error err;
    ck_assert_int_eq(pp_tokenizer_encode_ids(t, json_string_value(tx), json_string_length(tx),
                                             &ids, &n, &err),
                     PP_OK);
    if (pieces) {
        json_t *ps = json_array();
        for (size_t i = 0; i < n; i++) {
            size_t pl = 0;
            const char *p = pp_tokenizer_piece(t, ids[i], &pl);
            if (p && pp_utf8_valid(p, pl, NULL)) {
                json_array_append_new(ps, json_stringn(p, pl));
            } else {
                char hex[8 * 6 + 1] = "";
                for (size_t k = 0; p && k < pl && k < 8; k++)
                    snprintf(hex + 6 * k, 7, "<0x%02X>", (unsigned char)p[k]);
                json_array_append_new(ps, json_string(hex));
            }
        }
        json_object_set_new(rec, "pieces", ps);
    }
    json_object_del(rec, "tokens");
    char *s = json_dumps(rec, JSON_COMPACT);
    json_decref(rec);
    size_t sl = strlen(s);
    s = realloc(s, sl + 16 + 12 * n);
    sl--; /* over the closing brace */
    sl += (size_t)sprintf(s + sl, ",\"tokens\":[");
    for (size_t i = 0; i < n; i++)
        sl += (size_t)sprintf(s + sl, "%s%d", i ? "," : "", ids[i]);
    strcpy(s + sl, "]}");
    free(ids);
    return s;
}

START_TEST(test_encode_matches_jansson_output)
{
    static const char *const models[] = {TESTDATA "/stream/tiny-nfkc.model.zst",
                                         TESTDATA "/stream/tiny-bytes.model.zst"};
    pp_record_view *v = NULL;
    pp_error err;
    ck_assert_int_eq(pp_record_view_new(&v, &err), PP_OK);
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (size_t m = 0; m < 2; m++) {
        pp_tokenizer *t = NULL;
        ck_assert_int_eq(pp_tokenizer_load(models[m], PP_TOK_AUTO, NULL, &t, &err), PP_OK);
        for (int r = 0; r < 1500; r++) {
            /* fields in a random order, "text" among them */
            json_t *rec = json_object();
            int nf = (int)(next() % 6), at = (int)(next() % (unsigned)(nf + 1));
            for (int i = 0; i <= nf; i++) {
                static const char *const keys[] = {"id", "pieces", "tokens", "meta", "x",
                                                   "é\n", "lang", "n"};
                if (i == at)
                    json_object_set_new(rec, "text",
                                        json_string(texts[next() % (sizeof texts / sizeof *texts)]));
                else
                    json_object_set_new(rec, keys[next() % 8], random_value(0));
            }
            char *line = json_dumps(rec, JSON_COMPACT | JSON_REAL_PRECISION(17));
            int pieces = r % 2;
            char *want = reference(t, line, pieces);
            ck_assert(pp_record_view_parse(v, line, strlen(line)));
            len = 0;
            ck_assert_int_eq(pp_tok_encode_view(t, v, pieces, &buf, &len, &cap, &err), PP_OK);
            ck_assert_msg(len == strlen(want) && memcmp(buf, want, len) == 0,
                          "view: %s\n got %.*s\nwant %s", line, (int)len, buf, want);
            json_t *tree = json_loads(line, 0, NULL);
            size_t keep = len; /* appends after what is there */
            ck_assert_int_eq(pp_tok_encode_tree(t, tree, pieces, &buf, &len, &cap, &err), PP_OK);
            ck_assert_msg(len - keep == strlen(want) && memcmp(buf + keep, want, len - keep) == 0,
                          "tree: %s", line);
            json_decref(tree);
            free(want);
            free(line);
            json_decref(rec);
        }
        /* plain text is the record {"text": line} */
        len = 0;
        ck_assert_int_eq(pp_tok_encode_text(t, "a \"b\"\t", 6, 1, &buf, &len, &cap, &err), PP_OK);
        char *want = reference(t, "{\"text\":\"a \\\"b\\\"\\t\"}", 1);
        ck_assert(len == strlen(want) && memcmp(buf, want, len) == 0);
        free(want);
        /* errors: no text, ill-formed text */
        ck_assert(pp_record_view_parse(v, "{\"text\":1}", 10));
        ck_assert_int_eq(pp_tok_encode_view(t, v, 0, &buf, &len, &cap, &err), PP_ERR_PARSE);
        ck_assert_str_eq(err.message, "record has no \"text\" string");
        ck_assert_int_eq(pp_tok_encode_text(t, "ab\xc3", 3, 0, &buf, &len, &cap, &err),
                         PP_ERR_ENCODING);
        ck_assert_str_eq(err.message, "invalid UTF-8 at byte 2");
        pp_tokenizer_free(t);
    }
    free(buf);
    pp_record_view_free(v);
}
END_TEST

/* Reals are written with 17 digits by the project's own formatter where
 * it can (fixed-point magnitudes): the digits of jansson's "%.17g" on
 * decimals as data has them, their neighbours, ties at the 18th digit
 * (123456789012345.125) and any bit pattern. */
START_TEST(test_encode_reals_match_jansson)
{
    static const double p10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12};
    pp_tokenizer *t = NULL;
    pp_record_view *v = NULL;
    pp_error err;
    ck_assert_int_eq(pp_tokenizer_load(TESTDATA "/stream/tiny-bytes.model.zst", PP_TOK_AUTO, NULL,
                                       &t, &err),
                     PP_OK);
    ck_assert_int_eq(pp_record_view_new(&v, &err), PP_OK);
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (int r = 0; r < 400; r++) {
        json_t *a = json_array();
        for (int i = 0; i < 50; i++) {
            uint64_t x = next();
            double d;
            switch (i % 4) {
            case 0:
                d = (double)(int64_t)(x % 2000000001ULL - 1000000000LL) / p10[(x >> 40) % 13];
                break;
            case 1:
                d = nextafter((double)(int64_t)(x % 20001 - 10000) / p10[(x >> 40) % 8],
                              (x >> 20) & 1 ? 1e300 : -1e300);
                break;
            case 2:
                d = ldexp((double)(100000000000000LL + (int64_t)(x % 900000000000000ULL)) +
                              (double)(2 * (x % 4) + 1) / 8.0,
                          -(int)((x >> 50) % 50));
                break;
            default:
                memcpy(&d, &x, sizeof d);
                if (!isfinite(d))
                    d = 0.5;
            }
            json_array_append_new(a, json_real(d));
        }
        json_t *rec = json_pack("{s:s,s:o}", "text", "a", "r", a);
        char *line = json_dumps(rec, JSON_COMPACT | JSON_REAL_PRECISION(17));
        char *want = reference(t, line, 0);
        ck_assert(pp_record_view_parse(v, line, strlen(line)));
        len = 0;
        ck_assert_int_eq(pp_tok_encode_view(t, v, 0, &buf, &len, &cap, &err), PP_OK);
        ck_assert_msg(len == strlen(want) && memcmp(buf, want, len) == 0, "got %.*s\nwant %s",
                      (int)len, buf, want);
        free(want);
        free(line);
        json_decref(rec);
    }
    free(buf);
    pp_record_view_free(v);
    pp_tokenizer_free(t);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("tok_records");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_encode_matches_jansson_output);
    tcase_add_test(tc, test_encode_reals_match_jansson);
    suite_add_tcase(s, tc);
    return s;
}

#include "tests/testutil.h"

int main(void) { return tu_run(suite()); }
