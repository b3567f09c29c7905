/* pp_sample.h — allocating a budget across languages for a multilingual
 * mixture (how many documents or characters of each language to train on).
 *
 *   temperature  p_l ∝ n_l^alpha (alpha = 1/T; alpha = 1 keeps the natural
 *                distribution, alpha -> 0 goes to uniform; mT5 used 0.3,
 *                XLM-R 0.3, mBERT 0.7);
 *   unimax       Chung et al. 2023 ("UniMax: Fairer and More Effective
 *                Language Sampling for Large-Scale Multilingual
 *                Pretraining", Algorithm 1): visit languages from the
 *                smallest; give each the uniform share of the budget left,
 *                but never more than epochs_cap × its size; what a small
 *                language cannot use goes to the larger ones.
 *
 * With a cap (epochs_cap > 0) temperature sampling is capped the same way
 * and the excess redistributed by the same temperature over the uncapped
 * languages. When every language is capped the allocations sum to less
 * than the budget (the corpus cannot fill it without more repetition). */
#ifndef PP_SAMPLE_H
#define PP_SAMPLE_H

#include "pp_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pp_sample_strategy {
    PP_SAMPLE_TEMPERATURE = 0,
    PP_SAMPLE_UNIMAX
} pp_sample_strategy;

PP_API pp_status pp_sample_strategy_parse(const char *name, pp_sample_strategy *out,
                                          pp_error *err);
PP_API const char *pp_sample_strategy_name(pp_sample_strategy s);

/* sizes[i] >= 0: units of language i (documents or characters); budget > 0;
 * alpha in (0, inf) for temperature (ignored by unimax); epochs_cap <= 0
 * means no cap (unimax requires a cap > 0). Writes alloc[i] (units, not
 * rounded); effective epochs of language i = alloc[i] / sizes[i]. */
PP_API pp_status pp_sample_allocate(pp_sample_strategy s, const double *sizes, size_t n,
                                    double budget, double alpha, double epochs_cap, double *alloc,
                                    pp_error *err);

#ifdef __cplusplus
}
#endif
#endif
