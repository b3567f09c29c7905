/* pp_record.c — JSONL record reader/writer over pp_stream, with UTF-8
 * validation by ICU before JSON parsing so the reason names the bad byte. */
#include "config.h"
#include "src/pp_record.h"
#include "src/pp_record_view.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/utf8.h>

struct pp_reader {
    pp_input *in;
    const char *raw;
    size_t raw_len;
    pp_record_view *view; /* the fast parser, made on first use */
};

struct pp_writer {
    pp_output *out;
    char *buf;
    size_t cap;
};

int pp_utf8_valid(const char *s, size_t len, size_t *bad_offset)
{
    const uint8_t *p = (const uint8_t *)s;
    int32_t n = (int32_t)len;
    int32_t i = 0;
    /* Fast path over ASCII. */
    while (i < n && p[i] < 0x80)
        i++;
    while (i < n) {
        int32_t start = i;
        UChar32 c;
        U8_NEXT(p, i, n, c);
        if (c < 0) {
            if (bad_offset)
                *bad_offset = (size_t)start;
            return 0;
        }
    }
    return 1;
}

pp_status pp_reader_open(const char *path, pp_reader **out, pp_error *err)
{
    *out = NULL;
    pp_reader *r = calloc(1, sizeof *r);
    if (!r)
        return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
    pp_status s = pp_input_open(path, &r->in, err);
    if (s != PP_OK) {
        free(r);
        return s;
    }
    *out = r;
    return PP_OK;
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

/* A UTF-8 byte order mark, which some editors put at the start of a file. */
static const char BOM[3] = {'\xEF', '\xBB', '\xBF'};

pp_status pp_record_parse(const char *line, size_t len, const char *name, long lineno,
                          json_t **rec, pp_error *err)
{
    *rec = NULL;
    size_t skip = 0;
    if (lineno == 1 && len >= 3 && memcmp(line, BOM, 3) == 0)
        skip = 3;
    line += skip;
    len -= skip;
    /* jansson checks the UTF-8 of every string and refuses any other byte
     * above 0x7F, so a line it parses is well-formed UTF-8: the separate
     * check (which names the bad byte) runs only on lines it refuses, and
     * first, so the reason is the same as when it ran on every line. A NUL
     * (\u0000) in a string is refused: every consumer handles strings as C
     * strings and would silently use only what precedes it. */
    json_error_t je;
    json_t *j = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
    size_t bad;
    if (!j && !pp_utf8_valid(line, len, &bad))
        return pp_error_set(err, PP_ERR_ENCODING, name, lineno,
                            "invalid UTF-8 at byte %zu of the line", skip + bad + 1);
    if (!j && json_error_code(&je) == json_error_null_character)
        return pp_error_set(err, PP_ERR_PARSE, name, lineno,
                            "a string contains a NUL character (\\u0000 at column %d)", je.column);
    if (!j) {
        /* jansson reports a column; "premature end of input" means truncated. */
        return pp_error_set(err, PP_ERR_PARSE, name, lineno, "malformed JSON at column %d: %s",
                            je.column, je.text);
    }
    if (!json_is_object(j)) {
        json_decref(j);
        return pp_error_set(err, PP_ERR_PARSE, name, lineno, "a record must be a JSON object");
    }
    *rec = j;
    return PP_OK;
}

pp_status pp_reader_next_view(pp_reader *r, const pp_record_view **view, json_t **rec,
                             pp_error *err)
{
    *view = NULL;
    *rec = NULL;
    /* The previous line's bytes may be gone once getline refills or grows
     * its buffer, even when it fails: never leave raw pointing at them. */
    r->raw = NULL;
    r->raw_len = 0;
    if (!r->view) {
        pp_status s = pp_record_view_new(&r->view, err);
        if (s != PP_OK)
            return s;
    }
    for (;;) {
        const char *line;
        size_t len;
        pp_status s = pp_input_getline(r->in, &line, &len, err);
        if (s != PP_OK)
            return s;
        r->raw = line;
        r->raw_len = len;
        if (!line)
            return PP_OK;
        if (is_blank(line, len))
            continue;
        long lineno = pp_input_lineno(r->in);
        size_t skip = lineno == 1 && len >= 3 && memcmp(line, BOM, 3) == 0 ? 3 : 0;
        if (pp_record_view_parse(r->view, line + skip, len - skip)) {
            *view = r->view;
            return PP_OK;
        }
        /* Malformed, or a case the view leaves to jansson: its message or its record. */
        return pp_record_parse(line, len, pp_input_name(r->in), lineno, rec, err);
    }
}

pp_status pp_reader_next(pp_reader *r, json_t **rec, pp_error *err)
{
    const pp_record_view *v;
    pp_status s = pp_reader_next_view(r, &v, rec, err);
    if (s == PP_OK && v) {
        *rec = pp_record_view_tree(v);
        if (!*rec)
            return pp_error_set(err, PP_ERR_NOMEM, pp_reader_name(r), pp_reader_lineno(r),
                                "out of memory");
    }
    return s;
}

int pp_reader_can_go_on(pp_status s)
{
    return s == PP_ERR_PARSE || s == PP_ERR_ENCODING;
}

const char *pp_reader_raw(const pp_reader *r, size_t *len)
{
    if (len)
        *len = r ? r->raw_len : 0;
    return r ? r->raw : NULL;
}

const char *pp_reader_name(const pp_reader *r) { return r ? pp_input_name(r->in) : ""; }
long pp_reader_lineno(const pp_reader *r) { return r ? pp_input_lineno(r->in) : 0; }

void pp_reader_close(pp_reader *r)
{
    if (!r)
        return;
    pp_input_close(r->in);
    pp_record_view_free(r->view);
    free(r);
}

pp_status pp_writer_open(const char *path, pp_writer **out, pp_error *err)
{
    *out = NULL;
    pp_writer *w = calloc(1, sizeof *w);
    if (!w)
        return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
    w->cap = 1 << 14;
    w->buf = malloc(w->cap);
    if (!w->buf) {
        free(w);
        return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
    }
    pp_status s = pp_output_open(path, &w->out, err);
    if (s != PP_OK) {
        free(w->buf);
        free(w);
        return s;
    }
    *out = w;
    return PP_OK;
}

pp_status pp_writer_put(pp_writer *w, const json_t *rec, pp_error *err)
{
    /* 15 significant digits: 7.15 stays "7.15" instead of "7.1500000000000004". */
    size_t n = pp_record_dump(rec, &w->buf, &w->cap);
    if (n == 0)
        return pp_error_set(err, PP_ERR_INVALID, pp_output_name(w->out), 0,
                            "record cannot be serialized as JSON");
    w->buf[n] = '\n'; /* pp_record_dump leaves a byte of room */
    return pp_output_write(w->out, w->buf, n + 1, err);
}

pp_status pp_writer_put_raw(pp_writer *w, const char *line, size_t len, pp_error *err)
{
    pp_status s = pp_output_write(w->out, line, len, err);
    if (s != PP_OK)
        return s;
    return pp_output_write(w->out, "\n", 1, err);
}

pp_status pp_writer_close(pp_writer *w, pp_error *err)
{
    if (!w)
        return PP_OK;
    pp_status s = pp_output_close(w->out, err);
    free(w->buf);
    free(w);
    return s;
}

void pp_writer_abort(pp_writer *w)
{
    if (!w)
        return;
    pp_output_abort(w->out);
    free(w->buf);
    free(w);
}

/* Copy raw bytes, replacing ill-formed UTF-8 sequences by U+FFFD. */
static char *sanitize_utf8(const char *s, size_t len, size_t *outlen)
{
    char *o = malloc(len * 3 + 1);
    if (!o)
        return NULL;
    const uint8_t *p = (const uint8_t *)s;
    int32_t i = 0, n = (int32_t)len;
    size_t k = 0;
    while (i < n) {
        int32_t start = i;
        UChar32 c;
        U8_NEXT(p, i, n, c);
        if (c < 0) {
            memcpy(o + k, "\xEF\xBF\xBD", 3);
            k += 3;
        } else {
            memcpy(o + k, s + start, (size_t)(i - start));
            k += (size_t)(i - start);
        }
    }
    o[k] = '\0';
    *outlen = k;
    return o;
}

pp_status pp_reject_put(pp_writer *w, const char *file, long line, const char *reason,
                        const json_t *record, const char *raw, size_t rawlen, pp_error *err)
{
    json_t *j = json_object();
    if (!j)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    json_object_set_new(j, "file", json_string(file ? file : ""));
    json_object_set_new(j, "line", json_integer(line));
    json_object_set_new(j, "reason", json_string(reason ? reason : "rejected"));
    if (record) {
        json_object_set(j, "record", (json_t *)record);
    } else if (raw) {
        size_t n;
        char *clean = sanitize_utf8(raw, rawlen, &n);
        if (clean) {
            json_object_set_new(j, "raw", json_stringn(clean, n));
            free(clean);
        }
    }
    pp_status s = pp_writer_put(w, j, err);
    json_decref(j);
    return s;
}

const char *pp_record_str(const json_t *rec, const char *key)
{
    json_t *v = json_object_get(rec, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

json_t *pp_record_get(const json_t *rec, const char *path)
{
    if (!json_is_object(rec) || !path)
        return NULL;
    json_t *v = json_object_get(rec, path);
    if (v || !strchr(path, '.'))
        return v;
    const json_t *o = rec;
    const char *p = path;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        v = json_object_getn(o, p, n);
        if (!dot || !json_is_object(v))
            return dot ? NULL : v;
        o = v;
        p = dot + 1;
    }
}
