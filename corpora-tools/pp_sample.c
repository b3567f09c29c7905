/* pp_sample.c — temperature and UniMax budget allocation (pp_sample.h). */
#include "config.h"
#include "pp_sample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

pp_status pp_sample_strategy_parse(const char *name, pp_sample_strategy *out, pp_error *err)
{
    if (name && strcasecmp(name, "temperature") == 0)
        *out = PP_SAMPLE_TEMPERATURE;
    else if (name && strcasecmp(name, "unimax") == 0)
        *out = PP_SAMPLE_UNIMAX;
    else
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "unknown strategy '%s' (expected temperature or unimax)",
                            name ? name : "");
    return PP_OK;
}

const char *pp_sample_strategy_name(pp_sample_strategy s)
{
    return s == PP_SAMPLE_UNIMAX ? "unimax" : "temperature";
}

typedef struct sized {
    double size;
    size_t idx;
} sized;

static int cmp_size(const void *a, const void *b)
{
    const sized *x = a, *y = b;
    if (x->size != y->size)
        return x->size < y->size ? -1 : 1;
    return x->idx < y->idx ? -1 : 1;
}

static pp_status unimax(const double *sizes, size_t n, double budget, double cap, double *alloc,
                        pp_error *err)
{
    sized *ord = malloc((n ? n : 1) * sizeof *ord);
    if (!ord)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        ord[i].size = sizes[i];
        ord[i].idx = i;
    }
    qsort(ord, n, sizeof *ord, cmp_size);
    double left = budget;
    for (size_t k = 0; k < n; k++) {
        size_t i = ord[k].idx;
        double fair = left / (double)(n - k);
        double most = sizes[i] * cap;
        alloc[i] = most < fair ? most : fair;
        left -= alloc[i];
    }
    free(ord);
    return PP_OK;
}

static pp_status temperature(const double *sizes, size_t n, double budget, double alpha,
                             double cap, double *alloc, pp_error *err)
{
    char *capped = calloc(n ? n : 1, 1);
    if (!capped)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        alloc[i] = 0.0;
        if (sizes[i] <= 0.0)
            capped[i] = 1;
    }
    double left = budget;
    for (;;) {
        double z = 0.0;
        for (size_t i = 0; i < n; i++)
            if (!capped[i])
                z += pow(sizes[i], alpha);
        if (z <= 0.0 || left <= 0.0)
            break;
        int changed = 0;
        for (size_t i = 0; i < n; i++)
            if (!capped[i])
                alloc[i] = left * pow(sizes[i], alpha) / z;
        if (cap > 0.0)
            for (size_t i = 0; i < n; i++)
                if (!capped[i] && alloc[i] > cap * sizes[i]) {
                    alloc[i] = cap * sizes[i];
                    capped[i] = 1;
                    left -= alloc[i];
                    changed = 1;
                }
        if (!changed)
            break;
        for (size_t i = 0; i < n; i++)
            if (!capped[i])
                alloc[i] = 0.0;
    }
    free(capped);
    return PP_OK;
}

pp_status pp_sample_allocate(pp_sample_strategy s, const double *sizes, size_t n, double budget,
                             double alpha, double epochs_cap, double *alloc, pp_error *err)
{
    if (!(budget > 0.0) || !isfinite(budget))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "the budget must be positive");
    for (size_t i = 0; i < n; i++)
        if (!(sizes[i] >= 0.0) || !isfinite(sizes[i]))
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "language %zu has an invalid size", i);
    if (s == PP_SAMPLE_UNIMAX) {
        if (!(epochs_cap > 0.0))
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "unimax needs an epoch cap greater than 0");
        return unimax(sizes, n, budget, epochs_cap, alloc, err);
    }
    if (!(alpha > 0.0) || !isfinite(alpha))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "temperature sampling needs alpha greater than 0");
    return temperature(sizes, n, budget, alpha, epochs_cap, alloc, err);
}
