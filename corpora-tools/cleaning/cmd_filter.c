/* cmd_filter.c — `polyphony filter`: quality filters with per-language
 * survival rates, and `--compare`, the exclusion audit across presets. */
#include "config.h"
#include "src/cli/cli.h"
#include "corpora-tools/cmd_spool.h"
#include "corpora-tools/cleaning/pp_filter.h"
#include "src/pp_ledger.h"
#include "src/pp_progress.h"
#include "src/pp_record.h"
#include "src/pp_stats.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_PRESETS 3
#define DISPARITY_RATIO 2.0
#define DISPARITY_MIN_RATE 0.05

static const char *CMD = "filter";

void usage_filter(FILE *out)
{
    fprintf(out,
            "Usage: polyphony filter [OPTIONS] [FILE]\n"
            "       polyphony filter --compare PRESET,PRESET,... [--json] [FILE]\n"
            "Keep the records that pass a quality filter; report each language's survival.\n"
            "\n"
            "  -p, --preset NAME      gopher, c4 or culture-aware (default culture-aware)\n"
            "      --calibrate FILE   calibrate culture-aware thresholds on FILE (default: the input)\n"
            "      --thresholds FILE  write the thresholds used per language (JSON)\n"
            "      --no-profiles      culture-aware: ignore community profiles (function words and\n"
            "                         exemplars then come from CLDR and from the data)\n"
            "      --explain          add filter_reason (and filter_failed) to rejected records\n"
            "      --rejects FILE     write rejected and unusable records there, with a reason\n"
            "      --ledger FILE      append per-language survival rows to the metrics ledger\n"
            "      --strict           a malformed record or one without lang is an error\n"
            "  -o, --output FILE      kept records (default stdout)\n"
            "      --compare LIST     run the presets on the same input and audit what each removes\n"
            "      --json             with --compare: the audit as JSON on stdout\n"
            "      --reference LANG   with --compare: also flag rules that remove a language at\n"
            "                         >= 2x the rate they remove LANG (e.g. en, the language the\n"
            "                         published presets were tuned on)\n"
            "  -q, --quiet            no survival table on stderr, no progress\n"
            "      --progress         show progress on stderr\n"
            "  -h, --help             show this help\n"
            "\n"
            "Records need text and lang. Survival rates carry 95%% Wilson intervals.\n"
            "See polyphony-filter(1).\n");
}

/* ------------------------------------------------------------ per-language tallies */

typedef struct tally {
    char *lang;
    long n;
    long kept[MAX_PRESETS];
    long *failed[MAX_PRESETS];  /* rule fails on its own */
    long *decided[MAX_PRESETS]; /* first failing rule (the reason given) */
} tally;

typedef struct tallies {
    tally *t;
    size_t n, cap;
    size_t nrules[MAX_PRESETS];
    int npresets;
} tallies;

static tally *tally_get(tallies *ts, const char *lang)
{
    for (size_t i = 0; i < ts->n; i++)
        if (strcmp(ts->t[i].lang, lang) == 0)
            return &ts->t[i];
    if (ts->n == ts->cap) {
        size_t nc = ts->cap ? ts->cap * 2 : 32;
        tally *nt = realloc(ts->t, nc * sizeof *nt);
        if (!nt)
            return NULL;
        ts->t = nt;
        ts->cap = nc;
    }
    tally *t = &ts->t[ts->n];
    memset(t, 0, sizeof *t);
    t->lang = strdup(lang);
    if (!t->lang)
        return NULL;
    for (int p = 0; p < ts->npresets; p++) {
        t->failed[p] = calloc(ts->nrules[p] + 1, sizeof(long));
        t->decided[p] = calloc(ts->nrules[p] + 1, sizeof(long));
        if (!t->failed[p] || !t->decided[p]) {
            for (int q = 0; q <= p; q++) {
                free(t->failed[q]);
                free(t->decided[q]);
            }
            free(t->lang);
            return NULL;
        }
    }
    ts->n++;
    return t;
}

static void tallies_free(tallies *ts)
{
    for (size_t i = 0; i < ts->n; i++) {
        free(ts->t[i].lang);
        for (int p = 0; p < ts->npresets; p++) {
            free(ts->t[i].failed[p]);
            free(ts->t[i].decided[p]);
        }
    }
    free(ts->t);
}

static int cmp_tally(const void *a, const void *b)
{
    return strcmp(((const tally *)a)->lang, ((const tally *)b)->lang);
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* ------------------------------------------------------------ shared input handling */

typedef struct run {
    const char *input;        /* path or NULL */
    const char *calib;        /* path used for calibration */
    pp_writer *rejects;
    int strict, explain, quiet;
    long bad;                 /* malformed or unusable records */
    int lost;                 /* some of them not kept in --rejects (pp_source_lost) */
    FILE *progress;
} run;

/* Open a record source over `path` under the run's policy; `report` zero
 * (calibration) gives the bad lines back to be skipped quietly. */
static int open_source(run *r, const char *path, int report, pp_source **src)
{
    pp_error e;
    const char *const files[] = {path ? path : "-"};
    pp_source_opts so = {files, 1, "text", report ? r->rejects : NULL, r->strict, NULL};
    if (pp_source_open(&so, src, &e) != PP_OK)
        return cli_fail(CMD, &e);
    return 0;
}

/* A bad line or unusable record the source gave back (not kept in a
 * rejects file): an error under --strict, else a warning. */
static int bad_record(run *r, const pp_error *e)
{
    if (r->strict)
        return cli_fail(CMD, e);
    char buf[1700];
    cli_warn(CMD, "%s (record skipped; use --rejects FILE to keep it)",
             pp_error_format(e, buf, sizeof buf));
    return 0;
}

/* Read the next usable record: returns 1 with the record, its lang and text;
 * 0 at the end; -1 on a fatal error (message printed, *rc set). */
static int next_usable(run *r, pp_source *src, int report_bad, json_t **rec, const char **lang,
                       const char **text, size_t *len, int *rc)
{
    for (;;) {
        pp_error e;
        pp_error_clear(&e);
        json_t *j = NULL;
        pp_status s = pp_source_next(src, &j, &e);
        if (s != PP_OK && !pp_reader_can_go_on(s)) { /* the input ends */
            *rc = cli_fail(CMD, &e);
            return -1;
        }
        if (s != PP_OK) {
            if (report_bad && (*rc = bad_record(r, &e)) != 0)
                return -1;
            continue;
        }
        if (!j)
            return 0;
        json_t *jt = json_object_get(j, "text");
        const char *l = pp_record_str(j, "lang");
        if (!l || !*l) {
            if (report_bad) {
                s = pp_source_reject(
                    src, j, "record has no \"lang\" (identify the language first: polyphony lid)",
                    &e);
                if (s != PP_OK && !pp_reader_can_go_on(s))
                    *rc = cli_fail(CMD, &e);
                else if (s != PP_OK)
                    *rc = bad_record(r, &e);
            }
            json_decref(j);
            if (report_bad && *rc)
                return -1;
            continue;
        }
        *rec = j;
        *lang = l;
        *text = json_string_value(jt);
        *len = json_string_length(jt);
        return 1;
    }
}

static int calibrate(run *r, pp_filter **fs, int nf)
{
    int passes = 0;
    for (int i = 0; i < nf; i++)
        if (pp_filter_calibration_passes(fs[i]) > passes)
            passes = pp_filter_calibration_passes(fs[i]);
    for (int pass = 0; pass < passes; pass++) {
        pp_error e;
        pp_source *rd = NULL;
        int orc = open_source(r, r->calib, 0, &rd);
        if (orc)
            return orc;
        pp_progress *pg = pp_progress_new(r->progress, pass ? "calibrating (statistics)"
                                                            : "calibrating (vocabulary)",
                                          "records");
        json_t *rec;
        const char *lang, *text;
        size_t len;
        int rc = 0, got;
        while ((got = next_usable(r, rd, 0, &rec, &lang, &text, &len, &rc)) > 0) {
            for (int i = 0; i < nf && rc == 0; i++)
                if (pass < pp_filter_calibration_passes(fs[i]) &&
                    pp_filter_observe(fs[i], pass, lang, text, len, &e) != PP_OK)
                    rc = cli_fail(CMD, &e);
            json_decref(rec);
            pp_progress_add(pg, 1, (long)len);
            if (rc)
                break;
        }
        pp_progress_done(pg);
        pp_source_close(rd);
        if (got < 0 || rc)
            return rc ? rc : 1;
        for (int i = 0; i < nf; i++)
            if (pass < pp_filter_calibration_passes(fs[i]) &&
                pp_filter_end_pass(fs[i], pass, &e) != PP_OK)
                return cli_fail(CMD, &e);
    }
    return 0;
}

static int write_thresholds(const char *path, pp_filter **fs, int nf, const tallies *ts)
{
    json_t *root = json_object();
    for (int p = 0; p < nf; p++) {
        json_t *o = json_object();
        for (size_t i = 0; i < ts->n; i++)
            json_object_set_new(o, ts->t[i].lang, pp_filter_thresholds(fs[p], ts->t[i].lang));
        json_object_set_new(root, pp_filter_preset_name(pp_filter_get_preset(fs[p])), o);
    }
    char *s = json_dumps(root, JSON_INDENT(1) | JSON_SORT_KEYS);
    json_decref(root);
    pp_error e;
    pp_output *out = NULL;
    pp_status st = s ? pp_output_open(path, &out, &e)
                     : pp_error_set(&e, PP_ERR_NOMEM, NULL, 0, "out of memory");
    if (st == PP_OK)
        st = pp_output_write(out, s, strlen(s), &e);
    if (st == PP_OK)
        st = pp_output_write(out, "\n", 1, &e);
    if (st == PP_OK)
        st = pp_output_close(out, &e);
    else
        pp_output_abort(out);
    free(s);
    return st == PP_OK ? 0 : cli_fail(CMD, &e);
}

/* ------------------------------------------------------------ the main pass */

static int filter_pass(run *r, pp_filter **fs, int nf, tallies *ts, pp_writer *out)
{
    pp_error e;
    pp_source *src = NULL;
    int orc = open_source(r, r->input, 1, &src);
    if (orc)
        return orc;
    pp_progress *pg = pp_progress_new(r->progress, "filtering", "records");
    json_t *rec;
    const char *lang, *text;
    size_t len;
    int rc = 0, got;
    while ((got = next_usable(r, src, 1, &rec, &lang, &text, &len, &rc)) > 0) {
        tally *t = tally_get(ts, lang);
        if (!t) {
            pp_error_set(&e, PP_ERR_NOMEM, NULL, 0, "out of memory");
            rc = cli_fail(CMD, &e);
        }
        if (t)
            t->n++;
        for (int p = 0; p < nf && rc == 0; p++) {
            pp_filter_result res;
            if (pp_filter_apply(fs[p], lang, text, len, &res, &e) != PP_OK) {
                e.line = pp_reader_lineno(pp_source_reader(src));
                snprintf(e.file, sizeof e.file, "%s", pp_reader_name(pp_source_reader(src)));
                rc = cli_fail(CMD, &e);
                break;
            }
            for (size_t k = 0; k < ts->nrules[p]; k++)
                if (res.failed & ((uint64_t)1 << k))
                    t->failed[p][k]++;
            if (res.keep) {
                t->kept[p]++;
                if (out) {
                    if (res.text)
                        json_object_set_new(rec, "text", json_stringn(res.text, res.textlen));
                    if (pp_writer_put(out, rec, &e) != PP_OK)
                        rc = cli_fail(CMD, &e);
                }
            } else {
                t->decided[p][res.rule]++;
                if (out && r->rejects) {
                    char reason[300];
                    if (r->explain) {
                        json_object_set_new(rec, "filter_reason", json_string(res.reason));
                        json_t *all = json_array();
                        for (size_t k = 0; k < ts->nrules[p]; k++)
                            if (res.failed & ((uint64_t)1 << k))
                                json_array_append_new(all,
                                                      json_string(pp_filter_rule_name(fs[p], k)));
                        json_object_set_new(rec, "filter_failed", all);
                        snprintf(reason, sizeof reason, "%s", res.reason);
                    } else {
                        snprintf(reason, sizeof reason, "filtered by %s",
                                 pp_filter_preset_name(pp_filter_get_preset(fs[p])));
                    }
                    pp_reader *rd = pp_source_reader(src);
                    if (pp_reject_put(r->rejects, pp_reader_name(rd), pp_reader_lineno(rd),
                                      reason, rec, NULL, 0, &e) != PP_OK)
                        rc = cli_fail(CMD, &e);
                }
            }
            free(res.text);
        }
        json_decref(rec);
        pp_progress_add(pg, 1, (long)len);
        if (rc)
            break;
    }
    pp_progress_done(pg);
    r->bad = pp_source_bad(src);
    r->lost = pp_source_lost(src);
    pp_source_close(src);
    if (got < 0 && !rc)
        rc = 1;
    return rc;
}

static int ledger_rows(const char *path, pp_filter **fs, int nf, const tallies *ts)
{
    pp_error e;
    pp_ledger *lg = NULL;
    if (pp_ledger_open(path, "filter", &lg, &e) != PP_OK)
        return cli_fail(CMD, &e);
    pp_status s = PP_OK;
    for (int p = 0; p < nf && s == PP_OK; p++) {
        const char *pn = pp_filter_preset_name(pp_filter_get_preset(fs[p]));
        for (size_t i = 0; i < ts->n && s == PP_OK; i++) {
            const tally *t = &ts->t[i];
            double lo, hi;
            pp_wilson_interval(t->kept[p], t->n, &lo, &hi);
            s = pp_ledger_add(lg, pn, t->lang, "survival", (double)t->kept[p] / (double)t->n,
                              t->n, lo, hi, &e);
            for (size_t k = 0; k < ts->nrules[p] && s == PP_OK; k++) {
                char step[160];
                snprintf(step, sizeof step, "%s/%s", pn, pp_filter_rule_name(fs[p], k));
                pp_wilson_interval(t->failed[p][k], t->n, &lo, &hi);
                s = pp_ledger_add(lg, step, t->lang, "removed",
                                  (double)t->failed[p][k] / (double)t->n, t->n, lo, hi, &e);
            }
        }
    }
    pp_status c = pp_ledger_close(lg, s == PP_OK ? &e : NULL);
    return s == PP_OK && c == PP_OK ? 0 : cli_fail(CMD, &e);
}

static void survival_table(FILE *o, pp_filter **fs, int nf, const tallies *ts)
{
    fprintf(o, "%-14s %7s", "lang", "docs");
    for (int p = 0; p < nf; p++)
        fprintf(o, "  %-24s", pp_filter_preset_name(pp_filter_get_preset(fs[p])));
    fprintf(o, "\n");
    for (size_t i = 0; i < ts->n; i++) {
        const tally *t = &ts->t[i];
        fprintf(o, "%-14s %7ld", t->lang, t->n);
        for (int p = 0; p < nf; p++) {
            double lo, hi;
            pp_wilson_interval(t->kept[p], t->n, &lo, &hi);
            char cell[64];
            snprintf(cell, sizeof cell, "%5.1f%% [%5.1f, %5.1f]",
                     100.0 * (double)t->kept[p] / (double)t->n, 100.0 * lo, 100.0 * hi);
            fprintf(o, "  %-24s", cell);
        }
        fprintf(o, "\n");
    }
}

/* ------------------------------------------------------------ --compare */

/* Median over languages of a removal rate. */
static double median_rate(const tallies *ts, int p, int rule)
{
    if (!ts->n)
        return NAN;
    double *v = malloc(ts->n * sizeof *v);
    if (!v)
        return NAN;
    for (size_t i = 0; i < ts->n; i++) {
        const tally *t = &ts->t[i];
        v[i] = rule < 0 ? 1.0 - (double)t->kept[p] / (double)t->n
                        : (double)t->failed[p][rule] / (double)t->n;
    }
    if (ts->n > 1)
        qsort(v, ts->n, sizeof *v, cmp_dbl);
    double m = ts->n % 2 ? v[ts->n / 2] : 0.5 * (v[ts->n / 2 - 1] + v[ts->n / 2]);
    free(v);
    return m;
}

/* A disparity: the language's removal rate is at least twice the median
 * language's, and that holds for the lower end of its 95% Wilson interval,
 * which must also reach DISPARITY_MIN_RATE (one document of nine is no
 * finding). */
static int is_disparity(long removed, long n, double median)
{
    double lo, hi, rate = n ? (double)removed / (double)n : 0.0;
    pp_wilson_interval(removed, n, &lo, &hi);
    return rate >= DISPARITY_RATIO * median && lo >= DISPARITY_RATIO * median &&
           lo >= DISPARITY_MIN_RATE;
}

static const tally *find_tally(const tallies *ts, const char *lang)
{
    for (size_t i = 0; lang && i < ts->n; i++)
        if (strcmp(ts->t[i].lang, lang) == 0)
            return &ts->t[i];
    return NULL;
}

static double ref_rate(const tally *ref, int p, int rule)
{
    if (!ref)
        return NAN;
    return rule < 0 ? 1.0 - (double)ref->kept[p] / (double)ref->n
                    : (double)ref->failed[p][rule] / (double)ref->n;
}

static json_t *compare_json(pp_filter **fs, int nf, const tallies *ts, long bad,
                            const tally *ref)
{
    json_t *root = json_object();
    json_object_set_new(root, "disparity_rule",
                        json_pack("{s:f,s:f}", "ratio_to_median", DISPARITY_RATIO, "min_rate",
                                  DISPARITY_MIN_RATE));
    json_object_set_new(root, "unusable_records", json_integer(bad));
    if (ref)
        json_object_set_new(root, "reference", json_string(ref->lang));
    json_t *presets = json_array();
    for (int p = 0; p < nf; p++) {
        json_t *po = json_object();
        json_object_set_new(po, "preset",
                            json_string(pp_filter_preset_name(pp_filter_get_preset(fs[p]))));
        double med = median_rate(ts, p, -1);
        json_object_set_new(po, "median_removed", json_real(med));
        json_t *langs = json_object();
        for (size_t i = 0; i < ts->n; i++) {
            const tally *t = &ts->t[i];
            double lo, hi, rem = 1.0 - (double)t->kept[p] / (double)t->n;
            pp_wilson_interval(t->kept[p], t->n, &lo, &hi);
            json_object_set_new(langs, t->lang,
                                json_pack("{s:I,s:I,s:f,s:f,s:f,s:b}", "docs", (json_int_t)t->n,
                                          "kept", (json_int_t)t->kept[p], "survival", 1.0 - rem,
                                          "lo", lo, "hi", hi, "disparity",
                                          is_disparity(t->n - t->kept[p], t->n, med)));
        }
        json_object_set_new(po, "languages", langs);
        json_t *rules = json_array();
        for (size_t k = 0; k < ts->nrules[p]; k++) {
            double m = median_rate(ts, p, (int)k);
            json_t *ro = json_object();
            json_object_set_new(ro, "rule", json_string(pp_filter_rule_name(fs[p], k)));
            json_object_set_new(ro, "description",
                                json_string(pp_filter_rule_description(fs[p], k)));
            json_object_set_new(ro, "median_removed", json_real(m));
            json_t *rl = json_object(), *flag = json_array();
            for (size_t i = 0; i < ts->n; i++) {
                const tally *t = &ts->t[i];
                double rate = (double)t->failed[p][k] / (double)t->n;
                json_object_set_new(rl, t->lang, json_real(rate));
                if (is_disparity(t->failed[p][k], t->n, m))
                    json_array_append_new(flag, json_string(t->lang));
            }
            json_object_set_new(ro, "removed", rl);
            json_object_set_new(ro, "disparities", flag);
            if (ref) {
                double rr = ref_rate(ref, p, (int)k);
                json_t *vs = json_array();
                for (size_t i = 0; i < ts->n; i++)
                    if (&ts->t[i] != ref && is_disparity(ts->t[i].failed[p][k], ts->t[i].n, rr))
                        json_array_append_new(vs, json_string(ts->t[i].lang));
                json_object_set_new(ro, "reference_removed", json_real(rr));
                json_object_set_new(ro, "disparities_vs_reference", vs);
            }
            json_array_append_new(rules, ro);
        }
        json_object_set_new(po, "rules", rules);
        json_array_append_new(presets, po);
    }
    json_object_set_new(root, "presets", presets);
    return root;
}

static void compare_table(FILE *o, pp_filter **fs, int nf, const tallies *ts, const tally *ref)
{
    fprintf(o, "Survival per language (kept share, 95%% Wilson interval)\n\n");
    survival_table(o, fs, nf, ts);
    fprintf(o, "\nWhat each rule removes on its own (share of a language's documents)\n");
    fprintf(o, "disparity: a language losing >= %.0fx the median language's share, also at the\n"
               "lower end of its 95%% interval, and at least %.0f%% there\n",
            DISPARITY_RATIO, 100.0 * DISPARITY_MIN_RATE);
    for (int p = 0; p < nf; p++) {
        const char *pn = pp_filter_preset_name(pp_filter_get_preset(fs[p]));
        double med = median_rate(ts, p, -1);
        size_t flagged = 0;
        for (size_t i = 0; i < ts->n; i++)
            flagged += is_disparity(ts->t[i].n - ts->t[i].kept[p], ts->t[i].n, med);
        fprintf(o, "\n%s: median language loses %.1f%%; %zu of %zu %s at a disparity\n", pn,
                100.0 * med, flagged, ts->n, cli_noun(ts->n, "language", "languages"));
        if (ref) {
            size_t vflag = 0;
            double rr = ref_rate(ref, p, -1);
            for (size_t i = 0; i < ts->n; i++)
                vflag += &ts->t[i] != ref &&
                         is_disparity(ts->t[i].n - ts->t[i].kept[p], ts->t[i].n, rr);
            fprintf(o, "  against %s (loses %.1f%%): %zu %s >= 2x as much\n", ref->lang,
                    100.0 * rr, vflag, cli_noun(vflag, "language loses", "languages lose"));
        }
        fprintf(o, "  %-28s %8s %8s %-14s %s\n", "rule", "median", "max", "max lang",
                "languages at a disparity");
        for (size_t k = 0; k < ts->nrules[p]; k++) {
            double m = median_rate(ts, p, (int)k), mx = 0.0;
            const char *ml = "-";
            size_t nflag = 0;
            char list[200] = "";
            size_t used = 0;
            for (size_t i = 0; i < ts->n; i++) {
                double rate = (double)ts->t[i].failed[p][k] / (double)ts->t[i].n;
                if (rate > mx) {
                    mx = rate;
                    ml = ts->t[i].lang;
                }
                if (is_disparity(ts->t[i].failed[p][k], ts->t[i].n, m)) {
                    nflag++;
                    if (used + strlen(ts->t[i].lang) + 6 < sizeof list) {
                        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
                                                 used ? " " : "", ts->t[i].lang);
                    } else if (used + 4 < sizeof list && list[used - 1] != '.') {
                        used += (size_t)snprintf(list + used, sizeof list - used, " ...");
                    }
                }
            }
            fprintf(o, "  %-28s %7.1f%% %7.1f%% %-14s %zu%s%s\n", pp_filter_rule_name(fs[p], k),
                    100.0 * m, 100.0 * mx, ml, nflag, nflag ? ": " : "", list);
            if (ref) {
                double rr = ref_rate(ref, p, (int)k);
                size_t vflag = 0;
                for (size_t i = 0; i < ts->n; i++)
                    vflag += &ts->t[i] != ref &&
                             is_disparity(ts->t[i].failed[p][k], ts->t[i].n, rr);
                if (vflag)
                    fprintf(o, "  %-28s %s removes %.1f%%; %zu %s >= 2x as much\n", "",
                            ref->lang, 100.0 * rr, vflag,
                            cli_noun(vflag, "language loses", "languages lose"));
            }
        }
    }
}

/* ------------------------------------------------------------ entry */

int cmd_filter(int argc, char **argv)
{
    enum { O_EXPLAIN = 256, O_COMPARE, O_JSON, O_CALIB, O_THRESH, O_REF, O_NOPROF };
    static const struct option opts[] = {
        {"preset", required_argument, NULL, 'p'},    {"explain", no_argument, NULL, O_EXPLAIN},
        CLI_LONG_REJECTS, CLI_LONG_LEDGER, CLI_LONG_STRICT,
        {"compare", required_argument, NULL, O_COMPARE}, {"json", no_argument, NULL, O_JSON},
        {"calibrate", required_argument, NULL, O_CALIB},
        {"thresholds", required_argument, NULL, O_THRESH},
        CLI_LONG_OUTPUT, CLI_LONG_QUIET, CLI_LONG_PROGRESS, CLI_LONG_HELP,
        {"reference", required_argument, NULL, O_REF},
        {"no-profiles", no_argument, NULL, O_NOPROF},
        {NULL, 0, NULL, 0}};
    const char *preset = "culture-aware", *rejects = NULL, *ledger = NULL, *compare = NULL;
    const char *calib = NULL, *thresh = NULL, *output = NULL, *reference = NULL;
    int explain = 0, strict = 0, json = 0, quiet = 0, progress = -1, no_profiles = 0, c, cr;
    cli_common co;
    cli_common_init(&co, "filter", NULL);
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:o:" CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case 'p': preset = optarg; break;
        case O_EXPLAIN: explain = 1; break;
        case O_COMPARE: compare = optarg; break;
        case O_JSON: json = 1; break;
        case O_CALIB: calib = optarg; break;
        case O_THRESH: thresh = optarg; break;
        case O_REF: reference = optarg; break;
        case O_NOPROF: no_profiles = 1; break;
        default:
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0)
                return cr;
            break;
        }
    }
    rejects = co.rejects;
    ledger = co.ledger;
    strict = co.strict;
    output = co.output;
    quiet = co.quiet;
    progress = co.progress;
    if (argc - optind > 1)
        return cli_usage(CMD, "expects at most one input FILE");
    if (json && !compare)
        return cli_usage(CMD, "--json goes with --compare");
    if (reference && !compare)
        return cli_usage(CMD, "--reference goes with --compare");
    const char *input = optind < argc ? argv[optind] : NULL;

    pp_filter *fs[MAX_PRESETS] = {NULL, NULL, NULL};
    int nf = 0;
    pp_error e;
    char *list = strdup(compare ? compare : preset);
    if (!list)
        return 1;
    for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
        pp_filter_preset pr;
        if (pp_filter_preset_parse(tok, &pr, &e) != PP_OK) {
            free(list);
            for (int i = 0; i < nf; i++)
                pp_filter_free(fs[i]);
            return cli_usage(CMD, "%s", e.message);
        }
        if (nf == MAX_PRESETS) {
            free(list);
            for (int i = 0; i < nf; i++)
                pp_filter_free(fs[i]);
            return cli_usage(CMD, "--compare takes at most %d presets", MAX_PRESETS);
        }
        if (pp_filter_new(pr, &fs[nf], &e) != PP_OK) {
            free(list);
            for (int i = 0; i < nf; i++)
                pp_filter_free(fs[i]);
            return cli_fail(CMD, &e);
        }
        pp_filter_use_profiles(fs[nf], !no_profiles);
        nf++;
    }
    free(list);
    if (nf == 0)
        return cli_usage(CMD, "no preset given");

    run r = {.input = input, .strict = strict, .explain = explain, .quiet = quiet,
             .progress = cli_progress_stream(progress)};
    tallies ts = {.npresets = nf};
    for (int p = 0; p < nf; p++)
        ts.nrules[p] = pp_filter_nrules(fs[p]);
    char *spool = NULL;
    pp_writer *out = NULL;
    int rc = 0, needs_cal = 0;
    for (int p = 0; p < nf; p++)
        needs_cal |= pp_filter_calibration_passes(fs[p]) > 0;
    if (needs_cal && !calib) {
        if (cmd_spool_stdin(input, &spool, &e) != PP_OK) {
            rc = cli_fail(CMD, &e);
            goto done;
        }
        if (spool)
            r.input = spool;
        calib = r.input;
    }
    r.calib = calib;
    if (rejects && pp_writer_open(rejects, &r.rejects, &e) != PP_OK) {
        rc = cli_fail(CMD, &e);
        goto done;
    }
    if (needs_cal && (rc = calibrate(&r, fs, nf)) != 0)
        goto done;
    if (!compare && pp_writer_open(output, &out, &e) != PP_OK) {
        rc = cli_fail(CMD, &e);
        goto done;
    }
    if ((rc = filter_pass(&r, fs, nf, &ts, out)) != 0)
        goto done;
    if (out) {
        pp_status s = pp_writer_close(out, &e);
        out = NULL;
        if (s != PP_OK) {
            rc = cli_fail(CMD, &e);
            goto done;
        }
    }
    if (r.rejects) {
        pp_status s = pp_writer_close(r.rejects, &e);
        r.rejects = NULL;
        if (s != PP_OK) {
            rc = cli_fail(CMD, &e);
            goto done;
        }
    }
    if (ts.n)
        qsort(ts.t, ts.n, sizeof *ts.t, cmp_tally);
    if (ledger && (rc = ledger_rows(ledger, fs, nf, &ts)) != 0)
        goto done;
    if (thresh && (rc = write_thresholds(thresh, fs, nf, &ts)) != 0)
        goto done;
    if (compare) {
        if (reference && !find_tally(&ts, reference))
            cli_warn(CMD, "the reference language '%s' is not in the input", reference);
        if (json) {
            json_t *j = compare_json(fs, nf, &ts, r.bad, find_tally(&ts, reference));
            json_dumpf(j, stdout, JSON_INDENT(1) | JSON_SORT_KEYS);
            fputc('\n', stdout);
            json_decref(j);
        } else {
            compare_table(stdout, fs, nf, &ts, find_tally(&ts, reference));
        }
        if (r.bad)
            cli_warn(CMD, "%ld malformed or unusable records were skipped", r.bad);
    } else if (!quiet) {
        survival_table(stderr, fs, nf, &ts);
        if (r.bad)
            cli_warn(CMD, "%ld malformed or unusable records were skipped", r.bad);
    }
    if (fflush(stdout) != 0) {
        pp_error_set(&e, PP_ERR_IO, "<stdout>", 0, "cannot write");
        rc = cli_fail(CMD, &e);
    }
    if (r.lost && rc == 0)
        rc = 1; /* skipped without a --rejects file to hold them: not a clean run */
done:
    pp_writer_abort(out);
    pp_writer_abort(r.rejects);
    if (spool) {
        unlink(spool);
        free(spool);
    }
    tallies_free(&ts);
    for (int i = 0; i < nf; i++)
        pp_filter_free(fs[i]);
    return rc;
}
