/* check_tokenizer.c — the tokenizer back ends against reference fixtures,
 * bad input, long lines, the audit's figures and the language sampler. */
#include "config.h"

#include "src/pp_record.h"
#include "corpora-tools/mixing/pp_sample.h"
#include "tokenizers/pp_spm.h"
#include "tokenizers/pp_tok_audit.h"
#include "tokenizers/pp_tokenizer.h"

#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T TESTDATA "/tokenizers/"

static char tmpdir[256];

static void setup(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/check_tokenizer.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

static pp_tokenizer *load(const char *path, pp_tok_format f)
{
    pp_tokenizer *t = NULL;
    pp_error err;
    pp_status st = pp_tokenizer_load(path, f, NULL, &t, &err);
    ck_assert_msg(st == PP_OK, "%s: %s", path, err.message);
    return t;
}

/* Every sample line encodes to exactly the reference ids, and decodes back. */
static void match_fixture(pp_tokenizer *t, const char *expected)
{
    pp_reader *rs = NULL, *re = NULL;
    pp_error err;
    ck_assert_int_eq(pp_reader_open(T "sample.jsonl", &rs, &err), PP_OK);
    ck_assert_int_eq(pp_reader_open(expected, &re, &err), PP_OK);
    json_t *a, *b;
    long lines = 0;
    while (pp_reader_next(rs, &a, &err) == PP_OK && a) {
        ck_assert_int_eq(pp_reader_next(re, &b, &err), PP_OK);
        ck_assert_ptr_nonnull(b);
        ck_assert_str_eq(pp_record_str(a, "id"), pp_record_str(b, "id"));
        const char *text = pp_record_str(a, "text");
        json_t *want = json_object_get(b, "tokens");
        pp_encoding e;
        ck_assert_int_eq(pp_tokenizer_encode(t, text, strlen(text), &e, &err), PP_OK);
        ck_assert_msg(e.n == json_array_size(want), "%s: %zu tokens, reference %zu",
                      pp_record_str(a, "id"), e.n, json_array_size(want));
        for (size_t i = 0; i < e.n; i++)
            ck_assert_msg(e.ids[i] == json_integer_value(json_array_get(want, i)),
                          "%s: token %zu is %d, reference %lld", pp_record_str(a, "id"), i,
                          e.ids[i], (long long)json_integer_value(json_array_get(want, i)));
        char *dec = NULL;
        size_t dl = 0;
        ck_assert_int_eq(pp_tokenizer_decode(t, e.ids, e.n, &dec, &dl, &err), PP_OK);
        ck_assert_str_eq(dec, text);
        free(dec);
        pp_encoding_clear(&e);
        json_decref(a);
        json_decref(b);
        lines++;
    }
    ck_assert_int_gt(lines, 150);
    pp_reader_close(rs);
    pp_reader_close(re);
}

START_TEST(cl100k_matches_js_tiktoken)
{
    pp_tokenizer *t = load(T "cl100k_base.tiktoken.zst", PP_TOK_AUTO);
    ck_assert_int_eq(pp_tokenizer_format(t), PP_TOK_TIKTOKEN);
    ck_assert_uint_eq(pp_tokenizer_vocab_size(t), 100256);
    match_fixture(t, T "cl100k_base.expected.jsonl");
    /* a hand-checked case */
    pp_encoding e;
    ck_assert_int_eq(pp_tokenizer_encode(t, "hello world", 11, &e, NULL), PP_OK);
    ck_assert_uint_eq(e.n, 2);
    ck_assert_int_eq(e.ids[0], 15339);
    ck_assert_int_eq(e.ids[1], 1917);
    ck_assert_uint_eq(e.start[1], 5);
    ck_assert_uint_eq(e.end[1], 11);
    pp_encoding_clear(&e);
    pp_tokenizer_free(t);
}
END_TEST

/* o200k_base: its rank file (3.6 MB) is not shipped; regenerate.sh with
 * PP_TIKTOKEN_OUT=DIR leaves it in DIR, and PP_O200K=DIR/o200k_base.tiktoken
 * runs this comparison. */
START_TEST(o200k_matches_js_tiktoken)
{
    const char *path = getenv("PP_O200K");
    if (!path || access(path, R_OK) != 0)
        return;
    pp_tokenizer *t = load(path, PP_TOK_TIKTOKEN);
    match_fixture(t, T "o200k_base.expected.jsonl");
    pp_tokenizer_free(t);
}
END_TEST

START_TEST(hf_bpe_matches_transformers_js)
{
    pp_tokenizer *t = load(T "llama3-small.tokenizer.json", PP_TOK_AUTO);
    ck_assert_int_eq(pp_tokenizer_format(t), PP_TOK_HF);
    match_fixture(t, T "llama3-small.expected.jsonl");
    pp_tokenizer_free(t);
}
END_TEST

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* Character-level BPE with byte fallback (Llama 2 family). */
START_TEST(hf_char_bpe_matches_transformers_js)
{
    pp_tokenizer *t = load(T "llama2-small.tokenizer.json", PP_TOK_AUTO);
    ck_assert(pp_tokenizer_has_byte_fallback(t));
    match_fixture(t, T "llama2-small.expected.jsonl");
    /* a character outside the cut vocabulary goes out as its bytes */
    pp_encoding e;
    ck_assert_int_eq(pp_tokenizer_encode(t, "\xf0\x9f\x90\x99", 4, &e, NULL), PP_OK);
    int bytes = 0;
    for (size_t i = 0; i < e.n; i++)
        bytes += pp_tokenizer_is_byte(t, e.ids[i]);
    ck_assert_int_eq(bytes, 4);
    pp_encoding_clear(&e);
    pp_tokenizer_free(t);
}
END_TEST

START_TEST(corrupt_models_are_errors)
{
    char path[512];
    pp_tokenizer *t = NULL;
    pp_error err;
    static const struct {
        const char *name, *data;
        pp_tok_format f;
        pp_status want;
    } cases[] = {
        {"bad.model", "\x0a\x05garbage that is not a model proto", PP_TOK_SPM, PP_ERR_MODEL},
        {"bad.json", "{\"model\": {\"type\": \"BPE\", \"vocab\": ", PP_TOK_HF, PP_ERR_MODEL},
        {"nomodel.json", "{\"version\": \"1.0\"}", PP_TOK_HF, PP_ERR_MODEL},
        {"odd.json", "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}", PP_TOK_HF,
         PP_ERR_UNSUPPORTED},
        {"cl100k_base.tiktoken", "IQ== 0\nIg== x\n", PP_TOK_TIKTOKEN, PP_ERR_PARSE},
        {"cl100k_base.short", "IQ== 0\nIg== 1\n", PP_TOK_TIKTOKEN, PP_ERR_MODEL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", tmpdir, cases[i].name);
        write_file(path, cases[i].data, strlen(cases[i].data));
        ck_assert_int_eq(pp_tokenizer_load(path, cases[i].f, NULL, &t, &err), cases[i].want);
        ck_assert_ptr_null(t);
        ck_assert_str_ne(err.message, "");
    }
    ck_assert_int_eq(pp_tokenizer_load(T "no-such-file", PP_TOK_SPM, NULL, &t, &err), PP_ERR_IO);
    /* a tiktoken rank file of unknown name needs its pattern */
    snprintf(path, sizeof path, "%s/mine.tiktoken", tmpdir);
    write_file(path, "IQ== 0\n", 7);
    ck_assert_int_eq(pp_tokenizer_load(path, PP_TOK_TIKTOKEN, NULL, &t, &err), PP_ERR_INVALID);
}
END_TEST

START_TEST(empty_and_invalid_input)
{
    pp_tokenizer *t = load(T "cl100k_base.tiktoken.zst", PP_TOK_TIKTOKEN);
    pp_encoding e;
    pp_error err;
    ck_assert_int_eq(pp_tokenizer_encode(t, "", 0, &e, &err), PP_OK);
    ck_assert_uint_eq(e.n, 0);
    pp_encoding_clear(&e);
    char *dec = NULL;
    size_t dl = 1;
    ck_assert_int_eq(pp_tokenizer_decode(t, NULL, 0, &dec, &dl, &err), PP_OK);
    ck_assert_str_eq(dec, "");
    ck_assert_uint_eq(dl, 0);
    free(dec);
    ck_assert_int_eq(pp_tokenizer_encode(t, "a\xff" "b", 3, &e, &err), PP_ERR_ENCODING);
    int32_t bad[] = {5, 999999};
    ck_assert_int_eq(pp_tokenizer_decode(t, bad, 2, &dec, &dl, &err), PP_ERR_INVALID);
    /* ids cut inside a character decode to U+FFFD, never to invalid UTF-8 */
    ck_assert_int_eq(pp_tokenizer_encode(t, "\xe1\x88\x80", 3, &e, &err), PP_OK); /* U+1200 */
    ck_assert_uint_gt(e.n, 1);
    ck_assert_int_eq(pp_tokenizer_decode(t, e.ids, 1, &dec, &dl, &err), PP_OK);
    ck_assert(pp_utf8_valid(dec, dl, NULL));
    free(dec);
    pp_encoding_clear(&e);
    pp_tokenizer_free(t);
}
END_TEST

/* A 1 MB line without spaces: letters (one regex match, one BPE pre-token of
 * 1 MB) and Ethiopic (multi-byte, byte-level merges). Both must finish fast
 * and round-trip. */
START_TEST(very_long_lines)
{
    pp_tokenizer *t = load(T "cl100k_base.tiktoken.zst", PP_TOK_TIKTOKEN);
    size_t n = 1 << 20;
    char *s = malloc(n + 1);
    static const char eth[] = "\xe1\x88\x80\xe1\x88\x8d\xe1\x88\x9d"; /* ሀ ል ም */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++)
            s[i] = pass == 0 ? (char)("abcdefgh"[(i * 7 + i / 3) % 8]) : eth[i % 9];
        size_t len = pass == 0 ? n : n - n % 9;
        s[len] = '\0';
        pp_encoding e;
        pp_error err;
        ck_assert_int_eq(pp_tokenizer_encode(t, s, len, &e, &err), PP_OK);
        ck_assert_uint_gt(e.n, len / 16);
        char *dec = NULL;
        size_t dl = 0;
        ck_assert_int_eq(pp_tokenizer_decode(t, e.ids, e.n, &dec, &dl, &err), PP_OK);
        ck_assert_uint_eq(dl, len);
        ck_assert(memcmp(dec, s, len) == 0);
        free(dec);
        pp_encoding_clear(&e);
    }
    free(s);
    pp_tokenizer_free(t);
}
END_TEST

/* Unigram: a small SentencePiece model exported as tokenizer.json (Metaspace,
 * Unigram) must segment exactly as SentencePiece does. */
START_TEST(hf_unigram_matches_sentencepiece)
{
    char prefix[512], model[600], json[600];
    snprintf(prefix, sizeof prefix, "%s/uni", tmpdir);
    snprintf(model, sizeof model, "%s.model", prefix);
    snprintf(json, sizeof json, "%s/tokenizer.json", tmpdir);
    const char *k[] = {"input", "model_prefix", "vocab_size", "model_type",
                       "normalization_rule_name", "remove_extra_whitespaces", "minloglevel",
                       "hard_vocab_limit", "num_threads"};
    const char *v[] = {T "yo-udhr-train.jsonl", prefix, "400", "unigram", "identity", "false",
                       "2", "false", "1"};
    pp_error err;
    ck_assert_msg(pp_spm_train_kv(k, v, 9, &err) == PP_OK, "%s", err.message);
    pp_spm *spm = NULL;
    ck_assert_int_eq(pp_spm_load(model, &spm, &err), PP_OK);
    pp_spm_info info;
    pp_spm_get_info(spm, &info);
    ck_assert_str_eq(info.normalizer, "identity");
    ck_assert_int_eq(info.remove_extra_whitespaces, 0);
    ck_assert_int_eq(info.model_type, 1);
    json_t *vocab = json_array();
    int unk = -1;
    for (int i = 0; i < pp_spm_vocab_size(spm); i++) {
        json_array_append_new(vocab, json_pack("[s,f]", pp_spm_id_to_piece(spm, i),
                                               (double)pp_spm_score(spm, i)));
        if (pp_spm_is_unknown(spm, i))
            unk = i;
    }
    json_t *root = json_pack("{s:n,s:{s:s,s:s,s:s,s:b},s:{s:s,s:i,s:o}}", "normalizer",
                             "pre_tokenizer", "type", "Metaspace", "replacement", "\xe2\x96\x81",
                             "prepend_scheme", "always", "split", 1, "model", "type", "Unigram",
                             "unk_id", unk, "vocab", vocab);
    ck_assert_int_eq(json_dump_file(root, json, 0), 0);
    json_decref(root);
    pp_tokenizer *t = load(json, PP_TOK_HF);
    pp_reader *r = NULL;
    ck_assert_int_eq(pp_reader_open(T "yo-udhr-train.jsonl", &r, &err), PP_OK);
    json_t *rec;
    long lines = 0;
    while (pp_reader_next(r, &rec, &err) == PP_OK && rec) {
        const char *text = pp_record_str(rec, "text");
        int *ids = NULL;
        size_t n = 0;
        ck_assert_int_eq(pp_spm_encode_ids(spm, text, strlen(text), &ids, &n, &err), PP_OK);
        pp_encoding e;
        ck_assert_int_eq(pp_tokenizer_encode(t, text, strlen(text), &e, &err), PP_OK);
        ck_assert_uint_eq(e.n, n);
        for (size_t i = 0; i < n; i++)
            ck_assert_int_eq(e.ids[i], ids[i]);
        free(ids);
        pp_encoding_clear(&e);
        json_decref(rec);
        lines++;
    }
    ck_assert_int_gt(lines, 40);
    /* outside the vocabulary: one fused unknown piece, lost on decode */
    pp_encoding e;
    ck_assert_int_eq(pp_tokenizer_encode(t, "a \xe4\xb8\x80\xe4\xba\x8c b", 10, &e, &err), PP_OK);
    int unks = 0;
    for (size_t i = 0; i < e.n; i++)
        unks += pp_tokenizer_is_unknown(t, e.ids[i]);
    ck_assert_int_eq(unks, 1);
    pp_encoding_clear(&e);
    pp_reader_close(r);
    pp_tokenizer_free(t);
    pp_spm_free(spm);
}
END_TEST

START_TEST(spm_unknown_and_byte_fallback)
{
    char prefix[512], model[600];
    snprintf(prefix, sizeof prefix, "%s/bf", tmpdir);
    snprintf(model, sizeof model, "%s.model", prefix);
    const char *k[] = {"input", "model_prefix", "vocab_size", "byte_fallback", "minloglevel",
                       "hard_vocab_limit", "num_threads"};
    const char *v[] = {T "yo-udhr-train.jsonl", prefix, "600", "true", "2", "false", "1"};
    pp_error err;
    ck_assert_msg(pp_spm_train_kv(k, v, 7, &err) == PP_OK, "%s", err.message);
    pp_tokenizer *t = load(model, PP_TOK_AUTO);
    ck_assert_int_eq(pp_tokenizer_format(t), PP_TOK_SPM);
    ck_assert(pp_tokenizer_has_byte_fallback(t));
    const char *text = "ọmọ \xe4\xb8\x80"; /* 一 is not in the Yoruba vocabulary */
    pp_encoding e;
    ck_assert_int_eq(pp_tokenizer_encode(t, text, strlen(text), &e, &err), PP_OK);
    int bytes = 0;
    for (size_t i = 0; i < e.n; i++)
        bytes += pp_tokenizer_is_byte(t, e.ids[i]);
    ck_assert_int_eq(bytes, 3);
    ck_assert_uint_eq(e.end[e.n - 1], strlen(text));
    char *dec = NULL;
    size_t dl;
    ck_assert_int_eq(pp_tokenizer_decode(t, e.ids, e.n, &dec, &dl, &err), PP_OK);
    ck_assert_str_eq(dec, text);
    free(dec);
    pp_encoding_clear(&e);
    pp_tokenizer_free(t);
}
END_TEST

/* The ids of SentencePiece unigram models computed in C (pp_tokenizer_encode_ids)
 * are the library's (pp_spm_encode_ids) on every sample line and on random
 * strings built from white space of several kinds, user symbols, combining
 * marks, compatibility characters, control characters and pieces' own
 * spellings, for models that differ in normalization, white-space rules,
 * user symbols and byte fallback. */
static void same_ids_as_library(const char *path, pp_spm *spm)
{
    pp_tokenizer *t = load(path, PP_TOK_SPM);
    static const char *const atoms[] = {
        " ", "  ", "\t", "\n", "\r", "\xe3\x80\x80", "\xc2\xa0", "\xe2\x96\x81", "a", "e", "n",
        "t", "s", "th", "the ", "and", "A", "Z", "\xc3\xa9", "e\xcc\x81", "\xe1\xbb\x8d",
        "\xe1\xbb\x8c", "\xe1\xba\xb9\xcc\x81", "\xe4\xb8\x80", "\xe4\xba\xba", "\xf0\x9f\x98\x80",
        "\xef\xbd\xb6", "\xef\xbc\xa1", "\xe2\x91\xa0", "\xc2\xbd", "\xef\xac\x81", "<mask>",
        "\xe2\x84\x96", "<s>", "</s>", "<unk>", "<0x41>", "0", "7", "42", ".", ",", "-", "\x01",
        "\x7f", "\xd0\xb6", "\xd0\xb8\xd0\xb5", "\xd8\xa7\xd9\x84", "\xe0\xa4\x95\xe0\xa5\x8d",
        "\xe0\xb8\x81\xe0\xb8\xb2", "\xe1\x8a\xa0"};
    const size_t na = sizeof atoms / sizeof *atoms;
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    char text[512];
    pp_error err;
    for (int round = 0; round < 3000; round++) {
        size_t len = 0;
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        int natoms = (int)(seed >> 59) + 1; /* 1..32 */
        for (int k = 0; k < natoms; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            const char *a = atoms[(seed >> 33) % na];
            size_t al = strlen(a);
            memcpy(text + len, a, al);
            len += al;
        }
        int32_t *mine = NULL;
        int *lib = NULL;
        size_t nm = 0, nl = 0;
        ck_assert_int_eq(pp_tokenizer_encode_ids(t, text, len, &mine, &nm, &err), PP_OK);
        ck_assert_int_eq(pp_spm_encode_ids(spm, text, len, &lib, &nl, &err), PP_OK);
        ck_assert_msg(nm == nl, "%s: '%.*s': %zu ids, library %zu", path, (int)len, text, nm, nl);
        for (size_t i = 0; i < nm; i++)
            ck_assert_msg(mine[i] == lib[i], "%s: '%.*s': id %zu is %d, library %d", path,
                          (int)len, text, i, mine[i], lib[i]);
        free(mine);
        free(lib);
    }
    pp_reader *r = NULL;
    ck_assert_int_eq(pp_reader_open(T "sample.jsonl", &r, &err), PP_OK);
    json_t *rec;
    while (pp_reader_next(r, &rec, &err) == PP_OK && rec) {
        const char *s = pp_record_str(rec, "text");
        int32_t *mine = NULL;
        int *lib = NULL;
        size_t nm = 0, nl = 0;
        ck_assert_int_eq(pp_tokenizer_encode_ids(t, s, strlen(s), &mine, &nm, &err), PP_OK);
        ck_assert_int_eq(pp_spm_encode_ids(spm, s, strlen(s), &lib, &nl, &err), PP_OK);
        ck_assert_uint_eq(nm, nl);
        ck_assert_int_eq(memcmp(mine, lib, nm * sizeof *mine), 0);
        free(mine);
        free(lib);
        json_decref(rec);
    }
    pp_reader_close(r);
    pp_tokenizer_free(t);
}

static pp_spm *spm_from_file(const char *path)
{
    pp_input *in = NULL;
    char *data = NULL;
    size_t len = 0;
    pp_error err;
    pp_spm *spm = NULL;
    ck_assert_int_eq(pp_input_open(path, &in, &err), PP_OK);
    ck_assert_int_eq(pp_input_slurp(in, &data, &len, &err), PP_OK);
    pp_input_close(in);
    ck_assert_int_eq(pp_spm_load_bytes(data, len, &spm, &err), PP_OK);
    free(data);
    return spm;
}

START_TEST(spm_unigram_ids_match_library)
{
    static const char *const committed[] = {TESTDATA "/stream/tiny-nfkc.model.zst",
                                            TESTDATA "/stream/tiny-bytes.model.zst"};
    for (size_t i = 0; i < 2; i++) {
        pp_spm *spm = spm_from_file(committed[i]);
        same_ids_as_library(committed[i], spm);
        pp_spm_free(spm);
    }
    /* trained here: no dummy prefix and white space kept under nmt_nfkc;
     * nfkc_cf with user symbols and byte fallback; and a BPE model (the
     * library's own encoder: same answer by construction) */
    static const char *const variants[][4] = {
        {"add_dummy_prefix", "false", "remove_extra_whitespaces", "false"},
        {"normalization_rule_name", "nfkc_cf", "user_defined_symbols", "<mask>,ọmọ"},
        {"model_type", "bpe", "byte_fallback", "true"}};
    for (size_t i = 0; i < 3; i++) {
        char prefix[512], model[600];
        snprintf(prefix, sizeof prefix, "%s/v%zu", tmpdir, i);
        snprintf(model, sizeof model, "%s.model", prefix);
        const char *k[] = {"input", "model_prefix", "vocab_size", "minloglevel",
                           "hard_vocab_limit", "num_threads", variants[i][0], variants[i][2]};
        const char *v[] = {T "yo-udhr-train.jsonl", prefix, "500", "2", "false", "1",
                           variants[i][1], variants[i][3]};
        pp_error err;
        ck_assert_msg(pp_spm_train_kv(k, v, 8, &err) == PP_OK, "%s", err.message);
        pp_spm *spm = spm_from_file(model);
        same_ids_as_library(model, spm);
        pp_spm_free(spm);
    }
}
END_TEST

/* Premium = Σ tokens(lang) / Σ tokens(ref) over aligned keys only. */
START_TEST(audit_premium_by_hand)
{
    pp_tokenizer *t = load(T "cl100k_base.tiktoken.zst", PP_TOK_TIKTOKEN);
    pp_tok_audit *a = NULL;
    ck_assert_int_eq(pp_tok_audit_new(t, &a, NULL), PP_OK);
    /* "hello world" = 2 tokens, "hello" = 1; " world" alone = 1 */
    ck_assert_int_eq(pp_tok_audit_add(a, "en", "k1", "hello world", 11, NULL), PP_OK);
    ck_assert_int_eq(pp_tok_audit_add(a, "en", "k2", "hello", 5, NULL), PP_OK);
    ck_assert_int_eq(pp_tok_audit_add(a, "en", "k3", "hello world hello", 17, NULL), PP_OK);
    /* the other language: k1 and k2 only; k9 is not aligned */
    const char *x1 = "\xe1\x88\x80\xe1\x88\x8d"; /* ሀል */
    pp_encoding e;
    ck_assert_int_eq(pp_tokenizer_encode(t, x1, strlen(x1), &e, NULL), PP_OK);
    size_t n1 = e.n;
    pp_encoding_clear(&e);
    ck_assert_int_eq(pp_tok_audit_add(a, "am", "k1", x1, strlen(x1), NULL), PP_OK);
    ck_assert_int_eq(pp_tok_audit_add(a, "am", "k2", "hello world", 11, NULL), PP_OK);
    ck_assert_int_eq(pp_tok_audit_add(a, "am", "k9", "hello", 5, NULL), PP_OK);
    ck_assert_int_eq(pp_tok_audit_add(a, "am", "k1", "x", 1, NULL), PP_OK); /* repeated key */
    pp_error err;
    ck_assert_int_eq(pp_tok_audit_finish(a, "xx", &err), PP_ERR_NOT_FOUND);
    ck_assert_int_eq(pp_tok_audit_finish(a, "en", &err), PP_OK);
    ck_assert_uint_eq(pp_tok_audit_count(a), 2);
    const pp_tok_lang_stats *am = pp_tok_audit_get(a, 0), *en = pp_tok_audit_get(a, 1);
    ck_assert_str_eq(am->lang, "am");
    ck_assert_str_eq(en->lang, "en");
    ck_assert_int_eq(en->tokens, 2 + 1 + 3);
    ck_assert_double_eq_tol(en->premium, 1.0, 1e-12);
    ck_assert_int_eq(am->aligned, 2);
    ck_assert_double_eq_tol(am->premium, (double)(n1 + 2) / (2 + 1), 1e-12);
    /* fertility: en has 2 + 1 + 3 words for 6 tokens */
    ck_assert_double_eq_tol(en->fertility, 1.0, 1e-12);
    ck_assert_double_eq_tol(en->chars_per_token, 33.0 / 6, 1e-12);
    ck_assert_double_eq_tol(en->roundtrip_lossless, 1.0, 1e-12);
    ck_assert_double_eq_tol(en->unk_rate, 0.0, 1e-12);
    /* ሀል is one word in more than one token: a continued word */
    ck_assert_int_ge(am->continued, 1);
    pp_tok_audit_free(a);
    pp_tokenizer_free(t);
}
END_TEST

START_TEST(align_keys)
{
    char *k = pp_tok_align_key("udhr-yor-a1-p2");
    ck_assert_str_eq(k, "a1-p2");
    free(k);
    k = pp_tok_align_key("udhr-cmn_hans-a0-p11");
    ck_assert_str_eq(k, "a0-p11");
    free(k);
    k = pp_tok_align_key("sentence-17");
    ck_assert_str_eq(k, "sentence-17");
    free(k);
    ck_assert_ptr_null(pp_tok_align_key(NULL));
}
END_TEST

START_TEST(renyi_efficiency)
{
    /* two equiprobable tokens: H_a = log 2 for every a; over |V| = 4: 0.5 */
    long c2[] = {5, 5};
    ck_assert_double_eq_tol(pp_renyi_efficiency(c2, 2, 2.5, 4), 0.5, 1e-12);
    /* p = (0.75, 0.25): H_2.5 = log(0.75^2.5 + 0.25^2.5) / (1 - 2.5) */
    long c3[] = {3, 1};
    double h = log(pow(0.75, 2.5) + pow(0.25, 2.5)) / -1.5;
    ck_assert_double_eq_tol(pp_renyi_efficiency(c3, 2, 2.5, 8), h / log(8), 1e-12);
    ck_assert(isnan(pp_renyi_efficiency(c3, 0, 2.5, 8)));
}
END_TEST

START_TEST(sampler)
{
    double sizes[] = {900, 90, 10}, sh[3], ep[3];
    /* T = 1: the natural distribution, one epoch each */
    ck_assert_int_eq(pp_sample_temperature(sizes, 3, 1.0, 1000, sh, ep, NULL), PP_OK);
    ck_assert_double_eq_tol(sh[0], 0.9, 1e-12);
    ck_assert_double_eq_tol(ep[2], 1.0, 1e-12);
    /* T = 2: shares ∝ sqrt(p) */
    ck_assert_int_eq(pp_sample_temperature(sizes, 3, 2.0, 1000, sh, ep, NULL), PP_OK);
    double z = sqrt(0.9) + sqrt(0.09) + sqrt(0.01);
    ck_assert_double_eq_tol(sh[2], sqrt(0.01) / z, 1e-12);
    ck_assert_double_eq_tol(ep[2], sh[2] * 1000 / 10, 1e-9);
    /* UniMax, budget 600, at most 2 epochs: 10 → 20 (capped), 90 → min(290, 180) = 180,
     * 900 → 400 */
    ck_assert_int_eq(pp_sample_unimax(sizes, 3, 600, 2, sh, ep, NULL), PP_OK);
    ck_assert_double_eq_tol(sh[2] * 600, 20, 1e-9);
    ck_assert_double_eq_tol(sh[1] * 600, 180, 1e-9);
    ck_assert_double_eq_tol(sh[0] * 600, 400, 1e-9);
    ck_assert_double_eq_tol(ep[0], 400.0 / 900, 1e-12);
    ck_assert_double_eq_tol(ep[2], 2.0, 1e-12);
    pp_error err;
    ck_assert_int_eq(pp_sample_unimax(sizes, 0, 600, 2, sh, ep, &err), PP_ERR_INVALID);
    ck_assert_int_eq(pp_sample_temperature(sizes, 3, 0, 600, sh, ep, &err), PP_ERR_INVALID);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("tokenizer");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, cl100k_matches_js_tiktoken);
    tcase_add_test(tc, o200k_matches_js_tiktoken);
    tcase_add_test(tc, hf_bpe_matches_transformers_js);
    tcase_add_test(tc, hf_char_bpe_matches_transformers_js);
    tcase_add_test(tc, corrupt_models_are_errors);
    tcase_add_test(tc, empty_and_invalid_input);
    tcase_add_test(tc, very_long_lines);
    tcase_add_test(tc, hf_unigram_matches_sentencepiece);
    tcase_add_test(tc, spm_unknown_and_byte_fallback);
    tcase_add_test(tc, spm_unigram_ids_match_library);
    tcase_add_test(tc, audit_premium_by_hand);
    tcase_add_test(tc, align_keys);
    tcase_add_test(tc, renyi_efficiency);
    tcase_add_test(tc, sampler);
    suite_add_tcase(s, tc);
    return s;
}

#include "tests/testutil.h"

int main(void)
{
    return tu_run(suite());
}
