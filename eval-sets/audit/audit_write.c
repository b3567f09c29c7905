/* audit_write.c — the audit as a terminal table, JSON and CSV. */
#include "config.h"
#include "eval-sets/audit/audit.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void jnum(json_t *o, const char *k, double v)
{
    json_object_set_new(o, k, isfinite(v) ? json_real(v) : json_null());
}

/* A priority for sorting: languages without one (no speaker count) last. */
static double prio(const audit_metric *m, size_t k)
{
    return isfinite(m->gap[k].priority) ? m->gap[k].priority : -1.0;
}

/* Languages of a metric ordered by priority (largest first). */
static size_t *by_priority(const audit_metric *m)
{
    size_t *o = malloc((m->ncells ? m->ncells : 1) * sizeof *o);
    if (!o)
        return NULL;
    for (size_t i = 0; i < m->ncells; i++)
        o[i] = i;
    for (size_t i = 1; i < m->ncells; i++) { /* insertion sort: stable, small n */
        size_t v = o[i], j = i;
        while (j > 0 && prio(m, o[j - 1]) < prio(m, v))
            o[j] = o[j - 1], j--;
        o[j] = v;
    }
    return o;
}

static void fmt_value(char *buf, size_t cap, double v)
{
    audit_fmt_num(buf, cap, v);
}

static int gapped(const audit_metric *m)
{
    return m->kind != AUDIT_INVENTORY && m->ncells && m->gap;
}

int audit_write_table(const audit *a, FILE *fp, int top)
{
    size_t nosp = 0, ninv = 0;
    for (size_t i = 0; i < a->nl; i++)
        nosp += !(a->l[i].speakers > 0);
    for (size_t i = 0; i < a->nm; i++)
        ninv += a->m[i].kind == AUDIT_INVENTORY;
    fprintf(fp, "%ld ledger row%s from %ld file%s: %zu language%s (%s level), %zu metric%s (%zu "
                "inventory); speakers: %s",
            a->nrows, a->nrows == 1 ? "" : "s", a->nfiles, a->nfiles == 1 ? "" : "s", a->nl,
            a->nl == 1 ? "" : "s", a->level == PP_LANG_MACROLANGUAGE ? "macrolanguage" : "individual",
            a->nm, a->nm == 1 ? "" : "s", ninv, a->speakers_source);
    fprintf(fp, nosp ? " (%zu without a count)\n\n" : "\n\n", nosp);
    fprintf(fp, "%-38s %-7s %-6s %5s %16s %16s %7s %7s %7s\n", "metric", "kind", "better",
            "langs", "best", "worst", "gini", "M_1", "M_0");
    for (size_t i = 0; i < a->nm; i++) {
        const audit_metric *m = &a->m[i];
        if (m->kind == AUDIT_INVENTORY)
            continue;
        if (!m->ncells) {
            fprintf(fp, "%-38s %-7s %-6s %5d  (no values)\n", m->key, audit_kind_name(m->kind),
                    m->lower ? "lower" : "higher", 0);
            continue;
        }
        char b[64], w[64], bv[32], wv[32], m1[16];
        fmt_value(bv, sizeof bv, m->sum.best);
        fmt_value(wv, sizeof wv, m->sum.worst);
        snprintf(b, sizeof b, "%s %s", bv, m->gap[m->sum.best_index].lang);
        snprintf(w, sizeof w, "%s %s", wv, m->gap[m->sum.worst_index].lang);
        if (isfinite(m->sum.utility_demographic))
            snprintf(m1, sizeof m1, "%.4f", m->sum.utility_demographic);
        else
            snprintf(m1, sizeof m1, "-");
        fprintf(fp, "%-38s %-7s %-6s %5zu %16s %16s %7.4f %7s %7.4f%s\n", m->key,
                audit_kind_name(m->kind), m->lower ? "lower" : "higher", m->ncells, b, w,
                m->sum.gini, m1, m->sum.utility_linguistic, m->declared ? "" : "  (kind assumed)");
    }
    fprintf(fp, "\nlargest priorities w_l(tau=%g) * (1 - u_l):\n", a->tau);
    for (size_t i = 0; i < a->nm; i++) {
        const audit_metric *m = &a->m[i];
        size_t *o = gapped(m) ? by_priority(m) : NULL;
        if (!o)
            continue;
        fprintf(fp, "  %-36s", m->key);
        size_t shown = 0;
        for (size_t k = 0; k < m->ncells && shown < (size_t)top; k++) {
            if (!isfinite(m->gap[o[k]].priority))
                continue;
            fprintf(fp, "%s %s %.4f", shown ? "," : "", m->gap[o[k]].lang, m->gap[o[k]].priority);
            shown++;
        }
        fprintf(fp, "\n");
        free(o);
    }
    if (ninv) {
        fprintf(fp, "\ninventory (context, no gap statistics):\n");
        for (size_t i = 0; i < a->nm; i++) {
            const audit_metric *m = &a->m[i];
            if (m->kind != AUDIT_INVENTORY)
                continue;
            fprintf(fp, "  %-36s", m->key);
            for (size_t k = 0; k < m->ncells && k < 8; k++) {
                char v[32];
                fmt_value(v, sizeof v, m->cells[k].value);
                fprintf(fp, "%s %s %s", k ? "," : "", a->l[m->cells[k].lang].lang, v);
            }
            fprintf(fp, "%s\n", m->ncells > 8 ? ", ..." : "");
        }
    }
    /* Scorecards: one line per community, the stages side by side. */
    fprintf(fp, "\nscorecards (value, and u_l in brackets; stages in pipeline order):\n");
    fprintf(fp, "%-12s %12s", "lang", "speakers");
    for (size_t i = 0; i < a->nm; i++)
        if (gapped(&a->m[i]))
            fprintf(fp, " %22.22s", a->m[i].key);
    fprintf(fp, "\n");
    for (size_t l = 0; l < a->nl; l++) {
        char sp[40];
        if (a->l[l].speakers > 0)
            snprintf(sp, sizeof sp, "%.0f%s", a->l[l].speakers, a->l[l].speakers_from ? "*" : "");
        else
            snprintf(sp, sizeof sp, "?");
        fprintf(fp, "%-12s %12s", a->l[l].lang, sp);
        for (size_t i = 0; i < a->nm; i++) {
            const audit_metric *m = &a->m[i];
            if (!gapped(m))
                continue;
            char cell[48] = "-";
            for (size_t k = 0; k < m->ncells; k++)
                if (m->cells[k].lang == l) {
                    char v[32];
                    fmt_value(v, sizeof v, m->cells[k].value);
                    snprintf(cell, sizeof cell, "%s [%.2f]", v, m->gap[k].u);
                    break;
                }
            fprintf(fp, " %22s", cell);
        }
        fprintf(fp, "\n");
    }
    int star = 0;
    for (size_t l = 0; l < a->nl; l++)
        if (a->l[l].speakers_from) {
            if (!star++)
                fprintf(fp, "\n* speaker count of the macrolanguage (the language has none of its own):");
            fprintf(fp, " %s from %s;", a->l[l].lang, a->l[l].speakers_from);
        }
    if (star)
        fprintf(fp, "\n");
    for (size_t l = 0; l < a->nl; l++)
        if (a->l[l].merged)
            fprintf(fp, "%s counts the rows tagged %s\n", a->l[l].lang, a->l[l].merged);
    return ferror(fp) ? 0 : 1;
}

int audit_write_json(const audit *a, FILE *fp)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < a->nm; i++) {
        const audit_metric *m = &a->m[i];
        json_t *o = json_object(), *langs = json_array(), *miss = json_array();
        json_object_set_new(o, "metric", json_string(m->key));
        json_object_set_new(o, "stage", json_string(m->stage));
        json_object_set_new(o, "step", m->step ? json_string(m->step) : json_null());
        json_object_set_new(o, "name", json_string(m->name));
        json_object_set_new(o, "kind", json_string(audit_kind_name(m->kind)));
        json_object_set_new(o, "kind_declared", json_boolean(m->declared));
        json_object_set_new(o, "higher_is_better", json_boolean(!m->lower));
        json_t *rg = json_array();
        json_array_append_new(rg, isfinite(m->lo) ? json_real(m->lo) : json_null());
        json_array_append_new(rg, isfinite(m->hi) ? json_real(m->hi) : json_null());
        json_object_set_new(o, "range", rg);
        json_object_set_new(o, "n_languages", json_integer((json_int_t)m->ncells));
        if (gapped(m)) {
            jnum(o, "gini", m->sum.gini);
            jnum(o, "utility_demographic", m->sum.utility_demographic);
            jnum(o, "utility_linguistic", m->sum.utility_linguistic);
            jnum(o, "tau", a->tau);
            jnum(o, "utility_tau", m->sum.utility_tau);
            json_t *b = json_object(), *w = json_object();
            json_object_set_new(b, "lang", json_string(m->gap[m->sum.best_index].lang));
            jnum(b, "value", m->sum.best);
            json_object_set_new(w, "lang", json_string(m->gap[m->sum.worst_index].lang));
            jnum(w, "value", m->sum.worst);
            json_object_set_new(o, "best", b);
            json_object_set_new(o, "worst", w);
        } else {
            json_object_set_new(o, "gini", json_null());
            json_object_set_new(o, "utility_demographic", json_null());
            json_object_set_new(o, "utility_linguistic", json_null());
            json_object_set_new(o, "best", json_null());
            json_object_set_new(o, "worst", json_null());
        }
        for (size_t k = 0; k < m->ncells; k++) {
            const audit_cell *c = &m->cells[k];
            json_t *l = json_object();
            const audit_lang *al = &a->l[c->lang];
            json_object_set_new(l, "lang", json_string(al->lang));
            jnum(l, "value", c->value);
            jnum(l, "lo", c->lo);
            jnum(l, "hi", c->hi);
            json_object_set_new(l, "n", c->n >= 0 ? json_integer(c->n) : json_null());
            if (!gapped(m)) {
                json_array_append_new(langs, l);
                continue;
            }
            const pp_gap_lang *g = &m->gap[k];
            jnum(l, "u", g->u);
            jnum(l, "gap", g->gap);
            jnum(l, "priority", g->priority);
            jnum(l, "weight", g->weight);
            jnum(l, "speakers", al->speakers > 0 ? al->speakers : NAN);
            json_object_set_new(l, "speakers_imputed", json_boolean(g->speakers_imputed));
            json_object_set_new(l, "speakers_from",
                                al->speakers_from ? json_string(al->speakers_from) : json_null());
            json_array_append_new(langs, l);
            if (!(isfinite(g->speakers) && g->speakers > 0))
                json_array_append_new(miss, json_string(g->lang));
        }
        json_object_set_new(o, "languages", langs);
        json_object_set_new(o, "speakers_missing", miss);
        json_object_set_new(o, "rows_without_value", json_integer((json_int_t)m->nskipped));
        /* languages whose value pools the rows of several tags, and how */
        if (m->npooled) {
            json_object_set_new(o, "pooled_languages", json_integer((json_int_t)m->npooled));
            json_object_set_new(o, "pool", json_string(audit_pool_name(m->pool)));
        }
        json_array_append_new(arr, o);
    }
    int rc = json_dumpf(arr, fp, JSON_INDENT(1) | JSON_REAL_PRECISION(15));
    fputc('\n', fp);
    json_decref(arr);
    return rc == 0 && !ferror(fp);
}

/* CSV field: quoted when it holds a comma, quote or newline (RFC 4180). */
static void csv_str(FILE *fp, const char *s)
{
    if (!s)
        return;
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

static void csv_num(FILE *fp, double v)
{
    fputc(',', fp);
    if (!isfinite(v))
        return;
    if (v == floor(v) && fabs(v) < 1e15) {
        fprintf(fp, "%.0f", v);
        return;
    }
    char b[64]; /* a plain decimal, never an exponent */
    snprintf(b, sizeof b, "%.12f", v);
    size_t n = strlen(b);
    while (n > 1 && b[n - 1] == '0')
        b[--n] = '\0';
    fputs(b, fp);
}

int audit_write_csv(const audit *a, FILE *fp)
{
    fprintf(fp, "metric,stage,step,lang,value,lo,hi,n,u,gap,priority,weight,speakers,"
                "speakers_imputed,higher_is_better,gini,utility_demographic,utility_linguistic,"
                "kind\n");
    for (size_t i = 0; i < a->nm; i++) {
        const audit_metric *m = &a->m[i];
        for (size_t k = 0; k < m->ncells; k++) {
            const audit_cell *c = &m->cells[k];
            if (!gapped(m))
                continue; /* inventory: no gap columns */
            const pp_gap_lang *g = &m->gap[k];
            csv_str(fp, m->key);
            fputc(',', fp);
            csv_str(fp, m->stage);
            fputc(',', fp);
            csv_str(fp, m->step);
            fputc(',', fp);
            csv_str(fp, g->lang);
            csv_num(fp, c->value);
            csv_num(fp, c->lo);
            csv_num(fp, c->hi);
            fputc(',', fp);
            if (c->n >= 0)
                fprintf(fp, "%ld", c->n);
            csv_num(fp, g->u);
            csv_num(fp, g->gap);
            csv_num(fp, g->priority);
            csv_num(fp, g->weight);
            csv_num(fp, g->speakers);
            fprintf(fp, ",%d,%d", g->speakers_imputed, !m->lower);
            csv_num(fp, m->sum.gini);
            csv_num(fp, m->sum.utility_demographic);
            csv_num(fp, m->sum.utility_linguistic);
            fprintf(fp, ",%s\n", audit_kind_name(m->kind));
        }
    }
    return !ferror(fp);
}
