/* pp_tok_audit.h — what a tokenizer costs each language.
 *
 * Feed lines of text tagged with their language (and, for parallel text, an
 * alignment key shared by translations of the same item); then read per
 * language:
 *   tokens            total tokens
 *   premium           Σ tokens(lang) / Σ tokens(reference) over the keys both
 *                     languages have (Petrov et al. 2023, "Language Model
 *                     Tokenizers Introduce Unfairness Between Languages");
 *                     NAN when nothing is aligned
 *   fertility         tokens per word; words are runs of non-white-space for
 *                     scripts written with spaces, ICU word-break words
 *                     (dictionary based) for lines whose majority script is
 *                     Thai, Lao, Khmer, Myanmar, Han, Hiragana or Katakana
 *   chars_per_token, bytes_per_token   code points / UTF-8 bytes of the input per token
 *   continued_words   share of words covered by two or more tokens (Rust et
 *                     al. 2021, "How Good is Your Tokenizer?")
 *   renyi_efficiency  H_2.5(p) / log |V| for the unigram distribution p of the
 *                     language's tokens, H_a(p) = log(Σ p_i^a) / (1 − a)
 *                     (Zouhar et al. 2023, "Tokenization and the Noiseless
 *                     Channel", arXiv:2306.16842)
 *   unk_rate, byte_fallback_rate       shares of unknown and <0xNN> tokens
 *   roundtrip_lossless share of lines with decode(encode(x)) == normalize(x)
 *                     under the tokenizer's declared normalization, and the
 *                     characters lost on the other lines. */
#ifndef PP_TOK_AUDIT_H
#define PP_TOK_AUDIT_H

#include "src/pp_common.h"
#include "tokenizers/pp_tokenizer.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pp_tok_audit pp_tok_audit;

typedef struct pp_tok_lang_stats {
    const char *lang;
    long lines, tokens, words, chars, bytes, continued, unk, byte_tokens, lossless;
    long aligned;         /* aligned items the premium rests on */
    long aligned_tokens, reference_tokens;
    double premium, fertility, chars_per_token, bytes_per_token, continued_words;
    double renyi_efficiency, unk_rate, byte_fallback_rate, roundtrip_lossless;
    const char *lost;     /* distinct characters lost in round trips (UTF-8), "" if none */
} pp_tok_lang_stats;

/* The audit borrows the tokenizer (keep it alive). */
PP_API pp_status pp_tok_audit_new(pp_tokenizer *t, pp_tok_audit **out, pp_error *err);
PP_API void pp_tok_audit_free(pp_tok_audit *a);

/* Add one line of `lang`. `key` (may be NULL) aligns it with the same key in
 * other languages; a key seen twice for a language counts once for the
 * premium (the first line). */
PP_API pp_status pp_tok_audit_add(pp_tok_audit *a, const char *lang, const char *key,
                                  const char *text, size_t len, pp_error *err);

/* Compute the statistics; `reference` names the language premiums are
 * relative to (PP_ERR_NOT_FOUND when it was never added). Languages come out
 * sorted by name. */
PP_API pp_status pp_tok_audit_finish(pp_tok_audit *a, const char *reference, pp_error *err);
PP_API size_t pp_tok_audit_count(const pp_tok_audit *a);
PP_API const pp_tok_lang_stats *pp_tok_audit_get(const pp_tok_audit *a, size_t i);

/* Rényi entropy efficiency of a count vector over a vocabulary of size v. */
PP_API double pp_renyi_efficiency(const long *counts, size_t n, double alpha, size_t v);

/* The alignment key of a record id: the trailing "-a<N>-p<M>" of the bundled
 * UDHR ids (udhr-yor-a1-p2 → "a1-p2"), else the whole id. malloc'd; NULL id → NULL. */
PP_API char *pp_tok_align_key(const char *id);

#ifdef __cplusplus
}
#endif
#endif
