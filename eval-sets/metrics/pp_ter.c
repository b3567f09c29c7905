/* pp_ter.c — Translation Edit Rate (Snover et al. 2006) as sacreBLEU 2.x
 * computes it by default: lower-cased text split on white space; edits =
 * the shifts made + the edit distance that remains. Shifts are chosen
 * greedily, each the best by (gain in edit distance, phrase length, earliest
 * hypothesis start, earliest target), phrases of at most 10 words moved at
 * most 50 positions, at most 1000 candidates per sentence. The edit distance
 * is computed in sacreBLEU's beam around the diagonal, with its preference
 * among equal-cost operations (no-op or substitution, then deleting a
 * hypothesis word, then inserting a reference word), because the alignment
 * it leaves decides which shifts are tried. */
#include "config.h"
#include "eval-sets/metrics/pp_eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#define TER_BEAM 25
#define TER_MAX_SHIFT_SIZE 10
#define TER_MAX_SHIFT_DIST 50
#define TER_MAX_CANDIDATES 1000

enum { OP_NOP, OP_SUB, OP_INS, OP_DEL };

/* Words as interned ids: equal words, equal ids. */
typedef struct words {
    char *text;
    size_t n;
    int *id;
} words;

static int py_space(UChar32 c)
{
    if (u_charType(c) == U_SPACE_SEPARATOR)
        return 1;
    UCharDirection d = u_charDirection(c);
    return d == U_WHITE_SPACE_NEUTRAL || d == U_BLOCK_SEPARATOR || d == U_SEGMENT_SEPARATOR;
}

/* Lower-case with ICU (full mappings, like Python's str.lower). */
static char *lower(const char *s, pp_error *err)
{
    int32_t len = (int32_t)strlen(s), ul = 0;
    UErrorCode e = U_ZERO_ERROR;
    u_strFromUTF8WithSub(NULL, 0, &ul, s, len, 0xFFFD, NULL, &e);
    e = U_ZERO_ERROR;
    UChar *u = malloc(((size_t)ul + 1) * sizeof *u), *l = NULL;
    char *out = NULL;
    if (u) {
        u_strFromUTF8WithSub(u, ul + 1, NULL, s, len, 0xFFFD, NULL, &e);
        int32_t ll = u_strToLower(NULL, 0, u, ul, "", &(UErrorCode){U_ZERO_ERROR});
        l = malloc(((size_t)ll + 1) * sizeof *l);
        e = U_ZERO_ERROR;
        if (l)
            u_strToLower(l, ll + 1, u, ul, "", &e);
        int32_t ol = 0;
        UErrorCode e2 = U_ZERO_ERROR;
        if (l && U_SUCCESS(e)) {
            u_strToUTF8(NULL, 0, &ol, l, ll, &e2);
            out = malloc((size_t)ol + 1);
            e2 = U_ZERO_ERROR;
            if (out)
                u_strToUTF8(out, ol + 1, NULL, l, ll, &e2);
        }
    }
    free(u);
    free(l);
    if (!out)
        pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    return out;
}

typedef struct vocab {
    char **w;
    size_t n, cap;
} vocab;

static int intern(vocab *v, const char *w, size_t len)
{
    for (size_t i = 0; i < v->n; i++)
        if (strlen(v->w[i]) == len && memcmp(v->w[i], w, len) == 0)
            return (int)i;
    if (v->n == v->cap) {
        size_t nc = v->cap ? 2 * v->cap : 64;
        char **nw = realloc(v->w, nc * sizeof *nw);
        if (!nw)
            return -1;
        v->w = nw;
        v->cap = nc;
    }
    char *c = malloc(len + 1);
    if (!c)
        return -1;
    memcpy(c, w, len);
    c[len] = '\0';
    v->w[v->n] = c;
    return (int)v->n++;
}

static pp_status split_words(const char *s, vocab *v, words *out, pp_error *err)
{
    memset(out, 0, sizeof *out);
    char *t = lower(s, err);
    if (!t)
        return PP_ERR_NOMEM;
    size_t len = strlen(t);
    out->text = t;
    out->id = malloc((len + 1) * sizeof *out->id);
    if (!out->id)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    int32_t i = 0, start = -1;
    while (i <= (int32_t)len) {
        int32_t at = i;
        UChar32 c = ' ';
        if (i < (int32_t)len)
            U8_NEXT(t, i, (int32_t)len, c);
        else
            i++;
        int sp = c >= 0 && py_space(c);
        if (sp && start >= 0) {
            int id = intern(v, t + start, (size_t)(at - start));
            if (id < 0)
                return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            out->id[out->n++] = id;
            start = -1;
        } else if (!sp && start < 0) {
            start = at;
        }
    }
    return PP_OK;
}

/* ------------------------------------------------------------ edit distance */

/* Edit distance of hyp (nh) to ref (nr) in the beam; with `trace` (nh + nr
 * slots) also the operations, in order, and *ntrace. Returns -1 when out of
 * memory. */
static long edit_distance(const int *hyp, size_t nh, const int *ref, size_t nr, unsigned char *trace,
                          size_t *ntrace)
{
    size_t W = nr + 1;
    long *cost = malloc((nh + 1) * W * sizeof *cost);
    unsigned char *op = malloc((nh + 1) * W);
    if (!cost || !op) {
        free(cost), free(op);
        return -1;
    }
    const long INF = 0x3fffffffL;
    for (size_t k = 0; k < (nh + 1) * W; k++)
        cost[k] = INF, op[k] = OP_NOP;
    for (size_t j = 0; j <= nr; j++)
        cost[j] = (long)j, op[j] = OP_INS;
    double ratio = nh ? (double)nr / (double)nh : 1.0;
    long beam = ratio / 2 > TER_BEAM ? (long)ceil(ratio / 2 + TER_BEAM) : TER_BEAM;
    for (size_t i = 1; i <= nh; i++) {
        long diag = (long)floor((double)i * ratio);
        long lo = diag - beam > 0 ? diag - beam : 0;
        long hi = i == nh ? (long)nr + 1 : (diag + beam < (long)nr + 1 ? diag + beam : (long)nr + 1);
        for (long j = lo; j < hi; j++) {
            long *c = &cost[i * W + (size_t)j];
            unsigned char *o = &op[i * W + (size_t)j];
            if (j == 0) {
                *c = cost[(i - 1) * W] + 1;
                *o = OP_DEL;
                continue;
            }
            int same = hyp[i - 1] == ref[j - 1];
            long cand[3] = {cost[(i - 1) * W + (size_t)j - 1] + (same ? 0 : 1),
                            cost[(i - 1) * W + (size_t)j] + 1, cost[i * W + (size_t)j - 1] + 1};
            unsigned char ops[3] = {same ? OP_NOP : OP_SUB, OP_DEL, OP_INS};
            for (int k = 0; k < 3; k++)
                if (*c > cand[k])
                    *c = cand[k], *o = ops[k];
        }
    }
    long d = cost[nh * W + nr];
    if (trace) {
        size_t i = nh, j = nr, n = 0;
        while (i > 0 || j > 0) {
            unsigned char o = op[i * W + j];
            trace[n++] = o;
            if (o == OP_NOP || o == OP_SUB)
                i--, j--;
            else if (o == OP_DEL)
                i--;
            else
                j--;
        }
        for (size_t a = 0, b = n ? n - 1 : 0; a < b; a++, b--) {
            unsigned char t = trace[a];
            trace[a] = trace[b];
            trace[b] = t;
        }
        *ntrace = n;
    }
    free(cost);
    free(op);
    return d;
}

/* ------------------------------------------------------------ shifts */

static void move(const int *w, size_t n, size_t start, size_t len, size_t pos, int *out)
{
    size_t k = 0;
    if (pos < start) {
        for (size_t i = 0; i < pos; i++) out[k++] = w[i];
        for (size_t i = start; i < start + len; i++) out[k++] = w[i];
        for (size_t i = pos; i < start; i++) out[k++] = w[i];
        for (size_t i = start + len; i < n; i++) out[k++] = w[i];
    } else if (pos > start + len) {
        for (size_t i = 0; i < start; i++) out[k++] = w[i];
        for (size_t i = start + len; i < pos; i++) out[k++] = w[i];
        for (size_t i = start; i < start + len; i++) out[k++] = w[i];
        for (size_t i = pos; i < n; i++) out[k++] = w[i];
    } else {
        for (size_t i = 0; i < start; i++) out[k++] = w[i];
        for (size_t i = start + len; i < len + pos && i < n; i++) out[k++] = w[i];
        for (size_t i = start; i < start + len; i++) out[k++] = w[i];
        for (size_t i = len + pos; i < n; i++) out[k++] = w[i];
    }
}

/* The best shift of hyp; *gain 0 when none helps. `best` receives the
 * shifted words. Returns 0 when out of memory. */
static int best_shift(const int *hyp, size_t nh, const int *ref, size_t nr, long *gain, int *best,
                      long *checked)
{
    size_t cap = nh + nr + 1;
    unsigned char *trace = malloc(cap);
    long *align = malloc((nr + 1) * sizeof *align);
    char *href = calloc(nh + 1, 1), *rerr = calloc(nr + 1, 1);
    int *cand = malloc((nh + 1) * sizeof *cand);
    if (!trace || !align || !href || !rerr || !cand) {
        free(trace), free(align), free(href), free(rerr), free(cand);
        return 0;
    }
    size_t nt = 0;
    long score = edit_distance(hyp, nh, ref, nr, trace, &nt);
    if (score < 0) {
        free(trace), free(align), free(href), free(rerr), free(cand);
        return 0;
    }
    /* the alignment of rewriting the reference into the hypothesis: the
     * trace flipped (insertions and deletions swap) */
    for (size_t r = 0; r <= nr; r++)
        align[r] = -2; /* not aligned */
    long ph = -1, pr = -1;
    size_t nhe = 0, nre = 0;
    for (size_t k = 0; k < nt; k++) {
        unsigned char o = trace[k] == OP_INS ? OP_DEL : trace[k] == OP_DEL ? OP_INS : trace[k];
        if (o == OP_NOP || o == OP_SUB) {
            ph++, pr++;
            align[pr] = ph;
            href[nhe++] = o == OP_SUB;
            rerr[nre++] = o == OP_SUB;
        } else if (o == OP_INS) {
            ph++;
            href[nhe++] = 1;
        } else {
            pr++;
            align[pr] = ph;
            rerr[nre++] = 1;
        }
    }
    int found = 0;
    long bgain = 0, blen = 0, bstart = 0, bidx = 0;
    int stop = 0;
    for (size_t sh = 0; sh < nh && !stop; sh++) {
        for (size_t sr = 0; sr < nr && !stop; sr++) {
            if (labs((long)sr - (long)sh) > TER_MAX_SHIFT_DIST)
                continue;
            size_t len = 0;
            while (hyp[sh + len] == ref[sr + len] && len < TER_MAX_SHIFT_SIZE) {
                len++;
                int herr = 0, rr = 0;
                for (size_t k = sh; k < sh + len; k++)
                    herr |= href[k];
                for (size_t k = sr; k < sr + len; k++)
                    rr |= rerr[k];
                long a = align[sr];
                if (herr && rr && !((long)sh <= a && a < (long)(sh + len))) {
                    long prev = -1;
                    for (long off = -1; off < (long)len; off++) {
                        long idx;
                        if ((long)sr + off == -1)
                            idx = 0;
                        else if (align[sr + (size_t)off] != -2)
                            idx = align[sr + (size_t)off] + 1;
                        else
                            break;
                        if (idx == prev)
                            continue;
                        prev = idx;
                        move(hyp, nh, sh, len, (size_t)idx, cand);
                        long d = edit_distance(cand, nh, ref, nr, NULL, NULL);
                        if (d < 0) {
                            free(trace), free(align), free(href), free(rerr), free(cand);
                            return 0;
                        }
                        long g = score - d;
                        (*checked)++;
                        /* (gain, length, -start, -target), the largest wins */
                        int better = !found || g > bgain ||
                                     (g == bgain && ((long)len > blen ||
                                                     ((long)len == blen &&
                                                      (-(long)sh > -bstart ||
                                                       (-(long)sh == -bstart && -idx > -bidx)))));
                        if (better) {
                            found = 1;
                            bgain = g, blen = (long)len, bstart = (long)sh, bidx = idx;
                            memcpy(best, cand, nh * sizeof *best);
                        }
                    }
                    if (*checked >= TER_MAX_CANDIDATES) {
                        stop = 1;
                        break;
                    }
                }
                if (nh == sh + len || nr == sr + len)
                    break;
            }
        }
    }
    *gain = found ? bgain : 0;
    if (!found)
        memcpy(best, hyp, nh * sizeof *best);
    free(trace), free(align), free(href), free(rerr), free(cand);
    return 1;
}

/* Edits of one hypothesis against one reference; -1 when out of memory. */
static long ter_edits(const int *hyp0, size_t nh, const int *ref, size_t nr)
{
    if (nr == 0)
        return (long)nh;
    int *h = malloc((nh + 1) * sizeof *h), *nb = malloc((nh + 1) * sizeof *nb);
    if (!h || !nb) {
        free(h), free(nb);
        return -1;
    }
    memcpy(h, hyp0, nh * sizeof *h);
    long shifts = 0, checked = 0;
    for (;;) {
        long gain = 0;
        if (!best_shift(h, nh, ref, nr, &gain, nb, &checked)) {
            free(h), free(nb);
            return -1;
        }
        if (checked >= TER_MAX_CANDIDATES || gain <= 0)
            break;
        shifts++;
        int *t = h;
        h = nb;
        nb = t;
    }
    long d = edit_distance(h, nh, ref, nr, NULL, NULL);
    free(h), free(nb);
    return d < 0 ? -1 : shifts + d;
}

pp_status pp_ter_stats(const char *hyp, const char *const *refs, size_t nrefs, double *stats,
                       pp_error *err)
{
    stats[0] = stats[1] = 0;
    if (nrefs == 0)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "no reference");
    vocab v = {0};
    words h, r;
    pp_status st = split_words(hyp, &v, &h, err);
    double best = -1, total = 0;
    for (size_t k = 0; st == PP_OK && k < nrefs; k++) {
        if ((st = split_words(refs[k], &v, &r, err)) != PP_OK) {
            free(r.text), free(r.id);
            break;
        }
        long e = ter_edits(h.id, h.n, r.id, r.n);
        if (e < 0)
            st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        else if (best < 0 || (double)e < best)
            best = (double)e;
        total += (double)r.n;
        free(r.text), free(r.id);
    }
    free(h.text), free(h.id);
    for (size_t i = 0; i < v.n; i++)
        free(v.w[i]);
    free(v.w);
    if (st == PP_OK) {
        stats[0] = best;
        stats[1] = total / (double)nrefs;
    }
    return st;
}

double pp_ter_score(const double *s)
{
    if (s[1] > 0)
        return 100.0 * s[0] / s[1];
    return s[0] > 0 ? 100.0 : 0.0;
}
