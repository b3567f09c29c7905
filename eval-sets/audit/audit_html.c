/* audit_html.c — the audit as one self-contained HTML page a person reads
 * top-down: a summary (each stage's worst-served communities and largest
 * gaps), every community's path through the stages, then one section per
 * stage in pipeline order whose metrics fold open (<details>) onto bars with
 * intervals and a map on the bundled Natural Earth basemap. Inline CSS and
 * SVG; a few lines of script only mark the page as rendered; nothing is
 * fetched. */
#include "config.h"
#include "eval-sets/audit/audit.h"
#include "src/pp_data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BASEMAP_FILE "eval-sets/audit/basemap/land-110m.path"
#define PATH_ROWS_OPEN 25 /* communities shown before "more" in the path table */
#define MAP_LABELS 24     /* at most this many names on a map (worst-served first) */

static void esc(FILE *fp, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '&': fputs("&amp;", fp); break;
        case '"': fputs("&quot;", fp); break;
        case '\'': fputs("&#39;", fp); break;
        default: fputc(*s, fp);
        }
    }
}

/* Colour for a badness in [0, 1]: green (served best) to yellow to red. */
static void colour(double t, char out[8])
{
    if (!isfinite(t))
        t = 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double r, g, b;
    if (t < 0.5) { /* #1a9850 -> #fee08b */
        double s = t / 0.5;
        r = 0x1a + s * (0xfe - 0x1a), g = 0x98 + s * (0xe0 - 0x98), b = 0x50 + s * (0x8b - 0x50);
    } else { /* #fee08b -> #d73027 */
        double s = (t - 0.5) / 0.5;
        r = 0xfe + s * (0xd7 - 0xfe), g = 0xe0 + s * (0x30 - 0xe0), b = 0x8b + s * (0x27 - 0x8b);
    }
    snprintf(out, 8, "#%02x%02x%02x", (int)r, (int)g, (int)b);
}

static int gapped(const audit_metric *m)
{
    return m->kind != AUDIT_INVENTORY && m->ncells && m->gap;
}

static void lang_label(FILE *fp, const audit *a, size_t l)
{
    esc(fp, a->l[l].lang);
    if (a->l[l].name) {
        fputs(" (", fp);
        esc(fp, a->l[l].name);
        fputs(")", fp);
    }
}

/* ------------------------------------------------------------ bars */

/* Horizontal bars, worst-served language first, with 95% intervals, on an
 * axis with "nice" ticks covering the declared range where it is finite. */
static void bars(FILE *fp, const audit *a, const audit_metric *m)
{
    size_t n = m->ncells;
    size_t *o = malloc(n * sizeof *o);
    if (!o)
        return;
    for (size_t i = 0; i < n; i++)
        o[i] = i;
    for (size_t i = 1; i < n; i++) {
        size_t v = o[i], j = i;
        while (j > 0 && m->gap[o[j - 1]].u > m->gap[v].u)
            o[j] = o[j - 1], j--;
        o[j] = v;
    }
    double lo = isfinite(m->lo) && m->lo <= 0 ? m->lo : 0, hi = lo;
    for (size_t k = 0; k < n; k++) {
        double v[3] = {m->cells[k].value, m->cells[k].lo, m->cells[k].hi};
        for (int t = 0; t < 3; t++)
            if (isfinite(v[t])) {
                lo = v[t] < lo ? v[t] : lo;
                hi = v[t] > hi ? v[t] : hi;
            }
    }
    /* a bounded scale whose values come close to the bound shows all of it */
    if (isfinite(m->hi) && hi > lo + 0.5 * (m->hi - lo) && hi <= m->hi)
        hi = m->hi;
    audit_axis ax;
    audit_nice_axis(lo, hi, 5, &ax);
    const double left = 150, width = 500, row = 16, top = 24;
    double h = top + row * (double)n + 30;
    fprintf(fp, "<svg class=\"chart bars\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
                "role=\"img\" aria-label=\"",
            left + width + 90, h, left + width + 90, h);
    esc(fp, m->key);
    fprintf(fp, " per language\">\n");
    fprintf(fp, "<text x=\"%.0f\" y=\"12\" class=\"axis\">%s is better; bars: value, whiskers: 95%% "
                "interval; worst-served first</text>\n",
            left, m->lower ? "lower" : "higher");
#define X(v) (left + ((v) - ax.lo) / (ax.hi - ax.lo) * width)
    for (int t = 0; t < ax.n; t++) {
        double v = ax.lo + ax.step * t;
        char b[32];
        audit_fmt_num(b, sizeof b, v);
        fprintf(fp, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" class=\"grid\"/>"
                    "<text x=\"%.1f\" y=\"%.0f\" class=\"axis\" text-anchor=\"middle\">%s</text>\n",
                X(v), top - 4, X(v), h - 24, X(v), h - 10, b);
    }
    for (size_t r = 0; r < n; r++) {
        size_t k = o[r];
        const audit_cell *c = &m->cells[k];
        double y = top + row * (double)r;
        char col[8], vb[32];
        colour(1 - m->gap[k].u, col);
        audit_fmt_num(vb, sizeof vb, c->value);
        double x0 = X(0 < ax.lo ? ax.lo : 0 > ax.hi ? ax.hi : 0), x1 = X(c->value);
        fprintf(fp, "<g><title>");
        lang_label(fp, a, c->lang);
        fprintf(fp, ": %s, u=%.3f, n=%ld</title>", vb, m->gap[k].u, c->n);
        fprintf(fp, "<text x=\"%.0f\" y=\"%.1f\" class=\"lab\" text-anchor=\"end\">", left - 6,
                y + row * 0.75);
        esc(fp, a->l[c->lang].lang);
        if (a->l[c->lang].name) {
            fputs(" ", fp);
            /* short name: up to 14 bytes, cut at a character boundary */
            const char *nm = a->l[c->lang].name;
            size_t len = strlen(nm);
            if (len > 14) {
                len = 14;
                while (len > 0 && ((unsigned char)nm[len] & 0xC0) == 0x80)
                    len--;
            }
            char buf[32];
            memcpy(buf, nm, len);
            buf[len] = '\0';
            esc(fp, buf);
            if (len < strlen(nm))
                fputs("&#8230;", fp);
        }
        fprintf(fp, "</text><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                x0 < x1 ? x0 : x1, y + 2, fabs(x1 - x0), row - 4, col);
        if (isfinite(c->lo) && isfinite(c->hi))
            fprintf(fp, "<path d=\"M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f\" class=\"ci\"/>",
                    X(c->lo), y + row / 2, X(c->hi), X(c->lo), y + 4, y + row - 4, X(c->hi), y + 4,
                    y + row - 4);
        fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" class=\"val\">%s</text></g>\n",
                (isfinite(c->hi) && X(c->hi) > x1 ? X(c->hi) : x1) + 4, y + row * 0.75, vb);
    }
#undef X
    fprintf(fp, "</svg>\n");
    free(o);
}

/* ------------------------------------------------------------ map */

/* The land outline once per page; maps draw it with <use>. */
static void basemap_defs(FILE *fp)
{
    char path[4096];
    FILE *in = NULL;
    if (pp_data_path(BASEMAP_FILE, path, sizeof path, NULL) == PP_OK)
        in = fopen(path, "r");
    fputs("<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\"><defs>"
          "<path id=\"land\" d=\"",
          fp);
    if (in) {
        int ch;
        while ((ch = fgetc(in)) != EOF)
            if (ch != '\n' && ch != '"' && ch != '<' && ch != '&')
                fputc(ch, fp);
        fclose(in);
    }
    fputs("\"/></defs></svg>\n", fp);
}

/* Plate carrée: x = (lon + 180) * 2, y = (90 - lat) * 2 on 720 x 360. Names
 * of the worst-served languages are placed where they collide with no
 * other name (right, left, above, below the point); the others keep their
 * tooltip. */
static void map(FILE *fp, const audit *a, const audit_metric *m)
{
    const double W = 720, H = 360;
    fprintf(fp, "<svg class=\"chart map\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
                "role=\"img\" aria-label=\"map of ",
            W, H, W, H);
    esc(fp, m->key);
    fprintf(fp, "\">\n<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" class=\"sea\"/>"
                "<use href=\"#land\" class=\"land\" transform=\"scale(2)\"/>\n",
            W, H);
    for (int lat = -60; lat <= 60; lat += 30)
        fprintf(fp, "<line x1=\"0\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" class=\"%s\"/>",
                (90 - lat) * H / 180, W, (90 - lat) * H / 180, lat == 0 ? "grat0" : "grat");
    fputs("\n", fp);
    size_t n = m->ncells;
    size_t *o = malloc((n ? n : 1) * sizeof *o);
    double(*box)[4] = malloc((n ? n : 1) * sizeof *box);
    if (!o || !box) {
        free(o), free(box);
        fputs("</svg>\n", fp);
        return;
    }
    for (size_t i = 0; i < n; i++)
        o[i] = i;
    for (size_t i = 1; i < n; i++) { /* worst-served first: their dots on top, names first */
        size_t v = o[i], j = i;
        while (j > 0 && m->gap[o[j - 1]].u > m->gap[v].u)
            o[j] = o[j - 1], j--;
        o[j] = v;
    }
    size_t missing = 0, nbox = 0, labelled = 0;
    for (size_t r = n; r-- > 0;) { /* best first, so the worst are drawn last (on top) */
        size_t k = o[r];
        const audit_lang *l = &a->l[m->cells[k].lang];
        if (!isfinite(l->lat) || !isfinite(l->lon)) {
            missing++;
            continue;
        }
        char col[8], vb[32];
        colour(1 - m->gap[k].u, col);
        audit_fmt_num(vb, sizeof vb, m->cells[k].value);
        fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\" class=\"pt\"><title>",
                (l->lon + 180) * W / 360, (90 - l->lat) * H / 180, col);
        lang_label(fp, a, m->cells[k].lang);
        fprintf(fp, ": %s, u=%.3f</title></circle>\n", vb, m->gap[k].u);
    }
    /* names, worst first, where they do not collide */
    for (size_t r = 0; r < n && labelled < MAP_LABELS; r++) {
        size_t k = o[r];
        const audit_lang *l = &a->l[m->cells[k].lang];
        if (!isfinite(l->lat) || !isfinite(l->lon))
            continue;
        double x = (l->lon + 180) * W / 360, y = (90 - l->lat) * H / 180;
        double w = 6.5 * (double)strlen(l->lang) + 4, h = 12;
        const double cand[4][2] = {{x + 6, y - 6}, {x - 6 - w, y - 6}, {x - w / 2, y - 7 - h},
                                   {x - w / 2, y + 7}};
        for (int c = 0; c < 4; c++) {
            double bx = cand[c][0], by = cand[c][1];
            if (bx < 0 || by < 0 || bx + w > W || by + h > H)
                continue;
            int hit = 0;
            for (size_t b = 0; b < nbox && !hit; b++)
                hit = bx < box[b][2] && box[b][0] < bx + w && by < box[b][3] && box[b][1] < by + h;
            if (hit)
                continue;
            box[nbox][0] = bx, box[nbox][1] = by, box[nbox][2] = bx + w, box[nbox][3] = by + h;
            nbox++;
            fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" class=\"mlab\">", bx + 2, by + h - 2);
            esc(fp, l->lang);
            fputs("</text>\n", fp);
            labelled++;
            break;
        }
    }
    fputs("</svg>\n<p class=\"note\">Colour: utility u<sub>l</sub>, from green (as well served as "
          "the best language) to red (u = 0). Names: the worst-served languages where they fit.",
          fp);
    if (missing) {
        fprintf(fp, " Not on the map (no coordinates): ");
        size_t shown = 0;
        for (size_t k = 0; k < n; k++) {
            const audit_lang *l = &a->l[m->cells[k].lang];
            if (isfinite(l->lat) && isfinite(l->lon))
                continue;
            if (shown++)
                fputs(", ", fp);
            esc(fp, l->lang);
        }
        fputs(".", fp);
    }
    fputs("</p>\n", fp);
    free(o);
    free(box);
}

/* ------------------------------------------------------------ stages */

typedef struct stage_span {
    const char *stage;
    size_t first, end; /* metrics [first, end) */
} stage_span;

/* Stages in pipeline order (metrics are sorted by stage rank already). */
static size_t stages(const audit *a, stage_span *s)
{
    size_t ns = 0;
    for (size_t i = 0; i < a->nm; i++) {
        if (ns && strcmp(s[ns - 1].stage, a->m[i].stage) == 0) {
            s[ns - 1].end = i + 1;
            continue;
        }
        s[ns].stage = a->m[i].stage;
        s[ns].first = i;
        s[ns].end = i + 1;
        ns++;
    }
    return ns;
}

/* Mean u of language l over the quality/cost metrics of a stage (NAN: none). */
static double stage_u(const audit *a, const stage_span *s, size_t l)
{
    double sum = 0;
    int c = 0;
    for (size_t i = s->first; i < s->end; i++) {
        const audit_metric *m = &a->m[i];
        if (!gapped(m))
            continue;
        for (size_t k = 0; k < m->ncells; k++)
            if (m->cells[k].lang == l) {
                sum += m->gap[k].u;
                c++;
            }
    }
    return c ? sum / c : NAN;
}

static int stage_has_gaps(const audit *a, const stage_span *s)
{
    for (size_t i = s->first; i < s->end; i++)
        if (gapped(&a->m[i]))
            return 1;
    return 0;
}

/* Languages of a stage ordered by mean u, lowest first; returns how many. */
static size_t worst_of_stage(const audit *a, const stage_span *s, size_t *o, double *u)
{
    size_t n = 0;
    for (size_t l = 0; l < a->nl; l++) {
        double v = stage_u(a, s, l);
        if (!isfinite(v))
            continue;
        size_t j = n++;
        while (j > 0 && u[j - 1] > v)
            o[j] = o[j - 1], u[j] = u[j - 1], j--;
        o[j] = l, u[j] = v;
    }
    return n;
}

static void summary(FILE *fp, const audit *a, const stage_span *st, size_t ns)
{
    size_t *o = malloc((a->nl ? a->nl : 1) * sizeof *o);
    double *u = malloc((a->nl ? a->nl : 1) * sizeof *u);
    if (!o || !u) {
        free(o), free(u);
        return;
    }
    fputs("<section id=\"summary\"><h2>Summary: who is served worst, stage by stage</h2>\n"
          "<table class=\"summary\"><tr><th class=\"l\">stage</th>"
          "<th class=\"l\">worst-served communities (mean u<sub>l</sub>)</th>"
          "<th class=\"l\">largest gap (metric: community value vs best)</th></tr>\n",
          fp);
    for (size_t s = 0; s < ns; s++) {
        if (!stage_has_gaps(a, &st[s]))
            continue;
        size_t n = worst_of_stage(a, &st[s], o, u);
        fprintf(fp, "<tr><td class=\"l\"><a href=\"#stage-");
        esc(fp, st[s].stage);
        fputs("\">", fp);
        esc(fp, st[s].stage);
        fputs("</a></td><td class=\"l worst\">", fp);
        for (size_t r = 0; r < n && r < 3; r++) {
            char col[8];
            colour(1 - u[r], col);
            fprintf(fp, "%s<span class=\"sw\" style=\"background:%s\"></span><b>", r ? "; " : "", col);
            esc(fp, a->l[o[r]].lang);
            fputs("</b>", fp);
            if (a->l[o[r]].name) {
                fputs(" ", fp);
                esc(fp, a->l[o[r]].name);
            }
            fprintf(fp, " %.2f", u[r]);
        }
        fputs("</td><td class=\"l\">", fp);
        /* the metric of the stage with the lowest utility of any language */
        const audit_metric *bm = NULL;
        size_t bk = 0;
        for (size_t i = st[s].first; i < st[s].end; i++) {
            const audit_metric *m = &a->m[i];
            if (!gapped(m))
                continue;
            size_t k = m->sum.worst_index;
            if (!bm || m->gap[k].u < bm->gap[bk].u)
                bm = m, bk = k;
        }
        if (bm) {
            char v[32], b[32];
            audit_fmt_num(v, sizeof v, bm->cells[bk].value);
            audit_fmt_num(b, sizeof b, bm->sum.best);
            esc(fp, bm->key);
            fputs(": <b>", fp);
            esc(fp, bm->gap[bk].lang);
            fprintf(fp, "</b> %s vs %s (", v, b);
            esc(fp, bm->gap[bm->sum.best_index].lang);
            fprintf(fp, "), u = %.2f", bm->gap[bk].u);
        }
        fputs("</td></tr>\n", fp);
    }
    fputs("</table>\n<p class=\"note\">u<sub>l</sub> is a community's utility on a metric, 1 "
          "for the best-served language (formulas per kind and range: docs/audit.md); a stage's "
          "figure is the mean over its quality and cost metrics. Inventory metrics (counts, "
          "shares of a mix) describe the data and are not ranked.</p></section>\n",
          fp);
    free(o);
    free(u);
}

/* Every community's mean u at each stage: rows sorted worst first. */
static void paths(FILE *fp, const audit *a, const stage_span *st, size_t ns)
{
    size_t nl = a->nl ? a->nl : 1;
    size_t *o = malloc(nl * sizeof *o);
    double *mean = malloc(nl * sizeof *mean), *cell = malloc(nl * (ns ? ns : 1) * sizeof *cell);
    if (!o || !mean || !cell) {
        free(o), free(mean), free(cell);
        return;
    }
    for (size_t l = 0; l < a->nl; l++) {
        double sum = 0;
        int c = 0;
        for (size_t s = 0; s < ns; s++) {
            double v = stage_u(a, &st[s], l);
            cell[l * ns + s] = v;
            if (isfinite(v))
                sum += v, c++;
        }
        mean[l] = c ? sum / c : 2; /* communities without any gap figure last */
        size_t j = l;
        while (j > 0 && mean[o[j - 1]] > mean[l])
            o[j] = o[j - 1], j--;
        o[j] = l;
    }
    fputs("<section id=\"paths\"><h2>Each community's path through the pipeline</h2>\n"
          "<p class=\"note\">Mean u<sub>l</sub> of each stage's quality and cost metrics; "
          "communities served worst overall first.</p>\n",
          fp);
    for (size_t part = 0; part < 2; part++) {
        size_t from = part ? PATH_ROWS_OPEN : 0, to = part ? a->nl : PATH_ROWS_OPEN;
        if (to > a->nl)
            to = a->nl;
        if (from >= to)
            break;
        if (part)
            fprintf(fp, "<details><summary>%zu more communities</summary>\n", to - from);
        fputs("<table class=\"path\"><tr><th class=\"l\">community</th><th>speakers</th>", fp);
        for (size_t s = 0; s < ns; s++)
            if (stage_has_gaps(a, &st[s])) {
                fputs("<th>", fp);
                esc(fp, st[s].stage);
                fputs("</th>", fp);
            }
        fputs("</tr>\n", fp);
        for (size_t r = from; r < to; r++) {
            size_t l = o[r];
            fputs("<tr><td class=\"l\">", fp);
            lang_label(fp, a, l);
            fputs("</td><td>", fp);
            if (a->l[l].speakers > 0)
                fprintf(fp, "%.0f%s", a->l[l].speakers, a->l[l].speakers_from ? "*" : "");
            else
                fputs("?", fp);
            fputs("</td>", fp);
            for (size_t s = 0; s < ns; s++) {
                if (!stage_has_gaps(a, &st[s]))
                    continue;
                double v = cell[l * ns + s];
                if (!isfinite(v)) {
                    fputs("<td class=\"none\">&#8211;</td>", fp);
                    continue;
                }
                char col[8];
                colour(1 - v, col);
                fprintf(fp, "<td style=\"background:%s\">%.2f</td>", col, v);
            }
            fputs("</tr>\n", fp);
        }
        fputs("</table>\n", fp);
        if (part)
            fputs("</details>\n", fp);
    }
    fputs("</section>\n", fp);
    free(o);
    free(mean);
    free(cell);
}

static void metric_section(FILE *fp, const audit *a, size_t i, int open)
{
    const audit_metric *m = &a->m[i];
    fprintf(fp, "<details class=\"metric\" id=\"m%zu\"%s><summary><b>", i, open ? " open" : "");
    esc(fp, m->key);
    fprintf(fp, "</b> &middot; %s, %s is better", audit_kind_name(m->kind),
            m->lower ? "lower" : "higher");
    if (!m->declared)
        fputs(" (kind assumed)", fp);
    if (!m->ncells) {
        fputs(" &middot; no values</summary></details>\n", fp);
        return;
    }
    char b[32], w[32];
    audit_fmt_num(b, sizeof b, m->sum.best);
    audit_fmt_num(w, sizeof w, m->sum.worst);
    fprintf(fp, " &middot; worst <b>");
    esc(fp, m->gap[m->sum.worst_index].lang);
    fprintf(fp, "</b> %s vs best ", w);
    esc(fp, m->gap[m->sum.best_index].lang);
    fprintf(fp, " %s &middot; Gini %.3f &middot; M<sub>1</sub> ", b, m->sum.gini);
    if (isfinite(m->sum.utility_demographic))
        fprintf(fp, "%.3f", m->sum.utility_demographic);
    else
        fputs("&#8211;", fp);
    fprintf(fp, " &middot; M<sub>0</sub> %.3f</summary>\n", m->sum.utility_linguistic);
    bars(fp, a, m);
    map(fp, a, m);
    fputs("</details>\n", fp);
}

static void inventory(FILE *fp, const audit *a, const stage_span *s)
{
    size_t k = 0;
    for (size_t i = s->first; i < s->end; i++)
        k += a->m[i].kind == AUDIT_INVENTORY;
    if (!k)
        return;
    fprintf(fp, "<details class=\"inventory\"><summary>Context: %zu inventory metric%s (not "
                "ranked)</summary>\n<table><tr><th class=\"l\">metric</th><th class=\"l\">values "
                "per community</th></tr>\n",
            k, k > 1 ? "s" : "");
    for (size_t i = s->first; i < s->end; i++) {
        const audit_metric *m = &a->m[i];
        if (m->kind != AUDIT_INVENTORY)
            continue;
        fputs("<tr><td class=\"l\">", fp);
        esc(fp, m->key);
        fputs("</td><td class=\"l\">", fp);
        for (size_t c = 0; c < m->ncells; c++) {
            char v[32];
            audit_fmt_num(v, sizeof v, m->cells[c].value);
            fputs(c ? ", " : "", fp);
            esc(fp, a->l[m->cells[c].lang].lang);
            fprintf(fp, " %s", v);
        }
        fputs("</td></tr>\n", fp);
    }
    fputs("</table></details>\n", fp);
}

static void notes(FILE *fp, const audit *a)
{
    size_t nosp = 0, nmac = 0, nmerged = 0, nassumed = 0;
    for (size_t l = 0; l < a->nl; l++) {
        nosp += !(a->l[l].speakers > 0);
        nmac += a->l[l].speakers_from != NULL;
        nmerged += a->l[l].merged != NULL;
    }
    for (size_t i = 0; i < a->nm; i++)
        nassumed += !a->m[i].declared;
    if (!nosp && !nmac && !nmerged && !nassumed)
        return;
    fputs("<section id=\"notes\"><h2>What the figures rest on</h2><ul>\n", fp);
    if (nmac) {
        fputs("<li>Speaker counts taken from the macrolanguage (the language has no count of its "
              "own; marked * in the tables):<ul>",
              fp);
        for (size_t l = 0; l < a->nl; l++)
            if (a->l[l].speakers_from) {
                fputs("<li>", fp);
                esc(fp, a->l[l].lang);
                fputs(" carries ", fp);
                esc(fp, a->l[l].speakers_from);
                fprintf(fp, "&#8217;s %.0f</li>", a->l[l].speakers);
            }
        fputs("</ul></li>\n", fp);
    }
    if (nosp) {
        fprintf(fp, "<li>No speaker count for %zu language%s, left out of the speaker-weighted "
                    "figures (M<sub>1</sub>, priorities) and counted in M<sub>0</sub>: ",
                nosp, nosp == 1 ? "" : "s");
        size_t s = 0;
        for (size_t l = 0; l < a->nl; l++)
            if (!(a->l[l].speakers > 0)) {
                fputs(s++ ? ", " : "", fp);
                esc(fp, a->l[l].lang);
            }
        fputs(".</li>\n", fp);
    }
    if (nmerged) {
        fprintf(fp, "<li>Rows counted under one language (%s level): ",
                a->level == PP_LANG_MACROLANGUAGE ? "macrolanguage" : "individual");
        size_t s = 0;
        for (size_t l = 0; l < a->nl; l++)
            if (a->l[l].merged) {
                fputs(s++ ? "; " : "", fp);
                esc(fp, a->l[l].lang);
                fputs(" &#8592; ", fp);
                esc(fp, a->l[l].merged);
            }
        fputs(".</li>\n", fp);
    }
    if (nassumed) {
        fputs("<li>Metrics not in the metric table, taken as quality metrics: ", fp);
        size_t s = 0;
        for (size_t i = 0; i < a->nm; i++)
            if (!a->m[i].declared) {
                fputs(s++ ? ", " : "", fp);
                esc(fp, a->m[i].key);
            }
        fputs(".</li>\n", fp);
    }
    fputs("</ul></section>\n", fp);
}

static const char *css =
    "body{font:14px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:1100px;color:#222;padding:0 1em}"
    "h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:2px 6px;text-align:right}"
    "th{background:#f3f3f3}td.l,th.l{text-align:left}.note{color:#555;font-size:.9em}"
    "table.summary td{padding:4px 8px}td.worst b{font-weight:600}"
    ".sw{display:inline-block;width:.8em;height:.8em;margin-right:.3em;border:1px solid #888;vertical-align:-1px}"
    "table.path td{font-size:12px;padding:1px 6px}td.none{color:#aaa;text-align:center}"
    "details{margin:.4em 0}details.metric{border:1px solid #e3e3e3;padding:.3em .6em}"
    "summary{cursor:pointer}"
    "svg.chart{display:block;margin:.5em 0}.grid{stroke:#e3e3e3}.axis{font-size:10px;fill:#666}"
    ".lab{font-size:11px}.val{font-size:10px;fill:#333}.ci{stroke:#222;stroke-width:1.2;fill:none}"
    ".sea{fill:#eaf2f8}.land{fill:#d9d4c7;stroke:#b8b09c;stroke-width:.25}"
    ".grat{stroke:#cfdce6;stroke-width:.6}.grat0{stroke:#9fb3c2;stroke-width:.8}"
    ".pt{stroke:#333;stroke-width:.7}.mlab{font-size:10.5px;fill:#111;paint-order:stroke;"
    "stroke:#fff;stroke-width:2.5px}";

int audit_write_html(const audit *a, FILE *fp)
{
    stage_span *st = malloc((a->nm ? a->nm : 1) * sizeof *st);
    if (!st)
        return 0;
    size_t ns = stages(a, st);
    fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
                "<title>polyphony gap audit</title>\n<style>%s</style></head>\n<body>\n",
            css);
    size_t ngap = 0;
    for (size_t i = 0; i < a->nm; i++)
        ngap += gapped(&a->m[i]);
    fprintf(fp, "<h1>Per-community gap audit</h1>\n<p class=\"note\">%zu %s (%s level), "
                "%zu stage%s, %zu quality and cost metric%s and %zu inventory metric%s from %ld "
                "ledger row%s in %ld file%s. Speaker counts: ",
            a->nl, a->nl == 1 ? "community" : "communities",
            a->level == PP_LANG_MACROLANGUAGE ? "macrolanguage" : "individual", ns,
            ns == 1 ? "" : "s", ngap, ngap == 1 ? "" : "s", a->nm - ngap,
            a->nm - ngap == 1 ? "" : "s", a->nrows, a->nrows == 1 ? "" : "s", a->nfiles,
            a->nfiles == 1 ? "" : "s");
    esc(fp, a->speakers_source);
    fprintf(fp, "; M<sub>&tau;</sub> weights &prop; speakers<sup>&tau;</sup>, priority = "
                "w<sub>l</sub>(&tau;=%g)&middot;(1&minus;u<sub>l</sub>).</p>\n",
            a->tau);
    basemap_defs(fp);
    summary(fp, a, st, ns);
    paths(fp, a, st, ns);
    notes(fp, a);
    for (size_t s = 0; s < ns; s++) {
        fputs("<section class=\"stage\" id=\"stage-", fp);
        esc(fp, st[s].stage);
        fputs("\"><h2>Stage: ", fp);
        esc(fp, st[s].stage);
        fputs("</h2>\n", fp);
        int first = 1;
        for (size_t i = st[s].first; i < st[s].end; i++)
            if (gapped(&a->m[i]) || (a->m[i].kind != AUDIT_INVENTORY && !a->m[i].ncells)) {
                metric_section(fp, a, i, first && a->nl <= 40);
                first = 0;
            }
        inventory(fp, a, &st[s]);
        fputs("</section>\n", fp);
    }
    fputs("<script>\n(function(){document.body.setAttribute('data-status','report-script-ok');"
          "document.body.setAttribute('data-charts',"
          "String(document.querySelectorAll('svg.chart').length));})();\n</script>\n"
          "</body></html>\n",
          fp);
    free(st);
    return !ferror(fp);
}
