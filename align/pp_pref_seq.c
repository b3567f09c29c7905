/* pp_pref_seq.c — completion log-probabilities and their gradients
 * (pp_pref_seq.h), through the model's masked cross-entropy: with the prompt
 * masked, the forward's mean loss is −logprob / ntargets, so logprob is
 * −loss·ntargets and the backward of scale·logprob is a backward of the loss
 * with loss_scale −scale·ntargets. */
#include "config.h"
#include "align/pp_pref_seq.h"

#include <stdlib.h>

/* inputs ids[0..n-1), targets ids[1..n) masked outside the completion */
static pp_status forward(pp_model *m, const int32_t *ids, const uint8_t *target, size_t n,
                         float *loss, long *nt, pp_error *err)
{
    if (n < 2) {
        *loss = 0;
        *nt = 0;
        return PP_OK;
    }
    int32_t *tg = malloc((n - 1) * sizeof *tg);
    if (!tg)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    for (size_t j = 1; j < n; j++)
        tg[j - 1] = target[j] ? ids[j] : -1;
    pp_status st = pp_model_forward(m, ids, tg, 1, (int)(n - 1), loss, err);
    free(tg);
    *nt = st == PP_OK ? pp_model_num_targets(m) : 0;
    return st;
}

pp_status pp_pref_seq_logprob(pp_model *m, const int32_t *ids, const uint8_t *target, size_t n,
                              double *logprob, long *ntargets, pp_error *err)
{
    float loss = 0;
    long nt = 0;
    pp_status st = forward(m, ids, target, n, &loss, &nt, err);
    *logprob = -(double)loss * (double)nt;
    *ntargets = nt;
    return st;
}

pp_status pp_pref_seq_backward(pp_model *m, const int32_t *ids, const uint8_t *target, size_t n,
                               double scale, pp_error *err)
{
    float loss = 0;
    long nt = 0;
    pp_status st = forward(m, ids, target, n, &loss, &nt, err);
    if (st != PP_OK || nt == 0)
        return st;
    return pp_model_backward(m, (float)(-scale * (double)nt), err);
}
