/* tok_spm_unigram.c — SentencePiece unigram models encoded in C, for ids.
 *
 * The SentencePiece library builds a SentencePieceText message for every
 * call (a string per piece, its surface, offsets), which costs more than the
 * segmentation itself on long lines. For the models it covers (model_type
 * unigram, white space as a prefix) this file reads the serialized model
 * and gives the same ids by the same steps as the library's optimized
 * encoder:
 *   1. normalization: the model's precompiled character map (a Darts
 *      double-array trie over UTF-8 bytes whose values point at NUL-
 *      terminated replacements), user-defined symbols left untouched, the
 *      longest rule winning, a byte left malformed by a symbol or a rule
 *      that ends inside a character written as U+FFFD; leading, trailing and repeated spaces removed
 *      when remove_extra_whitespaces; a space prepended when
 *      add_dummy_prefix; spaces written as U+2581 when escape_whitespaces;
 *   2. Viterbi over byte positions, one character at a time: every piece
 *      that starts there (unused pieces skipped; a user-defined symbol scores
 *      length × max score − 0.1), the unknown piece (min score − 10) when no
 *      piece covers the character, ties kept by the earlier candidate, path
 *      scores kept in single precision and piece candidates summed in double
 *      as the library does;
 *   3. consecutive unknowns fused into one id, or with byte fallback an
 *      unknown piece written as the <0xNN> ids of its bytes.
 * The model is read as protobuf reads it (a piece type or model type outside
 * its enum is an unknown field: the value before it stays). Models the
 * library reads in a way no rule describes stay on it: a piece with a NUL
 * byte (its tries take C strings). Texts whose result depends, in the
 * library, on memory outside the model (a fuzzed normalization map walked
 * past its end, more prefix matches than the library keeps) go to the
 * library one by one (tok_spmu_encode returns 1).
 * The tokenizer checks the result of loading against the library (vocabulary
 * size, scores, piece types) and uses the library when anything differs. */
#include "config.h"

#include "tokenizers/tok_internal.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>

/* -------------------------------------------------------------- protobuf */

typedef struct pb {
    const unsigned char *p, *end;
} pb;

static int pb_varint(pb *b, uint64_t *v)
{
    uint64_t r = 0;
    for (int shift = 0; shift < 64 && b->p < b->end; shift += 7) {
        unsigned char c = *b->p++;
        r |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80)) {
            *v = r;
            return 0;
        }
    }
    return -1;
}

/* Next field: its number, wire type and, for length-delimited fields, the
 * bytes (sub); varints in *v; fixed32 in *v too. -1 on a malformed message. */
static int pb_field(pb *b, int *num, int *wt, uint64_t *v, pb *sub)
{
    uint64_t key;
    if (pb_varint(b, &key))
        return -1;
    *num = (int)(key >> 3);
    *wt = (int)(key & 7);
    switch (*wt) {
    case 0: return pb_varint(b, v);
    case 1:
        if (b->end - b->p < 8)
            return -1;
        b->p += 8;
        return 0;
    case 2: {
        uint64_t n;
        if (pb_varint(b, &n) || n > (uint64_t)(b->end - b->p))
            return -1;
        sub->p = b->p;
        sub->end = b->p + n;
        b->p += n;
        return 0;
    }
    case 5: {
        if (b->end - b->p < 4)
            return -1;
        const unsigned char *q = b->p;
        *v = (uint64_t)q[0] | (uint64_t)q[1] << 8 | (uint64_t)q[2] << 16 | (uint64_t)q[3] << 24;
        b->p += 4;
        return 0;
    }
    default: return -1;
    }
}

/* -------------------------------------------------------------- the model */

enum { T_NORMAL = 1, T_UNKNOWN = 2, T_CONTROL = 3, T_USER = 4, T_UNUSED = 5, T_BYTE = 6 };

/* A cell of the double array the lookups walk: the child of the node at
 * position p by byte c is at base[p] + c when that cell's check is p. */
typedef struct dacell {
    int32_t base, check, piece; /* piece ending at this node, or -1 */
} dacell;

/* A byte trie of the pieces, built in an open-addressing table keyed by
 * (node, byte) (node_piece[node]: the piece ending there or -1), then laid
 * out as a double array (da) for the encoder: one cache line per step
 * instead of a hash probe. */
typedef struct ptrie {
    uint64_t *key; /* (node << 8 | byte) + 1; 0: empty slot */
    int32_t *child;
    size_t mask;
    int32_t *node_piece;
    size_t nodes, nodes_cap, edges;
    dacell *da;
    size_t da_size;
} ptrie;

struct tok_spmu {
    size_t n;
    float *score;
    unsigned char *type;
    int32_t unk_id;
    int32_t byte_id[256];
    int byte_fallback;
    float min_score, max_score;
    ptrie pieces;  /* NORMAL, USER_DEFINED and UNUSED pieces, as the library's trie */
    ptrie symbols; /* USER_DEFINED pieces only: left as they are by normalization */
    /* normalizer */
    const uint32_t *units; /* Darts double array (copied, aligned) */
    size_t nunits;         /* units the library can read: to the end of the map */
    char *norm_blob;       /* NUL-terminated replacements */
    size_t norm_len;
    int add_dummy_prefix, remove_extra_ws, escape_ws;
};

static inline size_t edge_hash(uint64_t k, size_t mask)
{
    k *= 0x9E3779B97F4A7C15ull;
    return (size_t)(k >> 29) & mask;
}

static int32_t ptrie_child(const ptrie *t, int32_t node, unsigned char c)
{
    uint64_t k = ((uint64_t)node << 8 | c) + 1;
    for (size_t i = edge_hash(k, t->mask);; i = (i + 1) & t->mask) {
        if (t->key[i] == k)
            return t->child[i];
        if (!t->key[i])
            return -1;
    }
}

static int ptrie_init(ptrie *t)
{
    memset(t, 0, sizeof *t);
    t->mask = 1023;
    t->key = calloc(t->mask + 1, sizeof *t->key);
    t->child = malloc((t->mask + 1) * sizeof *t->child);
    t->nodes_cap = 1024;
    t->node_piece = malloc(t->nodes_cap * sizeof *t->node_piece);
    t->nodes = 1;
    if (!t->key || !t->child || !t->node_piece)
        return -1;
    t->node_piece[0] = -1;
    return 0;
}

/* The table of edges is needed only to build the double array. */
static void ptrie_drop_table(ptrie *t)
{
    free(t->key);
    free(t->child);
    free(t->node_piece);
    t->key = NULL;
    t->child = NULL;
    t->node_piece = NULL;
}

static void ptrie_free(ptrie *t)
{
    free(t->da);
    ptrie_drop_table(t);
}

static void edge_put(uint64_t *key, int32_t *child, size_t mask, uint64_t k, int32_t c)
{
    size_t j = edge_hash(k, mask);
    while (key[j])
        j = (j + 1) & mask;
    key[j] = k;
    child[j] = c;
}

/* Room for one more node and edge (the table at most half full). */
static int ptrie_reserve(ptrie *t)
{
    if (t->nodes + 1 > t->nodes_cap) {
        int32_t *np = realloc(t->node_piece, 2 * t->nodes_cap * sizeof *np);
        if (!np)
            return -1;
        t->node_piece = np;
        t->nodes_cap *= 2;
    }
    if (2 * (t->edges + 1) <= t->mask + 1)
        return 0;
    size_t cap = 2 * (t->mask + 1);
    uint64_t *key = calloc(cap, sizeof *key);
    int32_t *child = malloc(cap * sizeof *child);
    if (!key || !child) {
        free(key);
        free(child);
        return -1;
    }
    for (size_t i = 0; i <= t->mask; i++)
        if (t->key[i])
            edge_put(key, child, cap - 1, t->key[i], t->child[i]);
    free(t->key);
    free(t->child);
    t->key = key;
    t->child = child;
    t->mask = cap - 1;
    return 0;
}

/* Add piece `id` spelled s[0..len); the first id added for a spelling
 * stays. 0, or -1 out of memory. */
static int ptrie_add(ptrie *t, const char *s, size_t len, int32_t id)
{
    int32_t node = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        int32_t next = ptrie_child(t, node, c);
        if (next < 0) {
            if (ptrie_reserve(t))
                return -1;
            next = (int32_t)t->nodes++;
            t->node_piece[next] = -1;
            edge_put(t->key, t->child, t->mask, ((uint64_t)node << 8 | c) + 1, next);
            t->edges++;
        }
        node = next;
    }
    if (t->node_piece[node] < 0)
        t->node_piece[node] = id;
    return 0;
}

/* Lay the trie out as a double array: nodes in breadth-first order, each
 * node's children at base + byte for the first base whose cells are free. */
static int ptrie_compact(ptrie *t)
{
    size_t ne = t->edges, nn = t->nodes;
    int32_t *first = calloc(nn + 1, sizeof *first); /* edges of node i: [first[i], first[i+1]) */
    int32_t *elab = malloc((ne + 1) * sizeof *elab), *echild = malloc((ne + 1) * sizeof *echild);
    int32_t *pos = malloc(nn * sizeof *pos), *queue = malloc(nn * sizeof *queue);
    int rc = -1;
    if (!first || !elab || !echild || !pos || !queue)
        goto out;
    for (size_t i = 0; i <= t->mask; i++)
        if (t->key[i])
            first[((t->key[i] - 1) >> 8) + 1]++;
    for (size_t i = 0; i < nn; i++)
        first[i + 1] += first[i];
    {
        int32_t *fill = malloc((nn + 1) * sizeof *fill);
        if (!fill)
            goto out;
        memcpy(fill, first, (nn + 1) * sizeof *fill);
        for (size_t i = 0; i <= t->mask; i++) {
            if (!t->key[i])
                continue;
            size_t parent = (size_t)((t->key[i] - 1) >> 8);
            int32_t k = fill[parent]++;
            elab[k] = (int32_t)((t->key[i] - 1) & 0xFF);
            echild[k] = t->child[i];
        }
        free(fill);
    }
    /* labels of each node in increasing order (insertion sort: few children) */
    for (size_t v = 0; v < nn; v++)
        for (int32_t a = first[v] + 1; a < first[v + 1]; a++)
            for (int32_t b = a; b > first[v] && elab[b - 1] > elab[b]; b--) {
                int32_t x = elab[b]; elab[b] = elab[b - 1]; elab[b - 1] = x;
                x = echild[b]; echild[b] = echild[b - 1]; echild[b - 1] = x;
            }
    /* searches start at cell 256, so that base = cell − byte stays positive:
     * the cells below are mostly left empty */
    size_t cap = nn + 1024, size = 256, next_free = 256, multi_from = 256;
    dacell *da = malloc(cap * sizeof *da);
    if (!da)
        goto out;
    for (size_t i = 0; i < cap; i++)
        da[i] = (dacell){0, -1, -1};
    da[0] = (dacell){0, -2, t->node_piece[0]}; /* the root: used, no parent */
    pos[0] = 0;
    size_t qh = 0, qt = 0;
    queue[qt++] = 0;
    while (qh < qt) {
        int32_t v = queue[qh++];
        int32_t a = first[v], z = first[v + 1];
        if (a == z)
            continue;
        while (next_free < size && da[next_free].check != -1)
            next_free++;
        /* one child: the first free cell. Several: search on from where the
         * last such node went (a search from the front would go over the
         * dense start again and again, quadratic in the vocabulary) */
        size_t from = z - a == 1 ? next_free : (multi_from > next_free ? multi_from : next_free);
        size_t base = from > (size_t)elab[a] ? from - (size_t)elab[a] : 1;
        for (;; base++) {
            int clash = 0;
            for (int32_t k = a; k < z && !clash; k++)
                clash = base + (size_t)elab[k] < size && da[base + (size_t)elab[k]].check != -1;
            if (!clash)
                break;
        }
        size_t need = base + 256;
        if (need > cap) {
            size_t ncap = cap;
            while (ncap < need)
                ncap *= 2;
            dacell *nd = realloc(da, ncap * sizeof *nd);
            if (!nd) {
                free(da);
                goto out;
            }
            for (size_t i = cap; i < ncap; i++)
                nd[i] = (dacell){0, -1, -1};
            da = nd;
            cap = ncap;
        }
        da[pos[v]].base = (int32_t)base;
        if (z - a > 1)
            multi_from = base + (size_t)elab[a];
        for (int32_t k = a; k < z; k++) {
            size_t p = base + (size_t)elab[k];
            da[p].check = pos[v];
            da[p].piece = t->node_piece[echild[k]];
            pos[echild[k]] = (int32_t)p;
            if (p + 1 > size)
                size = p + 1;
            queue[qt++] = echild[k];
        }
    }
    if (size > INT32_MAX - 256) {
        free(da);
        goto out;
    }
    t->da = da;
    t->da_size = size;
    rc = 0;
out:
    free(first);
    free(elab);
    free(echild);
    free(pos);
    free(queue);
    return rc;
}

/* The child of position p by byte c, or -1. */
static inline int32_t da_child(const ptrie *t, int32_t p, unsigned char c)
{
    size_t q = (size_t)t->da[p].base + c;
    return t->da[p].base > 0 && q < t->da_size && t->da[q].check == p ? (int32_t)q : -1;
}

void tok_spmu_free(tok_spmu *u)
{
    if (!u)
        return;
    free(u->score);
    free(u->type);
    ptrie_free(&u->pieces);
    ptrie_free(&u->symbols);
    free((void *)u->units);
    free(u->norm_blob);
    free(u);
}

/* The precompiled map: uint32 (little-endian) size of the trie, the trie's
 * 32-bit units, then the replacement strings. The library walks the trie in
 * place without bounds, so a fuzzed trie can send it into the replacement
 * strings, read as units: the units kept here run to the end of the map and
 * its terminating NUL (the map is a protobuf string), and a walk past them is
 * one the library's result depends on memory outside the model (the text
 * goes to the library). A later field replaces an earlier one, as in
 * protobuf. */
static int load_charsmap(tok_spmu *u, const unsigned char *p, size_t len)
{
    free((void *)u->units);
    free(u->norm_blob);
    u->units = NULL;
    u->norm_blob = NULL;
    u->nunits = u->norm_len = 0;
    if (len == 0)
        return 0;
    if (len < 4)
        return -1;
    uint32_t tsize = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                     (uint32_t)p[3] << 24;
    if (tsize >= len - 4 + 1 || tsize % 4 || tsize == 0)
        return -1;
    size_t avail = len - 4 + 1, nunits = avail / 4; /* with the NUL after the map */
    uint32_t *units = malloc(nunits * sizeof *units);
    if (!units)
        return -1;
    for (size_t i = 0; i < nunits; i++) {
        unsigned char q[4] = {0, 0, 0, 0};
        memcpy(q, p + 4 + 4 * i, 4 * i + 4 <= len - 4 ? 4 : len - 4 - 4 * i);
        units[i] = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 |
                   (uint32_t)q[3] << 24;
    }
    u->units = units;
    u->nunits = nunits;
    u->norm_len = len - 4 - tsize;
    u->norm_blob = malloc(u->norm_len + 1);
    if (!u->norm_blob)
        return -1;
    memcpy(u->norm_blob, p + 4 + tsize, u->norm_len);
    u->norm_blob[u->norm_len] = '\0'; /* every replacement ends in the blob */
    return 0;
}

static int parse_piece(pb m, const unsigned char **s, size_t *len, float *score, int *type)
{
    *s = NULL;
    *len = 0;
    *score = 0;
    *type = T_NORMAL;
    while (m.p < m.end) {
        int num, wt;
        uint64_t v = 0;
        pb sub = {0};
        if (pb_field(&m, &num, &wt, &v, &sub))
            return -1;
        if (num == 1 && wt == 2) {
            *s = sub.p;
            *len = (size_t)(sub.end - sub.p);
        } else if (num == 2 && wt == 5) {
            uint32_t bits = (uint32_t)v;
            memcpy(score, &bits, sizeof *score);
        } else if (num == 3 && wt == 0 && v >= T_NORMAL && v <= T_BYTE) {
            /* protobuf keeps a value outside the enum as an unknown field:
             * the piece keeps its type (NORMAL when none is valid) */
            *type = (int)v;
        }
    }
    return *s ? 0 : -1;
}

tok_spmu *tok_spmu_load(const void *data, size_t len)
{
    tok_spmu *u = calloc(1, sizeof *u);
    if (!u)
        return NULL;
    u->unk_id = -1;
    for (int i = 0; i < 256; i++)
        u->byte_id[i] = -1;
    u->add_dummy_prefix = u->remove_extra_ws = u->escape_ws = 1; /* proto defaults */
    int model_type = 1, suffix = 0, ok = 1;
    pb b = {data, (const unsigned char *)data + len};
    /* first pass: counts, trainer and normalizer specs */
    while (ok && b.p < b.end) {
        int num, wt;
        uint64_t v = 0;
        pb sub = {0};
        if (pb_field(&b, &num, &wt, &v, &sub)) {
            ok = 0;
            break;
        }
        if (num == 1 && wt == 2) {
            const unsigned char *s;
            size_t l;
            float sc;
            int ty;
            if (parse_piece(sub, &s, &l, &sc, &ty)) {
                ok = 0;
                break;
            }
            u->n++;
        } else if (num == 2 && wt == 2) { /* trainer_spec */
            while (ok && sub.p < sub.end) {
                int f, w;
                uint64_t x = 0;
                pb s2 = {0};
                if (pb_field(&sub, &f, &w, &x, &s2))
                    ok = 0;
                else if (f == 3 && w == 0 && x >= 1 && x <= 4) /* the ModelType enum */
                    model_type = (int)x;
                else if (f == 24 && w == 0)
                    suffix = x != 0;
                else if (f == 35 && w == 0)
                    u->byte_fallback = x != 0;
            }
        } else if (num == 3 && wt == 2) { /* normalizer_spec */
            while (ok && sub.p < sub.end) {
                int f, w;
                uint64_t x = 0;
                pb s2 = {0};
                if (pb_field(&sub, &f, &w, &x, &s2))
                    ok = 0;
                else if (f == 2 && w == 2)
                    ok = load_charsmap(u, s2.p, (size_t)(s2.end - s2.p)) == 0;
                else if (f == 3 && w == 0)
                    u->add_dummy_prefix = x != 0;
                else if (f == 4 && w == 0)
                    u->remove_extra_ws = x != 0;
                else if (f == 5 && w == 0)
                    u->escape_ws = x != 0;
            }
        }
    }
    /* only what this file reproduces exactly */
    if (!ok || model_type != 1 || suffix || u->n == 0 || u->n > INT32_MAX) {
        tok_spmu_free(u);
        return NULL;
    }
    u->score = malloc(u->n * sizeof *u->score);
    u->type = malloc(u->n);
    if (!u->score || !u->type || ptrie_init(&u->pieces) || ptrie_init(&u->symbols)) {
        tok_spmu_free(u);
        return NULL;
    }
    u->min_score = FLT_MAX;
    u->max_score = FLT_MIN; /* as the library starts it (so user symbols score about -0.1) */
    b.p = data;
    size_t id = 0;
    while (b.p < b.end) {
        int num, wt;
        uint64_t v = 0;
        pb sub = {0};
        pb_field(&b, &num, &wt, &v, &sub);
        if (!(num == 1 && wt == 2))
            continue;
        const unsigned char *s;
        size_t l;
        float sc;
        int ty;
        parse_piece(sub, &s, &l, &sc, &ty);
        u->score[id] = sc;
        u->type[id] = (unsigned char)ty;
        if (ty == T_NORMAL) {
            if (sc < u->min_score)
                u->min_score = sc;
            if (sc > u->max_score)
                u->max_score = sc;
        }
        /* The library's tries take pieces as C strings: a piece with a NUL
         * byte is matched by its part before the NUL (newer SentencePiece releases
         * refuse such models). They stay on the library. */
        if ((ty == T_NORMAL || ty == T_USER || ty == T_UNUSED) && memchr(s, 0, l))
            break;
        if ((ty == T_NORMAL || ty == T_USER || ty == T_UNUSED) &&
            ptrie_add(&u->pieces, (const char *)s, l, (int32_t)id))
            break;
        if (ty == T_USER && ptrie_add(&u->symbols, (const char *)s, l, (int32_t)id))
            break;
        if (ty == T_UNKNOWN && u->unk_id < 0)
            u->unk_id = (int32_t)id;
        if (ty == T_BYTE && l == 6 && memcmp(s, "<0x", 3) == 0 && s[5] == '>') {
            static const char hex[] = "0123456789ABCDEF";
            const char *h1 = memchr(hex, s[3], 16), *h2 = memchr(hex, s[4], 16);
            if (h1 && h2 && s[3] && s[4])
                u->byte_id[(h1 - hex) * 16 + (h2 - hex)] = (int32_t)id;
        }
        id++;
    }
    if (id < u->n || u->unk_id < 0 || ptrie_compact(&u->pieces) || ptrie_compact(&u->symbols)) {
        /* no unknown piece: the library refuses such a model */
        tok_spmu_free(u);
        return NULL;
    }
    ptrie_drop_table(&u->pieces);
    ptrie_drop_table(&u->symbols);
    /* the library turns a missing byte piece into the unknown id */
    for (int i = 0; i < 256; i++)
        if (u->byte_id[i] < 0)
            u->byte_id[i] = u->unk_id;
    return u;
}

size_t tok_spmu_size(const tok_spmu *u) { return u->n; }
float tok_spmu_score(const tok_spmu *u, int32_t id) { return u->score[id]; }
int tok_spmu_type(const tok_spmu *u, int32_t id) { return u->type[id]; }

/* -------------------------------------------------------------- normalize */

static inline size_t char_len(unsigned char c)
{
    static const unsigned char t[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
    return t[c >> 4];
}

/* The longest user-defined symbol at s, or 0. The library keeps the first
 * 64 matches of its prefix search and reads past them when there are more
 * (a fuzzed model's chain of nested symbols): *defer is set then. */
static size_t symbol_at(const ptrie *t, const char *s, size_t len, int *defer)
{
    if (!t->edges)
        return 0;
    size_t best = 0, nmatch = 0;
    int32_t node = 0;
    for (size_t i = 0; i < len; i++) {
        node = da_child(t, node, (unsigned char)s[i]);
        if (node < 0)
            break;
        if (t->da[node].piece >= 0) {
            best = i + 1;
            nmatch++;
        }
    }
    if (nmatch > 64)
        *defer = 1;
    return best;
}

/* The charsmap rule at s: its replacement (NUL-terminated) and the bytes it
 * consumes, the longest match as the library keeps it. *defer is set where
 * the library's result depends on memory outside the model: a walk beyond
 * the map, more than the 32 matches it keeps, a replacement offset past the
 * strings. */
static const char *rule_at(const tok_spmu *u, const char *s, size_t len, size_t *used, int *defer)
{
    const uint32_t *a = u->units;
    size_t found = 0, nmatch = 0;
    uint32_t value = 0;
    uint32_t unit = a[0];
    size_t id = (unit >> 10) << ((unit & (1u << 9)) >> 6);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        id ^= c;
        if (id >= u->nunits) {
            *defer = 1;
            break;
        }
        unit = a[id];
        if ((unit & ((1u << 31) | 0xFF)) != c) /* label */
            break;
        id ^= (unit >> 10) << ((unit & (1u << 9)) >> 6);
        if ((unit >> 8) & 1) { /* has a leaf */
            if (id >= u->nunits) {
                *defer = 1;
                break;
            }
            if (nmatch < 32) {
                value = a[id] & ((1u << 31) - 1);
                found = i + 1;
            }
            nmatch++;
        }
    }
    *used = found;
    if (nmatch > 32 || (found && value > u->norm_len))
        *defer = 1;
    if (!found || *defer)
        return NULL;
    return u->norm_blob + value; /* norm_len: the NUL after the strings, "" */
}

typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;

static int sbuf_grow(sbuf *b, size_t more)
{
    if (b->n + more <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->n + more)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p)
        return -1;
    b->p = p;
    b->cap = cap;
    return 0;
}

/* The length of the well-formed UTF-8 character at s as the library decodes
 * it (string_util::DecodeUTF8: no overlong forms, surrogates or code points
 * past U+10FFFF), or 0. The text is valid UTF-8, but a user symbol or a rule
 * can end inside a character and leave its tail to this step. */
static size_t utf8_char(const unsigned char *s, size_t len)
{
    unsigned c = s[0];
    uint32_t cp;
    size_t l;
    if (c < 0x80)
        return 1;
    if (len >= 2 && (c & 0xE0) == 0xC0) {
        l = 2;
        cp = (c & 0x1Fu) << 6 | (s[1] & 0x3Fu);
        if (cp < 0x80)
            return 0;
    } else if (len >= 3 && (c & 0xF0) == 0xE0) {
        l = 3;
        cp = (c & 0x0Fu) << 12 | (s[1] & 0x3Fu) << 6 | (s[2] & 0x3Fu);
        if (cp < 0x800)
            return 0;
    } else if (len >= 4 && (c & 0xF8) == 0xF0) {
        l = 4;
        cp = (c & 0x07u) << 18 | (s[1] & 0x3Fu) << 12 | (s[2] & 0x3Fu) << 6 | (s[3] & 0x3Fu);
        if (cp < 0x10000)
            return 0;
    } else {
        return 0;
    }
    for (size_t i = 1; i < l; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return cp < 0xD800 || (cp >= 0xE000 && cp <= 0x10FFFF) ? l : 0;
}

/* One normalization step at s: the output piece and the input it consumes. */
static const char *norm_prefix(const tok_spmu *u, const char *s, size_t len, size_t *out_len,
                               size_t *used, int *defer)
{
    size_t k = symbol_at(&u->symbols, s, len, defer);
    if (k) {
        *used = *out_len = k;
        return s;
    }
    if (u->units) {
        const char *r = rule_at(u, s, len, used, defer);
        if (r) {
            *out_len = strlen(r);
            return r;
        }
    }
    size_t l = utf8_char((const unsigned char *)s, len);
    if (!l) { /* a malformed byte: U+FFFD for it, as the library writes */
        *used = 1;
        *out_len = 3;
        return "\xEF\xBF\xBD";
    }
    *used = *out_len = l;
    return s;
}

/* 0, -1 out of memory, 1 when the text must go to the library (*defer). */
static int normalize(const tok_spmu *u, const char *s, size_t len, sbuf *o)
{
    static const char WS[] = "\xE2\x96\x81"; /* U+2581 */
    int defer = 0;
    o->n = 0;
    if (u->remove_extra_ws) { /* leading spaces */
        while (len) {
            size_t ol, used;
            const char *r = norm_prefix(u, s, len, &ol, &used, &defer);
            if (defer)
                return 1;
            if (!(ol == 1 && r[0] == ' '))
                break;
            s += used;
            len -= used;
        }
    }
    if (!len)
        return 0;
    if (sbuf_grow(o, 3 * len + 8))
        return -1;
    if (u->add_dummy_prefix) {
        if (u->escape_ws) {
            memcpy(o->p, WS, 3);
            o->n = 3;
        } else {
            o->p[o->n++] = ' ';
        }
    }
    int prev_space = u->remove_extra_ws;
    while (len) {
        size_t ol, used;
        const char *r = norm_prefix(u, s, len, &ol, &used, &defer);
        if (defer)
            return 1;
        while (prev_space && ol && r[0] == ' ') {
            r++;
            ol--;
        }
        if (ol) {
            if (sbuf_grow(o, 3 * ol + 3 * len))
                return -1;
            for (size_t i = 0; i < ol; i++) {
                if (u->escape_ws && r[i] == ' ') {
                    memcpy(o->p + o->n, WS, 3);
                    o->n += 3;
                } else {
                    o->p[o->n++] = r[i];
                }
            }
            prev_space = r[ol - 1] == ' ';
        }
        s += used;
        len -= used;
        if (!u->remove_extra_ws)
            prev_space = 0;
    }
    if (u->remove_extra_ws) { /* trailing spaces */
        size_t wl = u->escape_ws ? 3 : 1;
        const char *w = u->escape_ws ? WS : " ";
        while (o->n >= wl && memcmp(o->p + o->n - wl, w, wl) == 0)
            o->n -= wl;
    }
    return 0;
}

/* -------------------------------------------------------------- Viterbi */

typedef struct node {
    float score;
    int32_t from; /* start of the best piece ending here, -1: none yet */
    int32_t id;
} node;

int tok_spmu_encode(const tok_spmu *u, const char *text, size_t len, int32_t **ids_out,
                    size_t *n_out)
{
    *ids_out = NULL;
    *n_out = 0;
    sbuf nb = {0};
    int rc = len > INT32_MAX / 4 ? -1 : normalize(u, text, len, &nb);
    if (rc) {
        free(nb.p);
        return rc;
    }
    const char *s = nb.p;
    int32_t size = (int32_t)nb.n;
    if (size == 0) {
        free(nb.p);
        *ids_out = malloc(sizeof(int32_t));
        return *ids_out ? 0 : -1;
    }
    node *best = malloc(sizeof(node) * ((size_t)size + 1));
    if (!best) {
        free(nb.p);
        return -1;
    }
    for (int32_t i = 0; i <= size; i++) {
        best[i].score = 0;
        best[i].from = -1;
        best[i].id = -1;
    }
    const ptrie *t = &u->pieces;
    const float unk_score = u->min_score - 10.0f;
    for (int32_t start = 0; start < size;) {
        const float here = best[start].score;
        int32_t mblen = (int32_t)char_len((unsigned char)s[start]);
        if (mblen > size - start)
            mblen = size - start;
        int single = 0;
        int32_t nodei = 0;
        for (int32_t k = start; k < size; k++) {
            nodei = da_child(t, nodei, (unsigned char)s[k]);
            if (nodei < 0)
                break;
            int32_t id = t->da[nodei].piece;
            if (id < 0 || u->type[id] == T_UNUSED)
                continue;
            int32_t end = k + 1, length = end - start;
            node *tn = &best[end];
            /* the library's expression and types: a user symbol's bonus is
             * float × length − 0.1 (a double), which makes every piece
             * candidate the double sum, compared with the stored float */
            double sc = u->type[id] == T_USER ? (float)length * u->max_score - 0.1
                                              : (double)u->score[id];
            double cand = sc + (double)here;
            if (tn->from < 0 || cand > (double)tn->score) {
                tn->score = (float)cand;
                tn->from = start;
                tn->id = id;
            }
            if (length == mblen)
                single = 1;
        }
        if (!single) {
            node *tn = &best[start + mblen];
            float cand = unk_score + here;
            if (tn->from < 0 || cand > tn->score) {
                tn->score = cand;
                tn->from = start;
                tn->id = u->unk_id;
            }
        }
        start += mblen;
    }
    /* back from the end: pieces in reverse order */
    size_t np = 0;
    for (int32_t e = size; e > 0; e = best[e].from)
        np++;
    int32_t *piece_end = malloc(sizeof(int32_t) * np);
    /* at most one id per byte (byte fallback) */
    int32_t *ids = malloc(sizeof(int32_t) * ((size_t)size + 1));
    if (!piece_end || !ids) {
        free(piece_end);
        free(ids);
        free(best);
        free(nb.p);
        return -1;
    }
    size_t k = np;
    for (int32_t e = size; e > 0; e = best[e].from)
        piece_end[--k] = e;
    size_t n = 0;
    int prev_unk = 0;
    for (size_t i = 0; i < np; i++) {
        int32_t e = piece_end[i], st = best[e].from, id = best[e].id;
        int unk = id == u->unk_id;
        if (unk && u->byte_fallback) {
            for (int32_t j = st; j < e; j++)
                ids[n++] = u->byte_id[(unsigned char)s[j]];
        } else if (!(unk && prev_unk)) {
            ids[n++] = id;
        }
        prev_unk = unk;
    }
    free(piece_end);
    free(best);
    free(nb.p);
    *ids_out = ids;
    *n_out = n;
    return 0;
}
