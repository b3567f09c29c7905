/* pp_lid_check.c — the identifier's checks of a decision against the text:
 * the letters a language uses, and sisters of one macrolanguage. A text is
 * read once per decision (its distinct letters counted); each label's
 * letters are a frozen ICU set built on the label's first check. */
#include "config.h"
#include "langs/pp_lid_check.h"

#include "src/pp_data.h"
#include "src/pp_langtag.h"

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

/* One distinct letter of a text and how often it occurs. */
struct tally {
    UChar32 cp; /* -1: empty slot of the hash table */
    uint32_t n;
};

struct pp_lid_check {
    json_t *index;    /* label -> slot in sets[] */
    USet **icu;       /* per slot: CLDR's letters (NULL: none) */
    USet **sets;      /* per slot: those and the profile's (NULL: unknown) */
    char *done;       /* per slot: 1 ICU asked, 2 profile joined too */
    UChar32 **pchars; /* per slot: the profile's distinct characters */
    size_t *npchars, *cappchars;
    char *hasprof;    /* per slot: the profiles have lines for it */
    size_t n, cap;
    size_t cur_slot;  /* profile lines: the current label's slot */
    uint64_t seen[1024]; /* profile reading: the BMP characters of the current label */
    UChar32 *run;     /* and their list */
    size_t nrun, caprun;
    const pp_registry *reg; /* where CLDR keeps a language's data (the identifier's) */
    const UNormalizer2 *nfd;
    int naive; /* PP_LID_CHECK_NAIVE=1: every candidate reads the whole text */
    /* The text being checked, read once for all its candidates: its letters
     * of the majority script, distinct, with their counts. */
    uint32_t ascii[128];
    struct tally *tab; /* non-ASCII code points, open addressing */
    size_t tabcap;     /* a power of two; at most half full */
    size_t *used;      /* the slots in use, to clear them */
    size_t nused;
    struct tally *let; /* the counted letters */
    size_t nlet;
};

pp_lid_check *pp_lid_check_new(void)
{
    pp_lid_check *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->index = json_object();
    if (!c->index) {
        pp_lid_check_free(c);
        return NULL;
    }
    c->cur_slot = SIZE_MAX;
    UErrorCode ue = U_ZERO_ERROR;
    c->nfd = unorm2_getNFDInstance(&ue);
    if (U_FAILURE(ue))
        c->nfd = NULL;
    const char *naive = getenv("PP_LID_CHECK_NAIVE");
    c->naive = naive && strcmp(naive, "1") == 0;
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
        free(c->pchars[i]);
    }
    free(c->sets);
    free(c->icu);
    free(c->pchars);
    free(c->npchars);
    free(c->cappchars);
    free(c->hasprof);
    free(c->run);
    free(c->done);
    free(c->tab);
    free(c->used);
    free(c->let);
    json_decref(c->index);
    free(c);
}

/* Grow one per-slot array to nc elements of size sz; 0 when out of memory. */
static int grow(void *pp, size_t nc, size_t sz)
{
    void *np = realloc(*(void **)pp, nc * sz);
    if (!np)
        return 0;
    *(void **)pp = np;
    return 1;
}

/* The slot of a label (created empty); SIZE_MAX when out of memory. */
static size_t slot(pp_lid_check *c, const char *label)
{
    json_t *ix = json_object_get(c->index, label);
    if (ix)
        return (size_t)json_integer_value(ix);
    if (c->n == c->cap) {
        size_t nc = c->cap ? 2 * c->cap : 64;
        if (!grow(&c->sets, nc, sizeof *c->sets) || !grow(&c->icu, nc, sizeof *c->icu) ||
            !grow(&c->done, nc, 1) || !grow(&c->pchars, nc, sizeof *c->pchars) ||
            !grow(&c->npchars, nc, sizeof *c->npchars) ||
            !grow(&c->cappchars, nc, sizeof *c->cappchars) || !grow(&c->hasprof, nc, 1))
            return SIZE_MAX;
        c->cap = nc;
    }
    if (json_object_set_new(c->index, label, json_integer((json_int_t)c->n)) != 0)
        return SIZE_MAX;
    c->sets[c->n] = NULL;
    c->icu[c->n] = NULL;
    c->done[c->n] = 0;
    c->pchars[c->n] = NULL;
    c->npchars[c->n] = c->cappchars[c->n] = 0;
    c->hasprof[c->n] = 0;
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

/* The distinct characters of one label's run of profile lines go to its
 * list at the end of the run; its set is built from the list the first time
 * the label is checked. */
static void flush_run(pp_lid_check *c)
{
    size_t i = c->cur_slot;
    if (i != SIZE_MAX) {
        c->hasprof[i] = 1;
        size_t need = c->npchars[i] + c->nrun;
        if (need > c->cappchars[i]) {
            size_t nc = need < 16 ? 16 : need;
            if (grow(&c->pchars[i], nc, sizeof **c->pchars))
                c->cappchars[i] = nc;
        }
        if (c->nrun && need <= c->cappchars[i]) { /* nothing to copy from a NULL run */
            memcpy(c->pchars[i] + c->npchars[i], c->run, c->nrun * sizeof *c->run);
            c->npchars[i] = need;
        }
    }
    for (size_t k = 0; k < c->nrun; k++) {
        UChar32 ch = c->run[k];
        if (ch < 0x10000)
            c->seen[ch >> 6] &= ~(1ULL << (ch & 63));
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

void pp_lid_check_profile_label(pp_lid_check *c, const char *label)
{
    flush_run(c);
    c->cur_slot = slot(c, label);
}

void pp_lid_check_profile_trigram(pp_lid_check *c, const char *trigram, size_t len)
{
    const uint8_t *t = (const uint8_t *)trigram;
    for (int32_t k = 0; k < (int32_t)len;) {
        UChar32 ch = t[k];
        if (ch < 0x80) { /* most of them, and most already seen */
            k++;
            if (ch > ' ' && !(c->seen[ch >> 6] & (1ULL << (ch & 63))))
                run_add(c, ch);
            continue;
        }
        U8_NEXT(t, k, (int32_t)len, ch);
        if (ch > ' ')
            run_add(c, ch);
    }
}

void pp_lid_check_profile_end(pp_lid_check *c)
{
    flush_run(c);
    c->cur_slot = SIZE_MAX;
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
 * `profile` the label's full set (NULL: unknown), built on first use. */
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
        USet *s = NULL;
        if (c->hasprof[i] && (s = uset_openEmpty())) {
            for (size_t k = 0; k < c->npchars[i]; k++)
                add_char(c, s, c->pchars[i][k]);
            if (c->icu[i])
                uset_addAll(s, c->icu[i]);
            uset_freeze(s);
        } else if (c->icu[i])
            s = uset_clone(c->icu[i]); /* a frozen clone, already whole */
        c->sets[i] = s;
        free(c->pchars[i]); /* in the set now */
        c->pchars[i] = NULL;
        c->npchars[i] = c->cappchars[i] = 0;
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

/* The text's letters, read once for all its candidates (foreign_in reads
 * the whole text again for each set, the reference path): distinct code
 * points with their counts, then the ones counted in `script`. 0 when out of
 * memory (the caller then takes the reference path). */
static int tally_text(pp_lid_check *c, const char *pre, size_t len, UScriptCode script)
{
    memset(c->ascii, 0, sizeof c->ascii);
    for (size_t u = 0; u < c->nused; u++)
        c->tab[c->used[u]].cp = -1;
    c->nused = 0;
    c->nlet = 0;
    const uint8_t *t = (const uint8_t *)pre;
    int32_t n = (int32_t)len;
    for (int32_t k = 0; k < n;) {
        while (k < n && t[k] < 0x80) /* every ASCII byte counted, letters kept below */
            c->ascii[t[k++]]++;
        if (k >= n)
            break;
        UChar32 ch;
        U8_NEXT(t, k, n, ch);
        if (ch < 0)
            continue;
        if (2 * (c->nused + 1) > c->tabcap) { /* keep the table at most half full */
            size_t nc = c->tabcap ? 2 * c->tabcap : 256;
            struct tally *nt = malloc(nc * sizeof *nt);
            size_t *nu = malloc(nc / 2 * sizeof *nu);
            struct tally *nl = realloc(c->let, (nc / 2 + 26) * sizeof *nl);
            if (nl)
                c->let = nl;
            if (!nt || !nu || !nl) {
                free(nt);
                free(nu);
                return 0;
            }
            for (size_t x = 0; x < nc; x++)
                nt[x].cp = -1;
            for (size_t u = 0; u < c->nused; u++) { /* rehash */
                struct tally e = c->tab[c->used[u]];
                size_t h = ((uint32_t)e.cp * 0x9E3779B1u) & (nc - 1);
                while (nt[h].cp >= 0)
                    h = (h + 1) & (nc - 1);
                nt[h] = e;
                nu[u] = h;
            }
            free(c->tab);
            free(c->used);
            c->tab = nt;
            c->used = nu;
            c->tabcap = nc;
        }
        size_t h = ((uint32_t)ch * 0x9E3779B1u) & (c->tabcap - 1);
        while (c->tab[h].cp >= 0 && c->tab[h].cp != ch)
            h = (h + 1) & (c->tabcap - 1);
        if (c->tab[h].cp < 0) {
            c->tab[h].cp = ch;
            c->tab[h].n = 0;
            c->used[c->nused++] = h;
        }
        c->tab[h].n++;
    }
    if (!c->let && !(c->let = malloc(26 * sizeof *c->let)))
        return 0;
    /* the text is lowercased: ASCII letters are a-z, Latin */
    for (int x = 'a'; x <= 'z' && script == USCRIPT_LATIN; x++)
        if (c->ascii[x])
            c->let[c->nlet++] = (struct tally){x, c->ascii[x]};
    for (size_t u = 0; u < c->nused; u++) {
        struct tally e = c->tab[c->used[u]];
        if (counted(e.cp, script))
            c->let[c->nlet++] = e;
    }
    return 1;
}

/* foreign_in over the tallied text: the same integers, so the same share. */
static double foreign_tallied(const pp_lid_check *c, const USet *s, long *nletters)
{
    long n = 0, foreign = 0;
    for (size_t i = 0; i < c->nlet; i++) {
        n += c->let[i].n;
        if (!known(c, s, c->let[i].cp))
            foreign += c->let[i].n;
    }
    *nletters = n;
    return n ? (double)foreign / (double)n : -1.0;
}

/* The share for label m: the tallied text when `tallied`, else the whole
 * text read again for each set. */
static double label_foreign(pp_lid_check *c, const pp_lid_label *m, const char *pre,
                            size_t len, UScriptCode script, int tallied, long *nletters)
{
    *nletters = 0;
    /* Adding the profile's letters can only lower the share: when CLDR's
     * letters alone cover the text, the full set is not needed. */
    const USet *s = letters(c, m, 0);
    if (s && (tallied ? foreign_tallied(c, s, nletters)
                      : foreign_in(c, s, pre, len, script, nletters)) == 0.0)
        return 0.0;
    s = letters(c, m, 1);
    if (!s)
        return -1.0;
    return tallied ? foreign_tallied(c, s, nletters) : foreign_in(c, s, pre, len, script, nletters);
}

static int script_code(const char *script, UScriptCode *sc)
{
    UErrorCode ue = U_ZERO_ERROR;
    UScriptCode codes[2];
    if (uscript_getCode(script, codes, 2, &ue) < 1 || U_FAILURE(ue))
        return 0;
    *sc = codes[0];
    return 1;
}

double pp_lid_check_foreign(pp_lid_check *c, const pp_lid_label *m, const char *pre,
                            size_t len, const char *script, long *nletters)
{
    *nletters = 0;
    UScriptCode sc;
    if (!script_code(script, &sc))
        return -1.0;
    int tallied = !c->naive && tally_text(c, pre, len, sc);
    return label_foreign(c, m, pre, len, sc, tallied, nletters);
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
    UScriptCode sc;
    if (n < 1 || !script_code(script, &sc))
        return n < 1 ? -1 : 0; /* an unknown share passes */
    int tallied = !c->naive && tally_text(c, pre, len, sc);
    int best = -1;
    double bf = 2.0;
    for (int i = 0; i < n; i++) {
        double f = label_foreign(c, &cands[i], pre, len, sc, tallied, &nl);
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

/* What makes two languages kin: their macrolanguage (sisters), or their
 * family path (a group); NULL or "" when the language has none. */
static const char *kin_key(const pp_language *l, pp_lid_kin kind)
{
    if (!l)
        return NULL;
    return kind == PP_LID_KIN_SISTERS ? l->macrolanguage : pp_language_family_path(l);
}

int pp_lid_check_kin(const pp_registry *reg, pp_lid_kin kind, const char *a, const char *b,
                     char code[8])
{
    code[0] = '\0';
    if (!reg || !*a || !*b || strcmp(a, b) == 0)
        return 0;
    const pp_language *la = pp_registry_get(reg, a), *lb = pp_registry_get(reg, b);
    const char *ka = kin_key(la, kind), *kb = kin_key(lb, kind);
    if (!ka || !kb || !*ka || strcmp(ka, kb) != 0)
        return 0;
    if (kind == PP_LID_KIN_SISTERS) {
        snprintf(code, 8, "%s", ka);
        return 1;
    }
    const char *ma = kin_key(la, PP_LID_KIN_SISTERS), *mb = kin_key(lb, PP_LID_KIN_SISTERS);
    if (ma && mb && strcmp(ma, mb) == 0)
        return 0; /* sisters: their macrolanguage is the answer, not the group */
    const char *leaf = strrchr(ka, '/');
    leaf = leaf ? leaf + 1 : ka;
    if (strlen(leaf) != 3)
        return 0; /* (not an ISO 639-5 code) */
    snprintf(code, 8, "%s", leaf);
    return 1;
}

double pp_lid_check_kin_prob(const pp_registry *reg, pp_lid_kin kind, const char *a,
                             const pp_lid_label *cands, int n)
{
    const char *ka = reg ? kin_key(pp_registry_get(reg, a), kind) : NULL;
    double p = 0;
    for (int i = 0; ka && *ka && i < n; i++) {
        const char *k = kin_key(pp_registry_get(reg, cands[i].iso639_3), kind);
        if (k && strcmp(k, ka) == 0)
            p += cands[i].prob;
    }
    return p;
}
