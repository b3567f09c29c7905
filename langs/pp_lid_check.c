/* pp_lid_check.c — the identifier's checks of a decision against the text:
 * the letters a language uses, and sisters of one macrolanguage. */
#include "config.h"
#include "langs/pp_lid_check.h"

#include "src/pp_data.h"
#include "src/pp_langtag.h"
#include "src/pp_stream.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <unicode/unorm2.h>
#include <unicode/uchar.h>
#include <unicode/uloc.h>
#include <unicode/ulocdata.h>
#include <unicode/uscript.h>
#include <unicode/uset.h>
#include <unicode/utf8.h>

struct pp_lid_check {
    char *profiles;   /* path, or NULL */
    int profiles_read;
    json_t *index;    /* label -> slot in sets[] */
    USet **icu;       /* per slot: CLDR's letters (NULL: none) */
    USet **sets;      /* per slot: those and the profile's (NULL: unknown) */
    char *done;       /* per slot: 1 ICU asked, 2 profile joined too */
    size_t n, cap;
    uint64_t seen[1024]; /* profile reading: the BMP characters of the current label */
    UChar32 *run;     /* and their list */
    size_t nrun, caprun;
    const pp_registry *reg; /* where CLDR keeps a language's data (the identifier's) */
    const UNormalizer2 *nfd;
};

pp_lid_check *pp_lid_check_new(const char *profiles)
{
    pp_lid_check *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->index = json_object();
    if (!c->index || (profiles && !(c->profiles = strdup(profiles)))) {
        pp_lid_check_free(c);
        return NULL;
    }
    UErrorCode ue = U_ZERO_ERROR;
    c->nfd = unorm2_getNFDInstance(&ue);
    if (U_FAILURE(ue))
        c->nfd = NULL;
    return c;
}

void pp_lid_check_set_registry(pp_lid_check *c, const pp_registry *reg)
{
    c->reg = reg;
}

void pp_lid_check_free(pp_lid_check *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        if (c->sets[i])
            uset_close(c->sets[i]);
        if (c->icu[i])
            uset_close(c->icu[i]);
    }
    free(c->sets);
    free(c->icu);
    free(c->run);
    free(c->done);
    json_decref(c->index);
    free(c->profiles);
    free(c);
}

/* The slot of a label (created empty); SIZE_MAX when out of memory. */
static size_t slot(pp_lid_check *c, const char *label)
{
    json_t *ix = json_object_get(c->index, label);
    if (ix)
        return (size_t)json_integer_value(ix);
    if (c->n == c->cap) {
        size_t nc = c->cap ? 2 * c->cap : 64;
        USet **ns = realloc(c->sets, nc * sizeof *ns);
        if (!ns)
            return SIZE_MAX;
        c->sets = ns;
        USet **ni = realloc(c->icu, nc * sizeof *ni);
        if (!ni)
            return SIZE_MAX;
        c->icu = ni;
        char *nd = realloc(c->done, nc);
        if (!nd)
            return SIZE_MAX;
        c->done = nd;
        c->cap = nc;
    }
    if (json_object_set_new(c->index, label, json_integer((json_int_t)c->n)) != 0)
        return SIZE_MAX;
    c->sets[c->n] = NULL;
    c->icu[c->n] = NULL;
    c->done[c->n] = 0;
    return c->n++;
}

/* Add code point ch and the code points of its canonical decomposition, so
 * that a precomposed letter and its base + marks both count as used. */
static void add_char(pp_lid_check *c, USet *s, UChar32 ch)
{
    if (!(u_isalpha(ch) || (U_GET_GC_MASK(ch) & U_GC_M_MASK)))
        return;
    uset_add(s, ch);
    if (!c->nfd)
        return;
    UChar d[16];
    UErrorCode ue = U_ZERO_ERROR;
    int32_t n = unorm2_getDecomposition(c->nfd, ch, d, 16, &ue);
    for (int32_t k = 0; U_SUCCESS(ue) && k < n;) {
        UChar32 x;
        U16_NEXT(d, k, n, x);
        uset_add(s, x);
    }
}

static USet *set_of(pp_lid_check *c, size_t i)
{
    if (!c->sets[i])
        c->sets[i] = uset_openEmpty();
    return c->sets[i];
}

/* The distinct characters of one label's run of profile lines go to its set
 * at the end of the run (a set insertion per character of every trigram
 * cost more than the rest of loading the model). */
static void flush_run(pp_lid_check *c, size_t i)
{
    USet *s = i != SIZE_MAX ? set_of(c, i) : NULL;
    for (size_t k = 0; k < c->nrun; k++) {
        UChar32 ch = c->run[k];
        if (ch < 0x10000)
            c->seen[ch >> 6] &= ~(1ULL << (ch & 63));
        if (s)
            add_char(c, s, ch);
    }
    c->nrun = 0;
}

static void run_add(pp_lid_check *c, UChar32 ch)
{
    if (ch < 0x10000) {
        if (c->seen[ch >> 6] & (1ULL << (ch & 63)))
            return;
        c->seen[ch >> 6] |= 1ULL << (ch & 63);
    }
    if (c->nrun == c->caprun) {
        size_t nc = c->caprun ? 2 * c->caprun : 256;
        UChar32 *nr = realloc(c->run, nc * sizeof *nr);
        if (!nr)
            return;
        c->run = nr;
        c->caprun = nc;
    }
    c->run[c->nrun++] = ch;
}

/* The profile's trigrams: every character of a label's trigrams is a letter
 * its training text used. */
static void read_profiles(pp_lid_check *c)
{
    c->profiles_read = 1;
    pp_input *in = NULL;
    if (!c->profiles || pp_input_open(c->profiles, &in, NULL) != PP_OK)
        return;
    char cur[64] = "";
    size_t cur_slot = SIZE_MAX;
    for (;;) {
        const char *line;
        size_t len;
        if (pp_input_getline(in, &line, &len, NULL) != PP_OK || !line)
            break;
        const char *t1 = len && line[0] != '#' ? memchr(line, '\t', len) : NULL;
        const char *t2 = t1 ? memchr(t1 + 1, '\t', len - (size_t)(t1 + 1 - line)) : NULL;
        if (!t2 || t1 - line >= (long)sizeof cur)
            continue; /* the identifier reports bad profile lines itself */
        size_t ll = (size_t)(t1 - line);
        if (strlen(cur) != ll || memcmp(cur, line, ll) != 0) {
            flush_run(c, cur_slot);
            memcpy(cur, line, ll);
            cur[ll] = '\0';
            cur_slot = slot(c, cur);
        }
        int32_t n = (int32_t)(t2 - t1 - 1);
        const uint8_t *t = (const uint8_t *)t1 + 1;
        for (int32_t k = 0; k < n;) {
            UChar32 ch;
            U8_NEXT(t, k, n, ch);
            if (ch > ' ')
                run_add(c, ch);
        }
    }
    flush_run(c, cur_slot);
    pp_input_close(in);
}

/* CLDR exemplar characters (the standard set) of the label's language
 * in its script, when ICU has data for it. */
static void add_exemplars(pp_lid_check *c, USet *s, const pp_lid_label *m)
{
    const pp_language *pl =
        c->reg ? pp_registry_get(c->reg, m->iso639_3[0] ? m->iso639_3 : m->lang) : NULL;
    const char *cl = pl ? pp_language_cldr_locale(pl) : "";
    if (!*cl)
        return; /* ICU has nothing for it */
    char tag[32], loc[ULOC_FULLNAME_CAPACITY];
    char likely[5] = "";
    pp_langtag_script(cl, likely);
    if (m->script[0] && likely[0] && strcmp(likely, m->script) != 0)
        snprintf(tag, sizeof tag, "%s-%s", cl, m->script);
    else
        snprintf(tag, sizeof tag, "%s", cl);
    UErrorCode ue = U_ZERO_ERROR;
    int32_t parsed = 0;
    uloc_forLanguageTag(tag, loc, sizeof loc, &parsed, &ue);
    if (U_FAILURE(ue))
        return;
    ULocaleData *ld = ulocdata_open(loc, &ue);
    if (U_FAILURE(ue))
        return;
    USet *ex = uset_openEmpty();
    /* The standard set only: auxiliary sets list the letters of loanwords
     * and names, which made every language with ICU data fit every text (on
     * Bible verses and UI strings, the check then did worse). */
    UErrorCode e2 = U_ZERO_ERROR;
    USet *part = ulocdata_getExemplarSet(ld, NULL, 0, ULOCDATA_ES_STANDARD, &e2);
    if (U_SUCCESS(e2) && part)
        uset_addAll(ex, part);
    if (part)
        uset_close(part);
    ulocdata_close(ld);
    /* Elements and the characters of multi-character elements ("gb", "ẹ̀");
     * a set in another script (ICU fell back to the language's usual one) is
     * not this label's. */
    USet *chars = uset_openEmpty();
    int32_t items = uset_getItemCount(ex);
    long in_script = 0, other = 0;
    UScriptCode want = USCRIPT_INVALID_CODE;
    if (m->script[0]) {
        UErrorCode e3 = U_ZERO_ERROR;
        UScriptCode codes[2];
        if (uscript_getCode(m->script, codes, 2, &e3) >= 1 && U_SUCCESS(e3))
            want = codes[0];
    }
    UChar str[64];
    for (int32_t i = 0; i < items; i++) {
        UChar32 lo, hi;
        e2 = U_ZERO_ERROR;
        int32_t sl = uset_getItem(ex, i, &lo, &hi, str, 64, &e2);
        if (U_FAILURE(e2))
            continue;
        if (sl == 0) {
            for (UChar32 ch = lo; ch <= hi; ch++) {
                UErrorCode e3 = U_ZERO_ERROR;
                UScriptCode sc = uscript_getScript(ch, &e3);
                if (u_isalpha(ch))
                    (want == USCRIPT_INVALID_CODE || sc == want) ? in_script++ : other++;
                uset_add(chars, ch);
            }
        } else {
            for (int32_t k = 0; k < sl;) {
                UChar32 ch;
                U16_NEXT(str, k, sl, ch);
                uset_add(chars, ch);
            }
        }
    }
    uset_close(ex);
    if (in_script > other) {
        int32_t ranges = uset_getItemCount(chars);
        for (int32_t i = 0; i < ranges; i++) {
            UChar32 lo, hi;
            e2 = U_ZERO_ERROR;
            uset_getItem(chars, i, &lo, &hi, NULL, 0, &e2);
            for (UChar32 ch = lo; ch <= hi; ch++)
                add_char(c, s, u_tolower(ch));
        }
    }
    uset_close(chars);
}

/* The exemplars of the community's own profile (langs/<code>/profile.xml),
 * when it has one: the orthography the community writes. */
static void add_community(pp_lid_check *c, USet *s, const pp_lid_label *m)
{
    char rel[64], path[4096];
    if (strlen(m->iso639_3) != 3)
        return;
    snprintf(rel, sizeof rel, "langs/%s/profile.xml", m->iso639_3);
    pp_profile *p = NULL;
    if (pp_data_path(rel, path, sizeof path, NULL) != PP_OK || access(path, R_OK) != 0 ||
        pp_profile_load(path, &p, NULL) != PP_OK)
        return;
    const char *ex = pp_profile_exemplars(p);
    int32_t n = ex ? (int32_t)strlen(ex) : 0;
    for (int32_t k = 0; k < n;) {
        UChar32 ch;
        U8_NEXT((const uint8_t *)ex, k, n, ch);
        if (ch > ' ')
            add_char(c, s, u_tolower(ch));
    }
    pp_profile_free(p);
}

/* The label's letters from CLDR alone (NULL: ICU has none), or with
 * `profile` the label's full set (NULL: unknown). The profiles are read only
 * when a label's CLDR letters do not settle the question. */
static const USet *letters(pp_lid_check *c, const pp_lid_label *m, int profile)
{
    size_t i = slot(c, m->label);
    if (i == SIZE_MAX)
        return NULL;
    if (!c->done[i]) {
        c->done[i] = 1;
        USet *s = uset_openEmpty();
        if (s) {
            add_exemplars(c, s, m);
            add_community(c, s, m);
            if (uset_isEmpty(s))
                uset_close(s);
            else {
                uset_freeze(s);
                c->icu[i] = s;
            }
        }
    }
    if (!profile)
        return c->icu[i];
    if (c->done[i] < 2) {
        c->done[i] = 2;
        if (!c->profiles_read)
            read_profiles(c); /* the slots of every label with a profile */
        if (c->icu[i]) {
            if (c->sets[i])
                uset_addAll(c->sets[i], c->icu[i]);
            else
                c->sets[i] = uset_clone(c->icu[i]); /* a frozen clone, already whole */
        }
        if (c->sets[i] && !uset_isFrozen(c->sets[i]))
            uset_freeze(c->sets[i]);
    }
    return c->sets[i];
}

static int counted(UChar32 ch, UScriptCode script)
{
    if (U_GET_GC_MASK(ch) & U_GC_M_MASK)
        return 1; /* a mark belongs to the letter it sits on */
    if (!u_isalpha(ch))
        return 0;
    UErrorCode ue = U_ZERO_ERROR;
    return uscript_getScript(ch, &ue) == script;
}

/* Is ch one of the letters of s, itself or through its decomposition? */
static int known(const pp_lid_check *c, const USet *s, UChar32 ch)
{
    if (uset_contains(s, ch))
        return 1;
    UChar d[16];
    UErrorCode ue = U_ZERO_ERROR;
    int32_t n = c->nfd ? unorm2_getDecomposition(c->nfd, ch, d, 16, &ue) : -1;
    if (n <= 0 || U_FAILURE(ue))
        return 0;
    for (int32_t k = 0; k < n;) {
        UChar32 x;
        U16_NEXT(d, k, n, x);
        if (!uset_contains(s, x))
            return 0;
    }
    return 1;
}

static double foreign_in(const pp_lid_check *c, const USet *s, const char *pre, size_t len,
                         UScriptCode script, long *nletters)
{
    long n = 0, foreign = 0;
    const uint8_t *t = (const uint8_t *)pre;
    for (int32_t k = 0; k < (int32_t)len;) {
        UChar32 ch = t[k];
        if (ch < 0x80) { /* the text is lowercased: ASCII letters are a-z, Latin */
            k++;
            if (ch >= 'a' && ch <= 'z' && script == USCRIPT_LATIN) {
                n++;
                foreign += !uset_contains(s, ch);
            }
            continue;
        }
        U8_NEXT(t, k, (int32_t)len, ch);
        if (ch < 0 || !counted(ch, script))
            continue;
        n++;
        foreign += !known(c, s, ch);
    }
    *nletters = n;
    return n ? (double)foreign / (double)n : -1.0;
}

double pp_lid_check_foreign(pp_lid_check *c, const pp_lid_label *m, const char *pre,
                            size_t len, const char *script, long *nletters)
{
    *nletters = 0;
    UErrorCode ue = U_ZERO_ERROR;
    UScriptCode codes[2];
    if (uscript_getCode(script, codes, 2, &ue) < 1 || U_FAILURE(ue))
        return -1.0;
    /* Adding the profile's letters can only lower the share: when CLDR's
     * letters alone cover the text, the profiles need not be read. */
    const USet *s = letters(c, m, 0);
    if (s && foreign_in(c, s, pre, len, codes[0], nletters) == 0.0)
        return 0.0;
    s = letters(c, m, 1);
    return s ? foreign_in(c, s, pre, len, codes[0], nletters) : -1.0;
}

/* Scripts of thousands of characters: a trigram profile holds too few of
 * them, and CLDR's exemplars list the common ones only. */
static int large_script(const char *script)
{
    static const char *const large[] = {"Hani", "Hans", "Hant", "Hira", "Kana", "Jpan",
                                        "Hang", "Kore", "Yiii", "Cans", "Vaii", "Tang"};
    for (size_t i = 0; i < sizeof large / sizeof large[0]; i++)
        if (strcmp(script, large[i]) == 0)
            return 1;
    return 0;
}

int pp_lid_check_letters(pp_lid_check *c, const pp_lid_label *cands, int n, const char *pre,
                         size_t len, const char *script, double max_share, double *foreign0)
{
    long nl;
    *foreign0 = -1.0;
    if (large_script(script))
        return 0;
    int best = -1;
    double bf = 2.0;
    for (int i = 0; i < n; i++) {
        double f = pp_lid_check_foreign(c, &cands[i], pre, len, script, &nl);
        if (i == 0) {
            *foreign0 = f;
            if (f <= max_share) /* unknown letters (-1) pass */
                return 0;
        }
        if (f >= 0 && f <= max_share && f < bf) {
            bf = f;
            best = i;
        }
    }
    return best;
}

int pp_lid_check_sisters(const pp_registry *reg, const char *a, const char *b, char macro[8])
{
    macro[0] = '\0';
    if (!reg || !*a || !*b || strcmp(a, b) == 0)
        return 0;
    const pp_language *la = pp_registry_get(reg, a), *lb = pp_registry_get(reg, b);
    if (!la || !lb || !la->macrolanguage || !lb->macrolanguage ||
        strcmp(la->macrolanguage, lb->macrolanguage) != 0)
        return 0;
    snprintf(macro, 8, "%s", la->macrolanguage);
    return 1;
}

double pp_lid_check_macro_prob(const pp_registry *reg, const char *macro,
                               const pp_lid_label *cands, int n)
{
    double p = 0;
    for (int i = 0; i < n; i++) {
        const pp_language *l = reg ? pp_registry_get(reg, cands[i].iso639_3) : NULL;
        if (l && l->macrolanguage && strcmp(l->macrolanguage, macro) == 0)
            p += cands[i].prob;
    }
    return p;
}
