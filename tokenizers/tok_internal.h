/* tok_internal.h — private pieces shared by the tokenizer back ends (not
 * installed): hash maps, the BPE merge engine, regex pre-tokenization,
 * Unigram Viterbi and the growable encoding. */
#ifndef PP_TOK_INTERNAL_H
#define PP_TOK_INTERNAL_H

#include "tokenizers/pp_tokenizer.h"

#include <stdint.h>

/* ------------------------------------------------------------ hash maps */

/* Byte string → int32 (open addressing, xxHash). Keys point into memory the
 * caller keeps alive. */
typedef struct tok_strmap {
    const char **keys;
    uint32_t *lens;
    int32_t *vals;
    size_t cap, n;
} tok_strmap;

int tok_strmap_init(tok_strmap *m, size_t expected);
void tok_strmap_free(tok_strmap *m);
/* 0 ok, -1 out of memory. Replaces an existing value. */
int tok_strmap_put(tok_strmap *m, const char *key, size_t len, int32_t val);
/* Value or -1. */
int32_t tok_strmap_get(const tok_strmap *m, const char *key, size_t len);

/* (left id, right id) → (merge rank, merged id). */
typedef struct tok_pairmap {
    uint64_t *keys; /* (left << 32 | right) + 1; 0 marks an empty slot */
    int32_t *rank, *merged;
    size_t cap, n;
} tok_pairmap;

int tok_pairmap_init(tok_pairmap *m, size_t expected);
void tok_pairmap_free(tok_pairmap *m);
int tok_pairmap_put(tok_pairmap *m, int32_t a, int32_t b, int32_t rank, int32_t merged);
/* 1 and fills rank/merged when present, else 0. */
int tok_pairmap_get(const tok_pairmap *m, int32_t a, int32_t b, int32_t *rank, int32_t *merged);

/* ------------------------------------------------------------ encoding buffer */

int tok_enc_push(pp_encoding *e, size_t *cap, int32_t id, size_t start, size_t end);

/* ------------------------------------------------------------ vocabulary */

/* Token byte strings stored in one blob; ids are dense 0..n-1 (holes are
 * allowed: len 0 and `present` 0). */
typedef struct tok_vocab {
    char *blob;
    size_t blob_len, blob_cap;
    size_t *off;
    uint32_t *len;
    unsigned char *present;
    size_t n;       /* highest id + 1 */
    size_t cap;     /* allocated entries */
    tok_strmap map; /* bytes → id */
} tok_vocab;

int tok_vocab_init(tok_vocab *v, size_t n);
void tok_vocab_free(tok_vocab *v);
/* Set token `id` to the given bytes (grows the table as needed). 0/-1. */
int tok_vocab_set(tok_vocab *v, int32_t id, const char *bytes, size_t len);
/* Build the bytes → id map once all tokens are set. 0/-1. */
int tok_vocab_index(tok_vocab *v);
static inline const char *tok_vocab_bytes(const tok_vocab *v, int32_t id, size_t *len)
{
    if (id < 0 || (size_t)id >= v->n || !v->present[id])
        return NULL;
    *len = v->len[id];
    return v->blob + v->off[id];
}

/* ------------------------------------------------------------ BPE */

typedef struct tok_bpe {
    tok_vocab vocab;
    int32_t byte_id[256]; /* token of each single byte, -1 if none */
    tok_pairmap pairs;
    int whole_first;      /* look the whole piece up before merging (tiktoken, ignore_merges) */
} tok_bpe;

/* Encode the bytes [s, s+len) (one pre-token) and append the tokens with
 * spans offset by `base`. Bytes without a single-byte token make PP_ERR_INVALID
 * (cannot happen for byte-level vocabularies). Runs in O(len log len). */
pp_status tok_bpe_encode(const tok_bpe *b, const char *s, size_t len, size_t base, pp_encoding *e,
                         size_t *cap, pp_error *err);

/* Character-level BPE (no byte alphabet): the initial symbols are the UTF-8
 * characters of the pre-token; a character outside the vocabulary becomes its
 * <0xNN> byte pieces (fb_id, when the model has byte fallback) or the unknown
 * id (consecutive unknowns fused when fuse_unk). */
pp_status tok_bpe_encode_chars(const tok_bpe *b, const char *s, size_t len, size_t base,
                               const int32_t *fb_id, int32_t unk_id, int fuse_unk, pp_encoding *e,
                               size_t *cap, pp_error *err);

/* For tiktoken vocabularies: derive the pair table from the ranks (a pair
 * merges into the token equal to its concatenation, with that token's rank). */
int tok_bpe_pairs_from_ranks(tok_bpe *b);

/* ------------------------------------------------------------ pre-tokenization */

typedef struct tok_regex tok_regex;
pp_status tok_regex_new(const char *pattern, tok_regex **out, pp_error *err);
void tok_regex_free(tok_regex *r);
/* Split UTF-8 text into pieces: every regex match and every gap between
 * matches, in order. *spans is pairs (start, end) in bytes; malloc'd. */
pp_status tok_regex_split(tok_regex *r, const char *s, size_t len, size_t **spans, size_t *n,
                          pp_error *err);

/* Translate a pre-tokenization pattern written for JavaScript/Python regex
 * engines (as tokenizer files carry them) into ICU syntax with the same
 * meaning: \s and \S get JavaScript's white-space set (ICU's lacks U+000B and
 * U+FEFF), and the (?i:'s|'t|...) contraction group is spelled out case by
 * case (ICU's case folding would also match e.g. U+017F). malloc'd. */
char *tok_translate_pattern(const char *pattern);

/* GPT-2 byte-level alphabet: the code point standing for byte b, and back
 * (-1 when the code point is not in the alphabet). */
uint32_t tok_byte_to_cp(unsigned b);
int tok_cp_to_byte(uint32_t cp);

/* ------------------------------------------------------------ Unigram */

/* Largest |score| a Unigram piece may have (real models stay above -100). */
#define PP_UNIGRAM_MAX_SCORE 1e9

typedef struct tok_unigram {
    tok_vocab vocab;     /* pieces as UTF-8 (with U+2581 for spaces) */
    double *score;
    int32_t unk_id;
    int byte_fallback;
    int32_t byte_id[256];/* <0xNN> pieces, -1 if none */
    size_t max_len;      /* longest piece in bytes */
    double unk_score;
} tok_unigram;

/* Viterbi segmentation of one pre-token (UTF-8, already with U+2581 marks);
 * spans are relative to the pre-token plus `base`, where `map` (may be NULL)
 * maps pre-token byte offsets to text offsets. */
pp_status tok_unigram_encode(const tok_unigram *u, const char *s, size_t len, const size_t *map,
                             size_t base, pp_encoding *e, size_t *cap, pp_error *err);

/* ------------------------------------------------------------ SentencePiece unigram */

/* A SentencePiece unigram model read from its serialized proto, encoding ids
 * as the library does without its per-piece messages (tok_spm_unigram.c). */
typedef struct tok_spmu tok_spmu;
/* NULL when the model is not one this encoder reproduces exactly (not
 * unigram, white space as a suffix, unreadable) or out of memory. */
tok_spmu *tok_spmu_load(const void *model, size_t len);
void tok_spmu_free(tok_spmu *u);
size_t tok_spmu_size(const tok_spmu *u);
float tok_spmu_score(const tok_spmu *u, int32_t id);
int tok_spmu_type(const tok_spmu *u, int32_t id);
/* The ids of `len` bytes of valid UTF-8 in *ids (malloc'd). 0 ok, -1 out of
 * memory, 1 when the library's answer for this text depends on memory outside
 * the model (a malformed normalization map or symbol set): ask the library. */
int tok_spmu_encode(const tok_spmu *u, const char *text, size_t len, int32_t **ids, size_t *n);

/* ------------------------------------------------------------ back ends */

struct pp_tokenizer {
    pp_tok_format format;
    char describe[192];
    char normalization[80];
    int norm_form;        /* -1 none, else pp_norm_form applied by the tokenizer itself */
    int prenorm_form;     /* -1 none, else pp_norm_form applied before an spm model */
    int spm_ws;           /* spm: collapse extra whitespace */
    int spm_dummy_prefix; /* spm: add_dummy_prefix */
    /* spm */
    struct pp_spm *spm;
    tok_spmu *spmu;       /* the same model for ids in C, or NULL (library only) */
    char *spm_model;      /* the serialized model until spmu is built */
    size_t spm_model_len;
    /* hf / tiktoken */
    enum { TOK_MODEL_BPE, TOK_MODEL_UNIGRAM } model;
    tok_bpe bpe;
    tok_unigram uni;
    tok_regex *regex;     /* Split/tiktoken pattern, or NULL */
    int byte_level;       /* hf BPE with ByteLevel: vocabulary in the GPT-2 alphabet */
    int bl_prefix_space;  /* ByteLevel add_prefix_space */
    tok_vocab added;      /* hf added tokens (decode only) */
    int metaspace;        /* hf Metaspace pre-tokenizer */
    int metaspace_prepend;/* prepend U+2581 to the first piece */
    int metaspace_split;  /* split on U+2581 */
    /* hf string normalizers, in order: Prepend (from NULL) and Replace */
    struct tok_step {
        char *from, *to;
    } steps[8];
    int nsteps;
    int char_level;       /* hf BPE over characters (no ByteLevel) */
    int fuse_unk;
    int32_t fb_id[256];   /* <0xNN> pieces of a byte-fallback vocabulary, -1 if none */
    /* hf decoder: Replace from → to on the text, then strip leading `strip` chars */
    char *dec_from, *dec_to;
    int dec_strip;
    int32_t unk_id;
    int byte_fallback;
    size_t vocab_size;
    char **pieces;        /* printable pieces for pp_tokenizer_piece (hf: model strings) */
    size_t *piece_len;
};

pp_status tok_tiktoken_load(pp_tokenizer *t, const char *path, const char *pattern, pp_error *err);
pp_status tok_hf_load(pp_tokenizer *t, const char *path, pp_error *err);
void tok_backend_free(pp_tokenizer *t);

#endif
