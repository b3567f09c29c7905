/* audit_html.c — the audit as one self-contained HTML page: inline CSS, SVG
 * charts (per-language bars with intervals, a map by latitude/longitude
 * coloured by gap, a stage-by-stage funnel per community) and a few lines
 * of script that only mark the page as rendered. Nothing is fetched. */
#include "config.h"
#include "eval-sets/audit/audit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FUNNEL_MAX 60

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

static double max_gap(const audit_metric *m)
{
    double g = 0;
    for (size_t k = 0; k < m->ncells; k++)
        if (m->gap[k].gap > g)
            g = m->gap[k].gap;
    return g;
}

static void fmt(char *buf, size_t cap, double v)
{
    if (!isfinite(v))
        snprintf(buf, cap, "-");
    else if (fabs(v) >= 1e6)
        snprintf(buf, cap, "%.3g", v);
    else if (fabs(v) >= 100)
        snprintf(buf, cap, "%.1f", v);
    else
        snprintf(buf, cap, "%.4g", v);
}

/* Horizontal bars, worst-served language first, with 95% intervals. */
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
    double lo = 0, hi = 0;
    for (size_t k = 0; k < n; k++) {
        double v[3] = {m->cells[k].value, m->cells[k].lo, m->cells[k].hi};
        for (int t = 0; t < 3; t++)
            if (isfinite(v[t])) {
                lo = v[t] < lo ? v[t] : lo;
                hi = v[t] > hi ? v[t] : hi;
            }
    }
    if (hi <= lo)
        hi = lo + 1;
    const double left = 130, width = 520, row = 16, top = 24;
    double h = top + row * (double)n + 30;
    double mg = max_gap(m);
    fprintf(fp, "<svg class=\"chart bars\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
                "role=\"img\" aria-label=\"",
            left + width + 90, h, left + width + 90, h);
    esc(fp, m->key);
    fprintf(fp, " per language\">\n");
    fprintf(fp, "<text x=\"%.0f\" y=\"14\" class=\"axis\">%s is better; bars: value, whiskers: 95%% "
                "interval</text>\n",
            left, m->lower ? "lower" : "higher");
#define X(v) (left + ((v) - lo) / (hi - lo) * width)
    for (int t = 0; t <= 4; t++) {
        double v = lo + (hi - lo) * t / 4.0;
        char b[32];
        snprintf(b, sizeof b, "%.3g", v);
        fprintf(fp, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" class=\"grid\"/>"
                    "<text x=\"%.1f\" y=\"%.0f\" class=\"axis\" text-anchor=\"middle\">%s</text>\n",
                X(v), top - 4, X(v), h - 24, X(v), h - 10, b);
    }
    for (size_t r = 0; r < n; r++) {
        size_t k = o[r];
        const audit_cell *c = &m->cells[k];
        double y = top + row * (double)r;
        char col[8], vb[32];
        colour(mg > 0 ? m->gap[k].gap / mg : 0, col);
        fmt(vb, sizeof vb, c->value);
        double x0 = X(0 < lo ? lo : 0), x1 = X(c->value);
        fprintf(fp, "<g><title>");
        esc(fp, a->l[c->lang].lang);
        if (a->l[c->lang].name) {
            fputs(" (", fp);
            esc(fp, a->l[c->lang].name);
            fputs(")", fp);
        }
        fprintf(fp, ": %s, u=%.3f, gap=%.4g, n=%ld</title>", vb, m->gap[k].u, m->gap[k].gap, c->n);
        fprintf(fp, "<text x=\"%.0f\" y=\"%.1f\" class=\"lab\" text-anchor=\"end\">", left - 6,
                y + row * 0.75);
        esc(fp, a->l[c->lang].lang);
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

/* Equirectangular map: x = longitude, y = latitude, with a 30-degree graticule. */
static void map(FILE *fp, const audit *a, const audit_metric *m)
{
    const double W = 720, H = 360;
    double mg = max_gap(m);
    fprintf(fp, "<svg class=\"chart map\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
                "role=\"img\" aria-label=\"map of ",
            W, H, W, H);
    esc(fp, m->key);
    fprintf(fp, "\">\n<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" class=\"sea\"/>\n", W, H);
    for (int lon = -180; lon <= 180; lon += 30)
        fprintf(fp, "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%.0f\" class=\"%s\"/>", (lon + 180) * W / 360,
                (lon + 180) * W / 360, H, lon == 0 ? "grat0" : "grat");
    for (int lat = -90; lat <= 90; lat += 30)
        fprintf(fp, "<line x1=\"0\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" class=\"%s\"/>", (90 - lat) * H / 180,
                W, (90 - lat) * H / 180, lat == 0 ? "grat0" : "grat");
    for (int lon = -150; lon <= 150; lon += 60)
        fprintf(fp, "<text x=\"%.1f\" y=\"%.0f\" class=\"axis\" text-anchor=\"middle\">%d&#176;</text>",
                (lon + 180) * W / 360, H - 4, lon);
    for (int lat = -60; lat <= 60; lat += 30)
        fprintf(fp, "<text x=\"4\" y=\"%.1f\" class=\"axis\">%d&#176;</text>", (90 - lat) * H / 180 - 3, lat);
    fprintf(fp, "\n");
    size_t missing = 0, placed = 0;
    for (size_t k = 0; k < m->ncells; k++)
        placed += isfinite(a->l[m->cells[k].lang].lat) && isfinite(a->l[m->cells[k].lang].lon);
    for (size_t k = 0; k < m->ncells; k++) {
        const audit_lang *l = &a->l[m->cells[k].lang];
        if (!isfinite(l->lat) || !isfinite(l->lon)) {
            missing++;
            continue;
        }
        char col[8], vb[32];
        colour(mg > 0 ? m->gap[k].gap / mg : 0, col);
        fmt(vb, sizeof vb, m->cells[k].value);
        fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\" class=\"pt\"><title>",
                (l->lon + 180) * W / 360, (90 - l->lat) * H / 180, col);
        esc(fp, l->lang);
        if (l->name) {
            fputs(" (", fp);
            esc(fp, l->name);
            fputs(")", fp);
        }
        fprintf(fp, ": %s, gap %.4g</title></circle>\n", vb, m->gap[k].gap);
        if (placed <= 40) { /* few languages: name them on the map */
            fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" class=\"lab\">", (l->lon + 180) * W / 360 + 7,
                    (90 - l->lat) * H / 180 + 4);
            esc(fp, l->lang);
            fprintf(fp, "</text>\n");
        }
    }
    fprintf(fp, "</svg>\n<p class=\"note\">Colour: gap to the best-served language, from green "
                "(no gap) to red (the largest gap, %.4g).",
            mg);
    if (missing) {
        fprintf(fp, " Not on the map (no coordinates): ");
        size_t shown = 0;
        for (size_t k = 0; k < m->ncells; k++) {
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
}

/* u of language l on metric i, or NAN. */
static double u_of(const audit *a, size_t i, size_t l, double *value)
{
    const audit_metric *m = &a->m[i];
    for (size_t k = 0; k < m->ncells; k++)
        if (m->cells[k].lang == l) {
            if (value)
                *value = m->cells[k].value;
            return m->gap[k].u;
        }
    return NAN;
}

/* One small chart per community: u_l at each stage, in pipeline order. */
static void funnels(FILE *fp, const audit *a)
{
    size_t *o = malloc((a->nl ? a->nl : 1) * sizeof *o);
    double *mean = malloc((a->nl ? a->nl : 1) * sizeof *mean);
    if (!o || !mean) {
        free(o), free(mean);
        return;
    }
    for (size_t l = 0; l < a->nl; l++) {
        double s = 0;
        int c = 0;
        for (size_t i = 0; i < a->nm; i++) {
            double u = u_of(a, i, l, NULL);
            if (isfinite(u))
                s += u, c++;
        }
        mean[l] = c ? s / c : 1;
        o[l] = l;
    }
    for (size_t i = 1; i < a->nl; i++) {
        size_t v = o[i], j = i;
        while (j > 0 && mean[o[j - 1]] > mean[v])
            o[j] = o[j - 1], j--;
        o[j] = v;
    }
    size_t shown = a->nl < FUNNEL_MAX ? a->nl : FUNNEL_MAX;
    if (shown < a->nl)
        fprintf(fp, "<p class=\"note\">The %zu communities with the lowest mean utility are shown "
                    "(of %zu); the CSV and JSON outputs hold all.</p>\n",
                shown, a->nl);
    const double bw = 64, H = 96;
    fprintf(fp, "<div class=\"funnels\">\n");
    for (size_t r = 0; r < shown; r++) {
        size_t l = o[r];
        double W = 10 + bw * (double)a->nm;
        fprintf(fp, "<figure class=\"funnel\"><figcaption>");
        esc(fp, a->l[l].lang);
        if (a->l[l].name) {
            fputs(" &middot; ", fp);
            esc(fp, a->l[l].name);
        }
        fprintf(fp, "</figcaption><svg class=\"chart funnel\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">",
                W, H + 16, W, H + 16);
        for (size_t i = 0; i < a->nm; i++) {
            double v = NAN, u = u_of(a, i, l, &v);
            double x = 5 + bw * (double)i;
            fprintf(fp, "<rect x=\"%.0f\" y=\"4\" width=\"%.0f\" height=\"%.0f\" class=\"slot\"/>", x + 4,
                    bw - 8, H - 24);
            if (isfinite(u)) {
                char col[8], vb[32];
                colour(1 - u, col);
                fmt(vb, sizeof vb, v);
                double bh = (H - 24) * u;
                fprintf(fp, "<rect x=\"%.0f\" y=\"%.1f\" width=\"%.0f\" height=\"%.1f\" fill=\"%s\"><title>",
                        x + 4, 4 + (H - 24) - bh, bw - 8, bh, col);
                esc(fp, a->m[i].key);
                fprintf(fp, ": %s (u=%.3f)</title></rect>", vb, u);
                fprintf(fp, "<text x=\"%.0f\" y=\"%.0f\" class=\"val\" text-anchor=\"middle\">%s</text>",
                        x + bw / 2, H - 8, vb);
            } else {
                fprintf(fp, "<text x=\"%.0f\" y=\"%.0f\" class=\"val\" text-anchor=\"middle\">none</text>",
                        x + bw / 2, H - 8);
            }
            fprintf(fp, "<text x=\"%.0f\" y=\"%.0f\" class=\"axis\" text-anchor=\"middle\">%zu</text>",
                    x + bw / 2, H + 10, i + 1);
        }
        fprintf(fp, "</svg></figure>\n");
    }
    fprintf(fp, "</div>\n<p class=\"note\">Bars: u<sub>l</sub> (1 = as well served as the best "
                "language) at each numbered stage metric:");
    for (size_t i = 0; i < a->nm; i++) {
        fprintf(fp, " %zu&nbsp;", i + 1);
        esc(fp, a->m[i].key);
        fputs(i + 1 < a->nm ? ";" : ".", fp);
    }
    fprintf(fp, "</p>\n");
    free(o);
    free(mean);
}

static const char *css =
    "body{font:14px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:1100px;color:#222;padding:0 1em}"
    "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:2px 6px;text-align:right}"
    "th{background:#f3f3f3}td.l,th.l{text-align:left}.note{color:#555;font-size:.9em}"
    "svg.chart{display:block;margin:.5em 0}.grid{stroke:#e3e3e3}.axis{font-size:10px;fill:#666}"
    ".lab{font-size:11px}.val{font-size:10px;fill:#333}.ci{stroke:#222;stroke-width:1.2;fill:none}"
    ".sea{fill:#eef4f8}.grat{stroke:#c9d6df;stroke-width:.6}.grat0{stroke:#9fb3c2;stroke-width:1}"
    ".pt{stroke:#333;stroke-width:.7;opacity:.9}.slot{fill:#f4f4f4;stroke:#ddd}"
    ".funnels{display:flex;flex-wrap:wrap;gap:8px}figure.funnel{margin:0;border:1px solid #eee;padding:4px}"
    "figcaption{font-size:12px;font-weight:600}#status{font-size:.8em;color:#888}";

int audit_write_html(const audit *a, FILE *fp)
{
    fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
                "<title>polyphony gap audit</title>\n<style>%s</style></head>\n<body>\n",
            css);
    fprintf(fp, "<h1>Per-community gap audit</h1>\n<p>%ld ledger rows from %ld file(s): %zu "
                "languages, %zu metrics. Speaker counts: ",
            a->nrows, a->nfiles, a->nl, a->nm);
    esc(fp, a->speakers_source);
    fprintf(fp, ". Weights w<sub>l</sub>(&tau;) &prop; speakers<sup>&tau;</sup>; priority = "
                "w<sub>l</sub>(&tau;=%g)&middot;(1&minus;u<sub>l</sub>).</p>\n",
            a->tau);
    size_t nosp = 0;
    for (size_t l = 0; l < a->nl; l++)
        nosp += !(a->l[l].speakers > 0);
    if (nosp) {
        fprintf(fp, "<p class=\"note\">No speaker count for %zu language(s): ", nosp);
        size_t s = 0;
        for (size_t l = 0; l < a->nl; l++)
            if (!(a->l[l].speakers > 0)) {
                if (s++)
                    fputs(", ", fp);
                esc(fp, a->l[l].lang);
            }
        fputs(". Each is weighted as the smallest known count among the languages of the metric "
              "(all equally when none is known).</p>\n",
              fp);
    }
    fprintf(fp, "<h2>Summary</h2>\n<table><tr><th class=\"l\">metric</th><th>better</th><th>languages</th>"
                "<th>best</th><th>worst</th><th>Gini</th><th>M<sub>1</sub> (speakers)</th>"
                "<th>M<sub>0</sub> (languages)</th><th class=\"l\">top priorities</th></tr>\n");
    for (size_t i = 0; i < a->nm; i++) {
        const audit_metric *m = &a->m[i];
        fprintf(fp, "<tr><td class=\"l\"><a href=\"#m%zu\">", i);
        esc(fp, m->key);
        fprintf(fp, "</a></td><td>%s</td><td>%zu</td>", m->lower ? "lower" : "higher", m->ncells);
        if (!m->ncells) {
            fprintf(fp, "<td colspan=\"6\">no values</td></tr>\n");
            continue;
        }
        char b[32], w[32];
        fmt(b, sizeof b, m->sum.best);
        fmt(w, sizeof w, m->sum.worst);
        fprintf(fp, "<td>%s ", b);
        esc(fp, m->gap[m->sum.best_index].lang);
        fprintf(fp, "</td><td>%s ", w);
        esc(fp, m->gap[m->sum.worst_index].lang);
        fprintf(fp, "</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td class=\"l\">", m->sum.gini,
                m->sum.utility_demographic, m->sum.utility_linguistic);
        /* three largest priorities */
        int used[3] = {-1, -1, -1};
        for (int t = 0; t < 3 && (size_t)t < m->ncells; t++) {
            int best = -1;
            for (size_t k = 0; k < m->ncells; k++) {
                if ((int)k == used[0] || (int)k == used[1])
                    continue;
                if (best < 0 || m->gap[k].priority > m->gap[best].priority)
                    best = (int)k;
            }
            used[t] = best;
            if (t)
                fputs(", ", fp);
            esc(fp, m->gap[best].lang);
            fprintf(fp, " %.3f", m->gap[best].priority);
        }
        fprintf(fp, "</td></tr>\n");
    }
    fprintf(fp, "</table>\n");
    fprintf(fp, "<h2>Stage by stage, per community</h2>\n");
    funnels(fp, a);
    for (size_t i = 0; i < a->nm; i++) {
        const audit_metric *m = &a->m[i];
        fprintf(fp, "<h2 id=\"m%zu\">", i);
        esc(fp, m->key);
        fprintf(fp, "</h2>\n");
        if (!m->ncells) {
            fprintf(fp, "<p>No values.</p>\n");
            continue;
        }
        bars(fp, a, m);
        map(fp, a, m);
    }
    fprintf(fp, "<p id=\"status\">report script did not run</p>\n"
                "<script>\n(function(){var n=document.querySelectorAll('svg.chart').length;"
                "var s=document.getElementById('status');s.textContent='charts: '+n;"
                "s.setAttribute('data-status','report-script-ok');})();\n</script>\n"
                "</body></html>\n");
    return !ferror(fp);
}
