/* audit_pool.c — one language's row of a metric from the rows of several
 * tags that fall on it (--lang-level macrolanguage: quz and qxu under qu).
 *
 * A ledger row carries a value, the number of items n it rests on and maybe a
 * 95% interval; how rows combine depends on what the value is (the metric's
 * pool in metric-kinds.tsv):
 *   sum    a count (records, characters): values add, n add; no interval.
 *   rate   k/n of the language's own items (survival, recall, accuracy): the
 *          counts k = value*n are pooled, value = sum k / sum n, and the
 *          Wilson interval is recomputed from the pooled counts.
 *   share  k/N of a total that all languages share (lid.identify.share, N the
 *          documents read): shares add; when every row has the same N the
 *          Wilson interval is recomputed from sum k and N.
 *   mean   any other statistic (a mean score, bits per byte, chrF, alpha):
 *          only the value and n are known, so the pooled value is the mean
 *          weighted by n (for a mean over items it is exact; for a corpus
 *          statistic such as chrF, which sums n-gram counts, it is the
 *          sentence-weighted estimate). Its interval treats the rows as
 *          independent estimates with normal errors, se_i = (hi_i - lo_i) /
 *          (2 * 1.96): se = sqrt(sum (n_i/N)^2 se_i^2), kept inside the
 *          metric's range.
 * Without n on every row, rate and mean rows weigh the same.
 * A row without an interval gives the pooled row none (rate, share, mean). */
#include "config.h"
#include "eval-sets/audit/audit.h"
#include "src/pp_stats.h"

#include <math.h>

#define Z95 1.959963984540054

static int all_intervals(const audit_cell *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(in[i].lo) || !isfinite(in[i].hi))
            return 0;
    return 1;
}

static int all_counts(const audit_cell *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (in[i].n < 0)
            return 0;
    return 1;
}

void audit_pool_cells(const audit_metric *m, const audit_cell *in, size_t n, audit_cell *out)
{
    *out = in[0];
    if (n < 2)
        return;
    int counts = all_counts(in, n), intervals = all_intervals(in, n);
    long total = 0, nmax = 0;
    double k = 0, vsum = 0;
    int same_n = 1;
    for (size_t i = 0; i < n; i++) {
        total += in[i].n > 0 ? in[i].n : 0;
        nmax = in[i].n > nmax ? in[i].n : nmax;
        same_n &= in[i].n == in[0].n;
        k += in[i].value * (double)(in[i].n > 0 ? in[i].n : 0);
        vsum += in[i].value;
    }
    out->lo = out->hi = NAN;
    switch (m->pool) {
    case AUDIT_POOL_SUM:
        out->value = vsum;
        out->n = counts ? total : -1;
        break;
    case AUDIT_POOL_SHARE:
        out->value = vsum;
        out->n = counts ? (same_n ? nmax : total) : -1;
        if (counts && same_n && intervals && nmax > 0)
            pp_wilson_interval(lround(k), nmax, &out->lo, &out->hi);
        break;
    case AUDIT_POOL_RATE:
        if (!counts || total == 0) {
            out->value = vsum / (double)n;
            out->n = counts ? total : -1;
            break;
        }
        out->value = k / (double)total;
        out->n = total;
        if (intervals)
            pp_wilson_interval(lround(k), total, &out->lo, &out->hi);
        break;
    case AUDIT_POOL_MEAN:
    default: {
        int weighted = counts && total > 0;
        double var = 0;
        out->value = weighted ? k / (double)total : vsum / (double)n;
        out->n = counts ? total : -1;
        for (size_t i = 0; i < n; i++) {
            double w = weighted ? (double)in[i].n / (double)total : 1.0 / (double)n;
            double se = (in[i].hi - in[i].lo) / (2 * Z95);
            var += w * w * se * se;
        }
        if (intervals) {
            double half = Z95 * sqrt(var);
            out->lo = fmax(out->value - half, m->lo);
            out->hi = fmin(out->value + half, m->hi);
        }
        break;
    }
    }
}
