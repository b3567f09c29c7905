/* pp_tok_records.c — the output records of `tokenizer encode`
 * (pp_tok_records.h), written field by field with the record writer's
 * pieces (src/pp_json_buf.h). The three entry points differ only in how
 * they walk the input's fields; the pieces and the ids are written once. */
#include "config.h"
#include "tokenizers/pp_tok_records.h"
#include "src/pp_json_buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* jansson's default precision, that of json_dumpb(JSON_COMPACT), which
 * encode has always written with (pp_writer_put prints 15 digits). */
enum { ENCODE_REAL_PRECISION = 17 };

static int is_key(const char *k, size_t kl, const char *name, size_t nl)
{
    return kl == nl && memcmp(k, name, nl) == 0;
}

/* "pieces": each id's piece; a piece that is not valid UTF-8 (a byte-level
 * piece cutting a character) as its bytes, "<0xE1><0xBA>" (at most 8). */
static int put_pieces(pp_jbuf *b, const pp_tokenizer *t, const int32_t *ids, size_t n)
{
    if (!pp_jbuf_put(b, "[", 1))
        return 0;
    for (size_t i = 0; i < n; i++) {
        size_t pl = 0;
        const char *p = pp_tokenizer_piece(t, ids[i], &pl);
        if (i && !pp_jbuf_put(b, ",", 1))
            return 0;
        if (p && pp_utf8_valid(p, pl, NULL)) {
            if (!pp_jbuf_string_valid(b, p, pl))
                return 0;
        } else {
            char hex[8 * 6 + 1] = "";
            size_t k = 0;
            for (; p && k < pl && k < 8; k++)
                snprintf(hex + 6 * k, 7, "<0x%02X>", (unsigned char)p[k]);
            if (!pp_jbuf_string_valid(b, hex, 6 * k))
                return 0;
        }
    }
    return pp_jbuf_put(b, "]", 1);
}

/* ,"tokens":[ids]} — the digits written in place. */
static int put_tokens(pp_jbuf *b, const int32_t *ids, size_t n)
{
    if (n > (SIZE_MAX - 16) / 12 || !pp_jbuf_reserve(b, 16 + n * 12))
        return 0;
    char *w = b->s + b->len;
    memcpy(w, ",\"tokens\":[", 11);
    w += 11;
    for (size_t i = 0; i < n; i++) {
        char tmp[12], *e = tmp + sizeof tmp, *d = e;
        uint32_t u = ids[i] < 0 ? (uint32_t)0 - (uint32_t)ids[i] : (uint32_t)ids[i];
        do
            *--d = (char)('0' + u % 10);
        while (u /= 10);
        if (ids[i] < 0)
            *--d = '-';
        if (i)
            *w++ = ',';
        memcpy(w, d, (size_t)(e - d));
        w += e - d;
    }
    *w++ = ']';
    *w++ = '}';
    b->len = (size_t)(w - b->s);
    return 1;
}

/* A jansson value as json_dumpb(JSON_COMPACT) writes it inside a record. */
static int put_json(pp_jbuf *b, const json_t *v)
{
    const size_t flags = JSON_COMPACT | JSON_ENCODE_ANY;
    size_t room = b->s && b->cap > b->len ? b->cap - b->len - 1 : 0;
    size_t n = json_dumpb(v, room ? b->s + b->len : NULL, room, flags);
    if (n == 0)
        return 0;
    if (n > room) {
        if (!pp_jbuf_reserve(b, n) || json_dumpb(v, b->s + b->len, n, flags) != n)
            return 0;
    }
    b->len += n;
    return 1;
}

/* One input: a view, a tree, or a line of text (neither). */
typedef struct input {
    const pp_record_view *view;
    const json_t *tree;
    const char *text;
    size_t text_len;
} input;

static pp_status nomem(pp_error *err) { return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory"); }

/* The input's fields but "tokens", with "pieces" (when asked) at its place. */
static int put_fields(pp_jbuf *b, const input *in, const pp_tokenizer *t, int pieces,
                      const int32_t *ids, size_t n, int *pieces_done)
{
    int first = 1;
    if (in->view) {
        size_t nf;
        const pp_jfield *f = pp_record_view_fields(in->view, &nf);
        for (size_t i = 0; i < nf; i++) {
            if (is_key(f[i].key, f[i].key_len, "tokens", 6))
                continue;
            if ((!first && !pp_jbuf_put(b, ",", 1)) ||
                !pp_jbuf_string_valid(b, f[i].key, f[i].key_len) || !pp_jbuf_put(b, ":", 1))
                return 0;
            first = 0;
            if (pieces && is_key(f[i].key, f[i].key_len, "pieces", 6)) {
                *pieces_done = 1;
                if (!put_pieces(b, t, ids, n))
                    return 0;
            } else if (!pp_jbuf_view_value(b, in->view, &f[i], ENCODE_REAL_PRECISION)) {
                return 0;
            }
        }
    } else if (in->tree) {
        json_t *o = (json_t *)in->tree; /* jansson's iterators take no const */
        for (void *it = json_object_iter(o); it; it = json_object_iter_next(o, it)) {
            const char *k = json_object_iter_key(it);
            size_t kl = json_object_iter_key_len(it);
            if (is_key(k, kl, "tokens", 6))
                continue;
            if ((!first && !pp_jbuf_put(b, ",", 1)) || !pp_jbuf_string_valid(b, k, kl) ||
                !pp_jbuf_put(b, ":", 1))
                return 0;
            first = 0;
            if (pieces && is_key(k, kl, "pieces", 6)) {
                *pieces_done = 1;
                if (!put_pieces(b, t, ids, n))
                    return 0;
            } else if (!put_json(b, json_object_iter_value(it))) {
                return 0;
            }
        }
    } else if (!pp_jbuf_put(b, "\"text\":", 7) ||
               !pp_jbuf_string_valid(b, in->text, in->text_len)) {
        return 0;
    }
    return 1;
}

static pp_status encode(pp_tokenizer *t, const input *in, int pieces, char **buf, size_t *len,
                        size_t *cap, pp_error *err)
{
    int32_t *ids = NULL;
    size_t n = 0;
    pp_status s = pp_tokenizer_encode_ids(t, in->text, in->text_len, &ids, &n, err);
    if (s != PP_OK)
        return s;
    pp_jbuf b = {*buf, *len, *buf ? *cap : 0};
    size_t start = b.len;
    int pieces_done = 0;
    int ok = pp_jbuf_put(&b, "{", 1) && put_fields(&b, in, t, pieces, ids, n, &pieces_done) &&
             (!pieces || pieces_done ||
              (pp_jbuf_put(&b, ",\"pieces\":", 10) && put_pieces(&b, t, ids, n))) &&
             put_tokens(&b, ids, n);
    free(ids);
    if (!ok)
        b.len = start;
    *buf = b.s;
    *len = b.len;
    *cap = b.cap;
    /* The fields come from parsed JSON (valid UTF-8, finite numbers), so
     * only memory can fail. */
    return ok ? PP_OK : nomem(err);
}

static pp_status no_text(pp_error *err)
{
    return pp_error_set(err, PP_ERR_PARSE, NULL, 0, "record has no \"text\" string");
}

pp_status pp_tok_encode_view(pp_tokenizer *t, const pp_record_view *v, int pieces, char **buf,
                             size_t *len, size_t *cap, pp_error *err)
{
    const pp_jfield *tx = pp_record_view_get(v, "text");
    if (!tx || tx->type != PP_J_STRING)
        return no_text(err);
    input in = {v, NULL, tx->str, tx->len};
    return encode(t, &in, pieces, buf, len, cap, err);
}

pp_status pp_tok_encode_tree(pp_tokenizer *t, const json_t *rec, int pieces, char **buf,
                             size_t *len, size_t *cap, pp_error *err)
{
    const json_t *tx = json_object_get(rec, "text");
    if (!json_is_string(tx))
        return no_text(err);
    input in = {NULL, rec, json_string_value(tx), json_string_length(tx)};
    return encode(t, &in, pieces, buf, len, cap, err);
}

pp_status pp_tok_encode_text(pp_tokenizer *t, const char *text, size_t n, int pieces, char **buf,
                             size_t *len, size_t *cap, pp_error *err)
{
    size_t bad = 0;
    if (!pp_utf8_valid(text, n, &bad))
        return pp_error_set(err, PP_ERR_ENCODING, NULL, 0, "invalid UTF-8 at byte %zu", bad);
    input in = {NULL, NULL, text, n};
    return encode(t, &in, pieces, buf, len, cap, err);
}
