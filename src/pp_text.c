/* pp_text.c — ICU normalization, BreakIterator segmentation and script
 * detection over UTF-8. */
#include "config.h"
#include "src/pp_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/uloc.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

pp_status pp_norm_form_parse(const char *name, pp_norm_form *form, pp_error *err)
{
    static const struct { const char *name; pp_norm_form f; } forms[] = {
        {"nfc", PP_NFC}, {"nfd", PP_NFD}, {"nfkc", PP_NFKC}, {"nfkd", PP_NFKD}};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        if (name && strcasecmp(name, forms[i].name) == 0) {
            *form = forms[i].f;
            return PP_OK;
        }
    return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                        "unknown normalization form '%s' (expected nfc, nfd, nfkc or nfkd)",
                        name ? name : "");
}

static const UNormalizer2 *normalizer(pp_norm_form form, UErrorCode *st)
{
    switch (form) {
    case PP_NFD: return unorm2_getNFDInstance(st);
    case PP_NFKC: return unorm2_getNFKCInstance(st);
    case PP_NFKD: return unorm2_getNFKDInstance(st);
    case PP_NFC:
    default: return unorm2_getNFCInstance(st);
    }
}

static int all_ascii(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 0;
    return 1;
}

/* UTF-8 -> malloc'd UTF-16. */
static UChar *to_u16(const char *s, size_t len, int32_t *ulen, UErrorCode *st)
{
    int32_t need = 0;
    u_strFromUTF8(NULL, 0, &need, s, (int32_t)len, st);
    if (*st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(*st))
        return NULL;
    *st = U_ZERO_ERROR;
    UChar *u = malloc(sizeof(UChar) * ((size_t)need + 1));
    if (!u) {
        *st = U_MEMORY_ALLOCATION_ERROR;
        return NULL;
    }
    u_strFromUTF8(u, need + 1, ulen, s, (int32_t)len, st);
    if (U_FAILURE(*st)) {
        free(u);
        return NULL;
    }
    return u;
}

static char *to_u8(const UChar *u, int32_t ulen, size_t *outlen, UErrorCode *st)
{
    int32_t need = 0;
    u_strToUTF8(NULL, 0, &need, u, ulen, st);
    if (*st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(*st))
        return NULL;
    *st = U_ZERO_ERROR;
    char *o = malloc((size_t)need + 1);
    if (!o) {
        *st = U_MEMORY_ALLOCATION_ERROR;
        return NULL;
    }
    u_strToUTF8(o, need + 1, &need, u, ulen, st);
    if (U_FAILURE(*st)) {
        free(o);
        return NULL;
    }
    o[need] = '\0';
    *outlen = (size_t)need;
    return o;
}

int pp_is_normalized(const char *s, size_t len, pp_norm_form form)
{
    if (all_ascii(s, len))
        return 1;
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *n = normalizer(form, &st);
    /* Most texts fit a buffer on the stack: one conversion, no allocation;
     * longer ones are measured by that first pass and converted again. */
    UChar stack[4096];
    int32_t ulen = 0;
    UChar *u = stack;
    if (len <= INT32_MAX)
        u_strFromUTF8(stack, (int32_t)(sizeof stack / sizeof stack[0]), &ulen, s, (int32_t)len,
                      &st);
    else
        st = U_INDEX_OUTOFBOUNDS_ERROR;
    if (st == U_BUFFER_OVERFLOW_ERROR || st == U_STRING_NOT_TERMINATED_WARNING) {
        st = U_ZERO_ERROR;
        u = to_u16(s, len, &ulen, &st);
        if (!u)
            return 0;
    } else if (U_FAILURE(st)) {
        return 0;
    }
    UBool ok = unorm2_isNormalized(n, u, ulen, &st);
    if (u != stack)
        free(u);
    return U_SUCCESS(st) && ok;
}

pp_status pp_normalize(const char *s, size_t len, pp_norm_form form, char **out, size_t *outlen,
                       pp_error *err)
{
    *out = NULL;
    if (all_ascii(s, len)) { /* ASCII is invariant under every form */
        char *o = malloc(len + 1);
        if (!o)
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        memcpy(o, s, len);
        o[len] = '\0';
        *out = o;
        if (outlen)
            *outlen = len;
        return PP_OK;
    }
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *n = normalizer(form, &st);
    int32_t ulen;
    UChar *u = to_u16(s, len, &ulen, &st);
    if (!u)
        return pp_error_set(err, st == U_INVALID_CHAR_FOUND ? PP_ERR_ENCODING : PP_ERR_ICU, NULL, 0,
                            "cannot normalize: %s", u_errorName(st));
    /* Worst-case expansion of NFKD is 18x per code point; grow on overflow. */
    int32_t cap = ulen * 3 + 16;
    UChar *dst = malloc(sizeof(UChar) * (size_t)cap);
    int32_t dlen = dst ? unorm2_normalize(n, u, ulen, dst, cap, &st) : 0;
    if (st == U_BUFFER_OVERFLOW_ERROR) {
        st = U_ZERO_ERROR;
        cap = dlen + 1;
        UChar *nd = realloc(dst, sizeof(UChar) * (size_t)cap);
        if (nd) {
            dst = nd;
            dlen = unorm2_normalize(n, u, ulen, dst, cap, &st);
        } else {
            st = U_MEMORY_ALLOCATION_ERROR;
        }
    }
    free(u);
    if (!dst || U_FAILURE(st)) {
        free(dst);
        return pp_error_set(err, PP_ERR_ICU, NULL, 0, "normalization failed: %s", u_errorName(st));
    }
    size_t olen;
    char *o = to_u8(dst, dlen, &olen, &st);
    free(dst);
    if (!o)
        return pp_error_set(err, PP_ERR_ICU, NULL, 0, "normalization failed: %s", u_errorName(st));
    *out = o;
    if (outlen)
        *outlen = olen;
    return PP_OK;
}

static int is_space_cp(UChar32 c)
{
    return u_isUWhiteSpace(c) || c == 0x200B; /* ZWSP used as separator */
}

pp_status pp_segment(const char *s, size_t len, const char *locale, pp_seg_kind kind,
                     pp_span **spans, size_t *n, pp_error *err)
{
    *spans = NULL;
    *n = 0;
    UErrorCode st = U_ZERO_ERROR;
    char icu_loc[ULOC_FULLNAME_CAPACITY] = "";
    if (locale && *locale) {
        int32_t parsed = 0;
        uloc_forLanguageTag(locale, icu_loc, sizeof icu_loc, &parsed, &st);
        if (U_FAILURE(st) || parsed == 0) { /* not a tag: maybe an ICU id already */
            st = U_ZERO_ERROR;
            snprintf(icu_loc, sizeof icu_loc, "%s", locale);
        }
    }
    UText *ut = utext_openUTF8(NULL, s, (int64_t)len, &st);
    if (U_FAILURE(st))
        return pp_error_set(err, PP_ERR_ICU, NULL, 0, "cannot open text: %s", u_errorName(st));
    UBreakIterator *bi =
        ubrk_open(kind == PP_SEG_WORD ? UBRK_WORD : UBRK_SENTENCE, icu_loc, NULL, 0, &st);
    if (U_FAILURE(st)) {
        utext_close(ut);
        return pp_error_set(err, PP_ERR_ICU, NULL, 0, "cannot create break iterator for '%s': %s",
                            icu_loc, u_errorName(st));
    }
    ubrk_setUText(bi, ut, &st);
    size_t cap = 16, count = 0;
    pp_span *out = malloc(cap * sizeof *out);
    if (!out) {
        ubrk_close(bi);
        utext_close(ut);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    int32_t start = ubrk_first(bi);
    for (int32_t end = ubrk_next(bi); end != UBRK_DONE; start = end, end = ubrk_next(bi)) {
        size_t a = (size_t)start, b = (size_t)end;
        int wordlike = 0;
        if (kind == PP_SEG_WORD) {
            wordlike = ubrk_getRuleStatus(bi) != UBRK_WORD_NONE;
        } else {
            /* Trim white space around the sentence; skip empty ones. */
            while (a < b) {
                int32_t i = (int32_t)a;
                UChar32 c;
                U8_NEXT(s, i, (int32_t)b, c);
                if (c < 0 || !is_space_cp(c))
                    break;
                a = (size_t)i;
            }
            while (b > a) {
                int32_t i = (int32_t)b;
                UChar32 c;
                U8_PREV(s, (int32_t)a, i, c);
                if (c < 0 || !is_space_cp(c))
                    break;
                b = (size_t)i;
            }
            if (a == b)
                continue;
            wordlike = 1;
        }
        if (count == cap) {
            cap *= 2;
            pp_span *no = realloc(out, cap * sizeof *out);
            if (!no) {
                free(out);
                ubrk_close(bi);
                utext_close(ut);
                return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            }
            out = no;
        }
        out[count].start = a;
        out[count].end = b;
        out[count].wordlike = wordlike;
        count++;
    }
    ubrk_close(bi);
    utext_close(ut);
    *spans = out;
    *n = count;
    return PP_OK;
}

void pp_script_of(const char *s, size_t len, char code[5], double *share)
{
    /* Count per script code; USCRIPT_CODE_LIMIT is ~200. */
    long counts[USCRIPT_CODE_LIMIT];
    memset(counts, 0, sizeof counts);
    long total = 0;
    int32_t i = 0, n = (int32_t)len;
    while (i < n) {
        unsigned char a = (unsigned char)s[i];
        if (a < 0x80) { /* ASCII: letters are Latin, the rest Common (as ICU says) */
            i++;
            if ((a | 0x20) >= 'a' && (a | 0x20) <= 'z') {
                counts[USCRIPT_LATIN]++;
                total++;
            }
            continue;
        }
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (c < 0)
            continue;
        UErrorCode st = U_ZERO_ERROR;
        UScriptCode sc = uscript_getScript(c, &st);
        if (U_FAILURE(st) || sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED ||
            sc == USCRIPT_UNKNOWN || sc < 0 || sc >= USCRIPT_CODE_LIMIT)
            continue;
        counts[sc]++;
        total++;
    }
    int best = -1;
    for (int k = 0; k < USCRIPT_CODE_LIMIT; k++)
        if (counts[k] > 0 && (best < 0 || counts[k] > counts[best]))
            best = k;
    const char *name = best >= 0 ? uscript_getShortName((UScriptCode)best) : "Zyyy";
    snprintf(code, 5, "%s", name ? name : "Zzzz");
    if (share)
        *share = best >= 0 && total > 0 ? (double)counts[best] / (double)total : 0.0;
}

size_t pp_utf8_length(const char *s, size_t len)
{
    size_t count = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            count++;
    return count;
}

size_t pp_collapse_space(char *s, size_t len)
{
    size_t k = 0;
    int pending_space = 0;
    int32_t i = 0, n = (int32_t)len;
    while (i < n) {
        int32_t start = i;
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (c >= 0 && is_space_cp(c)) {
            pending_space = k > 0;
            continue;
        }
        if (pending_space) {
            s[k++] = ' ';
            pending_space = 0;
        }
        memmove(s + k, s + start, (size_t)(i - start));
        k += (size_t)(i - start);
    }
    if (k < len)
        s[k] = '\0';
    return k;
}
