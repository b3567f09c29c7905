/* tok_bpe.c — byte-pair encoding of one pre-token.
 *
 * The symbols of the pre-token form a doubly linked list; every adjacent
 * pair that has a merge goes into a binary min-heap keyed by (merge rank,
 * byte position of the left symbol), so ties merge leftmost first — the order
 * of tiktoken and of Hugging Face tokenizers. A merge relinks two nodes and
 * pushes the (at most two) new neighbouring pairs; entries made stale by
 * earlier merges are skipped when popped. The whole pre-token therefore costs
 * O(n log n) for n bytes, however long it is and whether or not it contains
 * spaces (a naive "scan for the best pair, merge, rescan" loop is O(n²)). */
#include "config.h"

#include "tokenizers/tok_internal.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/utf8.h>

typedef struct heap_entry {
    int32_t rank;
    int32_t node; /* left node; its start is its position */
    int32_t lid, rid;
} heap_entry;

typedef struct heap {
    heap_entry *v;
    size_t n, cap;
} heap;

static inline int entry_less(const heap_entry *a, const heap_entry *b)
{
    /* nodes are numbered by position, so the node index orders by position */
    return a->rank < b->rank || (a->rank == b->rank && a->node < b->node);
}

static int heap_push(heap *h, heap_entry e)
{
    if (h->n == h->cap) {
        size_t c = h->cap ? h->cap * 2 : 64;
        heap_entry *v = realloc(h->v, c * sizeof *v);
        if (!v)
            return -1;
        h->v = v;
        h->cap = c;
    }
    size_t i = h->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!entry_less(&e, &h->v[p]))
            break;
        h->v[i] = h->v[p];
        i = p;
    }
    h->v[i] = e;
    return 0;
}

static heap_entry heap_pop(heap *h)
{
    heap_entry top = h->v[0], last = h->v[--h->n];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        const heap_entry *best = &last;
        if (l < h->n && entry_less(&h->v[l], best)) {
            m = l;
            best = &h->v[l];
        }
        if (r < h->n && entry_less(&h->v[r], best))
            m = r;
        if (m == i)
            break;
        h->v[i] = h->v[m];
        i = m;
    }
    if (h->n)
        h->v[i] = last;
    return top;
}

static int push_pair(const tok_bpe *b, heap *h, const int32_t *id, int32_t left, int32_t right)
{
    int32_t rank, merged;
    if (left < 0 || right < 0 || !tok_pairmap_get(&b->pairs, id[left], id[right], &rank, &merged))
        return 0;
    heap_entry e = {rank, left, id[left], id[right]};
    return heap_push(h, e);
}

/* Merge the n initial symbols (id[i], covering bytes [start_i, end[i]) where
 * start_i = end[i-1]) in place; the surviving nodes are linked by next[]. */
static pp_status merge(const tok_bpe *b, int32_t n, int32_t *id, int32_t *end, int32_t *prev,
                       int32_t *next, pp_error *err)
{
    heap h = {0};
    for (int32_t i = 0; i < n; i++) {
        prev[i] = i - 1;
        next[i] = i + 1 < n ? i + 1 : -1;
    }
    for (int32_t i = 0; i + 1 < n; i++)
        if (push_pair(b, &h, id, i, i + 1) != 0)
            goto oom;
    while (h.n) {
        heap_entry top = heap_pop(&h);
        int32_t l = top.node, r = next[l];
        /* stale: the left node was absorbed (end == -1), or either side changed */
        if (end[l] < 0 || r < 0 || id[l] != top.lid || id[r] != top.rid)
            continue;
        int32_t rank, merged;
        tok_pairmap_get(&b->pairs, id[l], id[r], &rank, &merged);
        id[l] = merged;
        end[l] = end[r];
        next[l] = next[r];
        if (next[r] >= 0)
            prev[next[r]] = l;
        end[r] = -1;
        if (push_pair(b, &h, id, prev[l], l) != 0 || push_pair(b, &h, id, l, next[l]) != 0)
            goto oom;
    }
    free(h.v);
    return PP_OK;
oom:
    free(h.v);
    return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
}

pp_status tok_bpe_encode(const tok_bpe *b, const char *s, size_t len, size_t base, pp_encoding *e,
                         size_t *cap, pp_error *err)
{
    if (len == 0)
        return PP_OK;
    if (b->whole_first) {
        int32_t whole = tok_strmap_get(&b->vocab.map, s, len);
        if (whole >= 0)
            return tok_enc_push(e, cap, whole, base, base + len) == 0
                       ? PP_OK
                       : pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    if (len > INT32_MAX / 2)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "pre-token too long (%zu bytes)", len);
    /* node i starts at byte i; one allocation for the four arrays */
    int32_t n = (int32_t)len;
    int32_t *mem = malloc(sizeof(int32_t) * 4 * (size_t)n);
    if (!mem)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    int32_t *id = mem, *end = mem + n, *prev = mem + 2 * n, *next = mem + 3 * n;
    pp_status st = PP_OK;
    for (int32_t i = 0; i < n; i++) {
        id[i] = b->byte_id[(unsigned char)s[i]];
        if (id[i] < 0) {
            st = pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                              "byte 0x%02X has no token in this vocabulary", (unsigned char)s[i]);
            goto done;
        }
        end[i] = i + 1;
    }
    if ((st = merge(b, n, id, end, prev, next, err)) != PP_OK)
        goto done;
    for (int32_t i = 0; i >= 0; i = next[i])
        if (tok_enc_push(e, cap, id[i], base + (size_t)i, base + (size_t)end[i]) != 0) {
            st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            break;
        }
done:
    free(mem);
    return st;
}

pp_status tok_bpe_encode_chars(const tok_bpe *b, const char *s, size_t len, size_t base,
                               const int32_t *fb_id, int32_t unk_id, int fuse_unk, pp_encoding *e,
                               size_t *cap, pp_error *err)
{
    if (len == 0)
        return PP_OK;
    if (b->whole_first) {
        int32_t whole = tok_strmap_get(&b->vocab.map, s, len);
        if (whole >= 0)
            return tok_enc_push(e, cap, whole, base, base + len) == 0
                       ? PP_OK
                       : pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    if (len > INT32_MAX / 2)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "pre-token too long (%zu bytes)", len);
    int32_t cap_n = (int32_t)len;
    int32_t *mem = malloc(sizeof(int32_t) * 5 * (size_t)cap_n);
    if (!mem)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    int32_t *id = mem, *end = mem + cap_n, *prev = mem + 2 * cap_n, *next = mem + 3 * cap_n,
            *start = mem + 4 * cap_n;
    /* symbols: characters; start[] keeps each one's first byte */
    int32_t n = 0;
    for (int32_t i = 0; i < (int32_t)len;) {
        int32_t at = i;
        UChar32 c;
        U8_NEXT(s, i, (int32_t)len, c);
        (void)c;
        start[n] = at;
        end[n] = i;
        id[n] = tok_strmap_get(&b->vocab.map, s + at, (size_t)(i - at)); /* -1: unknown */
        n++;
    }
    pp_status st = merge(b, n, id, end, prev, next, err);
    int last_unk = 0;
    for (int32_t k = 0; st == PP_OK && k >= 0; k = next[k]) {
        size_t a = base + (size_t)start[k], z = base + (size_t)end[k];
        if (id[k] >= 0) {
            if (tok_enc_push(e, cap, id[k], a, z) != 0)
                goto oom;
            last_unk = 0;
            continue;
        }
        int all = fb_id != NULL;
        for (int32_t x = start[k]; all && x < end[k]; x++)
            all = fb_id[(unsigned char)s[x]] >= 0;
        if (all) {
            for (int32_t x = start[k]; x < end[k]; x++)
                if (tok_enc_push(e, cap, fb_id[(unsigned char)s[x]], a, z) != 0)
                    goto oom;
            last_unk = 0;
        } else if (fuse_unk && last_unk && e->n) {
            e->end[e->n - 1] = z;
        } else {
            if (unk_id < 0) {
                st = pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                  "a character has no token and the model has no unknown token");
                break;
            }
            if (tok_enc_push(e, cap, unk_id, a, z) != 0)
                goto oom;
            last_unk = 1;
        }
    }
    free(mem);
    return st;
oom:
    free(mem);
    return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
}

int tok_bpe_pairs_from_ranks(tok_bpe *b)
{
    const tok_vocab *v = &b->vocab;
    if (tok_pairmap_init(&b->pairs, v->n * 2) != 0)
        return -1;
    for (size_t t = 0; t < v->n; t++) {
        if (!v->present[t] || v->len[t] < 2)
            continue;
        const char *s = v->blob + v->off[t];
        size_t len = v->len[t];
        for (size_t k = 1; k < len; k++) {
            int32_t a = tok_strmap_get(&v->map, s, k);
            if (a < 0)
                continue;
            int32_t c = tok_strmap_get(&v->map, s + k, len - k);
            if (c < 0)
                continue;
            if (tok_pairmap_put(&b->pairs, a, c, (int32_t)t, (int32_t)t) != 0)
                return -1;
        }
    }
    return 0;
}
