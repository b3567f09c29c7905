/* pp_exemplars.c — CLDR exemplar characters of a language through ICU's
 * ulocdata (the standard set), as a plain UTF-8 string of characters. */
#include "config.h"
#include "langs/pp_registry.h"

#include "src/pp_langtag.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/uloc.h>
#include <unicode/ulocdata.h>
#include <unicode/ures.h>
#include <unicode/uset.h>
#include <unicode/utf8.h>

/* ICU locale id for `tag`, or PP_ERR_NOT_FOUND when ICU has no locale data
 * for its language (the lookup would fall back to root). */
static pp_status icu_locale(const char *tag, char *out, size_t cap, pp_error *err)
{
    char canon[ULOC_FULLNAME_CAPACITY];
    pp_status st = pp_langtag_canonicalize(tag, canon, sizeof canon, err);
    if (st)
        return st;
    UErrorCode uerr = U_ZERO_ERROR;
    int32_t parsed = 0;
    uloc_forLanguageTag(canon, out, (int32_t)cap, &parsed, &uerr);
    if (U_FAILURE(uerr))
        return pp_error_set(err, PP_ERR_ICU, NULL, 0, "cannot convert '%s' to an ICU locale: %s",
                            tag, u_errorName(uerr));
    /* ICU falls back to the default locale or root when it has no data for
     * the language: accept only data whose language is the one asked for. */
    UResourceBundle *rb = ures_open(NULL, out, &uerr);
    int found = 0;
    if (U_SUCCESS(uerr) && uerr != U_USING_DEFAULT_WARNING) {
        UErrorCode e2 = U_ZERO_ERROR;
        const char *actual = ures_getLocaleByType(rb, ULOC_ACTUAL_LOCALE, &e2);
        char want[ULOC_LANG_CAPACITY] = "", got[ULOC_LANG_CAPACITY] = "";
        uloc_getLanguage(out, want, sizeof want, &e2);
        if (actual && U_SUCCESS(e2))
            uloc_getLanguage(actual, got, sizeof got, &e2);
        found = U_SUCCESS(e2) && *want && strcmp(want, got) == 0;
    }
    if (rb)
        ures_close(rb);
    if (!found)
        return pp_error_set(err, PP_ERR_NOT_FOUND, NULL, 0,
                            "ICU has no locale data (exemplar characters) for '%s'", tag);
    return PP_OK;
}

static int append(char **buf, size_t *len, size_t *cap, UChar32 c)
{
    if (*len + U8_MAX_LENGTH + 1 > *cap) {
        size_t nc = *cap ? 2 * *cap : 256;
        char *nb = realloc(*buf, nc);
        if (!nb)
            return 0;
        *buf = nb;
        *cap = nc;
    }
    int32_t i = (int32_t)*len;
    UBool bad = 0;
    U8_APPEND((uint8_t *)*buf, i, (int32_t)*cap, c, bad);
    if (bad)
        return 0;
    *len = (size_t)i;
    (*buf)[*len] = '\0';
    return 1;
}

pp_status pp_exemplar_chars(const char *tag, char **out, pp_error *err)
{
    *out = NULL;
    char loc[ULOC_FULLNAME_CAPACITY];
    pp_status st = icu_locale(tag, loc, sizeof loc, err);
    if (st == PP_ERR_NOT_FOUND) {
        /* where does CLDR keep this language's data? */
        pp_registry *r = NULL;
        if (pp_registry_open(NULL, &r, NULL) == PP_OK) {
            const pp_language *l = pp_registry_get(r, tag);
            const char *cl = l ? pp_language_cldr_locale(l) : "";
            char want[ULOC_LANG_CAPACITY] = "";
            UErrorCode e2 = U_ZERO_ERROR;
            uloc_getLanguage(loc, want, sizeof want, &e2);
            if (*cl && strcmp(cl, want) != 0)
                st = icu_locale(cl, loc, sizeof loc, err);
            pp_registry_free(r);
        }
    }
    if (st)
        return st;
    UErrorCode uerr = U_ZERO_ERROR;
    ULocaleData *ld = ulocdata_open(loc, &uerr);
    if (U_FAILURE(uerr))
        return pp_error_set(err, PP_ERR_ICU, NULL, 0, "ulocdata_open(%s): %s", loc,
                            u_errorName(uerr));
    USet *set = ulocdata_getExemplarSet(ld, NULL, 0, ULOCDATA_ES_STANDARD, &uerr);
    ulocdata_close(ld);
    if (U_FAILURE(uerr) || !set) {
        if (set)
            uset_close(set);
        return pp_error_set(err, PP_ERR_NOT_FOUND, NULL, 0,
                            "ICU has no exemplar characters for '%s' (%s)", tag, u_errorName(uerr));
    }
    /* Multi-character elements ("gb", "ch") contribute their characters. */
    USet *chars = uset_openEmpty();
    int32_t items = uset_getItemCount(set);
    UChar str[64];
    for (int32_t i = 0; i < items; i++) {
        UChar32 lo, hi;
        UErrorCode e2 = U_ZERO_ERROR;
        int32_t slen = uset_getItem(set, i, &lo, &hi, str, 64, &e2);
        if (U_FAILURE(e2))
            continue;
        if (slen == 0)
            uset_addRange(chars, lo, hi);
        else
            for (int32_t k = 0; k < slen;) {
                UChar32 c;
                U16_NEXT(str, k, slen, c);
                uset_add(chars, c);
            }
    }
    uset_close(set);
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int ok = 1;
    int32_t ranges = uset_getItemCount(chars);
    for (int32_t i = 0; i < ranges && ok; i++) {
        UChar32 lo, hi;
        UErrorCode e2 = U_ZERO_ERROR;
        uset_getItem(chars, i, &lo, &hi, NULL, 0, &e2);
        for (UChar32 c = lo; c <= hi && ok; c++)
            ok = append(&buf, &len, &cap, c);
    }
    uset_close(chars);
    if (!ok) {
        free(buf);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    if (!buf)
        return pp_error_set(err, PP_ERR_NOT_FOUND, NULL, 0,
                            "ICU has an empty exemplar set for '%s'", tag);
    *out = buf;
    return PP_OK;
}
