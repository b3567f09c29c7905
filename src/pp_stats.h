/* pp_stats.h — small statistics shared by the stages. */
#ifndef PP_STATS_H
#define PP_STATS_H

#include "src/pp_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Wilson score interval for k successes out of n at 95% (z = 1.959964).
 * For n == 0 both bounds are NAN. */
PP_API void pp_wilson_interval(long k, long n, double *lo, double *hi);

#ifdef __cplusplus
}
#endif
#endif
