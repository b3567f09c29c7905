/* pp_bleu.c — BLEU statistics as sacreBLEU 2.x defines them: its
 * tokenizers (13a, intl, char, none), clipped n-gram matches of orders 1-4
 * against the best reference counts, the closest reference length, and the
 * corpus score with the 'exp' smoothing and the brevity penalty.
 *
 * Text is handled as Unicode code points, like Python strings; white space
 * is what Python's str.split() splits on. The 13a regular expressions only
 * name ASCII characters and "not a digit", so they are applied to bytes:
 * the result equals the code point version (a multi-byte character never
 * is a digit, a period, a comma or a dash). */
#include "config.h"
#include "eval-sets/metrics/pp_eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

/* ------------------------------------------------------------ buffers */

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static int put(buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t nc = (b->len + n + 1) * 2;
        char *np = realloc(b->p, nc);
        if (!np)
            return 0;
        b->p = np;
        b->cap = nc;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 1;
}

static int putc_(buf *b, char c) { return put(b, &c, 1); }

/* Python's str.isspace: general category Zs, or bidi class WS, B or S. */
static int py_space(UChar32 c)
{
    if (u_charType(c) == U_SPACE_SEPARATOR)
        return 1;
    UCharDirection d = u_charDirection(c);
    return d == U_WHITE_SPACE_NEUTRAL || d == U_BLOCK_SEPARATOR || d == U_SEGMENT_SEPARATOR;
}

pp_status pp_bleu_tokenize_parse(const char *name, pp_bleu_tokenize *t, pp_error *err)
{
    static const char *const names[] = {"13a", "intl", "char", "none"};
    for (int i = 0; name && i < 4; i++)
        if (strcmp(name, names[i]) == 0) {
            *t = (pp_bleu_tokenize)i;
            return PP_OK;
        }
    if (name && (strcmp(name, "zh") == 0 || strcmp(name, "ja-mecab") == 0 ||
                 strcmp(name, "ko-mecab") == 0 || strcmp(name, "spm") == 0 ||
                 strncmp(name, "flores", 6) == 0))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "tokenizer '%s' is not available in this build (it needs its own "
                            "segmenter or model); use 13a, intl, char or none",
                            name);
    return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                        "unknown tokenizer '%s' (13a, intl, char, none)", name ? name : "");
}

const char *pp_bleu_tokenize_name(pp_bleu_tokenize t)
{
    static const char *const names[] = {"13a", "intl", "char", "none"};
    return (unsigned)t < 4 ? names[t] : "?";
}

/* ------------------------------------------------------------ 13a */

static int p13a_punct(unsigned char c)
{
    /* [\{-\~\[-\` -\&\(-\+\:-\@\/] */
    return (c >= '{' && c <= '~') || (c >= '[' && c <= '`') || (c >= ' ' && c <= '&') ||
           (c >= '(' && c <= '+') || (c >= ':' && c <= '@') || c == '/';
}

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* One pass of a two-character pattern, non-overlapping, left to right, as
 * re.sub does: kind 1 ([^0-9])([.,]) -> "\1 \2 "; 2 ([.,])([^0-9]) ->
 * " \1 \2"; 3 ([0-9])(-) -> "\1 \2 ". */
static int pass2(const buf *in, buf *out, int kind)
{
    out->len = 0;
    if (!put(out, "", 0))
        return 0;
    for (size_t i = 0; i < in->len;) {
        unsigned char a = (unsigned char)in->p[i], b = i + 1 < in->len ? (unsigned char)in->p[i + 1] : 0;
        int m = i + 1 < in->len &&
                (kind == 1   ? !is_digit(a) && (b == '.' || b == ',')
                 : kind == 2 ? (a == '.' || a == ',') && !is_digit(b)
                             : is_digit(a) && b == '-');
        if (!m) {
            if (!putc_(out, (char)a))
                return 0;
            i++;
            continue;
        }
        char s[4];
        if (kind == 2) {
            s[0] = ' ', s[1] = (char)a, s[2] = ' ', s[3] = (char)b;
        } else {
            s[0] = (char)a, s[1] = ' ', s[2] = (char)b, s[3] = ' ';
        }
        if (!put(out, s, 4))
            return 0;
        i += 2;
    }
    return 1;
}

static int replace_all(buf *b, const char *from, const char *to)
{
    size_t fl = strlen(from), tl = strlen(to);
    if (!b->p || !strstr(b->p, from))
        return 1;
    buf o = {0};
    if (!put(&o, "", 0))
        return 0;
    for (size_t i = 0; i < b->len;) {
        if (b->len - i >= fl && memcmp(b->p + i, from, fl) == 0) {
            if (!put(&o, to, tl))
                return free(o.p), 0;
            i += fl;
        } else {
            if (!putc_(&o, b->p[i]))
                return free(o.p), 0;
            i++;
        }
    }
    free(b->p);
    *b = o;
    return 1;
}

static int tok_13a(const char *s, buf *out)
{
    buf a = {0}, b = {0};
    int ok = put(&a, s, strlen(s)) && replace_all(&a, "<skipped>", "") &&
             replace_all(&a, "-\n", "") && replace_all(&a, "\n", " ");
    if (ok && strchr(a.p, '&'))
        ok = replace_all(&a, "&quot;", "\"") && replace_all(&a, "&amp;", "&") &&
             replace_all(&a, "&lt;", "<") && replace_all(&a, "&gt;", ">");
    /* " line ", then punctuation split off */
    ok = ok && put(&b, " ", 1);
    for (size_t i = 0; ok && i < a.len; i++) {
        unsigned char c = (unsigned char)a.p[i];
        ok = p13a_punct(c) ? put(&b, " ", 1) && putc_(&b, (char)c) && put(&b, " ", 1)
                           : putc_(&b, (char)c);
    }
    ok = ok && put(&b, " ", 1);
    /* the leading and trailing spaces are punctuation themselves: " " -> "   " */
    ok = ok && pass2(&b, &a, 1) && pass2(&a, &b, 2) && pass2(&b, out, 3);
    free(a.p);
    free(b.p);
    return ok;
}

/* ------------------------------------------------------------ intl */

static int is_N(UChar32 c) { return (U_GET_GC_MASK(c) & U_GC_N_MASK) != 0; }
static int is_P(UChar32 c) { return (U_GET_GC_MASK(c) & U_GC_P_MASK) != 0; }
static int is_S(UChar32 c) { return (U_GET_GC_MASK(c) & U_GC_S_MASK) != 0; }

/* Code points of s with their byte spans. */
static int decode(const char *s, size_t len, UChar32 **cp, size_t **off, size_t *n)
{
    *cp = malloc((len + 1) * sizeof **cp);
    *off = malloc((len + 2) * sizeof **off);
    if (!*cp || !*off)
        return 0;
    size_t k = 0;
    for (int32_t i = 0; i < (int32_t)len;) {
        (*off)[k] = (size_t)i;
        UChar32 c;
        U8_NEXT(s, i, (int32_t)len, c);
        (*cp)[k++] = c < 0 ? 0xFFFD : c;
    }
    (*off)[k] = len;
    *n = k;
    return 1;
}

/* One pass of a two-code-point pattern (kind 1: (\P{N})(\p{P}) -> "\1 \2 ";
 * kind 2: (\p{P})(\P{N}) -> " \1 \2"), non-overlapping. */
static int intl_pass(const buf *in, buf *out, int kind)
{
    UChar32 *cp = NULL;
    size_t *off = NULL, n = 0;
    out->len = 0;
    int ok = put(out, "", 0) && decode(in->p ? in->p : "", in->len, &cp, &off, &n);
    for (size_t i = 0; ok && i < n;) {
        int m = i + 1 < n && (kind == 1 ? !is_N(cp[i]) && is_P(cp[i + 1])
                                        : is_P(cp[i]) && !is_N(cp[i + 1]));
        if (!m) {
            ok = put(out, in->p + off[i], off[i + 1] - off[i]);
            i++;
            continue;
        }
        if (kind == 2)
            ok = ok && put(out, " ", 1);
        ok = ok && put(out, in->p + off[i], off[i + 1] - off[i]) && put(out, " ", 1) &&
             put(out, in->p + off[i + 1], off[i + 2] - off[i + 1]);
        if (kind == 1)
            ok = ok && put(out, " ", 1);
        i += 2;
    }
    free(cp);
    free(off);
    return ok;
}

static int tok_intl(const char *s, buf *out)
{
    buf a = {0}, b = {0};
    int ok = put(&a, s, strlen(s)) && intl_pass(&a, &b, 1) && intl_pass(&b, &a, 2);
    UChar32 *cp = NULL;
    size_t *off = NULL, n = 0;
    out->len = 0;
    ok = ok && put(out, "", 0) && decode(a.p, a.len, &cp, &off, &n);
    for (size_t i = 0; ok && i < n; i++) {
        int sym = is_S(cp[i]);
        ok = (!sym || put(out, " ", 1)) && put(out, a.p + off[i], off[i + 1] - off[i]) &&
             (!sym || put(out, " ", 1));
    }
    free(cp);
    free(off);
    free(a.p);
    free(b.p);
    return ok;
}

/* ------------------------------------------------------------ tokens */

/* Tokens of a text: byte slices into a private copy. */
typedef struct toks {
    char *text;
    size_t n;
    const char **t;
    size_t *len;
} toks;

static void toks_free(toks *t)
{
    free(t->text);
    free(t->t);
    free(t->len);
    memset(t, 0, sizeof *t);
}

/* Split on white space; with `chars` every other code point is a token. */
static int split(char *s, size_t len, int chars, toks *t)
{
    t->text = s;
    t->t = malloc((len + 1) * sizeof *t->t);
    t->len = malloc((len + 1) * sizeof *t->len);
    t->n = 0;
    if (!t->t || !t->len)
        return 0;
    size_t start = 0;
    int in = 0;
    for (int32_t i = 0; i <= (int32_t)len;) {
        int32_t at = i;
        UChar32 c = ' ';
        if (i < (int32_t)len) {
            U8_NEXT(s, i, (int32_t)len, c);
        } else {
            i++;
        }
        int sp = c < 0 ? 0 : py_space(c);
        if (chars) {
            if (!sp && at < (int32_t)len) {
                t->t[t->n] = s + at;
                t->len[t->n++] = (size_t)(i - at);
            }
            continue;
        }
        if (sp && in) {
            t->t[t->n] = s + start;
            t->len[t->n++] = (size_t)at - start;
            in = 0;
        } else if (!sp && !in) {
            start = (size_t)at;
            in = 1;
        }
    }
    return 1;
}

static pp_status tokenize(const char *s, pp_bleu_tokenize tk, toks *t, pp_error *err)
{
    memset(t, 0, sizeof *t);
    buf b = {0};
    int ok;
    switch (tk) {
    case PP_BLEU_TOK_13A: ok = tok_13a(s, &b); break;
    case PP_BLEU_TOK_INTL: ok = tok_intl(s, &b); break;
    default: ok = put(&b, s, strlen(s)); break;
    }
    if (ok && !b.p)
        ok = put(&b, "", 0);
    if (!ok || !split(b.p, b.len, tk == PP_BLEU_TOK_CHAR, t)) {
        if (!t->text)
            free(b.p);
        toks_free(t);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    return PP_OK;
}

/* ------------------------------------------------------------ n-grams */

typedef struct gram {
    const toks *src;
    size_t at, n; /* tokens at .. at + n */
} gram;

static int cmp_gram(const void *a, const void *b)
{
    const gram *x = a, *y = b;
    for (size_t k = 0; k < x->n; k++) {
        size_t lx = x->src->len[x->at + k], ly = y->src->len[y->at + k];
        int c = memcmp(x->src->t[x->at + k], y->src->t[y->at + k], lx < ly ? lx : ly);
        if (c)
            return c;
        if (lx != ly)
            return lx < ly ? -1 : 1;
    }
    return 0;
}

/* The sorted n-grams of order n. */
static gram *grams_of(const toks *t, size_t n, size_t *count)
{
    *count = t->n >= n ? t->n - n + 1 : 0;
    gram *g = malloc((*count ? *count : 1) * sizeof *g);
    if (!g)
        return NULL;
    for (size_t i = 0; i < *count; i++)
        g[i] = (gram){t, i, n};
    qsort(g, *count, sizeof *g, cmp_gram);
    return g;
}

pp_status pp_bleu_stats(const char *hyp, const char *const *refs, size_t nrefs,
                        pp_bleu_tokenize tk, double *stats, pp_error *err)
{
    memset(stats, 0, PP_BLEU_NSTATS * sizeof *stats);
    if (nrefs == 0)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "no reference");
    toks h, *r = calloc(nrefs, sizeof *r);
    if (!r)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    pp_status st = tokenize(hyp, tk, &h, err);
    size_t nr = 0;
    for (; st == PP_OK && nr < nrefs; nr++)
        if ((st = tokenize(refs[nr], tk, &r[nr], err)) != PP_OK)
            break;
    if (st == PP_OK) {
        /* the closest reference length, the shorter one on ties */
        size_t best = 0;
        for (size_t i = 1; i < nrefs; i++) {
            size_t di = r[i].n > h.n ? r[i].n - h.n : h.n - r[i].n;
            size_t db = r[best].n > h.n ? r[best].n - h.n : h.n - r[best].n;
            if (di < db || (di == db && r[i].n < r[best].n))
                best = i;
        }
        stats[0] = (double)h.n;
        stats[1] = (double)r[best].n;
        for (size_t n = 1; n <= 4 && st == PP_OK; n++) {
            size_t nh;
            gram *gh = grams_of(&h, n, &nh);
            /* for each distinct hypothesis n-gram: its count, and the most
             * any reference has */
            size_t *maxref = calloc(nh ? nh : 1, sizeof *maxref);
            if (!gh || !maxref) {
                free(gh), free(maxref);
                st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
                break;
            }
            for (size_t k = 0; k < nrefs && st == PP_OK; k++) {
                size_t ng;
                gram *gr = grams_of(&r[k], n, &ng);
                if (!gr) {
                    st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
                    break;
                }
                /* merge the two sorted lists */
                size_t i = 0, j = 0;
                while (i < nh && j < ng) {
                    int c = cmp_gram(&gh[i], &gr[j]);
                    if (c < 0) {
                        i++;
                    } else if (c > 0) {
                        j++;
                    } else {
                        size_t j2 = j;
                        while (j2 < ng && cmp_gram(&gh[i], &gr[j2]) == 0)
                            j2++;
                        size_t i2 = i;
                        while (i2 < nh && cmp_gram(&gh[i], &gh[i2]) == 0)
                            i2++;
                        if (j2 - j > maxref[i])
                            maxref[i] = j2 - j;
                        i = i2, j = j2;
                    }
                }
                free(gr);
            }
            double correct = 0;
            for (size_t i = 0; i < nh;) {
                size_t i2 = i;
                while (i2 < nh && cmp_gram(&gh[i], &gh[i2]) == 0)
                    i2++;
                correct += (double)(i2 - i < maxref[i] ? i2 - i : maxref[i]);
                i = i2;
            }
            stats[1 + n] = correct;
            stats[5 + n] = (double)nh;
            free(gh);
            free(maxref);
        }
    }
    toks_free(&h);
    for (size_t i = 0; i < nrefs; i++)
        toks_free(&r[i]);
    free(r);
    return st;
}

double pp_bleu_score(const double *s)
{
    const double sys = s[0], ref = s[1], *correct = s + 2, *total = s + 6;
    if (correct[0] == 0)
        return 0.0;
    double prec[4] = {0, 0, 0, 0}, smooth = 1.0;
    for (int n = 0; n < 4; n++) {
        if (total[n] == 0)
            break;
        if (correct[n] == 0) {
            smooth *= 2;
            prec[n] = 100.0 / (smooth * total[n]);
        } else {
            prec[n] = 100.0 * correct[n] / total[n];
        }
    }
    double bp = 1.0;
    if (sys < ref)
        bp = sys > 0 ? exp(1.0 - ref / sys) : 0.0;
    double logs = 0;
    for (int n = 0; n < 4; n++)
        logs += prec[n] > 0 ? log(prec[n]) : -9999999999.0;
    return bp * exp(logs / 4.0);
}
