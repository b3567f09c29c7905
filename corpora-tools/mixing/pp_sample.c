/* pp_sample.c — temperature and UniMax language sampling (see pp_sample.h). */
#include "config.h"

#include "corpora-tools/mixing/pp_sample.h"

#include <math.h>
#include <stdlib.h>

static pp_status check(const double *sizes, size_t n, double budget, pp_error *err)
{
    if (n == 0)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "no languages to sample");
    if (!(budget > 0))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "the sampling budget must be positive");
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(sizes[i] >= 0))
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "language %zu has a negative size", i);
        total += sizes[i];
    }
    if (!(total > 0))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "all languages are empty");
    return PP_OK;
}

pp_status pp_sample_temperature(const double *sizes, size_t n, double temperature, double budget,
                                double *shares, double *epochs, pp_error *err)
{
    pp_status st = check(sizes, n, budget, err);
    if (st != PP_OK)
        return st;
    if (!(temperature > 0))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "the temperature must be positive");
    double total = 0, z = 0;
    for (size_t i = 0; i < n; i++)
        total += sizes[i];
    for (size_t i = 0; i < n; i++)
        z += sizes[i] > 0 ? pow(sizes[i] / total, 1.0 / temperature) : 0;
    for (size_t i = 0; i < n; i++) {
        shares[i] = sizes[i] > 0 ? pow(sizes[i] / total, 1.0 / temperature) / z : 0;
        epochs[i] = sizes[i] > 0 ? shares[i] * budget / sizes[i] : 0;
    }
    return PP_OK;
}

typedef struct {
    double size;
    size_t i;
} by_size;

static int cmp_size(const void *a, const void *b)
{
    const by_size *x = a, *y = b;
    if (x->size != y->size)
        return x->size < y->size ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

pp_status pp_sample_unimax(const double *sizes, size_t n, double budget, double max_epochs,
                           double *shares, double *epochs, pp_error *err)
{
    pp_status st = check(sizes, n, budget, err);
    if (st != PP_OK)
        return st;
    if (!(max_epochs > 0))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "max epochs must be positive");
    by_size *order = malloc(n * sizeof *order);
    if (!order)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        order[i].size = sizes[i];
        order[i].i = i;
    }
    if (n > 1)
        qsort(order, n, sizeof *order, cmp_size);
    double left = budget;
    size_t nonempty = 0;
    for (size_t i = 0; i < n; i++)
        nonempty += sizes[i] > 0;
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k].i;
        if (sizes[i] <= 0) {
            shares[i] = epochs[i] = 0;
            continue;
        }
        double even = left / (double)nonempty--;
        double alloc = fmin(even, sizes[i] * max_epochs);
        left -= alloc;
        shares[i] = alloc / budget;
        epochs[i] = alloc / sizes[i];
    }
    free(order);
    return PP_OK;
}
