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

static double clamp01(double u)
{
    return !(u > 0) ? 0.0 : u > 1 ? 1.0 : u;
}

double pp_gap_utility(double a, double best, double worst, const pp_gap_scale *sc)
{
    if (a == best)
        return 1.0;
    if (!sc->lower) {
        double lo = isfinite(sc->lo) ? sc->lo : 0.0;
        if (best <= lo)
            return 1.0;
        return clamp01((a - lo) / (best - lo));
    }
    if (isfinite(sc->hi)) {
        if (best >= sc->hi)
            return 1.0;
        return clamp01((sc->hi - a) / (sc->hi - best));
    }
    if (best > 0)
        return clamp01(best / a);
    if (worst <= best)
        return 1.0;
    return clamp01((worst - a) / (worst - best));
}

/* Weights s_l^tau / sum s^tau over languages with a count (NAN for the
 * others when tau > 0). */
static void weights(const pp_gap_lang *l, size_t n, double tau, double *w)
{
    double tot = 0.0;
    for (size_t i = 0; i < n; i++) {
        int known = isfinite(l[i].speakers) && l[i].speakers > 0;
        w[i] = tau == 0.0 ? 1.0 : known ? pow(l[i].speakers, tau) : NAN;
        if (isfinite(w[i]))
            tot += w[i];
    }
    for (size_t i = 0; i < n; i++)
        if (isfinite(w[i]))
            w[i] = tot > 0 ? w[i] / tot : NAN;
}

pp_status pp_gap_compute(pp_gap_lang *l, size_t n, int lower, double tau, pp_gap_summary *out,
                         pp_error *err)
{
    pp_gap_scale sc = {lower ? 1 : 0, 0.0, INFINITY};
    return pp_gap_compute_scaled(l, n, &sc, tau, out, err);
}

pp_status pp_gap_compute_scaled(pp_gap_lang *l, size_t n, const pp_gap_scale *sc, double tau,
                                pp_gap_summary *out, pp_error *err)
{
    int lower = sc->lower;
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
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(l[i].value)) {
            free(a), free(w);
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "language '%s' has no finite value",
                                l[i].lang ? l[i].lang : "?");
        }
        a[i] = l[i].value;
        if ((lower ? a[i] < a[out->best_index] : a[i] > a[out->best_index]))
            out->best_index = i;
        if ((lower ? a[i] > a[out->worst_index] : a[i] < a[out->worst_index]))
            out->worst_index = i;
    }
    out->best = a[out->best_index];
    out->worst = a[out->worst_index];
    out->imputed_speakers = NAN;
    for (size_t i = 0; i < n; i++) {
        if (!(isfinite(l[i].speakers) && l[i].speakers > 0))
            out->speakers_missing++;
        l[i].u = pp_gap_utility(a[i], out->best, out->worst, sc);
        l[i].gap = lower ? a[i] - out->best : out->best - a[i];
    }
    double *w1 = w, *w0 = w + n, *wt = w + 2 * n;
    weights(l, n, 1.0, w1);
    weights(l, n, 0.0, w0);
    weights(l, n, tau, wt);
    int any1 = 0, anyt = 0;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(w1[i]))
            out->utility_demographic += w1[i] * l[i].u, any1 = 1;
        out->utility_linguistic += w0[i] * l[i].u;
        if (isfinite(wt[i]))
            out->utility_tau += wt[i] * l[i].u, anyt = 1;
        l[i].weight = wt[i];
        l[i].priority = isfinite(wt[i]) ? wt[i] * (1.0 - l[i].u) : NAN;
    }
    if (!any1)
        out->utility_demographic = NAN;
    if (!anyt)
        out->utility_tau = NAN;
    out->gini = pp_gini(a, n);
    free(a);
    free(w);
    return PP_OK;
}
