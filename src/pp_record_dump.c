/* pp_record_dump.c — compact JSON of a record, byte for byte what
 * json_dumpb(JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15))
 * writes, without jansson's per-code-point string output: strings are
 * copied in runs, only the characters JSON must escape are rewritten, and
 * non-ASCII bytes are checked as UTF-8 (jansson refuses to dump an
 * ill-formed string, so this does too). Reals still go through jansson so
 * their digits stay exactly its own. */
#include "config.h"
#include "src/pp_record.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/utf8.h>

typedef struct {
    char **buf;
    size_t *cap;
    size_t len;
} out_t;

static int reserve(out_t *o, size_t more)
{
    if (more > SIZE_MAX / 2 - o->len)
        return 0;
    size_t need = o->len + more + 1;
    if (need <= *o->cap && *o->buf)
        return 1;
    size_t ncap = *o->cap ? *o->cap : 256;
    while (ncap < need)
        ncap *= 2;
    char *b = realloc(*o->buf, ncap);
    if (!b)
        return 0;
    *o->buf = b;
    *o->cap = ncap;
    return 1;
}

static int put_string(out_t *o, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    if (n > INT32_MAX || !reserve(o, n * 6 + 2))
        return 0;
    const uint8_t *p = (const uint8_t *)s;
    char *w = *o->buf + o->len;
    *w++ = '"';
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        while (run < n && p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' && p[run] != '\\')
            run++;
        if (run > i) {
            memcpy(w, p + i, run - i);
            w += run - i;
            i = run;
            continue;
        }
        uint8_t c = p[i];
        if (c >= 0x80) {
            int32_t j = (int32_t)i;
            UChar32 cp;
            U8_NEXT(p, j, (int32_t)n, cp);
            if (cp < 0)
                return 0;
            memcpy(w, p + i, (size_t)j - i);
            w += (size_t)j - i;
            i = (size_t)j;
            continue;
        }
        *w++ = '\\';
        switch (c) {
        case '"': *w++ = '"'; break;
        case '\\': *w++ = '\\'; break;
        case '\b': *w++ = 'b'; break;
        case '\f': *w++ = 'f'; break;
        case '\n': *w++ = 'n'; break;
        case '\r': *w++ = 'r'; break;
        case '\t': *w++ = 't'; break;
        default: /* other control characters: \u00XX, upper-case hex as jansson */
            *w++ = 'u';
            *w++ = '0';
            *w++ = '0';
            *w++ = hex[c >> 4];
            *w++ = hex[c & 15];
        }
        i++;
    }
    *w++ = '"';
    o->len = (size_t)(w - *o->buf);
    return 1;
}

static int put_bytes(out_t *o, const char *s, size_t n)
{
    if (!reserve(o, n))
        return 0;
    memcpy(*o->buf + o->len, s, n);
    o->len += n;
    return 1;
}

/* Scalars other than strings (reals, integers, true, false, null): jansson's own text. */
static int put_scalar(out_t *o, const json_t *v)
{
    const size_t flags = JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15);
    if (json_is_integer(v)) {
        char tmp[24], *e = tmp + sizeof tmp, *b = e;
        json_int_t x = json_integer_value(v);
        unsigned long long u = x < 0 ? 0ULL - (unsigned long long)x : (unsigned long long)x;
        do
            *--b = (char)('0' + u % 10);
        while (u /= 10);
        if (x < 0)
            *--b = '-';
        return put_bytes(o, b, (size_t)(e - b));
    }
    if (!reserve(o, 64))
        return 0;
    size_t room = *o->cap - o->len;
    size_t n = json_dumpb(v, *o->buf + o->len, room, flags);
    if (n == 0)
        return 0;
    if (n > room) {
        if (!reserve(o, n))
            return 0;
        n = json_dumpb(v, *o->buf + o->len, *o->cap - o->len, flags);
        if (n == 0)
            return 0;
    }
    o->len += n;
    return 1;
}

static int put_value(out_t *o, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        return put_string(o, json_string_value(v), json_string_length(v));
    case JSON_OBJECT: {
        if (!put_bytes(o, "{", 1))
            return 0;
        int first = 1;
        for (void *it = json_object_iter((json_t *)v); it;
             it = json_object_iter_next((json_t *)v, it)) {
            if (!first && !put_bytes(o, ",", 1))
                return 0;
            first = 0;
            if (!put_string(o, json_object_iter_key(it), json_object_iter_key_len(it)) ||
                !put_bytes(o, ":", 1) || !put_value(o, json_object_iter_value(it)))
                return 0;
        }
        return put_bytes(o, "}", 1);
    }
    case JSON_ARRAY: {
        if (!put_bytes(o, "[", 1))
            return 0;
        for (size_t i = 0; i < json_array_size(v); i++)
            if ((i && !put_bytes(o, ",", 1)) || !put_value(o, json_array_get(v, i)))
                return 0;
        return put_bytes(o, "]", 1);
    }
    default:
        return put_scalar(o, v);
    }
}

size_t pp_record_dump(const json_t *v, char **buf, size_t *cap)
{
    if (!v)
        return 0;
    out_t o = {buf, cap, 0};
    return put_value(&o, v) ? o.len : 0;
}
