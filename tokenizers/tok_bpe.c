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

#include "tok_internal.h"

#include <stdlib.h>
#include <string.h>

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
    if (len == 1) {
        int32_t id = b->byte_id[(unsigned char)s[0]];
        if (id < 0)
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "byte 0x%02X has no token in this vocabulary",
                                (unsigned char)s[0]);
        return tok_enc_push(e, cap, id, base, base + 1) == 0
                   ? PP_OK
                   : pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    if (len > INT32_MAX / 2)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "pre-token too long (%zu bytes)", len);

    /* node i starts at byte i; one allocation for the five arrays */
    int32_t n = (int32_t)len;
    int32_t *mem = malloc(sizeof(int32_t) * 4 * (size_t)n);
    heap h = {0};
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
    for (int32_t i = 0; i >= 0; i = next[i])
        if (tok_enc_push(e, cap, id[i], base + (size_t)i, base + (size_t)end[i]) != 0)
            goto oom;
    goto done;
oom:
    st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
done:
    free(mem);
    free(h.v);
    return st;
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
