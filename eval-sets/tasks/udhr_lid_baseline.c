/* udhr_lid_baseline.c — a character-trigram language identifier trained on
 * the train split of every declaration, as the baseline of the lid task.
 *
 * Each language is represented by its 300 most frequent character trigrams
 * (text case-folded per code point, white space collapsed to one space and
 * a space added at both ends), weighted by count and L2-normalized; a
 * paragraph goes to the language with the largest cosine similarity. The
 * trigrams are keyed by a 64-bit xxHash of their UTF-8 bytes (a collision
 * would only blur two features of a baseline). */
#include "config.h"
#include "eval-sets/tasks/udhr_tasks.h"
#include "src/pp_record.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <xxhash.h>

#define PROFILE 300

typedef struct feat {
    uint64_t h;
    double w;
    uint32_t lang;
} feat;

typedef struct counts {
    uint64_t *h;
    uint32_t *c;
    size_t cap, n;
} counts;

static void counts_add(counts *t, uint64_t h)
{
    if (2 * (t->n + 1) > t->cap) {
        size_t nc = t->cap ? 2 * t->cap : 1024;
        uint64_t *nh = calloc(nc, sizeof *nh);
        uint32_t *ncn = calloc(nc, sizeof *ncn);
        if (!nh || !ncn) {
            free(nh), free(ncn);
            return;
        }
        for (size_t i = 0; i < t->cap; i++)
            if (t->c[i]) {
                size_t k = (size_t)t->h[i] & (nc - 1);
                while (ncn[k])
                    k = (k + 1) & (nc - 1);
                nh[k] = t->h[i], ncn[k] = t->c[i];
            }
        free(t->h), free(t->c);
        t->h = nh, t->c = ncn, t->cap = nc;
    }
    size_t k = (size_t)h & (t->cap - 1);
    while (t->c[k] && t->h[k] != h)
        k = (k + 1) & (t->cap - 1);
    if (!t->c[k]) {
        t->h[k] = h;
        t->n++;
    }
    t->c[k]++;
}

/* Trigram counts of a text: case-folded code points, white space collapsed. */
static void trigrams(const char *s, counts *t)
{
    size_t len = strlen(s), i = 0, nb = 0;
    char *buf = malloc(4 * len + 8);
    size_t *off = malloc((len + 3) * sizeof *off), ncp = 0;
    if (!buf || !off) {
        free(buf), free(off);
        return;
    }
    off[ncp++] = 0;
    buf[nb++] = ' ';
    while (i < len) {
        UChar32 c;
        U8_NEXT(s, i, len, c);
        if (c < 0)
            continue;
        if (u_isUWhiteSpace(c)) {
            if (buf[nb - 1] == ' ')
                continue;
            c = ' ';
        } else {
            c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
        }
        off[ncp++] = nb;
        UBool bad = 0;
        U8_APPEND((uint8_t *)buf, nb, 4 * len + 8, c, bad);
        (void)bad;
    }
    if (buf[nb - 1] != ' ') {
        off[ncp++] = nb;
        buf[nb++] = ' ';
    }
    off[ncp] = nb;
    for (size_t k = 0; k + 3 <= ncp; k++)
        counts_add(t, XXH3_64bits(buf + off[k], off[k + 3] - off[k]));
    free(buf);
    free(off);
}

static int cmp_count_desc(const void *a, const void *b)
{
    const feat *x = a, *y = b;
    if (x->w != y->w)
        return x->w > y->w ? -1 : 1;
    return (x->h > y->h) - (x->h < y->h);
}

static int cmp_hash(const void *a, const void *b)
{
    const feat *x = a, *y = b;
    if (x->h != y->h)
        return x->h < y->h ? -1 : 1;
    return (x->lang > y->lang) - (x->lang < y->lang);
}

/* The profile of one language appended to feats. */
static size_t profile(const udhr_lang *L, uint32_t li, feat *out)
{
    counts t = {0};
    for (size_t i = 0; i < L->np; i++)
        if (L->p[i].split == 'r')
            trigrams(L->p[i].text, &t);
    feat *all = malloc((t.n ? t.n : 1) * sizeof *all);
    size_t n = 0;
    for (size_t i = 0; all && i < t.cap; i++)
        if (t.c[i])
            all[n].h = t.h[i], all[n].w = t.c[i], all[n++].lang = li;
    size_t keep = 0;
    if (all) {
        if (n > 1)
            qsort(all, n, sizeof *all, cmp_count_desc);
        keep = n < PROFILE ? n : PROFILE;
        double norm = 0;
        for (size_t i = 0; i < keep; i++)
            norm += all[i].w * all[i].w;
        norm = sqrt(norm);
        for (size_t i = 0; i < keep; i++) {
            out[i] = all[i];
            out[i].w /= norm > 0 ? norm : 1;
        }
    }
    free(all);
    free(t.h), free(t.c);
    return keep;
}

pp_status udhr_lid_baseline(const udhr_set *s, const json_t *prompts, json_t *outputs, pp_error *err)
{
    feat *f = malloc(s->nl * PROFILE * sizeof *f);
    double *score = calloc(s->nl, sizeof *score);
    if (!f || !score) {
        free(f), free(score);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    size_t nf = 0;
    for (size_t i = 0; i < s->nl; i++)
        nf += profile(&s->l[i], (uint32_t)i, f + nf);
    if (nf > 1)
        qsort(f, nf, sizeof *f, cmp_hash);
    pp_status st = PP_OK;
    for (size_t p = 0; p < json_array_size(prompts); p++) {
        const json_t *rec = json_array_get(prompts, p);
        const char *id = pp_record_str(rec, "id"), *text = pp_record_str(rec, "text");
        if (!id || !text) {
            st = pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                              "lid prompt %zu has no id or text (build it with 'eval-sets build lid')",
                              p + 1);
            break;
        }
        counts q = {0};
        trigrams(text, &q);
        double qn = 0;
        for (size_t i = 0; i < q.cap; i++)
            if (q.c[i])
                qn += (double)q.c[i] * q.c[i];
        qn = sqrt(qn);
        memset(score, 0, s->nl * sizeof *score);
        for (size_t i = 0; i < q.cap; i++) {
            if (!q.c[i])
                continue;
            size_t lo = 0, hi = nf; /* first feature with this hash */
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (f[mid].h < q.h[i])
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (size_t k = lo; k < nf && f[k].h == q.h[i]; k++)
                score[f[k].lang] += q.c[i] / (qn > 0 ? qn : 1) * f[k].w;
        }
        free(q.h), free(q.c);
        size_t best = 0;
        for (size_t i = 1; i < s->nl; i++)
            if (score[i] > score[best])
                best = i;
        json_array_append_new(outputs, json_pack("{s:s,s:s}", "id", id, "output", s->l[best].lang));
    }
    free(f);
    free(score);
    return st;
}
