/* pp_gap.h — per-language gap statistics over one metric (the audit).
 *
 * For a metric with per-language scores a_l:
 *   best      max a (min a for a lower-is-better metric)
 *   worst     min a (max a for lower-is-better)
 *   gap_l     best - a_l (a_l - best for lower-is-better): >= 0, 0 for the best
 *   u_l       a_l / best (best / a_l for lower-is-better), in [0, 1]; 1 for the best.
 *             Negative scores count as 0 for u. When best is 0 every language
 *             scoring 0 gets u = 1 (higher-is-better); for lower-is-better a
 *             language scoring 0 is the best (u = 1) and one scoring > 0 when
 *             best is 0 gets u = 0.
 *   w_l(tau)  s_l^tau / sum_k s_k^tau over speakers s_l; tau = 0 gives every
 *             language the same weight. A language without a speaker count
 *             gets the smallest count known among the languages of the
 *             metric (all equal when none is known).
 *   M_tau     sum_l w_l(tau) u_l (utility_demographic: tau = 1;
 *             utility_linguistic: tau = 0)
 *   gini      sum_i sum_j |a_i - a_j| / (2 N^2 mean a) over the raw scores
 *             (0 when the mean is 0)
 *   priority  w_l(tau) (1 - u_l), with the tau given to pp_gap_compute. */
#ifndef PP_GAP_H
#define PP_GAP_H

#include "src/pp_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pp_gap_lang {
    /* inputs */
    const char *lang;
    double value;
    double speakers;   /* <= 0 or NAN: unknown */
    /* outputs */
    double u;
    double gap;
    double weight;     /* w_l(tau) */
    double priority;
    int speakers_imputed; /* 1 when the speaker count was filled in */
} pp_gap_lang;

typedef struct pp_gap_summary {
    size_t n;
    double best, worst;
    size_t best_index, worst_index;
    double gini;
    double utility_demographic; /* M_1 */
    double utility_linguistic;  /* M_0 */
    double utility_tau;         /* M_tau */
    double tau;
    size_t speakers_missing;    /* languages whose count was imputed */
    double imputed_speakers;    /* the count they were given (NAN if none known) */
} pp_gap_summary;

/* Compute the statistics for n languages (values must be finite). */
PP_API pp_status pp_gap_compute(pp_gap_lang *langs, size_t n, int lower_is_better, double tau,
                                pp_gap_summary *out, pp_error *err);

/* Gini coefficient of n values (O(n log n); 0 when the mean is 0). */
PP_API double pp_gini(const double *a, size_t n);

/* The documented direction of a ledger metric name: 1 when lower is better
 * (bits_per_byte, perplexity, premium, ...), else 0. The table is in
 * docs/audit.md and polyphony-audit(1). */
PP_API int pp_gap_lower_is_better(const char *metric);

#ifdef __cplusplus
}
#endif
#endif
