/* pp_pref_loss.h — preference-optimization objectives on sequence
 * log-probabilities: DPO, IPO, conservative DPO, distributional (soft) targets,
 * and the group-robust weighting of any of them.
 *
 * One pair i has four log-probabilities of its completions given its prompt,
 * each the SUM over the completion's tokens: policy chosen/rejected (pc, pr)
 * and reference chosen/rejected (qc, qr), plus the completions' token counts
 * (nc, nr). With Δ = (pc − pr) − (qc − qr) and z = β·Δ:
 *
 *   dpo             L = −log σ(z)                               (Rafailov et al. 2023, eq. 7)
 *   cdpo            L = −(1−ε) log σ(z) − ε log σ(−z)            (Mitchell's cDPO note, eq. 3)
 *   distributional  the same with ε = 1 − p_chosen: the target is the share p
 *   ipo             L = (Δ' − 1/(2β))²                           (Azar et al. 2023, eq. 17)
 *                   where Δ' uses log-probs divided by the completion's token
 *                   count, as the IPO authors use it (a β that does not depend
 *                   on the completions' lengths).
 *
 * The batch loss is the mean of the pair losses. Group-robust (Ramesh et al.
 * 2024, as their public code): the mean loss ℓ_g of each group present in the
 * batch updates the group weights w_g ← w_g·exp(η·ℓ_g), normalized to sum 1
 * (a group absent from the batch has ℓ_g = 0), then the batch loss is
 * Σ_g w_g·ℓ_g with the new weights held constant in the gradient.
 *
 * Gradients are d(batch loss)/d pc and d(batch loss)/d pr per pair (for the
 * summed log-probs also under IPO: the 1/n is inside). */
#ifndef PP_PREF_LOSS_H
#define PP_PREF_LOSS_H

#include "src/pp_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pp_pref_kind {
    PP_PREF_DPO = 0,
    PP_PREF_IPO,
    PP_PREF_CDPO,
    PP_PREF_DISTRIBUTIONAL
} pp_pref_kind;

/* "dpo", "ipo", "cdpo", "distributional" -> kind; PP_ERR_INVALID naming the value. */
PP_API pp_status pp_pref_kind_parse(const char *name, pp_pref_kind *out, pp_error *err);

typedef struct pp_pref_pair {
    double pol_chosen, pol_rejected; /* policy: summed log-probs of the completions */
    double ref_chosen, ref_rejected; /* reference: the same */
    long n_chosen, n_rejected;       /* completion tokens (> 0; used by IPO) */
    double p_chosen;                 /* share preferring chosen, [0, 1] (distributional) */
    int group;                       /* 0 .. ngroups-1 (group-robust) */
} pp_pref_pair;

typedef struct pp_pref_opts {
    pp_pref_kind kind;
    double beta;            /* > 0 */
    double label_smoothing; /* ε of cdpo, [0, 0.5] */
} pp_pref_opts;

/* Loss of one pair and its derivatives with respect to the pair's policy
 * log-probs (d_chosen = dL/d pol_chosen, d_rejected = dL/d pol_rejected). */
PP_API double pp_pref_pair_loss(const pp_pref_opts *o, const pp_pref_pair *p, double *d_chosen,
                                double *d_rejected);

/* The implicit reward margin β·((pc − qc) − (pr − qr)) (> 0: the policy moved
 * towards chosen more than towards rejected). */
PP_API double pp_pref_reward_margin(double beta, const pp_pref_pair *p);

/* Batch loss of n pairs into *loss, and d(batch loss)/d(policy log-probs) into
 * d_chosen[n], d_rejected[n]. weights == NULL: the mean over pairs. Otherwise
 * group-robust: weights[ngroups] (current group weights, summing to 1) are
 * updated in place with step eta as described above before weighting;
 * group_loss[ngroups] (may be NULL) receives each group's mean loss in the
 * batch. PP_ERR_INVALID for n == 0, a group outside [0, ngroups), a token count
 * <= 0 under IPO, a p_chosen outside [0, 1], beta <= 0. */
PP_API pp_status pp_pref_batch_loss(const pp_pref_opts *o, const pp_pref_pair *pairs, size_t n,
                                    double *weights, int ngroups, double eta, double *group_loss,
                                    double *loss, double *d_chosen, double *d_rejected,
                                    pp_error *err);

#ifdef __cplusplus
}
#endif
#endif
