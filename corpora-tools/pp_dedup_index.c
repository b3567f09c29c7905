/* pp_dedup_index.c — the in-memory merge of signatures: an exact-hash table,
 * LSH buckets, candidate verification and union-find clusters.
 *
 * Memory per document (K = bands*rows permutations, B = bands):
 *   doc record 32 bytes + id and language bytes
 *   exact table: 24 bytes / 0.5 load = 48 bytes
 *   for documents that are not exact repeats: K*4 bytes of MinHash values and
 *   B bucket entries (8 bytes) plus B table slots (12 bytes / 0.5 load).
 * With the defaults (K = 100, B = 25): ~400 + 25*32 + 80 ~ 1.3 kB. */
#include "config.h"
#include "pp_dedup.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t pos;
    uint64_t id_off;   /* into the string arena */
    uint32_t parent;   /* union-find */
    uint32_t mh;       /* slot in the MinHash arena, or UINT32_MAX */
    uint32_t shard;
    uint16_t lang;     /* interned language */
    uint8_t kind;      /* pp_dup_kind known at insertion (exact) */
    uint8_t pad;
} doc_t;

typedef struct {
    uint32_t doc;
    uint32_t next; /* entry index + 1, 0 = end */
} entry_t;

struct pp_dedup_index {
    pp_dedup_params p;
    int k;
    doc_t *docs;
    uint32_t ndocs, capdocs;
    char *arena;
    size_t arena_len, arena_cap;
    uint32_t *mh;
    uint32_t nmh, capmh;
    /* exact table: open addressing, key 16 bytes, value doc+1 */
    uint8_t (*ekeys)[16];
    uint32_t *evals;
    size_t ecap, en;
    /* band table: key u64 (0 = empty), head entry+1 */
    uint64_t *bkeys;
    uint32_t *bheads;
    size_t bcap, bn;
    entry_t *entries;
    uint32_t nentries, capentries;
    char **langs;
    uint32_t nlangs;
    char **shards;
    uint32_t nshards;
    uint64_t comparisons;
};

pp_status pp_dedup_index_new(const pp_dedup_params *p, pp_dedup_index **out, pp_error *err)
{
    pp_status st = pp_dedup_params_check(p, err);
    if (st != PP_OK)
        return st;
    pp_dedup_index *ix = calloc(1, sizeof *ix);
    if (!ix)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    ix->p = *p;
    ix->k = p->bands * p->rows;
    *out = ix;
    return PP_OK;
}

void pp_dedup_index_free(pp_dedup_index *ix)
{
    if (!ix)
        return;
    free(ix->docs);
    free(ix->arena);
    free(ix->mh);
    free(ix->ekeys);
    free(ix->evals);
    free(ix->bkeys);
    free(ix->bheads);
    free(ix->entries);
    for (uint32_t i = 0; i < ix->nlangs; i++)
        free(ix->langs[i]);
    free(ix->langs);
    for (uint32_t i = 0; i < ix->nshards; i++)
        free(ix->shards[i]);
    free(ix->shards);
    free(ix);
}

static int grow(void **ptr, size_t elem, size_t need, size_t *cap)
{
    if (need <= *cap)
        return 1;
    size_t nc = *cap ? *cap : 64;
    while (nc < need)
        nc *= 2;
    void *q = realloc(*ptr, nc * elem);
    if (!q)
        return 0;
    *ptr = q;
    *cap = nc;
    return 1;
}

static int grow32(void **ptr, size_t elem, uint32_t need, uint32_t *cap)
{
    size_t c = *cap;
    if (!grow(ptr, elem, need, &c))
        return 0;
    if (c > UINT32_MAX)
        c = UINT32_MAX;
    *cap = (uint32_t)c;
    return 1;
}

pp_status pp_dedup_index_shard(pp_dedup_index *ix, const char *name, uint32_t *shard,
                               pp_error *err)
{
    char **s = realloc(ix->shards, sizeof(char *) * (ix->nshards + 1));
    if (!s)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    ix->shards = s;
    s[ix->nshards] = strdup(name ? name : "");
    if (!s[ix->nshards])
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    *shard = ix->nshards++;
    return PP_OK;
}

static uint32_t find(pp_dedup_index *ix, uint32_t d)
{
    while (ix->docs[d].parent != d) {
        uint32_t g = ix->docs[ix->docs[d].parent].parent;
        ix->docs[d].parent = g; /* path halving */
        d = g;
    }
    return d;
}

/* Union keeping the smaller document number (earlier in input) as root. */
static void unite(pp_dedup_index *ix, uint32_t a, uint32_t b)
{
    a = find(ix, a);
    b = find(ix, b);
    if (a == b)
        return;
    if (a < b)
        ix->docs[b].parent = a;
    else
        ix->docs[a].parent = b;
}

static uint64_t key16_hash(const uint8_t k[16])
{
    uint64_t h;
    memcpy(&h, k, 8);
    return h;
}

static int exact_rehash(pp_dedup_index *ix)
{
    size_t nc = ix->ecap ? ix->ecap * 2 : 1024;
    uint8_t(*nk)[16] = calloc(nc, 16);
    uint32_t *nv = calloc(nc, sizeof(uint32_t));
    if (!nk || !nv) {
        free(nk);
        free(nv);
        return 0;
    }
    for (size_t i = 0; i < ix->ecap; i++) {
        if (!ix->evals[i])
            continue;
        size_t j = key16_hash(ix->ekeys[i]) & (nc - 1);
        while (nv[j])
            j = (j + 1) & (nc - 1);
        memcpy(nk[j], ix->ekeys[i], 16);
        nv[j] = ix->evals[i];
    }
    free(ix->ekeys);
    free(ix->evals);
    ix->ekeys = nk;
    ix->evals = nv;
    ix->ecap = nc;
    return 1;
}

/* Find or insert `key`; returns the existing doc+1 or 0 after inserting doc. */
static int exact_lookup(pp_dedup_index *ix, const uint8_t key[16], uint32_t doc, uint32_t *found)
{
    if ((ix->en + 1) * 2 > ix->ecap && !exact_rehash(ix))
        return -1;
    size_t j = key16_hash(key) & (ix->ecap - 1);
    while (ix->evals[j]) {
        if (memcmp(ix->ekeys[j], key, 16) == 0) {
            *found = ix->evals[j] - 1;
            return 1;
        }
        j = (j + 1) & (ix->ecap - 1);
    }
    memcpy(ix->ekeys[j], key, 16);
    ix->evals[j] = doc + 1;
    ix->en++;
    return 0;
}

static int band_rehash(pp_dedup_index *ix)
{
    size_t nc = ix->bcap ? ix->bcap * 2 : 4096;
    uint64_t *nk = calloc(nc, sizeof(uint64_t));
    uint32_t *nh = calloc(nc, sizeof(uint32_t));
    if (!nk || !nh) {
        free(nk);
        free(nh);
        return 0;
    }
    for (size_t i = 0; i < ix->bcap; i++) {
        if (!ix->bkeys[i])
            continue;
        size_t j = (size_t)(ix->bkeys[i] * 0x9E3779B97F4A7C15ULL >> 17) & (nc - 1);
        while (nk[j])
            j = (j + 1) & (nc - 1);
        nk[j] = ix->bkeys[i];
        nh[j] = ix->bheads[i];
    }
    free(ix->bkeys);
    free(ix->bheads);
    ix->bkeys = nk;
    ix->bheads = nh;
    ix->bcap = nc;
    return 1;
}

/* Slot of `key` in the band table (inserted empty if absent); SIZE_MAX on OOM. */
static size_t band_slot(pp_dedup_index *ix, uint64_t key)
{
    if ((ix->bn + 1) * 2 > ix->bcap && !band_rehash(ix))
        return SIZE_MAX;
    size_t j = (size_t)(key * 0x9E3779B97F4A7C15ULL >> 17) & (ix->bcap - 1);
    while (ix->bkeys[j]) {
        if (ix->bkeys[j] == key)
            return j;
        j = (j + 1) & (ix->bcap - 1);
    }
    ix->bkeys[j] = key;
    ix->bheads[j] = 0;
    ix->bn++;
    return j;
}

static uint16_t intern_lang(pp_dedup_index *ix, const char *lang, int *ok)
{
    *ok = 1;
    if (!lang || !*lang)
        lang = "und";
    for (uint32_t i = 0; i < ix->nlangs; i++)
        if (strcmp(ix->langs[i], lang) == 0)
            return (uint16_t)i;
    if (ix->nlangs >= 65535) {
        *ok = 0;
        return 0;
    }
    char **l = realloc(ix->langs, sizeof(char *) * (ix->nlangs + 1));
    if (!l) {
        *ok = 0;
        return 0;
    }
    ix->langs = l;
    l[ix->nlangs] = strdup(lang);
    if (!l[ix->nlangs]) {
        *ok = 0;
        return 0;
    }
    return (uint16_t)ix->nlangs++;
}

pp_status pp_dedup_index_add(pp_dedup_index *ix, uint32_t shard, uint64_t pos, const char *id,
                             const char *lang, const uint8_t exact[16], const uint32_t *minhash,
                             const uint64_t *bands, size_t nshingles, uint32_t *docno,
                             pp_error *err)
{
    if (ix->ndocs == UINT32_MAX - 1)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "too many documents for one index (%u)", ix->ndocs);
    if (shard >= ix->nshards)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "unknown shard %u", shard);
    if (!grow32((void **)&ix->docs, sizeof(doc_t), ix->ndocs + 1, &ix->capdocs))
        goto oom;
    size_t idlen = id ? strlen(id) : 0;
    if (!grow((void **)&ix->arena, 1, ix->arena_len + idlen + 1, &ix->arena_cap))
        goto oom;
    int ok;
    uint16_t li = intern_lang(ix, lang, &ok);
    if (!ok)
        goto oom;
    uint32_t d = ix->ndocs;
    doc_t *doc = &ix->docs[d];
    memset(doc, 0, sizeof *doc);
    doc->pos = pos;
    doc->id_off = ix->arena_len;
    memcpy(ix->arena + ix->arena_len, id ? id : "", idlen + 1);
    ix->arena_len += idlen + 1;
    doc->parent = d;
    doc->mh = UINT32_MAX;
    doc->shard = shard;
    doc->lang = li;
    doc->kind = PP_DUP_NONE;
    ix->ndocs++;
    if (docno)
        *docno = d;

    uint32_t twin;
    int r = exact_lookup(ix, exact, d, &twin);
    if (r < 0)
        goto oom;
    if (r == 1) {
        /* Same normalized text: same shingles, so nothing new for LSH. */
        doc->kind = PP_DUP_EXACT;
        unite(ix, twin, d);
        return PP_OK;
    }
    if (nshingles == 0)
        return PP_OK;
    int k = ix->k;
    if (!grow32((void **)&ix->mh, sizeof(uint32_t) * (size_t)k, ix->nmh + 1, &ix->capmh))
        goto oom;
    doc = &ix->docs[d];
    doc->mh = ix->nmh++;
    uint32_t *mine = ix->mh + (size_t)doc->mh * k;
    memcpy(mine, minhash, sizeof(uint32_t) * (size_t)k);
    for (int b = 0; b < ix->p.bands; b++) {
        size_t slot = band_slot(ix, bands[b]);
        if (slot == SIZE_MAX)
            goto oom;
        int seen = 0;
        for (uint32_t e = ix->bheads[slot]; e && seen < ix->p.bucket_cap; e = ix->entries[e - 1].next) {
            uint32_t other = ix->entries[e - 1].doc;
            seen++;
            if (find(ix, other) == find(ix, d))
                continue;
            ix->comparisons++;
            const uint32_t *theirs = ix->mh + (size_t)ix->docs[other].mh * k;
            if (pp_dedup_jaccard(mine, theirs, k) >= ix->p.threshold)
                unite(ix, other, d);
        }
        if (!grow32((void **)&ix->entries, sizeof(entry_t), ix->nentries + 1, &ix->capentries))
            goto oom;
        ix->entries[ix->nentries].doc = d;
        ix->entries[ix->nentries].next = ix->bheads[slot];
        ix->nentries++;
        ix->bheads[slot] = ix->nentries;
    }
    return PP_OK;
oom:
    return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory in the dedup index");
}

uint32_t pp_dedup_index_count(const pp_dedup_index *ix)
{
    return ix->ndocs;
}

uint32_t pp_dedup_index_kept(pp_dedup_index *ix, uint32_t doc)
{
    return find(ix, doc);
}

pp_dup_kind pp_dedup_index_kind(pp_dedup_index *ix, uint32_t doc)
{
    if (ix->docs[doc].kind == PP_DUP_EXACT)
        return PP_DUP_EXACT;
    return find(ix, doc) == doc ? PP_DUP_NONE : PP_DUP_NEAR;
}

const char *pp_dedup_index_id(const pp_dedup_index *ix, uint32_t doc)
{
    return ix->arena + ix->docs[doc].id_off;
}

const char *pp_dedup_index_lang(const pp_dedup_index *ix, uint32_t doc)
{
    return ix->langs[ix->docs[doc].lang];
}

uint32_t pp_dedup_index_doc_shard(const pp_dedup_index *ix, uint32_t doc)
{
    return ix->docs[doc].shard;
}

const char *pp_dedup_index_shard_name(const pp_dedup_index *ix, uint32_t shard)
{
    return shard < ix->nshards ? ix->shards[shard] : "";
}

uint64_t pp_dedup_index_pos(const pp_dedup_index *ix, uint32_t doc)
{
    return ix->docs[doc].pos;
}

size_t pp_dedup_index_bytes(const pp_dedup_index *ix)
{
    return (size_t)ix->capdocs * sizeof(doc_t) + ix->arena_cap +
           (size_t)ix->capmh * sizeof(uint32_t) * (size_t)ix->k + ix->ecap * 20 + ix->bcap * 12 +
           (size_t)ix->capentries * sizeof(entry_t);
}

uint64_t pp_dedup_index_comparisons(const pp_dedup_index *ix)
{
    return ix->comparisons;
}
