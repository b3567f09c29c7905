/* tok_pretok.c — pre-tokenization by a regular expression (ICU uregex) and
 * the GPT-2 byte-level alphabet.
 *
 * The text is converted to UTF-16 once, with a table from UTF-16 index to
 * UTF-8 byte offset, and matches are found left to right with
 * uregex_findNext(), so a line costs time linear in its length for the
 * patterns used by tokenizers (their loops are over character classes,
 * which ICU runs without a backtracking frame per character). The backtrack
 * stack limit is lifted so that a 1 MB run of letters is one match rather
 * than an error. */
#include "config.h"

#include "tokenizers/tok_internal.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/uregex.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

/* Match-time bound in ICU steps, plus a quarter step per UTF-16 unit. */
#define PRETOK_STEPS_BASE 200

struct tok_regex {
    URegularExpression *re;
};

pp_status tok_regex_new(const char *pattern, tok_regex **out, pp_error *err)
{
    *out = NULL;
    UErrorCode st = U_ZERO_ERROR;
    UParseError pe;
    URegularExpression *re = uregex_openC(pattern, 0, &pe, &st);
    if (U_FAILURE(st))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "bad pre-tokenization pattern (offset %d): %s", (int)pe.offset,
                            u_errorName(st));
    uregex_setStackLimit(re, 0, &st);
    tok_regex *r = malloc(sizeof *r);
    if (!r) {
        uregex_close(re);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    r->re = re;
    *out = r;
    return PP_OK;
}

void tok_regex_free(tok_regex *r)
{
    if (!r)
        return;
    uregex_close(r->re);
    free(r);
}

static int push_span(size_t **v, size_t *n, size_t *cap, size_t a, size_t b)
{
    if (*n + 2 > *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        size_t *p = realloc(*v, c * sizeof *p);
        if (!p)
            return -1;
        *v = p;
        *cap = c;
    }
    (*v)[(*n)++] = a;
    (*v)[(*n)++] = b;
    return 0;
}

pp_status tok_regex_split(tok_regex *r, const char *s, size_t len, size_t **spans, size_t *n,
                          pp_error *err)
{
    *spans = NULL;
    *n = 0;
    if (len == 0)
        return PP_OK;
    if (len > INT32_MAX / 2)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "text too long (%zu bytes)", len);
    /* UTF-8 → UTF-16 with the offset table (each unit → its byte offset) */
    UChar *u = malloc(sizeof(UChar) * (len + 1));
    size_t *map = malloc(sizeof(size_t) * (len + 1));
    size_t *v = NULL, cnt = 0, cap = 0;
    pp_status ret = PP_OK;
    if (!u || !map) {
        ret = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        goto out;
    }
    int32_t ulen = 0;
    for (int32_t i = 0; i < (int32_t)len;) {
        int32_t at = i;
        UChar32 c;
        U8_NEXT(s, i, (int32_t)len, c);
        if (c < 0) {
            ret = pp_error_set(err, PP_ERR_ENCODING, NULL, 0, "invalid UTF-8 at byte %d", (int)at);
            goto out;
        }
        map[ulen] = (size_t)at;
        if (c > 0xFFFF) {
            u[ulen++] = U16_LEAD(c);
            map[ulen] = (size_t)at;
            u[ulen++] = U16_TRAIL(c);
        } else {
            u[ulen++] = (UChar)c;
        }
    }
    map[ulen] = len;
    UErrorCode st = U_ZERO_ERROR;
    uregex_setText(r->re, u, ulen, &st);
    /* A pattern that backtracks exponentially (a nested quantifier such as
     * (a+)+$) would hang on a short text: bound each match, in ICU's steps
     * (about 10,000 engine operations each), generously in the text's length
     * so linear patterns on long texts are never cut. */
    uregex_setTimeLimit(r->re, PRETOK_STEPS_BASE + ulen / 4, &st);
    size_t last = 0;
    while (U_SUCCESS(st) && uregex_findNext(r->re, &st)) {
        int32_t a = uregex_start(r->re, 0, &st), b = uregex_end(r->re, 0, &st);
        if (U_FAILURE(st) || b <= a)
            continue;
        if (map[a] > last && push_span(&v, &cnt, &cap, last, map[a]) != 0)
            goto oom;
        if (push_span(&v, &cnt, &cap, map[a], map[b]) != 0)
            goto oom;
        last = map[b];
    }
    if (st == U_REGEX_TIME_OUT) {
        ret = pp_error_set(err, PP_ERR_MODEL, NULL, 0,
                           "the pre-tokenization pattern takes too long on this text "
                           "(catastrophic backtracking in the tokenizer's regex)");
        goto out;
    }
    if (U_FAILURE(st)) {
        ret = pp_error_set(err, PP_ERR_ICU, NULL, 0, "pre-tokenization failed: %s", u_errorName(st));
        goto out;
    }
    if (last < len && push_span(&v, &cnt, &cap, last, len) != 0)
        goto oom;
    /* detach the text before freeing it */
    st = U_ZERO_ERROR;
    uregex_setText(r->re, u, 0, &st);
    *spans = v;
    *n = cnt / 2;
    v = NULL;
    goto out;
oom:
    ret = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
out:
    if (ret != PP_OK) {
        UErrorCode st2 = U_ZERO_ERROR;
        static const UChar empty[1] = {0};
        uregex_setText(r->re, empty, 0, &st2);
    }
    free(v);
    free(u);
    free(map);
    return ret;
}

/* GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves,
 * the other 68 bytes map to U+0100.. in byte order. */
static int printable(unsigned b)
{
    return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
}

uint32_t tok_byte_to_cp(unsigned b)
{
    if (printable(b))
        return b;
    /* the non-printable bytes in order: 0x00-0x20, 0x7F-0xA0, 0xAD */
    if (b <= 0x20)
        return 0x100 + b;
    if (b >= 0x7F && b <= 0xA0)
        return 0x100 + 33 + (b - 0x7F);
    return 0x100 + 67; /* 0xAD */
}

int tok_cp_to_byte(uint32_t cp)
{
    if (cp < 0x100)
        return printable(cp) ? (int)cp : -1;
    uint32_t k = cp - 0x100;
    if (k < 33)
        return (int)k;
    if (k < 67)
        return (int)(0x7F + (k - 33));
    return k == 67 ? 0xAD : -1;
}

#define JS_WS "\\t\\n\\x{0B}\\f\\r\\p{Z}\\x{FEFF}"

char *tok_translate_pattern(const char *p)
{
    static const char contractions[] = "(?i:'s|'t|'re|'ve|'m|'ll|'d)";
    static const char spelled[] = "(?:'(?:[sS]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD]))";
    size_t len = strlen(p);
    /* worst case: every character becomes the longest replacement */
    char *out = malloc(len * (sizeof spelled + sizeof JS_WS + 4) + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    int in_class = 0;
    for (size_t i = 0; i < len;) {
        if (!in_class && strncmp(p + i, contractions, sizeof contractions - 1) == 0) {
            memcpy(out + o, spelled, sizeof spelled - 1);
            o += sizeof spelled - 1;
            i += sizeof contractions - 1;
            continue;
        }
        char c = p[i];
        if (c == '\\' && i + 1 < len) {
            char d = p[i + 1];
            const char *rep = NULL;
            if (d == 's')
                rep = in_class ? JS_WS : "[" JS_WS "]";
            else if (d == 'S' && !in_class)
                rep = "[^" JS_WS "]";
            if (rep) {
                size_t rl = strlen(rep);
                memcpy(out + o, rep, rl);
                o += rl;
            } else {
                out[o++] = c;
                out[o++] = d;
            }
            i += 2;
            continue;
        }
        if (c == '[') {
            if (in_class) { /* a literal '[' in JavaScript, a nested set in ICU */
                out[o++] = '\\';
                out[o++] = '[';
                i++;
                continue;
            }
            in_class = 1;
            out[o++] = c;
            i++;
            if (i < len && p[i] == '^')
                out[o++] = p[i++];
            continue;
        }
        if (c == ']' && in_class)
            in_class = 0;
        out[o++] = c;
        i++;
    }
    out[o] = '\0';
    return out;
}
