/* pp_gap.h — per-language gap statistics over one metric (the audit).
 *
 * A metric is scored on a scale: its direction (higher or lower is better)
 * and its range [lo, hi] (hi may be INFINITY). For per-language scores a_l:
 *   best      max a (min a for a lower-is-better metric)
 *   worst     min a (max a for lower-is-better)
 *   gap_l     best - a_l (a_l - best for lower-is-better): >= 0, 0 for the best
 *   u_l       the utility, in [0, 1], 1 for the best:
 *             higher is better (Blasi et al. 2022, relative to the best):
 *                 u = (a - lo) / (best - lo), with lo = 0 this is a / best;
 *                 1 for every language when best <= lo
 *             lower is better, bounded (hi finite: error rates, removed shares):
 *                 u = (hi - a) / (hi - best); 1 for every language when best = hi
 *             lower is better, unbounded (bits per byte, token premium):
 *                 u = best / a when best > 0; when best <= 0 the observed
 *                 range, u = (worst - a) / (worst - best)
 *             u is clamped to [0, 1] (a value outside the declared range).
 *   w_l(tau)  s_l^tau / sum_k s_k^tau over speakers s_l; tau = 0 gives every
 *             language the same weight. A language without a speaker count
 *             (<= 0 or NAN) is left out of the speaker-weighted sums when
 *             tau > 0: its weight and priority are NAN and it is counted in
 *             speakers_missing. Counts are never made up here; the audit
 *             fills an individual language from its macrolanguage and says so.
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
    int speakers_imputed; /* set by the caller (1: the count is not the language's own);
                             kept as given */
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
    size_t speakers_missing;    /* languages without a speaker count (left out of M_tau, tau > 0) */
    double imputed_speakers;    /* always NAN: no count is made up from other languages (the
                                   field stays so that the struct keeps its layout) */
} pp_gap_summary;

/* The scale of a metric: direction and range. */
typedef struct pp_gap_scale {
    int lower;     /* 1: lower is better */
    double lo, hi; /* range of the values; hi may be INFINITY */
} pp_gap_scale;

/* Compute the statistics for n languages (values must be finite) on a scale. */
PP_API pp_status pp_gap_compute_scaled(pp_gap_lang *langs, size_t n, const pp_gap_scale *scale,
                                       double tau, pp_gap_summary *out, pp_error *err);

/* The same on the default scale of a direction: [0, INFINITY). */
PP_API pp_status pp_gap_compute(pp_gap_lang *langs, size_t n, int lower_is_better, double tau,
                                pp_gap_summary *out, pp_error *err);

/* u of value a on a scale, given the best and worst values of the metric. */
PP_API double pp_gap_utility(double a, double best, double worst, const pp_gap_scale *scale);

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
