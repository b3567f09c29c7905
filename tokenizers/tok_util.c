/* tok_util.c — hash maps, the token vocabulary and the growable encoding
 * shared by the tokenizer back ends. */
#include "config.h"

#include "tokenizers/tok_internal.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

static size_t cap_for(size_t expected)
{
    size_t c = 16;
    while (c < expected * 2 + 2)
        c <<= 1;
    return c;
}

/* ------------------------------------------------------------ strmap */

int tok_strmap_init(tok_strmap *m, size_t expected)
{
    memset(m, 0, sizeof *m);
    m->cap = cap_for(expected);
    m->keys = calloc(m->cap, sizeof *m->keys);
    m->lens = calloc(m->cap, sizeof *m->lens);
    m->vals = calloc(m->cap, sizeof *m->vals);
    if (!m->keys || !m->lens || !m->vals) {
        tok_strmap_free(m);
        return -1;
    }
    return 0;
}

void tok_strmap_free(tok_strmap *m)
{
    free(m->keys);
    free(m->lens);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static size_t strmap_slot(const tok_strmap *m, const char *key, size_t len)
{
    size_t mask = m->cap - 1;
    size_t i = (size_t)XXH3_64bits(key, len) & mask;
    while (m->keys[i] && !(m->lens[i] == len && memcmp(m->keys[i], key, len) == 0))
        i = (i + 1) & mask;
    return i;
}

static int strmap_grow(tok_strmap *m)
{
    tok_strmap g;
    if (tok_strmap_init(&g, m->cap) != 0)
        return -1;
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i]) {
            size_t j = strmap_slot(&g, m->keys[i], m->lens[i]);
            g.keys[j] = m->keys[i];
            g.lens[j] = m->lens[i];
            g.vals[j] = m->vals[i];
            g.n++;
        }
    tok_strmap_free(m);
    *m = g;
    return 0;
}

int tok_strmap_put(tok_strmap *m, const char *key, size_t len, int32_t val)
{
    if ((m->n + 1) * 2 > m->cap && strmap_grow(m) != 0)
        return -1;
    size_t i = strmap_slot(m, key, len);
    if (!m->keys[i]) {
        /* an empty key needs a non-NULL pointer to mark the slot used */
        m->keys[i] = len ? key : "";
        m->lens[i] = (uint32_t)len;
        m->n++;
    }
    m->vals[i] = val;
    return 0;
}

int32_t tok_strmap_get(const tok_strmap *m, const char *key, size_t len)
{
    if (!m->cap)
        return -1;
    size_t i = strmap_slot(m, key, len);
    return m->keys[i] ? m->vals[i] : -1;
}

/* ------------------------------------------------------------ pairmap */

int tok_pairmap_init(tok_pairmap *m, size_t expected)
{
    memset(m, 0, sizeof *m);
    m->cap = cap_for(expected);
    m->keys = calloc(m->cap, sizeof *m->keys);
    m->rank = malloc(m->cap * sizeof *m->rank);
    m->merged = malloc(m->cap * sizeof *m->merged);
    if (!m->keys || !m->rank || !m->merged) {
        tok_pairmap_free(m);
        return -1;
    }
    return 0;
}

void tok_pairmap_free(tok_pairmap *m)
{
    free(m->keys);
    free(m->rank);
    free(m->merged);
    memset(m, 0, sizeof *m);
}

static inline uint64_t pair_key(int32_t a, int32_t b)
{
    return (((uint64_t)(uint32_t)a << 32) | (uint32_t)b) + 1;
}

static inline size_t pair_hash(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return (size_t)k;
}

static size_t pair_slot(const tok_pairmap *m, uint64_t k)
{
    size_t mask = m->cap - 1, i = pair_hash(k) & mask;
    while (m->keys[i] && m->keys[i] != k)
        i = (i + 1) & mask;
    return i;
}

int tok_pairmap_put(tok_pairmap *m, int32_t a, int32_t b, int32_t rank, int32_t merged)
{
    if ((m->n + 1) * 2 > m->cap) {
        tok_pairmap g;
        if (tok_pairmap_init(&g, m->cap) != 0)
            return -1;
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i]) {
                size_t j = pair_slot(&g, m->keys[i]);
                g.keys[j] = m->keys[i];
                g.rank[j] = m->rank[i];
                g.merged[j] = m->merged[i];
                g.n++;
            }
        tok_pairmap_free(m);
        *m = g;
    }
    uint64_t k = pair_key(a, b);
    size_t i = pair_slot(m, k);
    if (m->keys[i]) {
        /* keep the best (lowest) rank when a pair is listed twice */
        if (rank < m->rank[i]) {
            m->rank[i] = rank;
            m->merged[i] = merged;
        }
        return 0;
    }
    m->keys[i] = k;
    m->rank[i] = rank;
    m->merged[i] = merged;
    m->n++;
    return 0;
}

int tok_pairmap_get(const tok_pairmap *m, int32_t a, int32_t b, int32_t *rank, int32_t *merged)
{
    if (!m->cap)
        return 0;
    size_t i = pair_slot(m, pair_key(a, b));
    if (!m->keys[i])
        return 0;
    *rank = m->rank[i];
    *merged = m->merged[i];
    return 1;
}

/* ------------------------------------------------------------ encoding */

int tok_enc_push(pp_encoding *e, size_t *cap, int32_t id, size_t start, size_t end)
{
    if (e->n == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        int32_t *ids = realloc(e->ids, c * sizeof *ids);
        if (!ids)
            return -1;
        e->ids = ids;
        size_t *s = realloc(e->start, c * sizeof *s);
        if (!s)
            return -1;
        e->start = s;
        size_t *en = realloc(e->end, c * sizeof *en);
        if (!en)
            return -1;
        e->end = en;
        *cap = c;
    }
    e->ids[e->n] = id;
    e->start[e->n] = start;
    e->end[e->n] = end;
    e->n++;
    return 0;
}

/* ------------------------------------------------------------ vocabulary */

int tok_vocab_init(tok_vocab *v, size_t n)
{
    memset(v, 0, sizeof *v);
    if (n == 0)
        n = 1;
    v->off = calloc(n, sizeof *v->off);
    v->len = calloc(n, sizeof *v->len);
    v->present = calloc(n, 1);
    v->blob_cap = n * 8 + 64;
    v->blob = malloc(v->blob_cap);
    if (!v->off || !v->len || !v->present || !v->blob) {
        tok_vocab_free(v);
        return -1;
    }
    v->cap = n;
    v->n = 0;
    return 0;
}

void tok_vocab_free(tok_vocab *v)
{
    free(v->blob);
    free(v->off);
    free(v->len);
    free(v->present);
    tok_strmap_free(&v->map);
    memset(v, 0, sizeof *v);
}

int tok_vocab_set(tok_vocab *v, int32_t id, const char *bytes, size_t len)
{
    if (id < 0)
        return -1;
    if ((size_t)id >= v->cap) {
        size_t n = v->cap * 2 > (size_t)id + 1 ? v->cap * 2 : (size_t)id + 1;
        size_t *off = realloc(v->off, n * sizeof *off);
        if (!off)
            return -1;
        v->off = off;
        uint32_t *l = realloc(v->len, n * sizeof *l);
        if (!l)
            return -1;
        v->len = l;
        unsigned char *p = realloc(v->present, n);
        if (!p)
            return -1;
        v->present = p;
        memset(v->off + v->cap, 0, (n - v->cap) * sizeof *off);
        memset(v->len + v->cap, 0, (n - v->cap) * sizeof *l);
        memset(v->present + v->cap, 0, n - v->cap);
        v->cap = n;
    }
    if ((size_t)id + 1 > v->n)
        v->n = (size_t)id + 1;
    if (v->blob_len + len + 1 > v->blob_cap) {
        size_t c = v->blob_cap * 2;
        while (c < v->blob_len + len + 1)
            c *= 2;
        char *b = realloc(v->blob, c);
        if (!b)
            return -1;
        v->blob = b;
        v->blob_cap = c;
    }
    memcpy(v->blob + v->blob_len, bytes, len);
    v->blob[v->blob_len + len] = '\0';
    v->off[id] = v->blob_len;
    v->len[id] = (uint32_t)len;
    v->present[id] = 1;
    v->blob_len += len + 1;
    return 0;
}

int tok_vocab_index(tok_vocab *v)
{
    size_t used = 0;
    for (size_t i = 0; i < v->n; i++)
        used += v->present[i];
    tok_strmap_free(&v->map);
    if (tok_strmap_init(&v->map, used) != 0)
        return -1;
    /* keys point into the blob, which no longer moves */
    for (size_t i = 0; i < v->n; i++)
        if (v->present[i] && tok_strmap_get(&v->map, v->blob + v->off[i], v->len[i]) < 0 &&
            tok_strmap_put(&v->map, v->blob + v->off[i], v->len[i], (int32_t)i) != 0)
            return -1;
    return 0;
}
