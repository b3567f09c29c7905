/* pp_pref_loss.c — preference objectives and their gradients (pp_pref_loss.h),
 * in naive scalar double precision. */
#include "config.h"
#include "align/pp_pref_loss.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

pp_status pp_pref_kind_parse(const char *name, pp_pref_kind *out, pp_error *err)
{
    static const struct { const char *n; pp_pref_kind k; } tab[] = {
        {"dpo", PP_PREF_DPO}, {"ipo", PP_PREF_IPO}, {"cdpo", PP_PREF_CDPO},
        {"distributional", PP_PREF_DISTRIBUTIONAL}};
    for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
        if (name && strcmp(name, tab[i].n) == 0) {
            *out = tab[i].k;
            return PP_OK;
        }
    return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                        "unknown preference objective '%s' (dpo, ipo, cdpo, distributional)",
                        name ? name : "");
}

/* log(1 + e^x) without overflow */
static double softplus(double x) { return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)); }
static double sigmoid(double x)
{
    if (x >= 0)
        return 1.0 / (1.0 + exp(-x));
    double e = exp(x);
    return e / (1.0 + e);
}

double pp_pref_reward_margin(double beta, const pp_pref_pair *p)
{
    return beta * ((p->pol_chosen - p->ref_chosen) - (p->pol_rejected - p->ref_rejected));
}

double pp_pref_pair_loss(const pp_pref_opts *o, const pp_pref_pair *p, double *d_chosen,
                         double *d_rejected)
{
    double beta = o->beta;
    if (o->kind == PP_PREF_IPO) {
        double nc = (double)p->n_chosen, nr = (double)p->n_rejected;
        double h = (p->pol_chosen - p->ref_chosen) / nc - (p->pol_rejected - p->ref_rejected) / nr;
        double r = h - 1.0 / (2.0 * beta);
        *d_chosen = 2.0 * r / nc;
        *d_rejected = -2.0 * r / nr;
        return r * r;
    }
    double eps = o->kind == PP_PREF_CDPO ? o->label_smoothing
               : o->kind == PP_PREF_DISTRIBUTIONAL ? 1.0 - p->p_chosen
                                                   : 0.0;
    double delta = (p->pol_chosen - p->pol_rejected) - (p->ref_chosen - p->ref_rejected);
    double z = beta * delta;
    /* −log σ(z) = softplus(−z); d/dz = −σ(−z). −log σ(−z) = softplus(z); d/dz = σ(z). */
    double loss = (1.0 - eps) * softplus(-z) + eps * softplus(z);
    double dz = -(1.0 - eps) * sigmoid(-z) + eps * sigmoid(z);
    *d_chosen = beta * dz;
    *d_rejected = -beta * dz;
    return loss;
}

pp_status pp_pref_batch_loss(const pp_pref_opts *o, const pp_pref_pair *pairs, size_t n,
                             double *weights, int ngroups, double eta, double *group_loss,
                             double *loss, double *d_chosen, double *d_rejected, pp_error *err)
{
    if (n == 0)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "an empty batch of pairs");
    if (!(o->beta > 0))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "beta must be > 0 (got %g)", o->beta);
    if (weights && ngroups <= 0)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "group weights need ngroups > 0");
    for (size_t i = 0; i < n; i++) {
        const pp_pref_pair *p = &pairs[i];
        if (o->kind == PP_PREF_IPO && (p->n_chosen <= 0 || p->n_rejected <= 0))
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "pair %zu: a completion without tokens (IPO averages over them)", i);
        if (o->kind == PP_PREF_DISTRIBUTIONAL && !(p->p_chosen >= 0 && p->p_chosen <= 1))
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "pair %zu: p_chosen %g is outside [0, 1]", i, p->p_chosen);
        if (weights && (p->group < 0 || p->group >= ngroups))
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "pair %zu: group %d outside [0, %d)", i, p->group, ngroups);
    }
    double *li = malloc(n * sizeof *li);
    double *gl = weights ? calloc((size_t)ngroups, sizeof *gl) : NULL;
    long *cnt = weights ? calloc((size_t)ngroups, sizeof *cnt) : NULL;
    if (!li || (weights && (!gl || !cnt))) {
        free(li);
        free(gl);
        free(cnt);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        li[i] = pp_pref_pair_loss(o, &pairs[i], &d_chosen[i], &d_rejected[i]);
    double total = 0;
    if (!weights) {
        for (size_t i = 0; i < n; i++) {
            total += li[i];
            d_chosen[i] /= (double)n;
            d_rejected[i] /= (double)n;
        }
        total /= (double)n;
    } else {
        for (size_t i = 0; i < n; i++) {
            gl[pairs[i].group] += li[i];
            cnt[pairs[i].group]++;
        }
        double sum = 0;
        for (int g = 0; g < ngroups; g++) {
            if (cnt[g])
                gl[g] /= (double)cnt[g];
            weights[g] *= exp(eta * gl[g]); /* exponentiated-gradient ascent on the weights */
            sum += weights[g];
        }
        for (int g = 0; g < ngroups; g++) {
            weights[g] /= sum;
            total += weights[g] * gl[g];
            if (group_loss)
                group_loss[g] = gl[g];
        }
        for (size_t i = 0; i < n; i++) {
            double s = weights[pairs[i].group] / (double)cnt[pairs[i].group];
            d_chosen[i] *= s;
            d_rejected[i] *= s;
        }
    }
    *loss = total;
    free(li);
    free(gl);
    free(cnt);
    return PP_OK;
}
