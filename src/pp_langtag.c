/* pp_langtag.c — BCP 47 canonicalization and lookups through ICU's uloc. */
#include "config.h"
#include "src/pp_langtag.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unicode/uloc.h>

pp_status pp_langtag_canonicalize(const char *tag, char *out, size_t cap, pp_error *err)
{
    if (cap)
        out[0] = '\0';
    if (!tag || !*tag)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "empty language tag");
    char tmp[ULOC_FULLNAME_CAPACITY];
    size_t n = strlen(tag);
    if (n >= sizeof tmp)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "language tag too long: '%.40s...'", tag);
    /* Accept ICU/POSIX ids ("pt_BR") by mapping '_' to '-'. */
    for (size_t i = 0; i <= n; i++)
        tmp[i] = tag[i] == '_' ? '-' : tag[i];
    UErrorCode st = U_ZERO_ERROR;
    char loc[ULOC_FULLNAME_CAPACITY], canon[ULOC_FULLNAME_CAPACITY];
    int32_t parsed = 0;
    uloc_forLanguageTag(tmp, loc, sizeof loc, &parsed, &st);
    if (U_FAILURE(st) || parsed != (int32_t)n)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "ill-formed BCP 47 tag '%s'", tag);
    uloc_canonicalize(loc, canon, sizeof canon, &st);
    if (U_FAILURE(st))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "cannot canonicalize '%s': %s", tag,
                            u_errorName(st));
    char bcp[ULOC_FULLNAME_CAPACITY];
    int32_t len = uloc_toLanguageTag(canon, bcp, sizeof bcp, 1, &st);
    if (U_FAILURE(st) || len <= 0 || strcmp(bcp, "und") == 0) {
        /* "und" alone is a legitimate tag; anything else reduced to it is not. */
        if (U_SUCCESS(st) && strncmp(tmp, "und", 3) == 0) {
            snprintf(out, cap, "%s", bcp);
            return PP_OK;
        }
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "ill-formed BCP 47 tag '%s'", tag);
    }
    if ((size_t)len >= cap)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "language tag too long");
    snprintf(out, cap, "%s", bcp);
    return PP_OK;
}

void pp_langtag_iso639_3(const char *tag, char out[4])
{
    out[0] = '\0';
    if (!tag)
        return;
    char lang[16];
    size_t i = 0;
    while (tag[i] && tag[i] != '-' && tag[i] != '_' && i < sizeof lang - 1) {
        lang[i] = (char)tolower((unsigned char)tag[i]);
        i++;
    }
    lang[i] = '\0';
    if (i == 3) {
        memcpy(out, lang, 4);
        return;
    }
    if (i != 2)
        return;
    const char *three = uloc_getISO3Language(lang);
    if (three && strlen(three) == 3)
        snprintf(out, 4, "%s", three);
}

void pp_langtag_script(const char *tag, char out[5])
{
    out[0] = '\0';
    if (!tag || !*tag)
        return;
    UErrorCode st = U_ZERO_ERROR;
    char loc[ULOC_FULLNAME_CAPACITY], full[ULOC_FULLNAME_CAPACITY], script[16];
    int32_t parsed = 0;
    uloc_forLanguageTag(tag, loc, sizeof loc, &parsed, &st);
    if (U_FAILURE(st))
        return;
    uloc_getScript(loc, script, sizeof script, &st);
    if (U_SUCCESS(st) && script[0]) {
        { memcpy(out, script, 4); out[4] = 0; }
        return;
    }
    /* "und" has no likely script of its own (ICU would answer en's). */
    if (!loc[0] || strncmp(loc, "und", 3) == 0 || loc[0] == '_')
        return;
    st = U_ZERO_ERROR;
    uloc_addLikelySubtags(loc, full, sizeof full, &st);
    if (U_FAILURE(st))
        return;
    uloc_getScript(full, script, sizeof script, &st);
    if (U_SUCCESS(st))
        { memcpy(out, script, 4); out[4] = 0; }
}
