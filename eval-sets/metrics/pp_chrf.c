/* pp_chrf.c — chrF and chrF++ statistics as sacreBLEU defines them.
 *
 * Text is handled as Unicode code points, like Python strings. White space
 * is what Python's str.split() splits on (general category Zs, or bidi class
 * WS, B or S), asked from ICU. An n-gram is a byte slice; two n-grams are
 * equal when their bytes are (UTF-8 is a bijection on code point
 * sequences). Matches are counted with a hash table of the reference
 * n-grams (xxHash), every hit confirmed by comparing the bytes, so a hash
 * collision can never count as a match. */
#include "config.h"
#include "eval-sets/metrics/pp_eval.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <xxhash.h>

typedef struct slice {
    const char *p;
    size_t len;
} slice;

/* The n-grams of one text: character orders 1..6, then word orders. */
typedef struct grams {
    char *chars;        /* the text without white space */
    size_t *cp_off;     /* byte offset of each code point in chars, plus the end */
    size_t ncp;
    char *words;        /* tokens joined by one space */
    size_t *tok_start;  /* byte offsets of tokens in words */
    size_t *tok_end;
    size_t ntok;
    slice *sl[PP_CHRF_CHAR_ORDER + 2];
    size_t nsl[PP_CHRF_CHAR_ORDER + 2];
} grams;

static int py_space(UChar32 c)
{
    if (u_charType(c) == U_SPACE_SEPARATOR)
        return 1;
    UCharDirection d = u_charDirection(c);
    return d == U_WHITE_SPACE_NEUTRAL || d == U_BLOCK_SEPARATOR || d == U_SEGMENT_SEPARATOR;
}

static int ascii_punct(UChar32 c)
{
    return c < 128 && c > 32 && strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", (int)c) != NULL;
}

static int cmp_slice(const void *a, const void *b)
{
    const slice *x = a, *y = b;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return memcmp(x->p, y->p, x->len);
}

static void grams_free(grams *g)
{
    free(g->chars);
    free(g->cp_off);
    free(g->words);
    free(g->tok_start);
    free(g->tok_end);
    for (int i = 0; i < PP_CHRF_CHAR_ORDER + 2; i++)
        free(g->sl[i]);
}

/* Append token [s, e) of `text` to the joined word buffer. */
static void add_token(grams *g, size_t *wlen, const char *text, size_t s, size_t e)
{
    if (g->ntok)
        g->words[(*wlen)++] = ' ';
    g->tok_start[g->ntok] = *wlen;
    memcpy(g->words + *wlen, text + s, e - s);
    *wlen += e - s;
    g->tok_end[g->ntok++] = *wlen;
}

static pp_status grams_build(grams *g, const char *text, int word_order, pp_error *err)
{
    memset(g, 0, sizeof *g);
    size_t len = strlen(text);
    g->chars = malloc(len + 1);
    g->cp_off = malloc((len + 1) * sizeof *g->cp_off);
    g->words = malloc(len + 2 * len + 1);   /* a split token adds one space */
    g->tok_start = malloc((len + 1) * sizeof(size_t));
    g->tok_end = malloc((len + 1) * sizeof(size_t));
    if (!g->chars || !g->cp_off || !g->words || !g->tok_start || !g->tok_end)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");

    /* Characters without white space; tokens split at white space. */
    size_t clen = 0, wlen = 0, i = 0;
    size_t tstart = 0, tcp = 0;     /* current token: start byte, code points */
    int intok = 0;
    UChar32 first = 0, last = 0;
    size_t first_end = 0, last_start = 0;
    while (1) {
        size_t at = i;
        UChar32 c = -1;
        if (i < len) {
            U8_NEXT(text, i, len, c);
            if (c < 0)
                return pp_error_set(err, PP_ERR_ENCODING, NULL, 0, "invalid UTF-8 at byte %zu", at);
        }
        int sp = c < 0 || py_space(c);
        if (!sp) {
            g->cp_off[g->ncp++] = clen;
            memcpy(g->chars + clen, text + at, i - at);
            clen += i - at;
            if (!intok) {
                intok = 1;
                tstart = at;
                tcp = 0;
                first = c;
                first_end = i;
            }
            tcp++;
            last = c;
            last_start = at;
        } else if (intok) {
            intok = 0;
            if (word_order > 0) {
                /* sacreBLEU's punctuation split: one mark off the end, else the start. */
                if (tcp > 1 && ascii_punct(last)) {
                    add_token(g, &wlen, text, tstart, last_start);
                    add_token(g, &wlen, text, last_start, at);
                } else if (tcp > 1 && ascii_punct(first)) {
                    add_token(g, &wlen, text, tstart, first_end);
                    add_token(g, &wlen, text, first_end, at);
                } else {
                    add_token(g, &wlen, text, tstart, at);
                }
            }
        }
        if (c < 0)
            break;
    }
    g->cp_off[g->ncp] = clen;
    g->chars[clen] = '\0';
    g->words[wlen] = '\0';

    for (int n = 1; n <= PP_CHRF_CHAR_ORDER; n++) {
        size_t cnt = g->ncp >= (size_t)n ? g->ncp - (size_t)n + 1 : 0;
        g->sl[n - 1] = malloc((cnt ? cnt : 1) * sizeof(slice));
        if (!g->sl[n - 1])
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        for (size_t k = 0; k < cnt; k++) {
            g->sl[n - 1][k].p = g->chars + g->cp_off[k];
            g->sl[n - 1][k].len = g->cp_off[k + n] - g->cp_off[k];
        }
        g->nsl[n - 1] = cnt;
    }
    for (int n = 1; n <= word_order; n++) {
        int o = PP_CHRF_CHAR_ORDER + n - 1;
        size_t cnt = g->ntok >= (size_t)n ? g->ntok - (size_t)n + 1 : 0;
        g->sl[o] = malloc((cnt ? cnt : 1) * sizeof(slice));
        if (!g->sl[o])
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        for (size_t k = 0; k < cnt; k++) {
            g->sl[o][k].p = g->words + g->tok_start[k];
            g->sl[o][k].len = g->tok_end[k + n - 1] - g->tok_start[k];
        }
        g->nsl[o] = cnt;
    }
    return PP_OK;
}

/* Clipped matches: sum over distinct n-grams of min(hyp count, ref count).
 * Each hypothesis n-gram takes one unused occurrence of an equal reference
 * n-gram, if any is left. */
typedef struct entry {
    uint64_t h;
    const slice *s;
    uint32_t count, used;
} entry;

static size_t count_matches(const slice *h, size_t nh, const slice *r, size_t nr)
{
    if (nh == 0 || nr == 0)
        return 0;
    size_t cap = 16;
    while (cap < 2 * nr)
        cap *= 2;
    entry *t = calloc(cap, sizeof *t);
    if (!t)
        return 0;
    for (size_t i = 0; i < nr; i++) {
        uint64_t hv = XXH3_64bits(r[i].p, r[i].len);
        size_t k = (size_t)hv & (cap - 1);
        while (t[k].s && !(t[k].h == hv && cmp_slice(t[k].s, &r[i]) == 0))
            k = (k + 1) & (cap - 1);
        if (!t[k].s) {
            t[k].s = &r[i];
            t[k].h = hv;
        }
        t[k].count++;
    }
    size_t m = 0;
    for (size_t i = 0; i < nh; i++) {
        uint64_t hv = XXH3_64bits(h[i].p, h[i].len);
        size_t k = (size_t)hv & (cap - 1);
        while (t[k].s && !(t[k].h == hv && cmp_slice(t[k].s, &h[i]) == 0))
            k = (k + 1) & (cap - 1);
        if (t[k].s && t[k].used < t[k].count) {
            t[k].used++;
            m++;
        }
    }
    free(t);
    return m;
}

double pp_chrf_score(const double *sums, int order, double beta)
{
    double sp = 0.0, sr = 0.0, b2 = beta * beta;
    int eff = 0;
    for (int i = 0; i < order; i++) {
        double h = sums[3 * i], r = sums[3 * i + 1], m = sums[3 * i + 2];
        if (h > 0 && r > 0) {
            sp += m / h;
            sr += m / r;
            eff++;
        }
    }
    if (eff == 0)
        return 0.0;
    double p = sp / eff, rc = sr / eff;
    if (p + rc == 0.0)
        return 0.0;
    return 100.0 * (1.0 + b2) * p * rc / (b2 * p + rc);
}

pp_status pp_chrf_stats(const char *hyp, const char *const *refs, size_t nrefs, int word_order,
                        double *stats, pp_error *err)
{
    if (!hyp || !refs || nrefs == 0 || word_order < 0 || word_order > 2)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "chrF needs a hypothesis, at least one reference and word order 0-2");
    int order = PP_CHRF_CHAR_ORDER + word_order;
    grams h;
    pp_status s = grams_build(&h, hyp, word_order, err);
    double best_f = -1.0, cur[PP_METRIC_MAX_STATS];
    for (size_t k = 0; s == PP_OK && k < nrefs; k++) {
        grams r;
        s = grams_build(&r, refs[k] ? refs[k] : "", word_order, err);
        if (s == PP_OK) {
            for (int o = 0; o < order; o++) {
                cur[3 * o] = r.nsl[o] ? (double)h.nsl[o] : 0.0;
                cur[3 * o + 1] = (double)r.nsl[o];
                cur[3 * o + 2] = (double)count_matches(h.sl[o], h.nsl[o], r.sl[o], r.nsl[o]);
            }
            double f = pp_chrf_score(cur, order, PP_CHRF_BETA);
            if (f > best_f) {
                best_f = f;
                memcpy(stats, cur, (size_t)(3 * order) * sizeof(double));
            }
        }
        grams_free(&r);
    }
    grams_free(&h);
    return s;
}
