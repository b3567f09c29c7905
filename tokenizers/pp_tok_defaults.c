/* pp_tok_defaults.c — per-language training defaults from the community
 * profile (langs/pp_registry.h) and CLDR exemplar characters (ICU). */
#include "config.h"

#include "langs/pp_registry.h"
#include "src/pp_text.h"
#include "tokenizers/pp_tok_defaults.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uloc.h>
#include <unicode/ulocdata.h>
#include <unicode/uset.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

typedef struct buf {
    char *s;
    size_t n, cap;
} buf;

/* Append the code points of the NFC form of s (skipping spaces and ones
 * already present). */
static int add_chars(buf *b, const char *s, size_t len)
{
    char *nfc = NULL;
    size_t nl = 0;
    if (pp_normalize(s, len, PP_NFC, &nfc, &nl, NULL) != PP_OK)
        return -1;
    for (int32_t i = 0; i < (int32_t)nl;) {
        int32_t at = i;
        UChar32 c;
        U8_NEXT(nfc, i, (int32_t)nl, c);
        size_t cl = (size_t)(i - at);
        if (c < 0 || c == ' ' || c == '[' || c == ']' || c == '{' || c == '}')
            continue;
        int dup = 0;
        for (size_t k = 0; k + cl <= b->n && !dup; k++)
            dup = memcmp(b->s + k, nfc + at, cl) == 0;
        if (dup)
            continue;
        if (b->n + cl + 1 > b->cap) {
            size_t c2 = b->cap ? b->cap * 2 : 256;
            while (c2 < b->n + cl + 1)
                c2 *= 2;
            char *p = realloc(b->s, c2);
            if (!p) {
                free(nfc);
                return -1;
            }
            b->s = p;
            b->cap = c2;
        }
        memcpy(b->s + b->n, nfc + at, cl);
        b->n += cl;
        b->s[b->n] = '\0';
    }
    free(nfc);
    return 0;
}

static int add_exemplars(buf *b, const char *code)
{
    char loc[ULOC_FULLNAME_CAPACITY];
    UErrorCode st = U_ZERO_ERROR;
    int32_t pl = 0;
    uloc_forLanguageTag(code, loc, sizeof loc, &pl, &st);
    if (U_FAILURE(st))
        return 0;
    ULocaleData *ld = ulocdata_open(loc, &st);
    if (U_FAILURE(st))
        return 0;
    USet *set = ulocdata_getExemplarSet(ld, NULL, USET_ADD_CASE_MAPPINGS, ULOCDATA_ES_STANDARD,
                                        &st);
    ulocdata_close(ld);
    if (U_FAILURE(st) || !set)
        return 0;
    /* a fallback to root gives no exemplars worth adding */
    int added = 0;
    int32_t items = uset_getItemCount(set);
    for (int32_t i = 0; i < items; i++) {
        UChar32 a, z;
        UChar str[64];
        UErrorCode s2 = U_ZERO_ERROR;
        int32_t sl = uset_getItem(set, i, &a, &z, str, 64, &s2);
        if (U_FAILURE(s2))
            continue;
        char u8[256];
        int32_t ul = 0;
        if (sl == 0) {
            for (UChar32 c = a; c <= z && c - a < 4096; c++) {
                int32_t k = 0;
                UBool e = 0;
                U8_APPEND(u8, k, (int32_t)sizeof u8, c, e);
                if (!e && add_chars(b, u8, (size_t)k) == 0)
                    added++;
            }
        } else {
            u_strToUTF8(u8, sizeof u8, &ul, str, sl, &s2);
            if (U_SUCCESS(s2) && add_chars(b, u8, (size_t)ul) == 0)
                added++;
        }
    }
    uset_close(set);
    return added;
}

pp_status pp_tok_lang_defaults(const char *code, char norm[16], char **required, char source[128],
                            pp_error *err)
{
    buf b = {0};
    strcpy(norm, "NFC");
    *required = NULL;
    snprintf(source, 128, "no profile; ");
    {
        pp_profile *p = NULL;
        if (pp_profile_find(code, &p, NULL) == PP_OK && p) {
            const char *n = pp_profile_normalization(p);
            if (n && (strcmp(n, "NFKC") == 0 || strcmp(n, "nfkc") == 0))
                strcpy(norm, "NFKC");
            else if (n && (strcmp(n, "none") == 0))
                strcpy(norm, "none");
            const char *m = pp_profile_required_marks(p);
            const char *x = pp_profile_exemplars(p);
            if ((m && add_chars(&b, m, strlen(m)) != 0) || (x && add_chars(&b, x, strlen(x)) != 0)) {
                pp_profile_free(p);
                free(b.s);
                return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            }
            snprintf(source, 128, "profile (normalization %s); ", n ? n : "unset");
            pp_profile_free(p);
        }
    }
    int n = add_exemplars(&b, code);
    size_t l = strlen(source);
    snprintf(source + l, 128 - l, n ? "CLDR exemplars" : "no CLDR exemplars");
    if (!b.s) {
        b.s = calloc(1, 1);
        if (!b.s)
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    *required = b.s;
    return PP_OK;
}
