/* pp_dedup.h — exact and near-duplicate detection for corpora.
 *
 * Exact duplicates: XXH3-128 of the normalized text (Unicode NFKC_Casefold,
 * then every run of white space collapsed to one space and the ends trimmed).
 *
 * Near duplicates: MinHash over the set of shingles of the normalized text,
 * with `bands * rows` permutations h_i(x) = low 32 bits of
 * XXH3_64(x, seed_i) (seed_i derived from the user seed with xxHash), and
 * LSH banding: two documents become a candidate pair when all `rows` values
 * of one band agree. A candidate pair is accepted when the estimated Jaccard
 * similarity (share of equal MinHash values) is >= the threshold. Accepted
 * pairs and exact matches are joined with union-find; in every cluster the
 * document first in input order is kept and the others point to it.
 *
 * Shingles: tokens are the maximal runs of letters, digits and combining
 * marks of the normalized text. `word:N` hashes runs of N consecutive tokens;
 * `char:N` hashes runs of N consecutive token code points (spaces and
 * punctuation dropped). `auto` picks char shingles for scripts written
 * without spaces between words (Thai, Lao, Khmer, Myanmar, Tibetan, Han,
 * Hiragana, Katakana, Balinese, Javanese) and word shingles otherwise. A text
 * with fewer units than N gives one shingle of all its units; a text with no
 * unit gives none (it can only be an exact duplicate).
 *
 * The index keeps only signatures (never texts): about 750 bytes per distinct
 * record with the defaults; see pp_dedup_index.c and pp_dedup_index_bytes(). */
#ifndef PP_DEDUP_H
#define PP_DEDUP_H

#include "src/pp_common.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pp_shingle_kind {
    PP_SHINGLE_AUTO = 0,
    PP_SHINGLE_WORD,
    PP_SHINGLE_CHAR
} pp_shingle_kind;

typedef struct pp_dedup_params {
    pp_shingle_kind shingle;
    int word_n;         /* N of word shingles (auto and word) */
    int char_n;         /* N of char shingles (auto and char) */
    int bands;          /* LSH bands */
    int rows;           /* MinHash values per band; permutations = bands * rows */
    uint64_t seed;      /* seed of the permutations */
    double threshold;   /* estimated Jaccard needed to accept a candidate pair */
    int bucket_cap;     /* compare a document with at most this many members of a bucket */
} pp_dedup_params;

#define PP_DEDUP_MAX_PERM 1024

/* Defaults: auto shingles (word:3, char:3), 25 bands x 4 rows, threshold
 * 0.5, seed 1, bucket cap 256 (docs/dedup.md explains the choice). */
PP_API void pp_dedup_params_default(pp_dedup_params *p);

/* Parse "auto", "word:N" or "char:N" (1 <= N <= 32) into p. */
PP_API pp_status pp_dedup_parse_shingle(const char *spec, pp_dedup_params *p, pp_error *err);

/* Write the shingle spec ("auto(word:2,char:3)", "word:3", ...) into buf. */
PP_API const char *pp_dedup_shingle_name(const pp_dedup_params *p, char *buf, size_t len);

/* Check bands/rows/threshold; PP_ERR_INVALID with a reason otherwise. */
PP_API pp_status pp_dedup_params_check(const pp_dedup_params *p, pp_error *err);

/* The similarity at which the LSH S-curve 1-(1-s^r)^b crosses 1/2 is about
 * (1/b)^(1/r); this returns that value. */
PP_API double pp_dedup_lsh_threshold(int bands, int rows);

/* Probability that a pair with Jaccard similarity s becomes a candidate. */
PP_API double pp_dedup_lsh_probability(double s, int bands, int rows);

/* Normalize for exact matching: NFKC_Casefold + white-space collapse.
 * *out is malloc'd and NUL-terminated. */
PP_API pp_status pp_dedup_normalize(const char *s, size_t len, char **out, size_t *outlen,
                                    pp_error *err);

/* The signature of one document. `minhash` has bands*rows values, `bands`
 * has p->bands values (caller-allocated). *nshingles receives the number of
 * shingles (0: minhash and bands are meaningless). `script` (may be NULL)
 * receives the script that drove the auto choice. */
PP_API pp_status pp_dedup_signature(const pp_dedup_params *p, const char *text, size_t len,
                                    uint8_t exact[16], uint32_t *minhash, uint64_t *bands,
                                    size_t *nshingles, pp_error *err);

/* The same, but when skip (may be NULL) returns nonzero for the exact hash
 * the MinHash is not computed and *nshingles is 0: used to save the work for
 * records whose exact twin was already seen (their shingles add nothing). */
PP_API pp_status pp_dedup_signature_skip(const pp_dedup_params *p, const char *text, size_t len,
                                         int (*skip)(void *ud, const uint8_t exact[16]), void *ud,
                                         uint8_t exact[16], uint32_t *minhash, uint64_t *bands,
                                         size_t *nshingles, pp_error *err);

/* Estimated Jaccard similarity: share of equal values among k. */
PP_API double pp_dedup_jaccard(const uint32_t *a, const uint32_t *b, int k);

/* ---- The index: signatures in input order -> clusters. ---- */

typedef struct pp_dedup_index pp_dedup_index;

typedef enum pp_dup_kind {
    PP_DUP_NONE = 0, /* kept */
    PP_DUP_EXACT,    /* same normalized text as an earlier document */
    PP_DUP_NEAR      /* joined to an earlier document by MinHash/LSH */
} pp_dup_kind;

PP_API pp_status pp_dedup_index_new(const pp_dedup_params *p, pp_dedup_index **out, pp_error *err);
PP_API void pp_dedup_index_free(pp_dedup_index *ix);

/* Register a shard name; returns its number (0, 1, ...) in *shard. */
PP_API pp_status pp_dedup_index_shard(pp_dedup_index *ix, const char *name, uint32_t *shard,
                                      pp_error *err);

/* Add the next document (documents must come in input order). `minhash` and
 * `bands` are ignored when nshingles == 0. `lang` may be NULL ("und").
 * The document number is stored in *doc (may be NULL). */
PP_API pp_status pp_dedup_index_add(pp_dedup_index *ix, uint32_t shard, uint64_t pos,
                                    const char *id, const char *lang, const uint8_t exact[16],
                                    const uint32_t *minhash, const uint64_t *bands,
                                    size_t nshingles, uint32_t *doc, pp_error *err);

PP_API uint32_t pp_dedup_index_count(const pp_dedup_index *ix);

/* Nonzero if a document with this exact hash was added already. */
PP_API int pp_dedup_index_has_exact(const pp_dedup_index *ix, const uint8_t exact[16]);

/* The kept document of doc's cluster (itself when kept). Valid at any time;
 * final once every document has been added. */
PP_API uint32_t pp_dedup_index_kept(pp_dedup_index *ix, uint32_t doc);

/* Exact if doc has the normalized text of an earlier document; near if it is
 * in a cluster with an earlier document otherwise; none if kept. */
PP_API pp_dup_kind pp_dedup_index_kind(pp_dedup_index *ix, uint32_t doc);

PP_API const char *pp_dedup_index_id(const pp_dedup_index *ix, uint32_t doc);
PP_API const char *pp_dedup_index_lang(const pp_dedup_index *ix, uint32_t doc);
PP_API uint32_t pp_dedup_index_doc_shard(const pp_dedup_index *ix, uint32_t doc);
PP_API const char *pp_dedup_index_shard_name(const pp_dedup_index *ix, uint32_t shard);
PP_API uint64_t pp_dedup_index_pos(const pp_dedup_index *ix, uint32_t doc);

/* Bytes of memory held by the index now, and the number of verified
 * candidate comparisons made so far. */
PP_API size_t pp_dedup_index_bytes(const pp_dedup_index *ix);
PP_API uint64_t pp_dedup_index_comparisons(const pp_dedup_index *ix);

/* ---- Signature files (the shardable two-phase mode). ----
 *
 * Binary, little-endian. Header: the 8 bytes "PPDSIG1\n", then u32 bands,
 * u32 rows, u32 shingle kind, u32 word_n, u32 char_n, u64 seed, u16 length +
 * bytes of the shard name. Then one entry per document: u8 'R', u64 position
 * (the line number in the shard), u8 flags (bit 0: the id is a position id),
 * u16 length + bytes of the id, u8 length + bytes of the language tag, 16
 * bytes exact hash, u32 number of shingles, and when that is not zero
 * bands*rows u32 MinHash values and bands u64 band hashes (a record whose
 * exact hash came earlier in the same shard is written with 0 shingles:
 * merge resolves it by the exact hash). The file ends with
 * u8 'E' and u64 the number of entries (so truncation is detected). */

typedef struct pp_sig_writer pp_sig_writer;
typedef struct pp_sig_reader pp_sig_reader;

typedef struct pp_sig_entry {
    uint64_t pos;
    int id_is_position;
    const char *id;   /* valid until the next read */
    const char *lang; /* "" when the record had none */
    uint8_t exact[16];
    size_t nshingles;
    const uint32_t *minhash;
    const uint64_t *bands;
} pp_sig_entry;

/* "-" or NULL writes to stdout. */
PP_API pp_status pp_sig_writer_open(const char *path, const pp_dedup_params *p,
                                    const char *shard, pp_sig_writer **out, pp_error *err);
PP_API pp_status pp_sig_writer_put(pp_sig_writer *w, const pp_sig_entry *e, pp_error *err);
/* Finish (trailer, rename into place). Always frees; NULL is a no-op. */
PP_API pp_status pp_sig_writer_close(pp_sig_writer *w, pp_error *err);
PP_API void pp_sig_writer_abort(pp_sig_writer *w);

/* Opens and reads the header; the parameters found there go to *p (threshold
 * and bucket_cap keep their defaults) and the shard name to *shard (owned by
 * the reader). */
PP_API pp_status pp_sig_reader_open(const char *path, pp_dedup_params *p, const char **shard,
                                    pp_sig_reader **out, pp_error *err);
/* Next entry: *more = 0 at the (verified) end. */
PP_API pp_status pp_sig_reader_next(pp_sig_reader *r, pp_sig_entry *e, int *more, pp_error *err);
PP_API void pp_sig_reader_close(pp_sig_reader *r);

/* Nonzero when two parameter sets give comparable signatures. */
PP_API int pp_dedup_params_compatible(const pp_dedup_params *a, const pp_dedup_params *b);

#ifdef __cplusplus
}
#endif
#endif
