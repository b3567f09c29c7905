/* pp_record_dump.c — compact JSON of a record, byte for byte what
 * json_dumpb(JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15))
 * writes, without jansson's per-code-point string output: strings are
 * copied in runs, only the characters JSON must escape are rewritten, and
 * non-ASCII bytes are checked as UTF-8 (jansson refuses to dump an
 * ill-formed string, so this does too). The pieces (pp_json_buf.h) also
 * serve writers that build a record from parsed fields without a tree. */
#include "config.h"
#include "src/pp_json_buf.h"

#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/utf8.h>

int pp_jbuf_reserve(pp_jbuf *o, size_t more)
{
    if (more > SIZE_MAX / 2 - o->len)
        return 0;
    size_t need = o->len + more + 1;
    if (need <= o->cap && o->s)
        return 1;
    size_t ncap = o->cap ? o->cap : 256;
    while (ncap < need)
        ncap *= 2;
    char *b = realloc(o->s, ncap);
    if (!b)
        return 0;
    o->s = b;
    o->cap = ncap;
    return 1;
}

/* The end of the run from i of bytes copied as they are (none below 0x20,
 * no '"', no '\\'), eight bytes at a time: a word holds such a byte when
 * one of its bytes is below 0x20 or equal to '"' or '\\' (the classic
 * test for a zero byte, on the word and on its XOR with each character). */
static size_t plain_run(const uint8_t *p, size_t i, size_t n)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    while (i + 8 <= n) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
        if ((((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((b - ones) & ~b)) & highs)
            break;
        i += 8;
    }
    while (i < n && p[i] >= 0x20 && p[i] != '"' && p[i] != '\\')
        i++;
    return i;
}

static int put_string(pp_jbuf *o, const char *s, size_t n, int check_utf8)
{
    static const char hex[] = "0123456789ABCDEF";
    if (n > INT32_MAX || !pp_jbuf_reserve(o, n * 6 + 2))
        return 0;
    const uint8_t *p = (const uint8_t *)s;
    char *w = o->s + o->len;
    *w++ = '"';
    size_t i = 0;
    while (i < n) {
        size_t run = plain_run(p, i, n);
        if (run > i) {
            /* An escaped byte is ASCII, never inside a UTF-8 sequence, so
             * runs can be checked one by one. */
            if (check_utf8 && !pp_utf8_valid(s + i, run - i, NULL))
                return 0;
            memcpy(w, p + i, run - i);
            w += run - i;
            i = run;
            if (i == n)
                break;
        }
        uint8_t c = p[i];
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
    o->len = (size_t)(w - o->s);
    return 1;
}

int pp_jbuf_string(pp_jbuf *o, const char *s, size_t n) { return put_string(o, s, n, 1); }

int pp_jbuf_string_valid(pp_jbuf *o, const char *s, size_t n) { return put_string(o, s, n, 0); }

int pp_jbuf_put(pp_jbuf *o, const char *s, size_t n)
{
    if (!pp_jbuf_reserve(o, n))
        return 0;
    memcpy(o->s + o->len, s, n);
    o->len += n;
    return 1;
}

int pp_jbuf_int(pp_jbuf *o, long long x)
{
    char tmp[24], *e = tmp + sizeof tmp, *b = e;
    unsigned long long u = x < 0 ? 0ULL - (unsigned long long)x : (unsigned long long)x;
    do
        *--b = (char)('0' + u % 10);
    while (u /= 10);
    if (x < 0)
        *--b = '-';
    return pp_jbuf_put(o, b, (size_t)(e - b));
}

/* A real as jansson prints it with JSON_REAL_PRECISION(15): "%.15g" (or
 * another precision: 17 is jansson's default) with a '.' for the locale's
 * decimal point, ".0" appended when the result has neither '.' nor 'e' (so
 * it reads back as a real), and the exponent
 * without '+' or leading zeros ("1e+20" -> "1e20", "1e-05" -> "1e-5").
 * Not finite: refused, as jansson does. */
/* The common case without printf: |d| in [1e-4, 1e15), where "%.15g" is
 * fixed-point, and d the double of a decimal with at most 15 significant
 * digits (M / 10^k for an integer M < 10^15). Such a decimal comes back
 * from the double's 15-digit rounding unchanged (15 = DBL_DIG), so it is
 * exactly what printf would print; M / 10^k == d checks it (both exact,
 * the division correctly rounded). 0 when d is not such a value. */
static int real_fixed(pp_jbuf *o, double d)
{
    static const double p10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    double a = fabs(d);
    if (!(a >= 1e-4 && a < 1e15))
        return 0;
    for (int k = 0; k < 16; k++) {
        double s = a * p10[k];
        if (s >= 1e15)
            return 0;
        double m = nearbyint(s);
        if (m / p10[k] != a)
            continue; /* the first k that holds: no trailing zeros */
        char t[40], *e = t + sizeof t, *b = e;
        unsigned long long u = (unsigned long long)m;
        int digits = 0;
        if (k == 0) {
            *--b = '0';
            *--b = '.';
        }
        do {
            *--b = (char)('0' + u % 10);
            u /= 10;
            if (++digits == k)
                *--b = '.';
        } while (u);
        while (digits < k) { /* 0.00ddd */
            *--b = '0';
            if (++digits == k)
                *--b = '.';
        }
        if (b[0] == '.')
            *--b = '0';
        if (d < 0)
            *--b = '-';
        return pp_jbuf_put(o, b, (size_t)(e - b));
    }
    return 0;
}

/* "%.17g" (jansson's default precision) without printf for |d| in [1e-4,
 * 1e15), where it is fixed-point: d is m * 2^q exactly (m < 2^53, q < 0
 * in that range), and its 17 significant digits are m * 10^s / 2^-q
 * rounded half to even (printf rounds the exact value), computed exactly
 * in 128 bits (m * 10^21 < 2^123). 0 when d is outside the range or the
 * compiler has no 128-bit integers. */
static int real_fixed17(pp_jbuf *o, double d)
{
#ifndef __SIZEOF_INT128__ /* 32-bit targets: printf */
    (void)o;
    (void)d;
    return 0;
#else
    double a = fabs(d);
    if (!(a >= 1e-4 && a < 1e15))
        return 0;
    int ex;
    uint64_t m = (uint64_t)ldexp(frexp(a, &ex), 53);
    int sh = 53 - ex; /* a = m / 2^sh; sh in [3, 67] here */
    unsigned __int128 lim16 = 1, lim17;
    for (int i = 0; i < 16; i++)
        lim16 *= 10;
    lim17 = lim16 * 10;
    int e = (int)floor(log10(a)); /* the decimal exponent, perhaps off by one */
    for (int tries = 0; tries < 3; tries++) {
        int s = 16 - e;
        if (s < 0 || s > 21 || sh < 1 || sh > 127)
            return 0;
        unsigned __int128 p = m;
        for (int i = 0; i < s; i++)
            p *= 10;
        unsigned __int128 n = p >> sh, rem = p & ((((unsigned __int128)1) << sh) - 1),
                          half = ((unsigned __int128)1) << (sh - 1);
        if (rem > half || (rem == half && (n & 1)))
            n++;
        if (n >= lim17) {
            e++;
            continue;
        }
        if (n < lim16) {
            e--;
            continue;
        }
        char dig[17], t[48], *w = t;
        for (int i = 16; i >= 0; i--, n /= 10)
            dig[i] = (char)('0' + (int)(n % 10));
        int last = 16; /* trailing zeros are not printed by %g */
        while (last > 0 && dig[last] == '0')
            last--;
        if (d < 0)
            *w++ = '-';
        if (e >= 0) {
            memcpy(w, dig, (size_t)e + 1);
            w += e + 1;
            *w++ = '.';
            if (last > e) {
                memcpy(w, dig + e + 1, (size_t)(last - e));
                w += last - e;
            } else {
                *w++ = '0'; /* jansson's ".0" after an integral value */
            }
        } else {
            *w++ = '0';
            *w++ = '.';
            for (int i = -1; i > e; i--)
                *w++ = '0';
            memcpy(w, dig, (size_t)last + 1);
            w += last + 1;
        }
        return pp_jbuf_put(o, t, (size_t)(w - t));
    }
    return 0;
#endif
}

int pp_jbuf_real(pp_jbuf *o, double d) { return pp_jbuf_real_prec(o, d, 15); }

int pp_jbuf_real_prec(pp_jbuf *o, double d, int prec)
{
    if (!isfinite(d) || prec < 1 || prec > 17)
        return 0;
    if ((prec == 15 && real_fixed(o, d)) || (prec == 17 && real_fixed17(o, d)))
        return 1;
    char t[48];
    int n = snprintf(t, sizeof t - 3, "%.*g", prec, d);
    if (n < 0 || (size_t)n >= sizeof t - 3)
        return 0;
    const char *dp = localeconv()->decimal_point;
    if (dp && dp[0] && dp[0] != '.' && !dp[1]) {
        char *c = strchr(t, dp[0]);
        if (c)
            *c = '.';
    }
    char *e = strchr(t, 'e');
    if (!e && !strchr(t, '.')) {
        t[n++] = '.';
        t[n++] = '0';
        t[n] = '\0';
    } else if (e) {
        char *from = e + 1, *to = e + 1;
        if (*from == '+')
            from++;
        else if (*from == '-')
            from = ++to;
        while (*from == '0' && from[1])
            from++;
        if (from != to) {
            memmove(to, from, strlen(from) + 1);
            n = (int)strlen(t);
        }
    }
    return pp_jbuf_put(o, t, (size_t)n);
}

/* Scalars other than strings (reals, integers, true, false, null). */
static int put_scalar(pp_jbuf *o, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_INTEGER:
        return pp_jbuf_int(o, json_integer_value(v));
    case JSON_REAL:
        return pp_jbuf_real(o, json_real_value(v));
    case JSON_TRUE:
        return pp_jbuf_put(o, "true", 4);
    case JSON_FALSE:
        return pp_jbuf_put(o, "false", 5);
    case JSON_NULL:
        return pp_jbuf_put(o, "null", 4);
    default:
        return 0;
    }
}

int pp_jbuf_json(pp_jbuf *o, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        return pp_jbuf_string(o, json_string_value(v), json_string_length(v));
    case JSON_OBJECT: {
        if (!pp_jbuf_put(o, "{", 1))
            return 0;
        int first = 1;
        for (void *it = json_object_iter((json_t *)v); it;
             it = json_object_iter_next((json_t *)v, it)) {
            if (!first && !pp_jbuf_put(o, ",", 1))
                return 0;
            first = 0;
            if (!pp_jbuf_string(o, json_object_iter_key(it), json_object_iter_key_len(it)) ||
                !pp_jbuf_put(o, ":", 1) || !pp_jbuf_json(o, json_object_iter_value(it)))
                return 0;
        }
        return pp_jbuf_put(o, "}", 1);
    }
    case JSON_ARRAY: {
        if (!pp_jbuf_put(o, "[", 1))
            return 0;
        for (size_t i = 0; i < json_array_size(v); i++)
            if ((i && !pp_jbuf_put(o, ",", 1)) || !pp_jbuf_json(o, json_array_get(v, i)))
                return 0;
        return pp_jbuf_put(o, "]", 1);
    }
    default:
        return put_scalar(o, v);
    }
}

size_t pp_record_dump(const json_t *v, char **buf, size_t *cap)
{
    if (!v)
        return 0;
    pp_jbuf o = {*buf, 0, *buf ? *cap : 0};
    int ok = pp_jbuf_json(&o, v);
    *buf = o.s;
    *cap = o.cap;
    return ok ? o.len : 0;
}
