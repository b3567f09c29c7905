/* pp_filter_culture.c — the culture-aware preset: per-language rules and
 * thresholds calibrated from each language's own distribution.
 *
 * Words are ICU word-break segments for the record's language (dictionary
 * segmentation where the script has no spaces). For every language seen in
 * the calibration corpus:
 *
 *   pass 0  counts, over at most CAL_MAX_DOCS documents, in how many
 *           documents each (case-folded) word occurs and, when neither the
 *           caller (a community profile) nor CLDR gives exemplar characters,
 *           how often each letter occurs. Function words = the FW_K words
 *           with the highest document frequency (>= 2 documents) among the
 *           "short" words (at most the median token length, and at least 2
 *           code points long). Estimated exemplars = letters making up at
 *           least EX_MIN_SHARE of the language's letters.
 *   pass 1  computes each statistic of each document (at most CAL_MAX_DOCS
 *           per language).
 *
 * Thresholds: a robust centre and spread (median, MAD × 1.4826) of each
 * statistic, threshold = median ∓ K × max(spread, minimum spread), then
 * clamped to a floor/ceiling that holds for every language (so a corpus
 * that is mostly junk cannot set absurd limits, and clean text is never cut
 * by an over-tight limit). A statistic with fewer than CAL_MIN_DOCS
 * calibration values in a language takes the pooled distribution of all
 * languages when its scale is language-independent (shares of characters:
 * script, symbols, repetition) and is otherwise not applied to that
 * language (word counts, word length, function words). The rule table below
 * lists every constant. */
#include "config.h"
#include "corpora-tools/cleaning/pp_filter_int.h"
#include "langs/pp_registry.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#define CAL_MAX_DOCS 5000
#define CAL_MIN_DOCS 5
#define FW_K 30
#define EX_MIN_SHARE 0.0005
#define K_SPREAD 4.0
#define FW_MIN_WORDS 25    /* function-word rule needs this many words */
#define EX_MIN_LETTERS 10  /* script rule needs this many letters */
#define MWL_MIN_WORDS 10   /* mean word length needs this many words */
#define REP_MIN_WORDS 30   /* n-gram repetition needs this many words */
#define EX_MIN_COVER 0.9   /* CLDR exemplars must cover this share of the language's letters */
#define EX_MIN_SCRIPT 0.1  /* estimated exemplars: scripts with this share of the letters */

enum { S_WORDS, S_MWL, S_SCRIPT, S_FUNC, S_SYM, S_DUPL, S_TOP2, S_DUP5, NS };
/* junk rules: language-independent, for short records (fewer than
 * FW_MIN_WORDS words) where the calibrated rules have little to stand on */
enum { J_NOLETTER = NS, J_ADDRESS, J_REPEAT, J_LOREM, J_FOREIGN };
#define J_REPEAT_RUN 6       /* the same character this many times in a row */
#define J_FOREIGN_MIN 3      /* letters the short-record script rule needs */
#define J_FOREIGN_SHARE 0.5  /* exemplar share below which a short record is foreign */

static const pp_frule_info RULES[] = {
    {"culture_word_count", "ICU words >= exp(median(log words) - 4 max(MAD, 0.5)), clamped to [1, 20]"},
    {"culture_mean_word_length", "mean ICU word length within median +/- 4 max(MAD, 0.15 median) (documents of >= 10 words)"},
    {"culture_script", "share of letters in the language's exemplar characters >= median - 4 max(MAD, 0.05), clamped to [0.5, 0.9] (>= 10 letters)"},
    {"culture_function_words", "share of the language's function words >= median - 4 max(MAD, 0.02), clamped to [0, median/4] (>= 25 words)"},
    {"culture_symbols", "punctuation and symbols among non-space characters <= median + 4 max(MAD, 0.05), clamped to [0.25, 0.5]"},
    {"culture_dup_line_chars", "characters in duplicate lines <= median + 4 max(MAD, 0.05), clamped to [0.2, 0.8]"},
    {"culture_top_2gram", "characters in the top word 2-gram <= median + 4 max(MAD, 0.03), clamped to [0.2, 0.6] (>= 30 words)"},
    {"culture_dup_5gram", "characters in duplicate word 5-grams <= median + 4 max(MAD, 0.05), clamped to [0.15, 0.6] (>= 30 words)"},
    {"junk_no_letters", "short records (< 25 words) have a letter"},
    {"junk_address_only", "short records have a word that is not a URL, e-mail, handle, hashtag, name or markup"},
    {"junk_repeated_chars", "short records have no character 6 times in a row"},
    {"junk_lorem_ipsum", "short records are not lorem ipsum placeholder text"},
    {"junk_foreign_letters", "short records with 3 to 9 letters (names, addresses left out) have >= 0.5 of them in the language's exemplar characters"},
};

/* ------------------------------------------------------------ growable map */

typedef struct gmap {
    uint64_t *k;
    uint32_t *v;
    size_t cap, n;
} gmap;

static uint32_t *gmap_slot(gmap *m, uint64_t key)
{
    if (key == 0)
        key = 0x9e3779b97f4a7c15ULL;
    if ((m->n + 1) * 2 > m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 256;
        uint64_t *nk = calloc(nc, sizeof *nk);
        uint32_t *nv = calloc(nc, sizeof *nv);
        if (!nk || !nv) {
            free(nk);
            free(nv);
            return NULL;
        }
        for (size_t i = 0; i < m->cap; i++)
            if (m->k[i]) {
                size_t j = (size_t)(m->k[i] ^ (m->k[i] >> 31)) & (nc - 1);
                while (nk[j])
                    j = (j + 1) & (nc - 1);
                nk[j] = m->k[i];
                nv[j] = m->v[i];
            }
        free(m->k);
        free(m->v);
        m->k = nk;
        m->v = nv;
        m->cap = nc;
    }
    size_t j = (size_t)(key ^ (key >> 31)) & (m->cap - 1);
    while (m->k[j] && m->k[j] != key)
        j = (j + 1) & (m->cap - 1);
    if (!m->k[j]) {
        m->k[j] = key;
        m->v[j] = 0;
        m->n++;
    }
    return &m->v[j];
}

static int gmap_has(const gmap *m, uint64_t key)
{
    if (!m->cap)
        return 0;
    if (key == 0)
        key = 0x9e3779b97f4a7c15ULL;
    size_t j = (size_t)(key ^ (key >> 31)) & (m->cap - 1);
    while (m->k[j]) {
        if (m->k[j] == key)
            return 1;
        j = (j + 1) & (m->cap - 1);
    }
    return 0;
}

static void gmap_free(gmap *m)
{
    free(m->k);
    free(m->v);
    memset(m, 0, sizeof *m);
}

/* ------------------------------------------------------------ per language */

typedef struct vword {
    uint64_t h;
    uint32_t df;
    uint32_t last_doc;
    uint32_t cplen;
    char *word;
} vword;

typedef struct flang {
    char *tag;
    USet *ex;
    USet *mix;               /* letters of the profile's accepted mixing scripts, or NULL */
    double mix_share;        /* how much of a text's letters they may make up */
    const char *ex_src;      /* "profile", "cldr", "estimated", "none" */
    double ex_cover;         /* share of the data's letters CLDR's set covers (NAN: not checked) */
    int ex_tried;
    int fw_given;
    gmap fw;                 /* function words (folded hashes) */
    char **fw_words;
    size_t nfw;
    /* pass 0 */
    gmap vidx;               /* hash -> 1 + index in voc */
    vword *voc;
    size_t nvoc, capvoc;
    size_t lenhist[34];
    gmap chars;              /* folded code point + 1 -> count */
    unsigned long long nletters;
    long docs0;
    /* pass 1 */
    double *v[NS];
    size_t nv[NS], capv[NS];
    long docs1;
    /* thresholds */
    double lo[NS], hi[NS];
    double med[NS];
    int pooled;
    int ready;
} flang;

typedef struct cstate {
    flang **langs;
    size_t n, cap;
    double *pool[NS];
    size_t npool[NS], cappool[NS];
    double plo[NS], phi[NS], pmed[NS];
    int calibrated;
    int use_profiles;
} cstate;

static void flang_free(flang *L)
{
    if (!L)
        return;
    free(L->tag);
    if (L->ex)
        uset_close(L->ex);
    if (L->mix)
        uset_close(L->mix);
    gmap_free(&L->fw);
    for (size_t i = 0; i < L->nfw; i++)
        free(L->fw_words[i]);
    free(L->fw_words);
    gmap_free(&L->vidx);
    for (size_t i = 0; i < L->nvoc; i++)
        free(L->voc[i].word);
    free(L->voc);
    gmap_free(&L->chars);
    for (int s = 0; s < NS; s++)
        free(L->v[s]);
    free(L);
}

static void *state_new(void)
{
    cstate *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->use_profiles = 1;
    /* defaults before any calibration: the floors/ceilings themselves */
    for (int s = 0; s < NS; s++) {
        c->plo[s] = -INFINITY;
        c->phi[s] = INFINITY;
        c->pmed[s] = NAN;
    }
    return c;
}

static void state_free(void *st)
{
    cstate *c = st;
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        flang_free(c->langs[i]);
    free(c->langs);
    for (int s = 0; s < NS; s++)
        free(c->pool[s]);
    free(c);
}

static pp_status add_function_word(flang *L, const char *w, pp_error *err);

/* The community profile (langs/<code>/profile.xml), when there is one, gives
 * the function words and the exemplar characters of its orthography. */
static void apply_profile(flang *L)
{
    pp_profile *pr = NULL;
    if (pp_profile_find(L->tag, &pr, NULL) != PP_OK || !pr)
        return;
    size_t n = pp_profile_nstopwords(pr);
    for (size_t i = 0; i < n; i++) {
        const char *w = pp_profile_stopword(pr, i);
        if (w && *w && add_function_word(L, w, NULL) == PP_OK)
            L->fw_given = 1;
    }
    /* the profile's characters describe its scripts: not a tag's other script
     * ("tl-Tglg", Baybayin, against the Latin orthography of the tgl profile) */
    const char *ex = pp_profile_exemplars(pr);
    char script[5] = "";
    const char *dash = strchr(L->tag, '-');
    if (dash && strlen(dash + 1) >= 4 && (dash[5] == 0 || dash[5] == '-'))
        snprintf(script, sizeof script, "%.4s", dash + 1);
    if (ex && *ex) {
        USet *set = pp_exemplar_set_from_chars(ex, strlen(ex), NULL);
        if (set && *script) {
            int32_t code = u_getPropertyValueEnum(UCHAR_SCRIPT, script);
            USet *in = uset_openEmpty();
            UErrorCode st = U_ZERO_ERROR;
            if (code != UCHAR_INVALID_CODE)
                uset_applyIntPropertyValue(in, UCHAR_SCRIPT, code, &st);
            if (code == UCHAR_INVALID_CODE || U_FAILURE(st) || !uset_containsSome(set, in)) {
                uset_close(set);
                set = NULL;
            }
            uset_close(in);
        }
        if (set) {
            pp_exemplar_set_widen(set);
            L->ex = set;
            L->ex_src = "profile";
            L->ex_tried = 1;
        }
    }
    /* accepted mixing: the letters of the declared scripts (folded, as the
     * exemplar sets are), up to the largest declared share */
    for (size_t i = 0; i < pp_profile_nmixing(pr); i++) {
        int32_t code = u_getPropertyValueEnum(UCHAR_SCRIPT, pp_profile_mixing_script(pr, i));
        if (code == UCHAR_INVALID_CODE)
            continue;
        USet *in = uset_openEmpty();
        UErrorCode st = U_ZERO_ERROR;
        uset_applyIntPropertyValue(in, UCHAR_SCRIPT, code, &st);
        if (U_SUCCESS(st)) {
            uset_closeOver(in, USET_CASE_INSENSITIVE);
            if (!L->mix)
                L->mix = uset_openEmpty();
            uset_addAll(L->mix, in);
            if (pp_profile_mixing_share(pr, i) > L->mix_share)
                L->mix_share = pp_profile_mixing_share(pr, i);
        }
        uset_close(in);
    }
    pp_profile_free(pr);
}

static flang *lang_get(cstate *c, const char *tag, int create)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->langs[i]->tag, tag) == 0)
            return c->langs[i];
    if (!create)
        return NULL;
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 16;
        flang **nl = realloc(c->langs, nc * sizeof *nl);
        if (!nl)
            return NULL;
        c->langs = nl;
        c->cap = nc;
    }
    flang *L = calloc(1, sizeof *L);
    if (!L || !(L->tag = strdup(tag))) {
        free(L);
        return NULL;
    }
    for (int s = 0; s < NS; s++) {
        L->lo[s] = -INFINITY;
        L->hi[s] = INFINITY;
        L->med[s] = NAN;
    }
    L->ex_src = "none";
    L->ex_cover = NAN;
    c->langs[c->n++] = L;
    if (c->use_profiles)
        apply_profile(L);
    return L;
}

/* CLDR exemplars, looked up once per language. */
static void ensure_exemplars(flang *L)
{
    if (L->ex || L->ex_tried)
        return;
    L->ex_tried = 1;
    L->ex = pp_exemplar_set_from_cldr(L->tag, NULL);
    if (!L->ex && !strchr(L->tag, '-')) {
        /* where the registry knows CLDR keeps the language under another
         * code (quz -> qu, tl -> fil) */
        char *chars = NULL;
        if (pp_exemplar_chars(L->tag, &chars, NULL) == PP_OK && chars) {
            L->ex = pp_exemplar_set_from_chars(chars, strlen(chars), NULL);
            if (L->ex)
                pp_exemplar_set_widen(L->ex);
        }
        free(chars);
    }
    if (L->ex)
        L->ex_src = "cldr";
}

static int push(double **v, size_t *n, size_t *cap, double x)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        double *nv = realloc(*v, nc * sizeof *nv);
        if (!nv)
            return 0;
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = x;
    return 1;
}

/* ------------------------------------------------------------ statistics */

typedef struct cdoc {
    pp_fdoc d;
    double x[NS];
    int has[NS];
} cdoc;

static pp_status cdoc_compute(cdoc *cd, flang *L, const char *lang, const char *text, size_t len,
                              pp_error *err)
{
    pp_status s = pp_fdoc_compute(&cd->d, text, len, PP_WORDS_ICU, lang, err);
    if (s != PP_OK)
        return s;
    for (int k = 0; k < NS; k++)
        cd->has[k] = 1;
    cd->x[S_WORDS] = log((double)cd->d.nwords + 1.0);
    cd->x[S_MWL] = cd->d.mean_word_len;
    cd->has[S_MWL] = cd->d.nwords >= MWL_MIN_WORDS;
    cd->has[S_TOP2] = cd->has[S_DUP5] = cd->d.nwords >= REP_MIN_WORDS;
    cd->x[S_SYM] = cd->d.symbol_share;
    cd->x[S_DUPL] = cd->d.dup_line_char_frac;
    cd->x[S_TOP2] = cd->d.top_ngram[0];
    cd->x[S_DUP5] = cd->d.dup_ngram[0];
    cd->has[S_SCRIPT] = 0;
    if (L && L->ex) {
        s = pp_fdoc_exemplar_share_mixed(&cd->d, L->ex, L->mix, L->mix_share, err);
        if (s != PP_OK) {
            pp_fdoc_clear(&cd->d);
            return s;
        }
        cd->x[S_SCRIPT] = cd->d.exemplar_share;
        cd->has[S_SCRIPT] = cd->d.n_letters >= EX_MIN_LETTERS;
    }
    cd->has[S_FUNC] = 0;
    if (L && L->nfw && cd->d.nwords >= FW_MIN_WORDS) {
        size_t hit = 0;
        for (size_t i = 0; i < cd->d.nwords; i++)
            hit += gmap_has(&L->fw, cd->d.words[i].hash);
        cd->x[S_FUNC] = (double)hit / (double)cd->d.nwords;
        cd->has[S_FUNC] = 1;
    }
    return PP_OK;
}

/* ------------------------------------------------------------ calibration */

static pp_status nomem(pp_error *err)
{
    return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory during calibration");
}

static pp_status observe0(cstate *c, const char *lang, const char *text, size_t len,
                          pp_error *err)
{
    flang *L = lang_get(c, lang, 1);
    if (!L)
        return nomem(err);
    ensure_exemplars(L);
    if (L->docs0 >= CAL_MAX_DOCS)
        return PP_OK;
    L->docs0++;
    if (!L->fw_given) {
        pp_fdoc d;
        pp_status s = pp_fdoc_compute(&d, text, len, PP_WORDS_ICU, lang, err);
        if (s != PP_OK)
            return s;
        for (size_t i = 0; i < d.nwords; i++) {
            pp_fword *w = &d.words[i];
            L->lenhist[w->cplen < 33 ? w->cplen : 33]++;
            uint32_t *slot = gmap_slot(&L->vidx, w->hash);
            if (!slot) {
                pp_fdoc_clear(&d);
                return nomem(err);
            }
            if (*slot == 0) {
                if (L->nvoc == L->capvoc) {
                    size_t nc = L->capvoc ? L->capvoc * 2 : 256;
                    vword *nv = realloc(L->voc, nc * sizeof *nv);
                    if (!nv) {
                        pp_fdoc_clear(&d);
                        return nomem(err);
                    }
                    L->voc = nv;
                    L->capvoc = nc;
                }
                vword *v = &L->voc[L->nvoc];
                v->h = w->hash;
                v->df = 0;
                v->last_doc = 0;
                v->cplen = (uint32_t)w->cplen;
                v->word = strndup(text + w->start, w->end - w->start);
                if (!v->word) {
                    pp_fdoc_clear(&d);
                    return nomem(err);
                }
                *slot = (uint32_t)++L->nvoc;
            }
            vword *v = &L->voc[*slot - 1];
            if (v->last_doc != (uint32_t)L->docs0) {
                v->last_doc = (uint32_t)L->docs0;
                v->df++;
            }
        }
        pp_fdoc_clear(&d);
    }
    {
        /* letters, for estimated exemplars and for checking CLDR's (folded NFD
         * code points); addresses and capitalised words (names, often in
         * another script) say nothing about the language's own letters */
        UErrorCode st = U_ZERO_ERROR;
        const UNormalizer2 *nfd = unorm2_getNFDInstance(&st);
        int32_t tok_end = 0;
        for (int32_t i = 0; i < (int32_t)len;) {
            UChar32 ch;
            if (i >= tok_end && !(text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) {
                int32_t e = i;
                while (e < (int32_t)len && !(text[e] == ' ' || text[e] == '\t' || text[e] == '\n'))
                    e++;
                tok_end = e;
                UChar32 c0;
                int32_t k = i;
                U8_NEXT(text, k, (int32_t)len, c0);
                if (pp_fdoc_neutral_token(text + i, (size_t)(e - i)) || u_isupper(c0) ||
                    u_istitle(c0)) {
                    i = e;
                    continue;
                }
            }
            U8_NEXT(text, i, (int32_t)len, ch);
            if (ch < 0)
                continue;
            UChar buf[32];
            int32_t m = unorm2_getDecomposition(nfd, ch, buf, 32, &st);
            if (U_FAILURE(st) || m < 0) {
                st = U_ZERO_ERROR;
                m = 0;
                U16_APPEND_UNSAFE(buf, m, ch);
            }
            for (int32_t j = 0; j < m;) {
                UChar32 c2;
                U16_NEXT(buf, j, m, c2);
                int8_t t = u_charType(c2);
                if (!(u_isalpha(c2) || t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK))
                    continue;
                uint32_t *slot = gmap_slot(&L->chars, (uint64_t)u_foldCase(c2, U_FOLD_CASE_DEFAULT) + 1);
                if (!slot)
                    return nomem(err);
                (*slot)++;
                L->nletters++;
            }
        }
    }
    return PP_OK;
}

static int cmp_df(const void *a, const void *b)
{
    const vword *x = *(const vword *const *)a, *y = *(const vword *const *)b;
    if (x->df != y->df)
        return x->df > y->df ? -1 : 1;
    return strcmp(x->word, y->word);
}

static pp_status add_function_word(flang *L, const char *w, pp_error *err)
{
    uint32_t *slot = gmap_slot(&L->fw, pp_fold_hash(w, strlen(w)));
    char **nw = realloc(L->fw_words, (L->nfw + 1) * sizeof *nw);
    if (!slot || !nw)
        return nomem(err);
    L->fw_words = nw;
    if (!(L->fw_words[L->nfw] = strdup(w)))
        return nomem(err);
    L->nfw++;
    *slot = 1;
    return PP_OK;
}

static pp_status end_pass0(cstate *c, pp_error *err)
{
    for (size_t li = 0; li < c->n; li++) {
        flang *L = c->langs[li];
        if (!L->fw_given && L->docs0 >= CAL_MIN_DOCS && L->nvoc) {
            /* median token length */
            size_t tot = 0, acc = 0, med = 1;
            for (int k = 0; k < 34; k++)
                tot += L->lenhist[k];
            for (int k = 0; k < 34; k++) {
                acc += L->lenhist[k];
                if (acc * 2 >= tot) {
                    med = (size_t)k;
                    break;
                }
            }
            if (med < 2)
                med = 2;
            vword **cand = malloc(L->nvoc * sizeof *cand);
            if (!cand)
                return nomem(err);
            size_t nc = 0;
            for (size_t i = 0; i < L->nvoc; i++)
                if (L->voc[i].cplen <= med && L->voc[i].df >= 2)
                    cand[nc++] = &L->voc[i];
            if (nc > 1)
                qsort(cand, nc, sizeof *cand, cmp_df);
            for (size_t i = 0; i < nc && i < FW_K; i++) {
                pp_status s = add_function_word(L, cand[i]->word, err);
                if (s != PP_OK) {
                    free(cand);
                    return s;
                }
            }
            free(cand);
        }
        if (L->ex && L->ex_src && strcmp(L->ex_src, "cldr") == 0 && L->nletters) {
            /* (a profile's characters are the community's word: kept as given) */
            /* CLDR's characters must describe the orthography of this data */
            unsigned long long in = 0;
            for (size_t i = 0; i < L->chars.cap; i++)
                if (L->chars.k[i] && uset_contains(L->ex, (UChar32)(L->chars.k[i] - 1)))
                    in += L->chars.v[i];
            L->ex_cover = (double)in / (double)L->nletters;
            if (L->ex_cover < EX_MIN_COVER && L->docs0 >= CAL_MIN_DOCS) {
                uset_close(L->ex);
                L->ex = NULL;
            }
        }
        if (!L->ex && L->docs0 >= CAL_MIN_DOCS && L->nletters) {
            /* letters of the scripts the language is written in: a script
             * holding less than EX_MIN_SCRIPT of its letters is mixing
             * (loanwords, junk), not its orthography */
            double per_script[USCRIPT_CODE_LIMIT] = {0};
            for (size_t i = 0; i < L->chars.cap; i++)
                if (L->chars.k[i]) {
                    UErrorCode se = U_ZERO_ERROR;
                    UScriptCode sc = uscript_getScript((UChar32)(L->chars.k[i] - 1), &se);
                    if (U_SUCCESS(se) && sc >= 0 && sc < USCRIPT_CODE_LIMIT)
                        per_script[sc] += L->chars.v[i];
                }
            USet *set = uset_openEmpty();
            for (size_t i = 0; i < L->chars.cap; i++) {
                if (!L->chars.k[i] ||
                    (double)L->chars.v[i] < EX_MIN_SHARE * (double)L->nletters)
                    continue;
                UErrorCode se = U_ZERO_ERROR;
                UScriptCode sc = uscript_getScript((UChar32)(L->chars.k[i] - 1), &se);
                if (U_SUCCESS(se) && sc > USCRIPT_INHERITED && sc < USCRIPT_CODE_LIMIT &&
                    per_script[sc] < EX_MIN_SCRIPT * (double)L->nletters)
                    continue;
                uset_add(set, (UChar32)(L->chars.k[i] - 1));
            }
            pp_exemplar_set_widen(set);
            L->ex = set;
            L->ex_src = "estimated";
        }
        /* pass-0 data is no longer needed */
        gmap_free(&L->vidx);
        for (size_t i = 0; i < L->nvoc; i++)
            free(L->voc[i].word);
        free(L->voc);
        L->voc = NULL;
        L->nvoc = L->capvoc = 0;
        gmap_free(&L->chars);
    }
    return PP_OK;
}

static pp_status observe1(cstate *c, const char *lang, const char *text, size_t len,
                          pp_error *err)
{
    flang *L = lang_get(c, lang, 1);
    if (!L)
        return nomem(err);
    ensure_exemplars(L);
    if (L->docs1 >= CAL_MAX_DOCS)
        return PP_OK;
    L->docs1++;
    cdoc cd;
    pp_status s = cdoc_compute(&cd, L, lang, text, len, err);
    if (s != PP_OK)
        return s;
    for (int k = 0; k < NS; k++)
        if (cd.has[k]) {
            if (!push(&L->v[k], &L->nv[k], &L->capv[k], cd.x[k]))
                s = nomem(err);
            if (k != S_FUNC && c->npool[k] < 20 * (size_t)CAL_MAX_DOCS &&
                !push(&c->pool[k], &c->npool[k], &c->cappool[k], cd.x[k]))
                s = nomem(err);
        }
    pp_fdoc_clear(&cd.d);
    return s;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median_of(double *v, size_t n)
{
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static double clampd(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

/* Thresholds of statistic k from n values (sorted in place). */
static void calibrate(int k, double *v, size_t n, double *lo, double *hi, double *medo)
{
    *lo = -INFINITY;
    *hi = INFINITY;
    *medo = NAN;
    if (n == 0)
        return;
    double med = median_of(v, n);
    double *dev = malloc(n * sizeof *dev);
    if (!dev)
        return;
    for (size_t i = 0; i < n; i++)
        dev[i] = fabs(v[i] - med);
    double mad = 1.4826 * median_of(dev, n);
    free(dev);
    *medo = med;
    switch (k) {
    case S_WORDS: {
        double t = exp(med - K_SPREAD * fmax(mad, 0.5)) - 1.0;
        *lo = log(clampd(t, 1.0, 20.0) + 1.0);
        break;
    }
    case S_MWL: {
        double sp = fmax(mad, 0.15 * med);
        *lo = med - K_SPREAD * sp;
        *hi = med + K_SPREAD * sp;
        break;
    }
    case S_SCRIPT: *lo = clampd(med - K_SPREAD * fmax(mad, 0.05), 0.5, 0.9); break;
    case S_FUNC: *lo = clampd(med - K_SPREAD * fmax(mad, 0.02), 0.0, med / 4.0); break;
    case S_SYM: *hi = clampd(med + K_SPREAD * fmax(mad, 0.05), 0.25, 0.5); break;
    case S_DUPL: *hi = clampd(med + K_SPREAD * fmax(mad, 0.05), 0.2, 0.8); break;
    case S_TOP2: *hi = clampd(med + K_SPREAD * fmax(mad, 0.03), 0.2, 0.6); break;
    case S_DUP5: *hi = clampd(med + K_SPREAD * fmax(mad, 0.05), 0.15, 0.6); break;
    }
}

/* Statistics whose scale does not depend on the language (shares of
 * characters); only these fall back to the pooled distribution. */
static int scale_free(int k)
{
    return k == S_SCRIPT || k == S_SYM || k == S_DUPL || k == S_TOP2 || k == S_DUP5;
}

static pp_status end_pass1(cstate *c, pp_error *err)
{
    (void)err;
    for (int k = 0; k < NS; k++)
        calibrate(k, c->pool[k], c->npool[k], &c->plo[k], &c->phi[k], &c->pmed[k]);
    for (size_t li = 0; li < c->n; li++) {
        flang *L = c->langs[li];
        L->pooled = L->docs1 < CAL_MIN_DOCS;
        for (int k = 0; k < NS; k++) {
            if (L->nv[k] >= CAL_MIN_DOCS) {
                calibrate(k, L->v[k], L->nv[k], &L->lo[k], &L->hi[k], &L->med[k]);
            } else if (scale_free(k)) {
                L->lo[k] = c->plo[k];
                L->hi[k] = c->phi[k];
                L->med[k] = c->pmed[k];
            } /* else: too little evidence in this language; the rule is not applied */
            free(L->v[k]);
            L->v[k] = NULL;
            L->nv[k] = L->capv[k] = 0;
        }
        L->ready = 1;
    }
    for (int k = 0; k < NS; k++) {
        free(c->pool[k]);
        c->pool[k] = NULL;
        c->npool[k] = c->cappool[k] = 0;
    }
    c->calibrated = 1;
    return PP_OK;
}

static pp_status observe(void *st, int pass, const char *lang, const char *text, size_t len,
                         pp_error *err)
{
    return pass == 0 ? observe0(st, lang, text, len, err) : observe1(st, lang, text, len, err);
}

static pp_status end_pass(void *st, int pass, pp_error *err)
{
    return pass == 0 ? end_pass0(st, err) : end_pass1(st, err);
}

/* ------------------------------------------------------------ judging */

/* The junk rules on a short record; cd has its statistics (exemplar share
 * when the language has exemplar characters). */
static void judge_junk(const flang *L, const cdoc *cd, const char *text, size_t len,
                       pp_filter_result *res)
{
    size_t letters = 0, run = 0, longest = 0;
    UChar32 prev = -1;
    for (int32_t i = 0; i < (int32_t)len;) {
        UChar32 c;
        U8_NEXT(text, i, (int32_t)len, c);
        if (c < 0)
            continue;
        letters += u_isalpha(c) != 0;
        run = c == prev && !u_isspace(c) ? run + 1 : 1;
        prev = c;
        if (run > longest)
            longest = run;
    }
    if (!letters) {
        pp_fresult_fail(res, RULES, J_NOLETTER, "no letter");
        return;
    }
    if (L && L->ex && cd->d.n_plain_tokens == 0) {
        pp_fresult_fail(res, RULES, J_ADDRESS, "%zu address or name token%s, no word",
                        cd->d.n_neutral, cd->d.n_neutral == 1 ? "" : "s");
        return;
    }
    if (longest >= J_REPEAT_RUN)
        pp_fresult_fail(res, RULES, J_REPEAT, "a character %zu times in a row", longest);
    static const char *const lorem[] = {"lorem ipsum", "dolor sit amet"};
    for (size_t k = 0; k < 2; k++) {
        size_t kl = strlen(lorem[k]);
        for (size_t i = 0; i + kl <= len; i++)
            if (strncasecmp(text + i, lorem[k], kl) == 0) {
                pp_fresult_fail(res, RULES, J_LOREM, "\"%s\"", lorem[k]);
                k = 2;
                break;
            }
    }
    if (L && L->ex && cd->d.n_letters >= J_FOREIGN_MIN && cd->d.n_letters < EX_MIN_LETTERS &&
        cd->d.exemplar_share < J_FOREIGN_SHARE)
        pp_fresult_fail(res, RULES, J_FOREIGN, "%.3f of %zu letters in the exemplars",
                        cd->d.exemplar_share, cd->d.n_letters);
}

static pp_status judge(void *st, const char *lang, const char *text, size_t len,
                       pp_filter_result *res, pp_error *err)
{
    cstate *c = st;
    if (!c->calibrated)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "the culture-aware preset must be calibrated before use");
    if (!lang || !*lang)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "the culture-aware preset needs a language");
    flang *L = lang_get(c, lang, 1);
    if (!L)
        return nomem(err);
    if (!L->ready) { /* a language absent from the calibration corpus: pooled thresholds */
        ensure_exemplars(L);
        for (int k = 0; k < NS; k++)
            if (scale_free(k)) {
                L->lo[k] = c->plo[k];
                L->hi[k] = c->phi[k];
                L->med[k] = c->pmed[k];
            }
        L->pooled = 1;
        L->ready = 1;
    }
    cdoc cd;
    pp_status s = cdoc_compute(&cd, L, lang, text, len, err);
    if (s != PP_OK)
        return s;
    for (int k = 0; k < NS; k++) {
        if (!cd.has[k])
            continue;
        double x = cd.x[k];
        if (x < L->lo[k] || x > L->hi[k]) {
            if (k == S_WORDS)
                pp_fresult_fail(res, RULES, k, "%zu word%s (min %.0f)", cd.d.nwords,
                                cd.d.nwords == 1 ? "" : "s",
                                ceil(exp(L->lo[k]) - 1.0));
            else if (x < L->lo[k])
                pp_fresult_fail(res, RULES, k, "%.3f < %.3f", x, L->lo[k]);
            else
                pp_fresult_fail(res, RULES, k, "%.3f > %.3f", x, L->hi[k]);
        }
    }
    if (cd.d.nwords < FW_MIN_WORDS)
        judge_junk(L, &cd, text, len, res);
    pp_fdoc_clear(&cd.d);
    return PP_OK;
}

static json_t *bound(double lo, double hi)
{
    json_t *o = json_object();
    if (isfinite(lo))
        json_object_set_new(o, "min", json_real(lo));
    if (isfinite(hi))
        json_object_set_new(o, "max", json_real(hi));
    return o;
}

static json_t *thresholds(const void *st, const char *lang)
{
    const cstate *c = st;
    flang *L = lang_get((cstate *)c, lang, 0);
    json_t *o = json_object();
    if (!L)
        return o;
    for (int k = 0; k < NS; k++) {
        double lo = L->lo[k], hi = L->hi[k];
        if (k == S_WORDS) {
            lo = isfinite(lo) ? round(exp(lo) - 1.0) : lo;
        }
        json_object_set_new(o, RULES[k].name, bound(lo, hi));
    }
    json_object_set_new(o, "calibration",
                        json_pack("{s:I,s:s}", "docs", (json_int_t)L->docs1, "source",
                                  L->pooled ? "pooled" : "language"));
    json_object_set_new(o, "exemplars", json_string(L->ex_src));
    if (L->mix)
        json_object_set_new(o, "accepted_mixing_share", json_real(L->mix_share));
    if (isfinite(L->ex_cover))
        json_object_set_new(o, "cldr_exemplar_coverage", json_real(L->ex_cover));
    json_t *fw = json_array();
    for (size_t i = 0; i < L->nfw; i++)
        json_array_append_new(fw, json_string(L->fw_words[i]));
    json_object_set_new(o, "function_words", fw);
    json_object_set_new(o, "function_words_source",
                        json_string(L->fw_given ? "profile" : L->nfw ? "estimated" : "none"));
    return o;
}

static void pp_fculture_use_profiles(void *st, int on)
{
    ((cstate *)st)->use_profiles = on;
}

static pp_status pp_fculture_set_function_words(void *st, const char *lang, const char *const *w,
                                                size_t n, pp_error *err)
{
    flang *L = lang_get(st, lang, 1);
    if (!L)
        return nomem(err);
    /* replace what a profile gave */
    gmap_free(&L->fw);
    for (size_t i = 0; i < L->nfw; i++)
        free(L->fw_words[i]);
    free(L->fw_words);
    L->fw_words = NULL;
    L->nfw = 0;
    L->fw_given = 1;
    for (size_t i = 0; i < n; i++) {
        pp_status s = add_function_word(L, w[i], err);
        if (s != PP_OK)
            return s;
    }
    return PP_OK;
}

static pp_status pp_fculture_set_exemplars(void *st, const char *lang, const char *chars, pp_error *err)
{
    flang *L = lang_get(st, lang, 1);
    if (!L)
        return nomem(err);
    USet *set = pp_exemplar_set_from_chars(chars, strlen(chars), err);
    if (!set)
        return err ? err->code : PP_ERR_ICU;
    if (L->ex)
        uset_close(L->ex);
    L->ex = set;
    L->ex_src = "profile";
    L->ex_tried = 1;
    return PP_OK;
}

const pp_fpreset pp_fpreset_culture = {
    .name = "culture-aware",
    .rules = RULES,
    .nrules = sizeof RULES / sizeof RULES[0],
    .passes = 2,
    .state_new = state_new,
    .state_free = state_free,
    .observe = observe,
    .end_pass = end_pass,
    .judge = judge,
    .thresholds = thresholds,
    .set_function_words = pp_fculture_set_function_words,
    .use_profiles = pp_fculture_use_profiles,
    .set_exemplars = pp_fculture_set_exemplars,
};
