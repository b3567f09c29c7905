/* pp_bootstrap.c — seeded resampling: percentile bootstrap intervals, paired
 * bootstrap and approximate randomization between two systems. */
#include "config.h"
#include "eval-sets/metrics/pp_eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void pp_rng_seed(pp_rng *r, uint64_t seed, const char *stream)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a of the stream name */
    for (const unsigned char *p = (const unsigned char *)(stream ? stream : ""); *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    r->s = mix64(seed ^ mix64(h));
}

uint64_t pp_rng_next(pp_rng *r)
{
    r->s += 0x9e3779b97f4a7c15ULL;
    return mix64(r->s);
}

size_t pp_rng_below(pp_rng *r, size_t n)
{
    /* Multiply-shift (Lemire) with rejection: exactly uniform. */
    uint64_t x = pp_rng_next(r);
    unsigned __int128 m = (unsigned __int128)x * n;
    uint64_t l = (uint64_t)m;
    if (l < n) {
        uint64_t t = (uint64_t)(-(uint64_t)n) % n;
        while (l < t) {
            x = pp_rng_next(r);
            m = (unsigned __int128)x * n;
            l = (uint64_t)m;
        }
    }
    return (size_t)(m >> 64);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quantile q of sorted v[0..n) with linear interpolation (Hyndman-Fan type 7). */
static double quantile(const double *v, size_t n, double q)
{
    if (n == 0)
        return NAN;
    double pos = q * (double)(n - 1);
    size_t i = (size_t)floor(pos);
    if (i + 1 >= n)
        return v[n - 1];
    double f = pos - (double)i;
    return v[i] + f * (v[i + 1] - v[i]);
}

void pp_bootstrap_interval(pp_metric m, const double *items, size_t n, uint64_t seed,
                           const char *stream, long resamples, double *lo, double *hi)
{
    *lo = *hi = NAN;
    size_t k = pp_metric_nstats(m);
    if (n < 2 || resamples < 1 || k == 0)
        return;
    double *scores = malloc((size_t)resamples * sizeof *scores);
    if (!scores)
        return;
    double sums[PP_METRIC_MAX_STATS];
    pp_rng r;
    pp_rng_seed(&r, seed, stream);
    size_t good = 0;
    for (long b = 0; b < resamples; b++) {
        memset(sums, 0, k * sizeof *sums);
        for (size_t i = 0; i < n; i++) {
            const double *row = items + pp_rng_below(&r, n) * k;
            for (size_t j = 0; j < k; j++)
                sums[j] += row[j];
        }
        double s = pp_metric_score(m, sums);
        if (isfinite(s))
            scores[good++] = s;
    }
    if (good > 1)
        qsort(scores, good, sizeof *scores, cmp_double);
    *lo = quantile(scores, good, 0.025);
    *hi = quantile(scores, good, 0.975);
    free(scores);
}

void pp_paired_test(pp_metric m, const double *ia, const double *ib, size_t n, uint64_t seed,
                    const char *stream, long resamples, pp_paired_result *res)
{
    size_t k = pp_metric_nstats(m);
    double sa[PP_METRIC_MAX_STATS] = {0}, sb[PP_METRIC_MAX_STATS] = {0};
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < k; j++) {
            sa[j] += ia[i * k + j];
            sb[j] += ib[i * k + j];
        }
    res->a = pp_metric_score(m, sa);
    res->b = pp_metric_score(m, sb);
    res->delta = res->a - res->b;
    res->delta_lo = res->delta_hi = res->p_bootstrap = res->p_randomization = NAN;
    if (n < 2 || resamples < 1 || !isfinite(res->delta))
        return;
    double *d = malloc((size_t)resamples * sizeof *d);
    if (!d)
        return;

    /* Paired bootstrap: the same resampled items for both systems. */
    pp_rng r;
    pp_rng_seed(&r, seed, stream);
    size_t good = 0, le = 0, ge = 0;
    for (long b = 0; b < resamples; b++) {
        memset(sa, 0, k * sizeof *sa);
        memset(sb, 0, k * sizeof *sb);
        for (size_t i = 0; i < n; i++) {
            size_t t = pp_rng_below(&r, n);
            for (size_t j = 0; j < k; j++) {
                sa[j] += ia[t * k + j];
                sb[j] += ib[t * k + j];
            }
        }
        double x = pp_metric_score(m, sa) - pp_metric_score(m, sb);
        if (!isfinite(x))
            continue;
        d[good++] = x;
        le += x <= 0;
        ge += x >= 0;
    }
    if (good) {
        if (good > 1)
            qsort(d, good, sizeof *d, cmp_double);
        res->delta_lo = quantile(d, good, 0.025);
        res->delta_hi = quantile(d, good, 0.975);
        double p = 2.0 * (1.0 + (double)(le < ge ? le : ge)) / (1.0 + (double)good);
        res->p_bootstrap = p > 1.0 ? 1.0 : p;
    }

    /* Approximate randomization: swap the two systems' outputs item by item
     * with probability 1/2 and count shuffles at least as extreme. */
    pp_rng_seed(&r, seed ^ 0x5bd1e995ULL, stream);
    size_t extreme = 0;
    double obs = fabs(res->delta) - 1e-12;
    for (long t = 0; t < resamples; t++) {
        memset(sa, 0, k * sizeof *sa);
        memset(sb, 0, k * sizeof *sb);
        uint64_t bits = 0;
        for (size_t i = 0; i < n; i++) {
            if (i % 64 == 0)
                bits = pp_rng_next(&r);
            int swap = (int)(bits & 1);
            bits >>= 1;
            const double *x = swap ? ib : ia, *y = swap ? ia : ib;
            for (size_t j = 0; j < k; j++) {
                sa[j] += x[i * k + j];
                sb[j] += y[i * k + j];
            }
        }
        double dd = fabs(pp_metric_score(m, sa) - pp_metric_score(m, sb));
        extreme += isfinite(dd) && dd >= obs;
    }
    res->p_randomization = (1.0 + (double)extreme) / (1.0 + (double)resamples);
    free(d);
}
