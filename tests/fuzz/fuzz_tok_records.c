/* fuzz_tok_records.c — the records `tokenizer encode` writes
 * (tokenizers/pp_tok_records.h). The input is JSONL: every line goes the
 * way the command sends it (the fast parser's view when it takes the line,
 * else jansson's tree through pp_record_parse), with and without
 * "pieces", and also as a line of plain text (with "pieces" every other
 * line). Oracles:
 *
 *  - what the view takes, jansson takes too, and the view's output is
 *    byte for byte the tree's output for jansson's record of the line;
 *  - both are jansson's own bytes for the record so changed (tree copied,
 *    "pieces" set, "tokens" deleted, json_dumpb(JSON_COMPACT), then the
 *    ids): the 17-digit reals, escapes and key order of the writer are
 *    jansson's;
 *  - a record without a "text" string is refused by both with the same
 *    error, leaving the buffer as it was; a line jansson refuses has an
 *    error with a message;
 *  - the plain-text path writes {"text": line}, and refuses exactly the
 *    lines jansson's UTF-8 check refuses;
 *  - every output parses back as JSON, its "tokens" being the ids;
 *  - an output is appended to what the buffer holds, which stays.
 *
 * The tokenizer is a tiny byte-level tiktoken rank file made here (the 256
 * bytes and a few merges, some of which cut a character, so "pieces" has
 * both UTF-8 and "<0xNN>" entries). */
#include "config.h"
#include "tests/fuzz/fuzz.h"
#include "src/pp_record.h"
#include "src/pp_record_view.h"
#include "tokenizers/pp_tok_records.h"
#include "tokenizers/pp_tokenizer.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Multi-byte tokens after the 256 bytes, each the join of two lower-ranked
 * tokens (tiktoken derives its merges from that): Yoruba's dotted vowels
 * and tone marks, cut inside a character ("\xB9\xCC") too, and English. */
static const char *const merges[] = {
    "\xE1\xBA", "\xE1\xBA\xB9", "\xE1\xBB", "\xE1\xBB\x8D", "\xCC\x80", "\xB9\xCC",
    "\xC3\xA0", "\xE4\xBD", " t",       "th",           "he",       " th",
    " the",     "in",       "ing",     "\\\"",         "12",       "123"};

static void base64(const unsigned char *s, size_t n, char *out)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i = 0;
    for (; i + 2 < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8 | s[i + 2];
        *out++ = tab[v >> 18];
        *out++ = tab[(v >> 12) & 63];
        *out++ = tab[(v >> 6) & 63];
        *out++ = tab[v & 63];
    }
    if (i < n) {
        unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0);
        *out++ = tab[v >> 18];
        *out++ = tab[(v >> 12) & 63];
        *out++ = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        *out++ = '=';
    }
    *out = '\0';
}

static pp_tokenizer *tiny_tokenizer(void)
{
    static pp_tokenizer *t;
    if (t)
        return t;
    size_t nm = sizeof merges / sizeof *merges, cap = (256 + nm) * 24, len = 0;
    char *file = malloc(cap), b64[16];
    for (size_t r = 0; r < 256 + nm; r++) {
        unsigned char byte = (unsigned char)r;
        if (r < 256)
            base64(&byte, 1, b64);
        else
            base64((const unsigned char *)merges[r - 256], strlen(merges[r - 256]), b64);
        len += (size_t)snprintf(file + len, cap - len, "%s %zu\n", b64, r);
    }
    const char *path = fuzz_file(".tiktoken", (const uint8_t *)file, len);
    free(file);
    pp_error err;
    if (pp_tokenizer_load(path, PP_TOK_TIKTOKEN, "cl100k_base", &t, &err) != PP_OK) {
        fprintf(stderr, "fuzz_tok_records: the tiny tokenizer: %s\n", err.message);
        abort();
    }
    return t;
}

/* The ids of a text (computed once per line: the writer's calls encode it
 * themselves). */
static int32_t *ids_of(pp_tokenizer *t, const char *text, size_t len, size_t *n)
{
    int32_t *ids = NULL;
    if (pp_tokenizer_encode_ids(t, text, len, &ids, n, NULL) != PP_OK)
        abort();
    return ids;
}

/* The output line as jansson writes it, from the record `rec` (not changed)
 * whose text has the ids `ids`. */
static char *reference(pp_tokenizer *t, const json_t *rec, int pieces, const int32_t *ids,
                       size_t n, size_t *out_len)
{
    json_t *r = json_deep_copy(rec);
    if (!r)
        abort();
    if (pieces) {
        json_t *ps = json_array();
        for (size_t i = 0; i < n; i++) {
            size_t pl = 0;
            const char *p = pp_tokenizer_piece(t, ids[i], &pl);
            json_t *s = p ? json_stringn(p, pl) : NULL; /* NULL: not UTF-8 */
            if (!s) {
                char hex[64] = "";
                for (size_t k = 0; p && k < pl && k < 8; k++)
                    sprintf(hex + strlen(hex), "<0x%02X>", (unsigned char)p[k]);
                s = json_string(hex);
            }
            json_array_append_new(ps, s);
        }
        json_object_set_new(r, "pieces", ps);
    }
    json_object_del(r, "tokens");
    size_t need = json_dumpb(r, NULL, 0, JSON_COMPACT);
    char *s = malloc(need + 16 + 12 * n);
    if (!need || !s || json_dumpb(r, s, need, JSON_COMPACT) != need)
        abort();
    size_t sl = need - 1; /* over the closing brace */
    sl += (size_t)sprintf(s + sl, ",\"tokens\":[");
    for (size_t i = 0; i < n; i++)
        sl += (size_t)sprintf(s + sl, "%s%d", i ? "," : "", ids[i]);
    sl += (size_t)sprintf(s + sl, "]}");
    json_decref(r);
    *out_len = sl;
    return s;
}

static void same(const char *got, size_t got_len, const char *want, size_t want_len,
                 const char *what)
{
    if (got_len != want_len || memcmp(got, want, want_len) != 0) {
        fprintf(stderr, "fuzz_tok_records: %s\n got  %.*s\n want %.*s\n", what, (int)got_len,
                got, (int)want_len, want);
        abort();
    }
}

/* An output line parses back as one JSON object whose "tokens" are `ids`. */
static void parses_back(const char *out, size_t len, const int32_t *ids, size_t n)
{
    json_t *o = json_loadb(out, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);
    json_t *tok = json_object_get(o, "tokens");
    if (!json_is_array(tok) || json_array_size(tok) != n)
        abort();
    for (size_t i = 0; i < n; i++)
        if (json_integer_value(json_array_get(tok, i)) != ids[i])
            abort();
    json_decref(o);
}

/* One encode call that must fail with `code` and leave the buffer as it was. */
static void refused(pp_status s, pp_status code, const pp_error *err, size_t len_before,
                    size_t len_after)
{
    if (s != code || !err->message[0] || len_after != len_before)
        abort();
}

static char *buf;
static size_t cap;

/* A line as a record, as `tokenizer encode` sends it. */
static void record_line(pp_tokenizer *t, pp_record_view *view, const char *line, size_t len,
                        long lineno)
{
    size_t skip = lineno == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    int took = pp_record_view_parse(view, line + skip, len - skip);
    json_t *rec = NULL;
    pp_error jerr;
    pp_status js = pp_record_parse(line, len, "in.jsonl", lineno, &rec, &jerr);
    if (js != PP_OK) {
        /* jansson's refusal, with file:line and what is wrong */
        if (took || rec || !jerr.message[0] || jerr.line != lineno)
            abort();
        return;
    }
    const json_t *tx = json_object_get(rec, "text");
    size_t n = 0;
    int32_t *ids = json_is_string(tx)
                       ? ids_of(t, json_string_value(tx), json_string_length(tx), &n)
                       : NULL;
    for (int pieces = 0; pieces < 2; pieces++) {
        pp_error verr = {0}, terr = {0};
        /* the lines are appended: after 0-2 bytes already there (which must
         * stay), the view's line, then the tree's */
        size_t pre = buf && cap > 2 ? (size_t)(lineno % 3) : 0, vlen = pre;
        if (pre)
            memset(buf, '#', pre);
        pp_status vs = PP_OK;
        if (took)
            vs = pp_tok_encode_view(t, view, pieces, &buf, &vlen, &cap, &verr);
        size_t len0 = vlen, tlen = vlen;
        pp_status ts = pp_tok_encode_tree(t, rec, pieces, &buf, &tlen, &cap, &terr);
        for (size_t i = 0; i < pre; i++)
            if (buf[i] != '#')
                abort();
        if (!json_is_string(tx)) {
            refused(ts, PP_ERR_PARSE, &terr, len0, tlen);
            if (took) {
                refused(vs, PP_ERR_PARSE, &verr, pre, vlen);
                if (strcmp(verr.message, terr.message) != 0)
                    abort();
            }
            continue;
        }
        if (ts != PP_OK || (took && vs != PP_OK))
            abort();
        size_t wlen;
        char *want = reference(t, rec, pieces, ids, n, &wlen);
        same(buf + len0, tlen - len0, want, wlen, "tree output is not jansson's");
        if (took)
            same(buf + pre, vlen - pre, want, wlen, "view output is not jansson's");
        parses_back(want, wlen, ids, n);
        free(want);
    }
    free(ids);
    json_decref(rec);
}

/* A line as plain text: the record {"text": line}, with "pieces" every
 * other line (a whole line is a long text: encoding it twice would halve
 * the runs). */
static void text_line(pp_tokenizer *t, const char *line, size_t len, int pieces)
{
    pp_error err = {0};
    size_t olen = 0, bad = 0;
    int valid = pp_utf8_valid(line, len, &bad);
    json_t *s = json_stringn(line, len);
    if (valid != (s != NULL)) {
        fprintf(stderr, "fuzz_tok_records: UTF-8 check disagrees with jansson's (%d)\n", valid);
        abort();
    }
    size_t n = 0;
    int32_t *ids = valid ? ids_of(t, line, len, &n) : NULL;
    pp_status st = pp_tok_encode_text(t, line, len, pieces, &buf, &olen, &cap, &err);
    if (!valid) {
        char msg[64];
        snprintf(msg, sizeof msg, "invalid UTF-8 at byte %zu", bad);
        refused(st, PP_ERR_ENCODING, &err, 0, olen);
        if (strcmp(err.message, msg) != 0)
            abort();
    } else {
        if (st != PP_OK)
            abort();
        json_t *rec = json_object();
        json_object_set(rec, "text", s);
        size_t wlen;
        char *want = reference(t, rec, pieces, ids, n, &wlen);
        same(buf, olen, want, wlen, "text output is not jansson's");
        parses_back(buf, olen, ids, n);
        free(want);
        json_decref(rec);
    }
    free(ids);
    json_decref(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static pp_record_view *view;
    pp_tokenizer *t = tiny_tokenizer();
    if (!view && pp_record_view_new(&view, NULL) != PP_OK)
        abort();
    /* lines as the command reads them: '\n' ends one, a '\r' before it is
     * dropped, empty lines are skipped */
    const char *p = (const char *)data, *end = p + size;
    long lineno = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)((nl ? nl : end) - p);
        lineno++;
        size_t l = len && p[len - 1] == '\r' ? len - 1 : len;
        if (l) {
            /* an exact copy, so that ASan sees a read past the line */
            char *line = malloc(l);
            memcpy(line, p, l);
            record_line(t, view, line, l, lineno);
            text_line(t, line, l, (int)(lineno % 2));
            free(line);
        }
        p += len + (nl != NULL);
    }
    return 0;
}
