/* model_fixtures.h — reading the PyTorch fixtures (tests/data/model/*.safetensors) and
 * comparing float arrays with them: shared by check_model, check_lora and check_pref. */
#ifndef PP_TESTS_MODEL_FIXTURES_H
#define PP_TESTS_MODEL_FIXTURES_H

#include "align/pp_safetensors.h"
#include "tests/testutil.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* The tensor `name` of a fixture file as floats (the caller frees); *n its size. */
static inline float *fixture(pp_safetensors *st, const char *name, uint64_t *n)
{
    const pp_st_tensor *t = pp_safetensors_find(st, name);
    ck_assert_msg(t != NULL, "fixture %s missing", name);
    uint64_t k = pp_st_numel(t);
    float *d = malloc(sizeof(float) * (k ? k : 1));
    pp_error e;
    ck_assert_int_eq(pp_safetensors_read_f32(st, t, d, k, &e), PP_OK);
    if (n)
        *n = k;
    return d;
}

/* Token ids stored in a float fixture. */
static inline int32_t *ids_of(const float *f, uint64_t n)
{
    int32_t *ids = malloc(sizeof(int32_t) * n);
    for (uint64_t i = 0; i < n; i++)
        ids[i] = (int32_t)lrintf(f[i]);
    return ids;
}

/* Every |got − want| within abs_tol + rel_tol·|want| (a NaN never is); the message
 * names the worst element. */
static inline void assert_close(const char *what, const float *got, const float *want,
                                uint64_t n, double abs_tol, double rel_tol)
{
    double worst = 0.0;
    uint64_t at = 0;
    for (uint64_t i = 0; i < n; i++) {
        double d = fabs((double)got[i] - want[i]);
        double lim = abs_tol + rel_tol * fabs((double)want[i]);
        if (d - lim > worst || isnan(d)) {
            worst = isnan(d) ? INFINITY : d - lim;
            at = i;
        }
    }
    ck_assert_msg(worst <= 0.0, "%s: element %llu is %.8g, expected %.8g", what,
                  (unsigned long long)at, got[at], want[at]);
}

#endif
