/* pp_sample.h — how much of each language to draw for multilingual
 * training, given per-language corpus sizes and a total budget (same unit:
 * bytes, characters or lines).
 *
 * Temperature sampling (Conneau et al. 2020; Xue et al. 2021, mT5): language
 * i gets the share q_i = p_i^(1/T) / Σ_j p_j^(1/T) of the budget, p_i its
 * share of the data; T = 1 keeps the natural distribution, large T tends to
 * uniform (mT5 uses 1/T = 0.3).
 *
 * UniMax (Chung et al. 2023, "UniMax: Fairer and More Effective Language
 * Sampling for Large-Scale Multilingual Pretraining"): visit languages from
 * the smallest; each gets an equal split of the budget still unassigned,
 * capped at max_epochs passes over its data; what a capped language leaves
 * goes to the larger ones.
 *
 * Both return, per language, its share of the budget (shares sum to 1 unless
 * UniMax caps leave the budget unspent) and its effective epochs
 * (allocated / size: below 1 means subsampled, above 1 repeated). */
#ifndef PP_SAMPLE_H
#define PP_SAMPLE_H

#include "src/pp_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* sizes[n] > 0 (languages of size 0 get share 0), temperature > 0, budget > 0. */
PP_API pp_status pp_sample_temperature(const double *sizes, size_t n, double temperature,
                                       double budget, double *shares, double *epochs,
                                       pp_error *err);

/* max_epochs > 0. */
PP_API pp_status pp_sample_unimax(const double *sizes, size_t n, double budget, double max_epochs,
                                  double *shares, double *epochs, pp_error *err);

#ifdef __cplusplus
}
#endif
#endif
