/* pp_pref_seq.h — the log-probability a model gives a completion after its
 * prompt, and the backward of a multiple of it: the unit through which the
 * preference objectives (pp_pref_loss.h) reach the model's parameters.
 *
 * A sequence is ids[0..n) with a flag per token: target[j] != 0 when token j is
 * a completion token (scored given ids[0..j)); target[0] is ignored. The model
 * must be prepared for at least 1 x (n − 1). */
#ifndef PP_PREF_SEQ_H
#define PP_PREF_SEQ_H

#include "align/pp_model.h"
#include "src/pp_common.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* *logprob = Σ_{j: target[j]} log p(ids[j] | ids[0..j)); *ntargets their
 * number (0 gives *logprob = 0). */
PP_API pp_status pp_pref_seq_logprob(pp_model *m, const int32_t *ids, const uint8_t *target,
                                     size_t n, double *logprob, long *ntargets, pp_error *err);

/* ADD scale · d(logprob)/dθ to the model's gradients (one forward and one
 * backward; the logits of the last forward are overwritten). */
PP_API pp_status pp_pref_seq_backward(pp_model *m, const int32_t *ids, const uint8_t *target,
                                      size_t n, double scale, pp_error *err);

#ifdef __cplusplus
}
#endif
#endif
