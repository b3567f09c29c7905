/* pp_lang_identity.c — the registry rule that says which records belong to
 * a requested language and under which code a record is counted (one rule
 * for tokenizer train, instruct, eval and the audit; see pp_registry.h). */
#include "config.h"
#include "langs/pp_registry.h"

#include "src/pp_langtag.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Split a canonical tag into its language subtag and the rest ("-Latn-RS"). */
static void split(const char *canon, char lang[16], const char **rest)
{
    size_t i = 0;
    while (canon[i] && canon[i] != '-' && i < 15) {
        lang[i] = canon[i];
        i++;
    }
    lang[i] = '\0';
    *rest = canon + i;
}

static int canon(const char *tag, char *out, size_t cap)
{
    if (!tag || !*tag)
        return 0;
    return pp_langtag_canonicalize(tag, out, cap, NULL) == PP_OK;
}

const pp_language *pp_language_macrolanguage(const pp_registry *r, const pp_language *l)
{
    if (!r || !l || l->scope != 'I' || !l->macrolanguage || !*l->macrolanguage)
        return NULL;
    return pp_registry_get(r, l->macrolanguage);
}

int pp_lang_matches(const pp_registry *r, const char *want, const char *tag)
{
    char cw[128], ct[128], lw[16], lt[16];
    const char *rw, *rt;
    if (want && tag && *want && strcmp(want, tag) == 0)
        return 1;
    if (!canon(want, cw, sizeof cw) || !canon(tag, ct, sizeof ct))
        return 0;
    split(cw, lw, &rw);
    split(ct, lt, &rt);
    /* subtags beyond the language: the request's must be the record's */
    if (*rw && strcasecmp(rw, rt) != 0)
        return 0;
    if (strcmp(lw, lt) == 0)
        return 1;
    const pp_language *a = pp_registry_get(r, lw), *b = pp_registry_get(r, lt);
    if (!a || !b)
        return 0;
    if (a == b)
        return 1;
    return a->scope == 'M' && pp_language_macrolanguage(r, b) == a;
}

pp_status pp_lang_key(const pp_registry *r, const char *tag, pp_lang_level level, char *out,
                      size_t cap, pp_error *err)
{
    char c[128], l[16];
    const char *rest;
    pp_status st = pp_langtag_canonicalize(tag, c, sizeof c, err);
    if (st != PP_OK)
        return st;
    split(c, l, &rest);
    const pp_language *e = pp_registry_get(r, l);
    const char *code = l;
    if (e && level == PP_LANG_MACROLANGUAGE) {
        const pp_language *m = pp_language_macrolanguage(r, e);
        if (m)
            e = m;
    }
    if (e && e->bcp47 && *e->bcp47)
        code = e->bcp47;
    if ((size_t)snprintf(out, cap, "%s%s", code, rest) >= cap)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "language tag too long: %s", tag);
    return PP_OK;
}
