/* pp_gap.c — gap to the best language, utilities M_tau, Gini, priorities. */
#include "config.h"
#include "eval-sets/audit/pp_gap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Metrics where a smaller value serves a community better. Matched on the
 * metric name (the part after the last '.' of an audit key). */
static const char *const lower_better[] = {
    "bits_per_byte", "bpb", "perplexity", "loss", "cross_entropy", "premium", "token_premium",
    "fertility", "tokens_per_word", "tokens_per_char", "cer", "wer", "ter", "error_rate",
    "rejected", "rejection_rate", "pii_rate", "duplicate_rate", "dup_rate", "removed",
};

int pp_gap_lower_is_better(const char *metric)
{
    if (!metric)
        return 0;
    const char *dot = strrchr(metric, '.');
    const char *name = dot ? dot + 1 : metric;
    for (size_t i = 0; i < sizeof lower_better / sizeof lower_better[0]; i++)
        if (strcmp(name, lower_better[i]) == 0)
            return 1;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double pp_gini(const double *a, size_t n)
{
    if (n == 0)
        return NAN;
    double *s = malloc(n * sizeof *s);
    if (!s)
        return NAN;
    memcpy(s, a, n * sizeof *s);
    if (n > 1)
        qsort(s, n, sizeof *s, cmp_double);
    /* sum_i sum_j |a_i - a_j| = 2 sum_i (2i - n + 1) a_(i), sorted ascending, i from 0 */
    double num = 0.0, sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        num += (2.0 * (double)i - (double)n + 1.0) * s[i];
        sum += s[i];
    }
    free(s);
    double mean = sum / (double)n;
    if (mean == 0.0)
        return 0.0;
    return 2.0 * num / (2.0 * (double)n * (double)n * mean);
}

static double utility(double a, double best, int lower)
{
    if (!lower) {
        if (best <= 0)
            return a >= best ? 1.0 : 0.0;
        double u = a / best;
        return u < 0 ? 0.0 : (u > 1 ? 1.0 : u);
    }
    if (a <= best)
        return 1.0;
    if (best <= 0)
        return 0.0;
    return best / a;
}

/* Weights s_l^tau / sum s^tau (speakers already filled in). */
static void weights(const pp_gap_lang *l, size_t n, double tau, double *w)
{
    double tot = 0.0;
    for (size_t i = 0; i < n; i++) {
        w[i] = tau == 0.0 ? 1.0 : pow(l[i].speakers, tau);
        tot += w[i];
    }
    for (size_t i = 0; i < n; i++)
        w[i] = tot > 0 ? w[i] / tot : 1.0 / (double)n;
}

pp_status pp_gap_compute(pp_gap_lang *l, size_t n, int lower, double tau, pp_gap_summary *out,
                         pp_error *err)
{
    memset(out, 0, sizeof *out);
    out->tau = tau;
    if (n == 0)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "no languages to audit");
    if (!(tau >= 0.0) || !isfinite(tau))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "tau must be a finite number >= 0");
    double *a = malloc(n * sizeof *a), *w = malloc(3 * n * sizeof *w);
    if (!a || !w) {
        free(a), free(w);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    out->n = n;
    double minsp = INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(l[i].value)) {
            free(a), free(w);
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "language '%s' has no finite value",
                                l[i].lang ? l[i].lang : "?");
        }
        a[i] = l[i].value;
        if (isfinite(l[i].speakers) && l[i].speakers > 0 && l[i].speakers < minsp)
            minsp = l[i].speakers;
        if ((lower ? a[i] < a[out->best_index] : a[i] > a[out->best_index]))
            out->best_index = i;
        if ((lower ? a[i] > a[out->worst_index] : a[i] < a[out->worst_index]))
            out->worst_index = i;
    }
    out->best = a[out->best_index];
    out->worst = a[out->worst_index];
    out->imputed_speakers = isfinite(minsp) ? minsp : NAN;
    for (size_t i = 0; i < n; i++) {
        l[i].speakers_imputed = 0;
        if (!(isfinite(l[i].speakers) && l[i].speakers > 0)) {
            l[i].speakers = isfinite(minsp) ? minsp : 1.0;
            l[i].speakers_imputed = 1;
            out->speakers_missing++;
        }
        l[i].u = utility(a[i], out->best, lower);
        l[i].gap = lower ? a[i] - out->best : out->best - a[i];
    }
    double *w1 = w, *w0 = w + n, *wt = w + 2 * n;
    weights(l, n, 1.0, w1);
    weights(l, n, 0.0, w0);
    weights(l, n, tau, wt);
    for (size_t i = 0; i < n; i++) {
        out->utility_demographic += w1[i] * l[i].u;
        out->utility_linguistic += w0[i] * l[i].u;
        out->utility_tau += wt[i] * l[i].u;
        l[i].weight = wt[i];
        l[i].priority = wt[i] * (1.0 - l[i].u);
    }
    out->gini = pp_gini(a, n);
    free(a);
    free(w);
    return PP_OK;
}
