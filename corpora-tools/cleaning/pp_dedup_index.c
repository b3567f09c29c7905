/* pp_dedup_index.c — the in-memory merge of signatures: an exact-hash table,
 * LSH buckets, candidate verification and union-find clusters.
 *
 * Memory per record (K = bands*rows permutations, B = bands), tables kept
 * between 3/8 and 3/4 full, arrays grown by 1.5x:
 *   record 32 bytes + its id and a NUL; exact table 20 bytes a slot;
 *   for records that are not exact repeats: K*2 bytes of MinHash values (the
 *   low 16 bits of each, which estimate the Jaccard similarity with a bias
 *   of at most 2^-16), B bucket entries of 8 bytes and B band-table slots
 *   of 8 bytes.
 * With the defaults (K = 100, B = 25): about 32 + id + 40 + 200 + 200 + 270
 * ~ 750 bytes per distinct record and ~ 75 bytes + id per exact repeat. */
#include "config.h"
#include "corpora-tools/cleaning/pp_dedup.h"

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
    uint16_t *mh; /* low 16 bits of each MinHash value: enough to estimate */
    uint32_t nmh, capmh;
    /* exact table: open addressing, key 16 bytes, value doc+1 */
    uint8_t (*ekeys)[16];
    uint32_t *evals;
    size_t ecap, en;
    /* band table keyed by the top 32 bits of the band hash (two buckets
     * whose hashes share them merge: that only adds verified comparisons,
     * about n^2/2^33 of them for n bucket keys); head = entry+1, 0 = empty */
    uint32_t *bkeys;
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
        nc += nc / 2; /* 1.5x: less slack on large indexes */
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
    if ((ix->en + 1) * 4 > ix->ecap * 3 && !exact_rehash(ix))
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

static size_t band_home(uint32_t fp, size_t cap)
{
    return (size_t)((fp * 0x9E3779B1u) ^ (fp >> 16)) & (cap - 1);
}

static int band_rehash(pp_dedup_index *ix)
{
    size_t nc = ix->bcap ? ix->bcap * 2 : 4096;
    uint32_t *nk = calloc(nc, sizeof(uint32_t));
    uint32_t *nh = calloc(nc, sizeof(uint32_t));
    if (!nk || !nh) {
        free(nk);
        free(nh);
        return 0;
    }
    for (size_t i = 0; i < ix->bcap; i++) {
        if (!ix->bheads[i])
            continue;
        size_t j = band_home(ix->bkeys[i], nc);
        while (nh[j])
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

/* Slot of `key` in the band table; *fresh = 1 when the bucket is new (its
 * head is still 0). SIZE_MAX on OOM. Load stays under 3/4. */
static size_t band_slot(pp_dedup_index *ix, uint64_t key, int *fresh)
{
    if ((ix->bn + 1) * 4 > ix->bcap * 3 && !band_rehash(ix))
        return SIZE_MAX;
    uint32_t fp = (uint32_t)(key >> 32);
    size_t j = band_home(fp, ix->bcap);
    while (ix->bheads[j]) {
        if (ix->bkeys[j] == fp) {
            *fresh = 0;
            return j;
        }
        j = (j + 1) & (ix->bcap - 1);
    }
    ix->bkeys[j] = fp;
    ix->bn++;
    *fresh = 1;
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
    if (!grow32((void **)&ix->mh, sizeof(uint16_t) * (size_t)k, ix->nmh + 1, &ix->capmh))
        goto oom;
    doc = &ix->docs[d];
    doc->mh = ix->nmh++;
    uint16_t *mine = ix->mh + (size_t)doc->mh * k;
    for (int i = 0; i < k; i++)
        mine[i] = (uint16_t)minhash[i];
    for (int b = 0; b < ix->p.bands; b++) {
        int fresh;
        size_t slot = band_slot(ix, bands[b], &fresh);
        if (slot == SIZE_MAX)
            goto oom;
        if (fresh)
            ix->bheads[slot] = 0;
        int seen = 0;
        for (uint32_t e = ix->bheads[slot]; e && seen < ix->p.bucket_cap; e = ix->entries[e - 1].next) {
            uint32_t other = ix->entries[e - 1].doc;
            seen++;
            if (find(ix, other) == find(ix, d))
                continue;
            ix->comparisons++;
            const uint16_t *theirs = ix->mh + (size_t)ix->docs[other].mh * k;
            int eq = 0;
            for (int i = 0; i < k; i++)
                eq += mine[i] == theirs[i];
            if ((double)eq / k >= ix->p.threshold)
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

int pp_dedup_index_has_exact(const pp_dedup_index *ix, const uint8_t key[16])
{
    if (!ix->ecap)
        return 0;
    size_t j = key16_hash(key) & (ix->ecap - 1);
    while (ix->evals[j]) {
        if (memcmp(ix->ekeys[j], key, 16) == 0)
            return 1;
        j = (j + 1) & (ix->ecap - 1);
    }
    return 0;
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
           (size_t)ix->capmh * sizeof(uint16_t) * (size_t)ix->k + ix->ecap * 20 + ix->bcap * 8 +
           (size_t)ix->capentries * sizeof(entry_t);
}

uint64_t pp_dedup_index_comparisons(const pp_dedup_index *ix)
{
    return ix->comparisons;
}
