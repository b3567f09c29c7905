/* align_cli.c — reading preference files and evaluating a model on them per
 * group and per language (align_cli.h). */
#include "config.h"
#include "align/align_cli.h"
#include "align/pp_pref_seq.h"
#include "eval-sets/metrics/pp_eval.h"
#include "src/cli/cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int align_read_prefs(const char *cmd, const char *path, const pp_pref_render *r,
                     const char *group_field, size_t max_len, pp_writer *rej, int skip_bad,
                     pp_pref_set *set)
{
    const char *files[1] = {path};
    pp_source *src = NULL;
    pp_error e;
    pp_error_clear(&e);
    pp_source_opts so = {files, 1, NULL, rej, 0, NULL};
    if (pp_source_open(&so, &src, &e) != PP_OK)
        return cli_fail(cmd, &e);
    int rc = 0;
    for (;;) {
        json_t *rec = NULL;
        pp_status st = pp_source_next(src, &rec, &e);
        if (st == PP_OK && !rec)
            break;
        if (st == PP_OK) {
            long line = pp_reader_lineno(pp_source_reader(src));
            st = pp_pref_set_add(set, r, rec, group_field, max_len, line, &e);
            if (st == PP_ERR_INVALID && skip_bad) /* another process reports it */
                st = PP_OK;
            else if (st == PP_ERR_INVALID) /* an unusable record: the source's policy */
                st = pp_source_reject(src, rec, e.message, &e);
        }
        json_decref(rec);
        if (st != PP_OK) {
            rc = cli_fail(cmd, &e);
            break;
        }
    }
    if (!rc && pp_source_lost(src))
        rc = 1;
    pp_source_close(src);
    return rc;
}

int align_pair_logps(pp_model *m, const pp_pref_example *e, double lp[2], long nt[2], pp_error *err)
{
    const pp_pref_seq *q[2] = {&e->chosen, &e->rejected};
    for (int k = 0; k < 2; k++)
        if (pp_pref_seq_logprob(m, q[k]->ids, q[k]->target, q[k]->n, &lp[k], &nt[k], err) != PP_OK)
            return 1;
    return 0;
}

/* Jensen–Shannon distance (base 2, in [0, 1]) between Bernoulli(a) and Bernoulli(b). */
static double js_distance(double a, double b)
{
    double pa[2] = {a, 1 - a}, pb[2] = {b, 1 - b}, d = 0;
    for (int k = 0; k < 2; k++) {
        double mk = 0.5 * (pa[k] + pb[k]);
        if (pa[k] > 0)
            d += 0.5 * pa[k] * log2(pa[k] / mk);
        if (pb[k] > 0)
            d += 0.5 * pb[k] * log2(pb[k] / mk);
    }
    return d > 0 ? sqrt(d) : 0;
}

static double sigmoid(double x) { return x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)); }

typedef struct stat_rows {
    double *items; /* [value, 1] per item */
    size_t n;
} stat_rows;

/* Mean of `rows` with its bootstrap interval, as a JSON line and a ledger row. */
static int emit(const char *cmd, const align_eval_opts *o, const char *scope, const char *name,
                const char *lang, const char *metric, const stat_rows *rows)
{
    if (rows->n == 0)
        return 0;
    double sums[2] = {0, 0}, lo, hi;
    for (size_t i = 0; i < rows->n; i++) {
        sums[0] += rows->items[2 * i];
        sums[1] += rows->items[2 * i + 1];
    }
    double v = pp_metric_score(PP_METRIC_ACCURACY, sums);
    char stream[512];
    snprintf(stream, sizeof stream, "%s:%s:%s", scope, name, metric);
    pp_bootstrap_interval(PP_METRIC_ACCURACY, rows->items, rows->n, o->seed, stream, o->resamples,
                          &lo, &hi);
    if (o->out) {
        json_t *j = json_pack("{s:s, s:s, s:f, s:I}", scope, name, "metric", metric, "value", v,
                              "n", (json_int_t)rows->n);
        if (strcmp(scope, "group") == 0)
            json_object_set_new(j, "lang", json_string(lang));
        if (isfinite(lo)) {
            json_object_set_new(j, "lo", json_real(lo));
            json_object_set_new(j, "hi", json_real(hi));
        }
        json_dumpf(j, o->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
        fputc('\n', o->out);
        json_decref(j);
    }
    if (o->ledger) {
        pp_error e;
        pp_error_clear(&e);
        json_t *extra = strcmp(scope, "group") == 0 ? json_pack("{s:s}", "group", name) : NULL;
        pp_status st = pp_ledger_add_extra(o->ledger, o->step, lang, metric, v, (long)rows->n, lo,
                                           hi, extra, &e);
        json_decref(extra);
        if (st != PP_OK)
            return cli_fail(cmd, &e);
    }
    return 0;
}

/* Pair j is pair i with the preference reversed by another group. */
static int opposed(const pp_pref_example *a, const pp_pref_example *b)
{
    return a->group != b->group && json_equal(json_object_get(a->rec, "prompt"), json_object_get(b->rec, "prompt")) &&
           json_equal(json_object_get(a->rec, "chosen"), json_object_get(b->rec, "rejected")) &&
           json_equal(json_object_get(a->rec, "rejected"), json_object_get(b->rec, "chosen"));
}

enum { M_CHOICE, M_REWARD, M_MATCH, M_FOLLOW, NM };
static const char *MNAME[NM] = {"choice_accuracy", "reward_accuracy", "distributional_match",
                                "follows_other_group"};

int align_evaluate(const char *cmd, pp_model *m, const pp_pref_set *set, const align_eval_opts *o)
{
    size_t n = set->n;
    double *val = malloc((n ? n : 1) * NM * sizeof *val); /* per pair and metric, NAN = n/a */
    stat_rows rows = {malloc((n ? n : 1) * 2 * sizeof(double)), 0};
    int rc = 0;
    pp_error e;
    pp_error_clear(&e);
    if (!val || !rows.items) {
        pp_error_set(&e, PP_ERR_NOMEM, NULL, 0, "out of memory");
        rc = cli_fail(cmd, &e);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const pp_pref_example *x = &set->ex[i];
        double lp[2];
        long nt[2];
        if (align_pair_logps(m, x, lp, nt, &e)) {
            rc = cli_fail(cmd, &e);
            goto done;
        }
        double a = nt[0] ? lp[0] / nt[0] : 0, b = nt[1] ? lp[1] / nt[1] : 0;
        double *v = val + i * NM;
        v[M_CHOICE] = a > b;
        double q = sigmoid(a - b); /* the model's probability of choosing `chosen` */
        v[M_REWARD] = NAN;
        if (o->ref) {
            double delta = (lp[0] - o->ref[2 * i]) - (lp[1] - o->ref[2 * i + 1]);
            v[M_REWARD] = delta > 0;
            q = sigmoid(o->beta * delta);
        }
        v[M_MATCH] = 1 - js_distance(q, x->p_chosen);
        v[M_FOLLOW] = NAN;
        for (size_t j = 0; j < n; j++)
            if (opposed(x, &set->ex[j])) {
                v[M_FOLLOW] = !(a > b);
                break;
            }
    }
    /* per group, then per language */
    double worst = INFINITY, best = -INFINITY;
    const char *worst_g = NULL;
    for (int scope = 0; scope < 2 && !rc; scope++) {
        size_t nk = scope == 0 ? set->ngroups : set->nlangs;
        for (size_t k = 0; k < nk && !rc; k++) {
            const char *name = scope == 0 ? set->groups[k] : set->langs[k];
            const char *lang = name;
            if (scope == 0) { /* the group's language, or "mul" when it has several */
                int l = -1;
                for (size_t i = 0; i < n; i++)
                    if (set->ex[i].group == (int)k)
                        l = l < 0 || l == set->ex[i].lang ? set->ex[i].lang : -2;
                lang = l >= 0 ? set->langs[l] : "mul";
            }
            for (int mi = 0; mi < NM && !rc; mi++) {
                rows.n = 0;
                for (size_t i = 0; i < n; i++) {
                    int in = scope == 0 ? set->ex[i].group == (int)k : set->ex[i].lang == (int)k;
                    if (in && !isnan(val[i * NM + mi])) {
                        rows.items[2 * rows.n] = val[i * NM + mi];
                        rows.items[2 * rows.n + 1] = 1;
                        rows.n++;
                    }
                }
                rc = emit(cmd, o, scope == 0 ? "group" : "lang", name, lang, MNAME[mi], &rows);
                if (scope == 0 && mi == M_CHOICE && rows.n) {
                    double s = 0;
                    for (size_t i = 0; i < rows.n; i++)
                        s += rows.items[2 * i];
                    s /= (double)rows.n;
                    if (s < worst) {
                        worst = s;
                        worst_g = name;
                    }
                    if (s > best)
                        best = s;
                }
            }
        }
    }
    if (!rc && worst_g) {
        if (o->out) {
            json_t *j = json_pack("{s:s, s:s, s:f, s:f}", "metric", "worst_group_accuracy", "group",
                                  worst_g, "value", worst, "gap_to_best", best - worst);
            json_dumpf(j, o->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
            fputc('\n', o->out);
            json_decref(j);
        }
        if (o->ledger) {
            json_t *extra = json_pack("{s:s}", "group", worst_g);
            if (pp_ledger_add_extra(o->ledger, o->step, "mul", "worst_group_accuracy", worst,
                                    (long)set->ngroups, NAN, NAN, extra, &e) != PP_OK ||
                pp_ledger_add(o->ledger, o->step, "mul", "group_accuracy_gap", best - worst,
                              (long)set->ngroups, NAN, NAN, &e) != PP_OK)
                rc = cli_fail(cmd, &e);
            json_decref(extra);
        }
    }
done:
    free(val);
    free(rows.items);
    return rc;
}
