/* pp_score.h — the log-probability a model gives a text or an id sequence,
 * the unit of `polyphony score` and of the held-out loss during training. */
#ifndef PP_SCORE_H
#define PP_SCORE_H

#include "align/pp_model.h"
#include "src/pp_common.h"
#include "tokenizers/pp_tokenizer.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Summed natural-log probability of ids[1..n) each given those before it
 * (ids[0] is context only). window > 0 scores in windows of at most window
 * predictions (each window's context starts at its own first token) so the
 * arena a training run prepared is enough; window == 0 needs n - 1 <=
 * max_position_embeddings and names the length otherwise. */
PP_API pp_status pp_score_ids(pp_model *m, const int32_t *ids, size_t n, int window,
                              double *logprob, pp_error *err);

/* The text's tokens after a leading BOS: *logprob over them, *ntokens of them. */
PP_API pp_status pp_score_text(pp_model *m, pp_tokenizer *tok, int32_t bos, const char *text,
                               size_t len, int window, double *logprob, long *ntokens,
                               pp_error *err);

#ifdef __cplusplus
}
#endif
#endif
