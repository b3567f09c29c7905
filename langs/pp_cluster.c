/* pp_cluster.c — trigram profiles and average-linkage clustering. */
#include "config.h"
#include "langs/pp_cluster.h"

#include "langs/pp_lid.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/utf8.h>
/* Inlined: a trigram is a few bytes, and every text's trigrams are hashed
 * (the hashes are the library's, as the profiles were hashed at load). */
#define XXH_INLINE_ALL
#include <xxhash.h>

struct pp_profile_vec {
    uint64_t *key; /* sorted trigram hashes */
    double *w;     /* normalized weights */
    size_t n;
    struct bucket *tab; /* look-up table (from pp_profile_vec_from only) */
    size_t mask;        /* buckets - 1 */
};

/* A trigram's bucket is its hash's low bits; within it, the high 32 bits tell
 * the trigrams apart. One cache line per look-up, compared without branches
 * (re-ranking looks up every trigram of a text in several profiles). */
#define PP_BUCKET 8
struct bucket {
    uint32_t fp[PP_BUCKET]; /* 0 = empty */
    float w[PP_BUCKET];
};

static uint32_t fp_of(uint64_t k)
{
    uint32_t f = (uint32_t)(k >> 32);
    return f ? f : 1;
}

static size_t slot_of(uint64_t k, size_t mask)
{
    return (size_t)((k ^ (k >> 31)) * 0x9E3779B97F4A7C15ULL >> 17) & mask;
}

void pp_profile_vec_free(pp_profile_vec *v)
{
    if (!v)
        return;
    free(v->key);
    free(v->w);
    free(v->tab);
    free(v);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

size_t pp_trigram_windows(const char *pre, size_t plen, char *s, int32_t *off)
{
    s[0] = ' ';
    memcpy(s + 1, pre, plen);
    s[plen + 1] = ' ';
    int32_t slen = (int32_t)plen + 2;
    size_t ncp = 0;
    for (int32_t i = 0; i < slen;) {
        off[ncp++] = i;
        UChar32 c;
        U8_NEXT(s, i, slen, c);
        (void)c;
    }
    off[ncp] = slen;
    return ncp >= 3 ? ncp - 2 : 0;
}

pp_status pp_trigram_hashes(const char *pre, size_t plen, uint64_t **hout, size_t *nout,
                            pp_error *err)
{
    *hout = NULL;
    *nout = 0;
    size_t cap = plen + 3;
    char *s = malloc(cap);
    int32_t *off = malloc(sizeof *off * cap);
    uint64_t *h = malloc(sizeof *h * cap);
    if (!s || !off || !h) {
        free(s);
        free(off);
        free(h);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    size_t nh = pp_trigram_windows(pre, plen, s, off);
    for (size_t i = 0; i < nh; i++)
        h[i] = XXH3_64bits(s + off[i], (size_t)(off[i + 3] - off[i]));
    free(s);
    free(off);
    *hout = h;
    *nout = nh;
    return PP_OK;
}

/* Buffers kept between calls so that counting a text allocates nothing once
 * they are large enough (language ID counts every input this way). */
struct pp_trigram_counter {
    char *s;
    int32_t *off;
    uint64_t *h;
    double *w;
    size_t cap;
    uint32_t *tab;
    size_t tabcap;
};

pp_trigram_counter *pp_trigram_counter_new(void)
{
    return calloc(1, sizeof(pp_trigram_counter));
}

void pp_trigram_counter_free(pp_trigram_counter *c)
{
    if (!c)
        return;
    free(c->s);
    free(c->off);
    free(c->h);
    free(c->w);
    free(c->tab);
    free(c);
}

pp_status pp_trigram_counter_count(pp_trigram_counter *c, const char *pre, size_t plen,
                                   const uint64_t **keys, const double **w, size_t *n,
                                   pp_error *err)
{
    *keys = NULL;
    *w = NULL;
    *n = 0;
    size_t cap = plen + 3;
    if (cap > c->cap) {
        char *s = realloc(c->s, cap);
        if (s)
            c->s = s;
        int32_t *off = realloc(c->off, sizeof *off * cap);
        if (off)
            c->off = off;
        uint64_t *h = realloc(c->h, sizeof *h * cap);
        if (h)
            c->h = h;
        double *cw = realloc(c->w, sizeof *cw * cap);
        if (cw)
            c->w = cw;
        if (!s || !off || !h || !cw)
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        c->cap = cap;
    }
    uint64_t *h = c->h;
    double *cw = c->w;
    size_t nh = pp_trigram_windows(pre, plen, c->s, c->off);
    for (size_t i = 0; i < nh; i++)
        h[i] = XXH3_64bits(c->s + c->off[i], (size_t)(c->off[i + 3] - c->off[i]));
    size_t size = 16;
    while (size < 2 * nh)
        size *= 2;
    if (size > c->tabcap) {
        uint32_t *t = realloc(c->tab, size * sizeof *t);
        if (!t)
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        c->tab = t;
        c->tabcap = size;
    }
    uint32_t *tab = c->tab;
    memset(tab, 0, size * sizeof *tab);
    size_t m = 0;
    for (size_t i = 0; i < nh; i++) {
        size_t sl = slot_of(h[i], size - 1);
        uint32_t e;
        while ((e = tab[sl]) != 0 && h[e - 1] != h[i])
            sl = (sl + 1) & (size - 1);
        if (e)
            cw[e - 1] += 1.0;
        else {
            h[m] = h[i]; /* compact in place: m <= i */
            cw[m] = 1.0;
            tab[sl] = (uint32_t)(++m);
        }
    }
    double norm = 0;
    for (size_t i = 0; i < m; i++)
        norm += cw[i] * cw[i];
    norm = sqrt(norm);
    for (size_t i = 0; i < m; i++)
        cw[i] /= norm > 0 ? norm : 1.0;
    *keys = h;
    *w = cw;
    *n = m;
    return PP_OK;
}

typedef struct kw {
    uint64_t k;
    double w;
} kw;

static int cmp_kw(const void *a, const void *b)
{
    uint64_t x = ((const kw *)a)->k, y = ((const kw *)b)->k;
    return x < y ? -1 : x > y;
}

pp_status pp_profile_vec_from(const uint64_t *keys, const double *w, size_t n,
                              pp_profile_vec **out, pp_error *err)
{
    *out = NULL;
    pp_profile_vec *v = calloc(1, sizeof *v);
    kw *t = malloc(sizeof *t * (n + 1));
    if (v) {
        v->key = malloc(sizeof *v->key * (n + 1));
        v->w = malloc(sizeof *v->w * (n + 1));
    }
    if (!v || !t || !v->key || !v->w) {
        free(t);
        pp_profile_vec_free(v);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        t[i].k = keys[i];
        t[i].w = w[i];
    }
    if (n > 1)
        qsort(t, n, sizeof *t, cmp_kw);
    /* A hash given twice (a trigram listed twice in a profile file) is one
     * entry with the sum of the weights: repeated, it would fill its bucket
     * at every table size below. */
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m > 0 && t[m - 1].k == t[i].k)
            t[m - 1].w += t[i].w;
        else
            t[m++] = t[i];
    }
    n = m;
    double norm = 0;
    for (size_t i = 0; i < n; i++)
        norm += t[i].w * t[i].w;
    norm = sqrt(norm);
    for (size_t i = 0; i < n; i++) {
        v->key[i] = t[i].k;
        v->w[i] = t[i].w / (norm > 0 ? norm : 1.0);
    }
    v->n = n;
    free(t);
    size_t nb = 16;
    while (nb * PP_BUCKET < 4 * n)
        nb *= 2;
    /* Distinct hashes fill a bucket only by a rare coincidence of their low
     * bits, which a few doublings undo; past that, give up (bounded). */
    const size_t max_nb = 1024 * nb;
    for (;;) { /* grow until no bucket overflows */
        v->tab = aligned_alloc(64, nb * sizeof *v->tab);
        if (!v->tab) {
            pp_profile_vec_free(v);
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        }
        memset(v->tab, 0, nb * sizeof *v->tab);
        v->mask = nb - 1;
        size_t i = 0;
        for (; i < n; i++) {
            struct bucket *b = &v->tab[v->key[i] & v->mask];
            int u = 0;
            while (u < PP_BUCKET && b->fp[u])
                u++;
            if (u == PP_BUCKET)
                break;
            b->fp[u] = fp_of(v->key[i]);
            b->w[u] = (float)v->w[i];
        }
        if (i == n)
            break;
        free(v->tab);
        v->tab = NULL;
        nb *= 2;
        if (nb > max_nb) {
            pp_profile_vec_free(v);
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "trigram hashes collide in a profile's look-up table");
        }
    }
    *out = v;
    return PP_OK;
}

/* The weight of fingerprint f in bucket b (0 when absent): the eight slots
 * compared at once. Slots that do not match add +0, and one or two matching
 * slots give the same sum in any order, so this is the slot-by-slot sum it
 * replaces (three would take a three-way collision of 32-bit fingerprints
 * in one bucket). */
_Static_assert(PP_BUCKET == 8, "bucket_weight reads eight slots");
typedef uint32_t v8u __attribute__((vector_size(32)));
typedef float v4f __attribute__((vector_size(16)));

static inline float bucket_weight(const struct bucket *b, uint32_t f)
{
    v8u fp, w;
    memcpy(&fp, b->fp, sizeof fp);
    memcpy(&w, b->w, sizeof w);
    v8u hit = (v8u)(fp == f) & w;
    v4f a, c;
    memcpy(&a, &hit, sizeof a);
    memcpy(&c, (const char *)&hit + sizeof a, sizeof c);
    a += c; /* slots u and u + 4 */
    float t[4];
    memcpy(t, &a, sizeof t);
    return (t[0] + t[2]) + (t[1] + t[3]);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__GLIBC__) /* ifunc */
__attribute__((target_clones("avx2", "default")))
#endif
double pp_profile_dot(const pp_profile_vec *prof, const uint64_t *keys, const double *w, size_t n)
{
    double s = 0;
    if (!prof->tab)
        return 0.0;
    /* The buckets land anywhere in a table larger than the cache: fetch a
     * few trigrams ahead. */
    enum { AHEAD = 8 };
    for (size_t i = 0; i < n && i < AHEAD; i++)
        __builtin_prefetch(&prof->tab[keys[i] & prof->mask]);
    for (size_t i = 0; i < n; i++) {
        if (i + AHEAD < n)
            __builtin_prefetch(&prof->tab[keys[i + AHEAD] & prof->mask]);
        const struct bucket *b = &prof->tab[keys[i] & prof->mask];
        s += w[i] * bucket_weight(b, fp_of(keys[i]));
    }
    return s;
}

pp_status pp_trigram_counts(const char *pre, size_t len, uint64_t **keys, double **w, size_t *n,
                            pp_error *err)
{
    *keys = NULL;
    *w = NULL;
    *n = 0;
    pp_trigram_counter *c = pp_trigram_counter_new();
    if (!c)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    const uint64_t *k;
    const double *cw;
    size_t m;
    pp_status st = pp_trigram_counter_count(c, pre, len, &k, &cw, &m, err);
    if (st == PP_OK) {
        *keys = malloc(sizeof **keys * (m + 1));
        *w = malloc(sizeof **w * (m + 1));
        if (!*keys || !*w) {
            free(*keys);
            free(*w);
            *keys = NULL;
            *w = NULL;
            st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        } else {
            memcpy(*keys, k, sizeof *k * m);
            memcpy(*w, cw, sizeof *cw * m);
            *n = m;
        }
    }
    pp_trigram_counter_free(c);
    return st;
}

pp_status pp_trigram_profile_pre(const char *p, size_t plen, pp_profile_vec **out, pp_error *err)
{
    *out = NULL;
    uint64_t *h;
    size_t nh;
    pp_status st = pp_trigram_hashes(p, plen, &h, &nh, err);
    if (st != PP_OK)
        return st;
    pp_profile_vec *v = calloc(1, sizeof *v);
    if (v) {
        v->key = malloc(sizeof *v->key * (nh + 1));
        v->w = malloc(sizeof *v->w * (nh + 1));
    }
    if (!v || !v->key || !v->w) {
        free(h);
        pp_profile_vec_free(v);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    if (nh > 1)
        qsort(h, nh, sizeof *h, cmp_u64);
    double norm = 0;
    for (size_t i = 0; i < nh;) {
        size_t j = i;
        while (j < nh && h[j] == h[i])
            j++;
        v->key[v->n] = h[i];
        v->w[v->n] = (double)(j - i);
        norm += v->w[v->n] * v->w[v->n];
        v->n++;
        i = j;
    }
    free(h);
    norm = sqrt(norm);
    for (size_t i = 0; i < v->n; i++)
        v->w[i] /= norm > 0 ? norm : 1.0;
    *out = v;
    return PP_OK;
}

pp_status pp_trigram_profile(const char *text, size_t len, pp_profile_vec **out, pp_error *err)
{
    *out = NULL;
    char *p;
    size_t plen;
    pp_status st = pp_lid_preprocess(text, len, &p, &plen, err);
    if (st != PP_OK)
        return st;
    st = pp_trigram_profile_pre(p, plen, out, err);
    free(p);
    return st;
}

double pp_profile_cosine(const pp_profile_vec *a, const pp_profile_vec *b)
{
    double s = 0;
    size_t i = 0, j = 0;
    while (i < a->n && j < b->n) {
        if (a->key[i] == b->key[j])
            s += a->w[i++] * b->w[j++];
        else if (a->key[i] < b->key[j])
            i++;
        else
            j++;
    }
    return s > 1.0 ? 1.0 : s;
}

pp_status pp_cluster_average(pp_profile_vec *const *v, size_t n, double min_sim, size_t *assign,
                             size_t *nclusters, pp_error *err)
{
    *nclusters = 0;
    if (n == 0)
        return PP_OK;
    /* sim: n x n average similarity between live clusters; size per cluster;
     * rep[i]: the cluster item i was merged into (union by lowest index). */
    double *sim = malloc(sizeof *sim * n * n);
    size_t *size = malloc(sizeof *size * n);
    size_t *parent = malloc(sizeof *parent * n);
    char *live = malloc(n);
    if (!sim || !size || !parent || !live) {
        free(sim);
        free(size);
        free(parent);
        free(live);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        size[i] = 1;
        parent[i] = i;
        live[i] = 1;
        sim[i * n + i] = 1.0;
        for (size_t j = 0; j < i; j++)
            sim[i * n + j] = sim[j * n + i] = pp_profile_cosine(v[i], v[j]);
    }
    for (;;) {
        double best = -1;
        size_t bi = 0, bj = 0;
        for (size_t i = 0; i < n; i++) {
            if (!live[i])
                continue;
            for (size_t j = i + 1; j < n; j++)
                if (live[j] && sim[i * n + j] > best) {
                    best = sim[i * n + j];
                    bi = i;
                    bj = j;
                }
        }
        if (best < min_sim)
            break;
        /* Merge bj into bi (Lance-Williams, average linkage). */
        for (size_t k = 0; k < n; k++) {
            if (!live[k] || k == bi || k == bj)
                continue;
            double s = (sim[bi * n + k] * (double)size[bi] + sim[bj * n + k] * (double)size[bj]) /
                       (double)(size[bi] + size[bj]);
            sim[bi * n + k] = sim[k * n + bi] = s;
        }
        size[bi] += size[bj];
        live[bj] = 0;
        parent[bj] = bi;
    }
    /* Resolve roots and number clusters by their lowest item. */
    size_t *id = malloc(sizeof *id * n);
    if (!id) {
        free(sim);
        free(size);
        free(parent);
        free(live);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    size_t next = 0;
    for (size_t i = 0; i < n; i++) {
        size_t r = i;
        while (parent[r] != r)
            r = parent[r];
        if (r == i)
            id[i] = next++;
        assign[i] = r;
    }
    for (size_t i = 0; i < n; i++)
        assign[i] = id[assign[i]];
    *nclusters = next;
    free(id);
    free(sim);
    free(size);
    free(parent);
    free(live);
    return PP_OK;
}
