/* pp_registry.c — the language registry: load the vendored snapshot
 * (langs/data/registry.tsv, built by langs/tools/build-registry.c), look
 * languages up by any code form, and compute the digital-support indicator
 * and the low-resource rule documented in docs/registry.md. */
#include "config.h"
#include "langs/pp_registry.h"

#include "src/pp_data.h"
#include "src/pp_langtag.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PP_REGISTRY_FILE "langs/data/registry.tsv"
#define NCOLS 19

/* pp_language is the first member, so a `const pp_language *` handed out by
 * the registry can be turned back into its entry. */
typedef struct entry {
    pp_language pub;
    const char *iso639_1;    /* "" when none */
    const char *iso639_2b;   /* "" when the same as ISO 639-3 */
    const char *family_path; /* ISO 639-5 group codes, "nic/alv" */
    int icu_locale;
    int spellcheck;          /* a spell-checking dictionary is packaged in Debian */
    const char *cldr_locale; /* CLDR/ICU locale code holding its data, "" none */
    int udhr_any;            /* in UDHR itself or (macrolanguage) through a member */
    int spell_any;           /* the same for the spell-checker */
} entry;

struct pp_registry {
    char *buf;
    entry *e;      /* sorted by ISO 639-3 */
    size_t n;
    entry **by1;   /* entries with an ISO 639-1 code, sorted by it */
    size_t n1;
    entry **by2b;  /* entries with an ISO 639-2/B code, sorted by it */
    size_t n2b;
};

static int cmp_code(const void *key, const void *e)
{
    return strcmp((const char *)key, ((const entry *)e)->pub.iso639_3);
}

static int cmp_1(const void *a, const void *b)
{
    return strcmp((*(entry *const *)a)->iso639_1, (*(entry *const *)b)->iso639_1);
}

static int cmp_2b(const void *a, const void *b)
{
    return strcmp((*(entry *const *)a)->iso639_2b, (*(entry *const *)b)->iso639_2b);
}

static int key_1(const void *key, const void *e)
{
    return strcmp((const char *)key, (*(entry *const *)e)->iso639_1);
}

static int key_2b(const void *key, const void *e)
{
    return strcmp((const char *)key, (*(entry *const *)e)->iso639_2b);
}

/* Coverage level -> score in [0,1]. */
static double coverage_score(int level)
{
    switch (level) {
    case 3: return 1.0;  /* modern */
    case 2: return 0.6;  /* moderate */
    case 1: return 0.3;  /* basic */
    default: return 0.0;
    }
}

static pp_status parse_double(const char *s, double *out, double missing)
{
    if (!*s) {
        *out = missing;
        return PP_OK;
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end)
        return PP_ERR_PARSE;
    *out = v;
    return PP_OK;
}

static pp_status parse_int(const char *s, int *out, int missing, int lo, int hi)
{
    if (!*s) {
        *out = missing;
        return PP_OK;
    }
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return PP_ERR_PARSE;
    *out = (int)v;
    return PP_OK;
}

static pp_status parse_line(char *line, entry *e, const char *path, long lineno, pp_error *err)
{
    char *col[NCOLS];
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == NCOLS)
            return pp_error_set(err, PP_ERR_PARSE, path, lineno, "more than %d columns", NCOLS);
        col[n++] = p;
        char *tab = strchr(p, '\t');
        if (!tab)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    if (n != NCOLS)
        return pp_error_set(err, PP_ERR_PARSE, path, lineno, "expected %d columns, found %d",
                            NCOLS, n);
    pp_language *l = &e->pub;
    if (strlen(col[0]) != 3)
        return pp_error_set(err, PP_ERR_PARSE, path, lineno, "bad ISO 639-3 code '%s'", col[0]);
    l->iso639_3 = col[0];
    e->iso639_1 = col[1];
    e->iso639_2b = col[2];
    l->bcp47 = *col[1] ? col[1] : col[0];
    l->name = col[3];
    if (strlen(col[4]) != 1 || !strchr("IMS", col[4][0]))
        return pp_error_set(err, PP_ERR_PARSE, path, lineno, "bad scope '%s'", col[4]);
    if (strlen(col[5]) != 1 || !strchr("LEAHCS", col[5][0]))
        return pp_error_set(err, PP_ERR_PARSE, path, lineno, "bad type '%s'", col[5]);
    l->scope = col[4][0];
    l->type = col[5][0];
    l->macrolanguage = *col[6] ? col[6] : NULL;
    l->scripts = col[8];
    l->family = *col[9] ? col[9] : NULL;
    e->family_path = col[10];
    int cov = 0, icu = 0, udhr = 0, spell = 0;
    if (parse_double(col[7], &l->speakers, -1) || parse_double(col[11], &l->latitude, NAN) ||
        parse_double(col[12], &l->longitude, NAN) ||
        parse_int(col[13], &l->joshi_class, -1, 0, 5) || parse_int(col[14], &cov, 0, 0, 3) ||
        parse_int(col[15], &icu, 0, 0, 1) || parse_int(col[16], &udhr, 0, 0, 1000000) ||
        parse_int(col[17], &spell, 0, 0, 1))
        return pp_error_set(err, PP_ERR_PARSE, path, lineno, "bad number in a numeric column");
    l->cldr_coverage = cov;
    e->icu_locale = icu;
    l->in_udhr = udhr;
    e->udhr_any = udhr > 0;
    e->spellcheck = spell;
    e->cldr_locale = col[18];
    e->spell_any = spell;
    return PP_OK;
}

pp_status pp_registry_open(const char *path, pp_registry **out, pp_error *err)
{
    *out = NULL;
    char found[4096];
    if (!path) {
        pp_status st = pp_data_path(PP_REGISTRY_FILE, found, sizeof found, err);
        if (st)
            return st;
        path = found;
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        return pp_error_set(err, PP_ERR_IO, path, 0, "cannot open the registry: %s",
                            strerror(errno));
    pp_registry *r = calloc(1, sizeof *r);
    if (!r) {
        fclose(f);
        return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
    }
    size_t cap = 1 << 19, len = 0;
    r->buf = malloc(cap + 1);
    for (;;) {
        if (!r->buf)
            break;
        size_t got = fread(r->buf + len, 1, cap - len, f);
        len += got;
        if (len < cap)
            break;
        cap *= 2;
        char *nb = realloc(r->buf, cap + 1);
        if (!nb) {
            free(r->buf);
            r->buf = NULL;
        } else {
            r->buf = nb;
        }
    }
    int ioerr = ferror(f);
    fclose(f);
    if (!r->buf) {
        free(r);
        return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
    }
    if (ioerr) {
        pp_registry_free(r);
        return pp_error_set(err, PP_ERR_IO, path, 0, "read error");
    }
    r->buf[len] = '\0';
    if (strlen(r->buf) != len) {
        pp_registry_free(r);
        return pp_error_set(err, PP_ERR_PARSE, path, 0, "NUL byte in the registry");
    }
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += r->buf[i] == '\n';
    r->e = calloc(lines + 1, sizeof *r->e);
    if (!r->e) {
        pp_registry_free(r);
        return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
    }
    long lineno = 0;
    char *p = r->buf;
    while (*p) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        size_t L = strlen(p);
        if (L && p[L - 1] == '\r')
            p[L - 1] = '\0';
        if (*p && *p != '#') {
            pp_status st = parse_line(p, &r->e[r->n], path, lineno, err);
            if (st) {
                pp_registry_free(r);
                return st;
            }
            if (r->n && strcmp(r->e[r->n - 1].pub.iso639_3, r->e[r->n].pub.iso639_3) >= 0) {
                pp_registry_free(r);
                return pp_error_set(err, PP_ERR_PARSE, path, lineno,
                                    "codes not sorted or duplicated ('%s')", p);
            }
            r->n++;
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    if (r->n == 0) {
        pp_registry_free(r);
        return pp_error_set(err, PP_ERR_PARSE, path, 0, "the registry has no languages");
    }
    r->by1 = malloc(r->n * sizeof *r->by1);
    r->by2b = malloc(r->n * sizeof *r->by2b);
    if (!r->by1 || !r->by2b) {
        pp_registry_free(r);
        return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
    }
    for (size_t i = 0; i < r->n; i++) {
        entry *e = &r->e[i];
        if (*e->iso639_1)
            r->by1[r->n1++] = e;
        if (*e->iso639_2b)
            r->by2b[r->n2b++] = e;
    }
    if (r->n1 > 1)
        qsort(r->by1, r->n1, sizeof *r->by1, cmp_1);
    if (r->n2b > 1)
        qsort(r->by2b, r->n2b, sizeof *r->by2b, cmp_2b);
    /* A macrolanguage has a UDHR text or a spell-checker when a member has. */
    for (size_t i = 0; i < r->n; i++) {
        entry *e = &r->e[i];
        if ((e->udhr_any || e->spell_any) && e->pub.macrolanguage) {
            entry *m = bsearch(e->pub.macrolanguage, r->e, r->n, sizeof *r->e, cmp_code);
            if (m) {
                m->udhr_any |= e->udhr_any;
                m->spell_any |= e->spell_any;
            }
        }
    }
    for (size_t i = 0; i < r->n; i++) {
        entry *e = &r->e[i];
        e->pub.digital_support = 0.4 * coverage_score(e->pub.cldr_coverage) +
                                 0.2 * e->icu_locale + 0.2 * e->udhr_any + 0.2 * e->spell_any;
    }
    *out = r;
    return PP_OK;
}

void pp_registry_free(pp_registry *r)
{
    if (!r)
        return;
    free(r->buf);
    free(r->e);
    free(r->by1);
    free(r->by2b);
    free(r);
}

size_t pp_registry_count(const pp_registry *r)
{
    return r ? r->n : 0;
}

const pp_language *pp_registry_at(const pp_registry *r, size_t i)
{
    return r && i < r->n ? &r->e[i].pub : NULL;
}

/* Language subtag of `code`, lowercased; 0 when it is not 2-3 letters. */
static size_t lang_subtag(const char *code, char out[4])
{
    size_t i = 0;
    while (code[i] && code[i] != '-' && code[i] != '_') {
        if (i == 3 || !isalpha((unsigned char)code[i]))
            return 0;
        out[i] = (char)tolower((unsigned char)code[i]);
        i++;
    }
    out[i] = '\0';
    return i >= 2 ? i : 0;
}

static const pp_language *lookup(const pp_registry *r, const char *sub, size_t n)
{
    if (n == 3) {
        entry *e = bsearch(sub, r->e, r->n, sizeof *r->e, cmp_code);
        if (e)
            return &e->pub;
        entry **b = bsearch(sub, r->by2b, r->n2b, sizeof *r->by2b, key_2b);
        return b ? &(*b)->pub : NULL;
    }
    entry **a = bsearch(sub, r->by1, r->n1, sizeof *r->by1, key_1);
    return a ? &(*a)->pub : NULL;
}

const pp_language *pp_registry_get(const pp_registry *r, const char *code)
{
    if (!r || !code)
        return NULL;
    while (isspace((unsigned char)*code))
        code++;
    char sub[4];
    size_t n = lang_subtag(code, sub);
    if (!n)
        return NULL;
    const pp_language *l = lookup(r, sub, n);
    if (l)
        return l;
    /* Deprecated codes ("iw", "in", "mo") through ICU's CLDR aliases. */
    char canon[64];
    if (pp_langtag_canonicalize(code, canon, sizeof canon, NULL) != PP_OK)
        return NULL;
    n = lang_subtag(canon, sub);
    return n ? lookup(r, sub, n) : NULL;
}

int pp_language_is_low_resource(const pp_language *l)
{
    if (!l)
        return 1;
    if (l->joshi_class >= 0)
        return l->joshi_class <= 2;
    return l->digital_support < PP_LOW_RESOURCE_THRESHOLD;
}

const char *pp_language_iso639_1(const pp_language *l)
{
    return l ? ((const entry *)l)->iso639_1 : "";
}

const char *pp_language_family_path(const pp_language *l)
{
    return l ? ((const entry *)l)->family_path : "";
}

int pp_language_icu_locale(const pp_language *l)
{
    return l ? ((const entry *)l)->icu_locale : 0;
}

const char *pp_language_cldr_locale(const pp_language *l)
{
    return l ? ((const entry *)l)->cldr_locale : "";
}

int pp_language_spellcheck(const pp_language *l)
{
    return l ? ((const entry *)l)->spellcheck : 0;
}
