/* pp_train_data.h — training data for the model stage: one token stream in
 * memory, read from a little-endian uint32 file or built from JSONL records
 * (text or chat messages) with a tokenizer, documents packed with BOS/EOS.
 *
 * Row k of T+1 tokens starts at token (k mod rows)·T, rows = (n − 1) / T: the
 * first T are inputs, the last T targets. Training step s, micro-batch j of K,
 * batch row r reads row (s·K + j)·B + r, so without gradient accumulation row r
 * of step s reads tokens [(s·B + r)·T, (s·B + r)·T + T + 1).
 *
 * Mixing languages (`--mix`): each language's share of the tokens is chosen by
 * the corpus tools' sampler (pp_sample.h) with the whole stream as the budget;
 * a language given e epochs contributes every document floor(e) times and a
 * seeded choice of its documents for the fraction; the drawn documents are
 * shuffled with the seed. Without a mix the documents stay in input order. */
#ifndef PP_TRAIN_DATA_H
#define PP_TRAIN_DATA_H

#include "align/pp_chat.h"
#include "src/pp_common.h"
#include "tokenizers/pp_tokenizer.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pp_mix_kind {
    PP_MIX_NONE = 0, /* input order, every document once */
    PP_MIX_NATURAL,  /* every document once, shuffled */
    PP_MIX_TEMPERATURE,
    PP_MIX_UNIMAX
} pp_mix_kind;

typedef struct pp_mix {
    pp_mix_kind kind;
    double value; /* temperature T, or UniMax's epoch cap E */
} pp_mix;

/* "natural", "temperature:T" (T > 0), "unimax:E" (E > 0). */
PP_API pp_status pp_mix_parse(const char *s, pp_mix *out, pp_error *err);

/* One language of the stream: its documents and tokens in the input, its
 * share of the stream and the epochs that gives. */
typedef struct pp_mix_lang {
    char lang[64];
    long docs;
    double tokens, share, epochs;
} pp_mix_lang;

typedef struct pp_train_data {
    int32_t *ids;
    uint8_t *mask; /* NULL: every token is a target; else 0 = not learned (SFT) */
    size_t n, cap;
    pp_mix_lang *langs;
    size_t nlangs;
    long docs;
} pp_train_data;

PP_API void pp_train_data_clear(pp_train_data *d);

/* Append the little-endian uint32 stream in `path` (a length that is not a
 * multiple of 4 is an error naming the file). */
PP_API pp_status pp_train_data_read_tokens(const char *path, pp_train_data *d, pp_error *err);

typedef struct pp_train_text_opts {
    int messages;       /* records carry `messages` (chat), else a text field */
    const char *field;  /* the text field (default "text") */
    pp_chat_kind chat;  /* template for messages */
    int sft;            /* keep only assistant tokens as targets */
    int32_t bos, eos;   /* put around every document (-1: none) */
    pp_mix mix;
    uint64_t seed;
} pp_train_text_opts;

/* Read JSONL records from `paths` and build the stream. A record without the
 * field, or a line that is not JSON, is an error naming file:line. */
PP_API pp_status pp_train_data_read_jsonl(const char *const *paths, int npaths, pp_tokenizer *tok,
                                          const pp_train_text_opts *o, pp_train_data *d,
                                          pp_error *err);

/* Every id inside [0, vocab); an error names `source`, the position and the id. */
PP_API pp_status pp_train_data_check(const pp_train_data *d, int vocab, const char *source,
                                     pp_error *err);

/* Number of distinct rows of T+1 tokens (0 when the stream is too short). */
PP_API int64_t pp_train_data_rows(const pp_train_data *d, int T);

/* Row k (wrapping around) into inputs[T] and targets[T]; masked targets are -1. */
PP_API void pp_train_data_row(const pp_train_data *d, int64_t k, int T, int32_t *inputs,
                              int32_t *targets);

#ifdef __cplusplus
}
#endif
#endif
