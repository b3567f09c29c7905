/* pp_tokenizer.h — one interface over the tokenizers people use:
 *
 *   spm       a SentencePiece .model (through the C shim, pp_spm.h)
 *   hf        a Hugging Face tokenizer.json: BPE (byte-level, pre-tokenized by
 *             the model's Split regex through ICU uregex; merges applied by
 *             rank) and Unigram (Metaspace pre-tokenization, Viterbi)
 *   tiktoken  a tiktoken rank file ("base64-token rank" per line); the
 *             pre-tokenization pattern of cl100k_base and o200k_base is known
 *             by name, others are given explicitly
 *
 * Encoding returns token ids and, for every token, the byte span of the text
 * it covers; decoding returns the UTF-8 text. Special/added tokens are not
 * recognised in input text: text is always encoded as ordinary text. */
#ifndef PP_TOKENIZER_H
#define PP_TOKENIZER_H

#include "src/pp_common.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pp_tok_format {
    PP_TOK_AUTO = 0, /* from the file: *.json → hf, SentencePiece proto → spm, else tiktoken */
    PP_TOK_SPM,
    PP_TOK_HF,
    PP_TOK_TIKTOKEN
} pp_tok_format;

/* "spm", "hf", "tiktoken" (also "auto"). */
PP_API pp_status pp_tok_format_parse(const char *name, pp_tok_format *out, pp_error *err);
PP_API const char *pp_tok_format_name(pp_tok_format f);

typedef struct pp_tokenizer pp_tokenizer;

/* Load a tokenizer. `pattern` is the pre-tokenization regex (ICU syntax) for
 * tiktoken rank files: NULL picks the encoding's own pattern from the file
 * name (cl100k_base, o200k_base; also "cl100k_base"/"o200k_base" given as the
 * pattern itself); other rank files need it. For an spm model PREFIX.model a
 * sidecar PREFIX.json written by `polyphony tokenizer train` that declares a
 * pre-normalization ("prenormalize": "NFC") is honoured. Files may be .gz/.zst. */
PP_API pp_status pp_tokenizer_load(const char *path, pp_tok_format fmt, const char *pattern,
                                   pp_tokenizer **out, pp_error *err);
PP_API void pp_tokenizer_free(pp_tokenizer *t);

/* Set the Unicode form ("NFC", "NFKC", ...) applied before a SentencePiece
 * model, as a PREFIX.json sidecar would (for a model copied without it). */
PP_API pp_status pp_tokenizer_set_prenormalize(pp_tokenizer *t, const char *form, pp_error *err);

/* The result of one encoding. `text` is the text the spans refer to: the
 * input after the tokenizer's own normalization where that changes lengths
 * (hf normalizers, the spm pre-normalization), otherwise the input itself. */
typedef struct pp_encoding {
    int32_t *ids;
    size_t *start, *end; /* byte span in `text` of each token (may be empty) */
    size_t n;
    char *text;
    size_t text_len;
} pp_encoding;

/* Encode `len` bytes of valid UTF-8. Fill a zeroed pp_encoding; release it
 * with pp_encoding_clear(). Invalid UTF-8 gives PP_ERR_ENCODING. */
PP_API pp_status pp_tokenizer_encode(pp_tokenizer *t, const char *text, size_t len,
                                     pp_encoding *enc, pp_error *err);
PP_API void pp_encoding_clear(pp_encoding *enc);

/* Ids only (no spans): the same ids as pp_tokenizer_encode(), faster for
 * SentencePiece models (unigram models: computed in C, with tables built on
 * the first call, so one tokenizer is not to be used by several threads at
 * once). *ids is malloc'd (free() it). */
PP_API pp_status pp_tokenizer_encode_ids(pp_tokenizer *t, const char *text, size_t len,
                                         int32_t **ids, size_t *n, pp_error *err);

/* Decode ids into a malloc'd NUL-terminated string (*len bytes). Ids out of
 * range give PP_ERR_INVALID. Byte sequences that are not valid UTF-8 (ids cut
 * inside a character) are replaced by U+FFFD. */
PP_API pp_status pp_tokenizer_decode(pp_tokenizer *t, const int32_t *ids, size_t n, char **text,
                                     size_t *len, pp_error *err);

/* The normalization the tokenizer declares (what decode(encode(x)) can be
 * expected to equal): a malloc'd copy of x normalized accordingly (Unicode
 * form, and for spm the whitespace handling). */
PP_API pp_status pp_tokenizer_normalize(pp_tokenizer *t, const char *text, size_t len, char **out,
                                        size_t *outlen, pp_error *err);
/* Its name: "identity", "NFC", "NFKC", "nmt_nfkc", "nfkc_cf", "NFC+identity", ... */
PP_API const char *pp_tokenizer_normalization(const pp_tokenizer *t);

PP_API pp_tok_format pp_tokenizer_format(const pp_tokenizer *t);
/* A short description: "hf BPE (byte-level)", "tiktoken cl100k_base", "spm unigram", ... */
PP_API const char *pp_tokenizer_describe(const pp_tokenizer *t);
PP_API size_t pp_tokenizer_vocab_size(const pp_tokenizer *t);
/* The vocabulary entry of `id` as the model writes it (byte-level BPE and
 * tiktoken: the raw bytes; spm/unigram: the piece with U+2581). NULL when out
 * of range; valid while the tokenizer lives. */
PP_API const char *pp_tokenizer_piece(const pp_tokenizer *t, int32_t id, size_t *len);
PP_API int pp_tokenizer_is_unknown(const pp_tokenizer *t, int32_t id);
/* A byte-fallback token (<0xNN>): spm and hf byte_fallback vocabularies. */
PP_API int pp_tokenizer_is_byte(const pp_tokenizer *t, int32_t id);
PP_API int pp_tokenizer_has_byte_fallback(const pp_tokenizer *t);

/* The pre-tokenization patterns known by name (ICU regex syntax); NULL when
 * the name is unknown. */
PP_API const char *pp_tiktoken_pattern(const char *name);

#ifdef __cplusplus
}
#endif
#endif
