/* cmd_eval.c — `polyphony eval`: per-language (and per-group) scores with
 * seeded bootstrap intervals, ledger rows, and paired tests between two
 * systems. */
#include "config.h"
#include "src/cli/cli.h"
#include "eval-sets/metrics/eval_input.h"
#include "src/pp_ledger.h"
#include "src/pp_langtag.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void usage_eval(FILE *fp)
{
    fprintf(fp,
            "Usage: polyphony eval --metric M[,M...] [options] [PREDICTIONS.jsonl]\n"
            "       polyphony eval --metric M[,M...] --lang L [options] HYP.txt REF.txt [REF2.txt...]\n"
            "\n"
            "Score predictions per language (and per group) with a 95%% percentile\n"
            "bootstrap interval. Records: id, lang, optional group, and\n"
            "  prediction + reference (or references)   accuracy exact_match token_f1\n"
            "                                            chrf chrf++ bleu ter\n"
            "  choices + answer + prediction (index/text) accuracy\n"
            "  logprob (natural log) + bytes              bits_per_byte\n"
            "Plain-text input (two or more files): line i of HYP against line i of\n"
            "each REF, all in the language given by --lang. BLEU, TER, chrF and\n"
            "chrF++ follow sacreBLEU 2.x and print a signature to cite.\n"
            "\n"
            "Options:\n"
            "  -m, --metric M,...   accuracy, exact_match, token_f1, chrf, chrf++, bleu, ter,\n"
            "                       bits_per_byte (several: one result each)\n"
            "      --tokenize T     BLEU tokenizer: 13a (default), intl, char, none\n"
            "      --lang L         only records of language L (the registry's rule: sw\n"
            "                       takes swh); the language of plain-text lines and of\n"
            "                       records without one\n"
            "      --prediction-field F  field of the prediction (default prediction)\n"
            "      --reference-field F   field of the reference(s) (default reference or\n"
            "                       references; an array holds several)\n"
            "      --lang-field F   field of the language (default lang)\n"
            "  -l, --ledger FILE    append one row per language (stage eval, metric M)\n"
            "      --step NAME      step name for the ledger rows (e.g. the task)\n"
            "      --stage NAME     stage of the ledger rows (default eval; e.g. lid when\n"
            "                       scoring a language identifier)\n"
            "      --json           write JSON instead of a table\n"
            "  -B, --resamples N    bootstrap resamples (default 1000; 0: no intervals)\n"
            "  -s, --seed S         seed of the resampling (default 1)\n"
            "  -c, --compare FILE   paired bootstrap and approximate randomization against\n"
            "                       a second system's predictions (same ids); with\n"
            "                       --ledger, rows of both systems and of their difference\n"
            "                       with its p-values\n"
            "  -h, --help           show this help\n");
}

typedef struct cell_result {
    const char *key;
    size_t n;
    double value, lo, hi;
    pp_paired_result paired;
} cell_result;

static void json_num(json_t *o, const char *k, double v)
{
    json_object_set_new(o, k, isfinite(v) ? json_real(v) : json_null());
}

static void print_num(double v, int w, int prec)
{
    if (isfinite(v))
        printf(" %*.*f", w, prec, v);
    else
        printf(" %*s", w, "-");
}

/* Score cells (languages, groups or everything) of one set, with or
 * without a second system. Results in res[0..nc). */
static void score_cells(const eval_set *a, const eval_set *b, const size_t *map, const eval_cell *c,
                        size_t nc, long resamples, unsigned long long seed, const char *prefix,
                        cell_result *res)
{
#pragma omp parallel for schedule(dynamic, 1)
    for (size_t i = 0; i < nc; i++) {
        char stream[256];
        snprintf(stream, sizeof stream, "%s%s", prefix, c[i].key);
        cell_result *r = &res[i];
        r->key = c[i].key;
        r->n = c[i].n;
        double *da = eval_gather(a, &c[i]);
        double sums[PP_METRIC_MAX_STATS] = {0};
        r->value = r->lo = r->hi = NAN;
        memset(&r->paired, 0, sizeof r->paired);
        if (!da)
            continue;
        for (size_t t = 0; t < c[i].n; t++)
            for (size_t j = 0; j < a->k; j++)
                sums[j] += da[t * a->k + j];
        r->value = pp_metric_score(a->metric, sums);
        pp_bootstrap_interval(a->metric, da, c[i].n, seed, stream, resamples, &r->lo, &r->hi);
        if (b) {
            double *db = malloc(c[i].n * b->k * sizeof *db);
            if (db) {
                for (size_t t = 0; t < c[i].n; t++)
                    memcpy(db + t * b->k, b->stats + map[c[i].idx[t]] * b->k, b->k * sizeof *db);
                pp_paired_test(a->metric, da, db, c[i].n, seed, stream, resamples, &r->paired);
                free(db);
            }
        }
        free(da);
    }
}

/* Map each item of a to the item of b with the same id; errors name the
 * first id found in one file and not in the other. */
static int match_ids(const eval_set *a, const eval_set *b, size_t **map_out)
{
    size_t *ia = malloc(a->n * sizeof *ia), *ib = malloc(b->n * sizeof *ib);
    size_t *map = malloc(a->n * sizeof *map);
    int ok = ia && ib && map;
    if (!ok) {
        fprintf(stderr, "polyphony eval: out of memory\n");
    } else {
        for (size_t i = 0; i < a->n; i++)
            ia[i] = i;
        for (size_t i = 0; i < b->n; i++)
            ib[i] = i;
        /* insertion-free: sort index arrays by id with a local comparator */
        const eval_set *sets[2] = {a, b};
        size_t *arr[2] = {ia, ib};
        for (int s = 0; s < 2; s++) {
            const eval_set *S = sets[s];
            size_t *A = arr[s];
            /* simple merge sort by id */
            size_t n = S->n;
            size_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
            if (!tmp) {
                ok = 0;
                break;
            }
            for (size_t w = 1; w < n; w *= 2) {
                for (size_t lo = 0; lo < n; lo += 2 * w) {
                    size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
                    size_t i = lo, j = mid, k = lo;
                    while (i < mid && j < hi)
                        tmp[k++] = strcmp(S->items[A[i]].id, S->items[A[j]].id) <= 0 ? A[i++] : A[j++];
                    while (i < mid)
                        tmp[k++] = A[i++];
                    while (j < hi)
                        tmp[k++] = A[j++];
                }
                memcpy(A, tmp, n * sizeof *A);
            }
            free(tmp);
        }
        size_t i = 0, j = 0;
        while (ok && (i < a->n || j < b->n)) {
            int c = i >= a->n ? 1 : j >= b->n ? -1 : strcmp(a->items[ia[i]].id, b->items[ib[j]].id);
            if (c < 0) {
                fprintf(stderr,
                        "polyphony eval: ids differ: %s:%ld: id '%s' is not in %s (both files "
                        "must score the same items)\n",
                        a->file, a->items[ia[i]].line, a->items[ia[i]].id, b->file);
                ok = 0;
            } else if (c > 0) {
                fprintf(stderr,
                        "polyphony eval: ids differ: %s:%ld: id '%s' is not in %s (both files "
                        "must score the same items)\n",
                        b->file, b->items[ib[j]].line, b->items[ib[j]].id, a->file);
                ok = 0;
            } else {
                const eval_item *x = &a->items[ia[i]], *y = &b->items[ib[j]];
                if (strcmp(x->lang, y->lang) != 0) {
                    fprintf(stderr,
                            "polyphony eval: %s:%ld: id '%s' has lang '%s' here but '%s' in %s:%ld\n",
                            b->file, y->line, y->id, y->lang, x->lang, a->file, x->line);
                    ok = 0;
                }
                map[ia[i]] = ib[j];
                i++, j++;
            }
        }
    }
    free(ia);
    free(ib);
    if (!ok) {
        free(map);
        return 0;
    }
    *map_out = map;
    return 1;
}

/* One note for every cell with a single item (their scores have no interval). */
static void note_single(const cell_result *r, size_t n, const char *what)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += r[i].n == 1;
    if (k == 0)
        return;
    if (k == 1) {
        for (size_t i = 0; i < n; i++)
            if (r[i].n == 1)
                cli_warn("eval", "%s '%s' has a single item: its score has no interval", what, r[i].key);
        return;
    }
    fprintf(stderr, "polyphony eval: %zu %ss have a single item, so their scores have no interval:", k, what);
    size_t shown = 0;
    for (size_t i = 0; i < n && shown < 10; i++)
        if (r[i].n == 1)
            fprintf(stderr, "%s %s", shown++ ? "," : "", r[i].key);
    fprintf(stderr, "%s\n", k > shown ? ", ..." : "");
}

static json_t *cell_json(const cell_result *r, const char *keyname, int compare)
{
    json_t *o = json_object();
    json_object_set_new(o, keyname, json_string(r->key));
    json_object_set_new(o, "n", json_integer((json_int_t)r->n));
    if (!compare) {
        json_num(o, "value", r->value);
        json_num(o, "lo", r->lo);
        json_num(o, "hi", r->hi);
    } else {
        json_num(o, "a", r->paired.a);
        json_num(o, "b", r->paired.b);
        json_num(o, "delta", r->paired.delta);
        json_num(o, "delta_lo", r->paired.delta_lo);
        json_num(o, "delta_hi", r->paired.delta_hi);
        json_num(o, "p_bootstrap", r->paired.p_bootstrap);
        json_num(o, "p_randomization", r->paired.p_randomization);
    }
    return o;
}

static void print_rows(const char *title, const cell_result *r, size_t n, int compare, int prec)
{
    if (!compare) {
        printf("%-14s %7s %10s %10s %10s\n", title, "n", "score", "lo", "hi");
        for (size_t i = 0; i < n; i++) {
            printf("%-14s %7zu", r[i].key, r[i].n);
            print_num(r[i].value, 10, prec);
            print_num(r[i].lo, 10, prec);
            print_num(r[i].hi, 10, prec);
            printf("\n");
        }
    } else {
        printf("%-14s %7s %9s %9s %9s %9s %9s %8s %8s\n", title, "n", "A", "B", "A-B", "lo", "hi",
               "p_boot", "p_ar");
        for (size_t i = 0; i < n; i++) {
            const pp_paired_result *p = &r[i].paired;
            printf("%-14s %7zu", r[i].key, r[i].n);
            print_num(p->a, 9, prec);
            print_num(p->b, 9, prec);
            print_num(p->delta, 9, prec);
            print_num(p->delta_lo, 9, prec);
            print_num(p->delta_hi, 9, prec);
            print_num(p->p_bootstrap, 8, 4);
            print_num(p->p_randomization, 8, 4);
            printf("\n");
        }
    }
}

/* A sacreBLEU-style signature of a score: what was computed, how. */
static void signature(const eval_set *a, long resamples, long seed, char *out, size_t cap)
{
    char nrefs[32];
    if (a->nrefs_min == a->nrefs_max)
        snprintf(nrefs, sizeof nrefs, "%zu", a->nrefs_min);
    else
        snprintf(nrefs, sizeof nrefs, "var");
    switch (a->metric) {
    case PP_METRIC_BLEU:
        snprintf(out, cap, "BLEU|nrefs:%s|case:mixed|eff:no|tok:%s|smooth:exp|", nrefs,
                 pp_bleu_tokenize_name(a->tok));
        break;
    case PP_METRIC_TER:
        snprintf(out, cap, "TER|nrefs:%s|case:lc|tok:tercom|norm:no|punct:yes|asian:no|", nrefs);
        break;
    case PP_METRIC_CHRF:
    case PP_METRIC_CHRFPP:
        snprintf(out, cap, "chrF2%s|nrefs:%s|case:mixed|eff:yes|nc:6|nw:%d|space:no|",
                 a->metric == PP_METRIC_CHRFPP ? "++" : "", nrefs,
                 a->metric == PP_METRIC_CHRFPP ? 2 : 0);
        break;
    default:
        snprintf(out, cap, "%s|", pp_metric_name(a->metric));
        break;
    }
    size_t l = strlen(out);
    snprintf(out + l, cap - l, "bs:%ld|seed:%ld|version:polyphony-%s", resamples, seed,
             PACKAGE_VERSION);
}

/* The step of a system's ledger rows: "STEP:NAME" (or NAME), NAME the
 * file's base name without its extensions ("mt:system-a"). */
static void system_step(const char *step, const char *file, char *out, size_t cap)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t n = strcspn(base, ".");
    snprintf(out, cap, "%s%s%.*s", step ? step : "", step ? ":" : "", (int)(n ? n : strlen(base)),
             base);
}

typedef struct eval_run {
    const char *stage, *step;
    long resamples, seed;
    int json_out;
    pp_ledger *ledger;
} eval_run;

/* One metric over sets a (and b): table or JSON object, ledger rows. */
static int run_metric(const eval_set *a, const eval_set *b, const size_t *map, const eval_run *r,
                      json_t *jout)
{
    pp_error err;
    pp_error_clear(&err);
    pp_metric m = a->metric;
    int rc = 0;
    eval_cell *langs = NULL, *groups = NULL, all;
    size_t nl = 0, ng = 0;
    cell_result *rl = NULL, *rg = NULL, ra;
    if (eval_cells(a, 0, &langs, &nl, &err) != PP_OK || eval_cells(a, 1, &groups, &ng, &err) != PP_OK) {
        rc = cli_fail("eval", &err);
        goto done;
    }
    all.key = "all";
    all.n = a->n;
    all.idx = malloc(a->n * sizeof(size_t));
    for (size_t i = 0; all.idx && i < a->n; i++)
        all.idx[i] = i;
    rl = calloc(nl + 1, sizeof *rl);
    rg = calloc(ng + 1, sizeof *rg);
    if (!all.idx || !rl || !rg) {
        fprintf(stderr, "polyphony eval: out of memory\n");
        free(all.idx);
        rc = 1;
        goto done;
    }
    score_cells(a, b, map, langs, nl, r->resamples, (unsigned long long)r->seed, "lang:", rl);
    score_cells(a, b, map, groups, ng, r->resamples, (unsigned long long)r->seed, "group:", rg);
    score_cells(a, b, map, &all, 1, r->resamples, (unsigned long long)r->seed, "", &ra);
    free(all.idx);
    note_single(rl, nl, "language");
    note_single(rg, ng, "group");
    char sig[256];
    signature(a, r->resamples, r->seed, sig, sizeof sig);
    int scaled = m == PP_METRIC_CHRF || m == PP_METRIC_CHRFPP || m == PP_METRIC_BLEU ||
                 m == PP_METRIC_TER;
    int prec = scaled ? 2 : 4;
    if (r->json_out) {
        json_t *o = json_object(), *jl = json_array(), *jg = json_array();
        json_object_set_new(o, "metric", json_string(pp_metric_name(m)));
        json_object_set_new(o, "signature", json_string(sig));
        json_object_set_new(o, "file", json_string(a->file));
        if (b)
            json_object_set_new(o, "compare", json_string(b->file));
        json_object_set_new(o, "higher_is_better", json_boolean(!pp_metric_lower_is_better(m)));
        json_object_set_new(o, "resamples", json_integer(r->resamples));
        json_object_set_new(o, "seed", json_integer(r->seed));
        for (size_t i = 0; i < nl; i++)
            json_array_append_new(jl, cell_json(&rl[i], "lang", b != NULL));
        for (size_t i = 0; i < ng; i++)
            json_array_append_new(jg, cell_json(&rg[i], "group", b != NULL));
        json_object_set_new(o, "languages", jl);
        json_object_set_new(o, "groups", jg);
        json_object_set_new(o, "all", cell_json(&ra, "lang", b != NULL));
        json_array_append_new(jout, o);
    } else {
        if (b)
            printf("%s: %s (A) vs %s (B); paired bootstrap and approximate randomization, %ld "
                   "%s, seed %ld\n",
                   pp_metric_name(m), a->file, b->file, r->resamples,
                   cli_noun(r->resamples, "resample", "resamples"), r->seed);
        else
            printf("%s: %s; 95%% percentile bootstrap, %ld %s, seed %ld%s\n",
                   pp_metric_name(m), a->file, r->resamples,
                   cli_noun(r->resamples, "resample", "resamples"), r->seed,
                   pp_metric_lower_is_better(m) ? " (lower is better)" : "");
        print_rows("lang", rl, nl, b != NULL, prec);
        if (ng) {
            printf("\n");
            print_rows("group", rg, ng, b != NULL, prec);
        }
        printf("\n");
        print_rows("", &ra, 1, b != NULL, prec);
        printf("signature: %s\n", sig);
    }
    for (size_t i = 0; r->ledger && i < nl && rc == 0; i++) {
        const char *mn = pp_metric_name(m);
        if (!b) {
            if (pp_ledger_add(r->ledger, r->step, rl[i].key, mn, rl[i].value, (long)rl[i].n,
                              rl[i].lo, rl[i].hi, &err) != PP_OK)
                rc = cli_fail("eval", &err);
            continue;
        }
        /* both systems (their step names the file unless --step is given),
         * and their difference with the paired tests' p-values */
        const pp_paired_result *p = &rl[i].paired;
        char sa[512], sb[512], md[64];
        system_step(r->step, a->file, sa, sizeof sa);
        system_step(r->step, b->file, sb, sizeof sb);
        snprintf(md, sizeof md, "%s_delta", mn);
        json_t *ex = json_pack("{s:s,s:f,s:f,s:s,s:s,s:s}", "kind", "inventory", "p_bootstrap",
                               p->p_bootstrap, "p_randomization", p->p_randomization, "a", a->file,
                               "b", b->file, "signature", sig);
        if (pp_ledger_add(r->ledger, sa, rl[i].key, mn, p->a, (long)rl[i].n, NAN, NAN, &err) !=
                PP_OK ||
            pp_ledger_add(r->ledger, sb, rl[i].key, mn, p->b, (long)rl[i].n, NAN, NAN, &err) !=
                PP_OK ||
            pp_ledger_add_extra(r->ledger, r->step, rl[i].key, md, p->delta, (long)rl[i].n,
                                p->delta_lo, p->delta_hi, ex, &err) != PP_OK)
            rc = cli_fail("eval", &err);
        json_decref(ex);
    }
done:
    free(rl);
    free(rg);
    eval_cells_free(langs, nl);
    eval_cells_free(groups, ng);
    return rc;
}

int cmd_eval(int argc, char **argv)
{
    enum { O_TOK = 256, O_LANG, O_PF, O_RF, O_LF };
    static const struct option opts[] = {
        {"metric", required_argument, NULL, 'm'}, CLI_LONG_LEDGER,
        {"step", required_argument, NULL, 'S'},   {"json", no_argument, NULL, 'j'},
        {"stage", required_argument, NULL, 'G'},
        {"resamples", required_argument, NULL, 'B'}, {"seed", required_argument, NULL, 's'},
        {"compare", required_argument, NULL, 'c'}, {"tokenize", required_argument, NULL, O_TOK},
        {"lang", required_argument, NULL, O_LANG}, {"prediction-field", required_argument, NULL, O_PF},
        {"reference-field", required_argument, NULL, O_RF},
        {"lang-field", required_argument, NULL, O_LF}, CLI_LONG_QUIET, CLI_LONG_HELP,
        {NULL, 0, NULL, 0}};
    cli_common co;
    cli_common_init(&co, "eval", NULL);
    const char *metric_names = NULL, *ledger_path = NULL, *other = NULL, *tok_name = "13a";
    eval_run run = {"eval", NULL, 1000, 1, 0, NULL};
    eval_opts eo;
    memset(&eo, 0, sizeof eo);
    optind = 1;
    int c, cr;
    while ((c = getopt_long(argc, argv, "m:l:jB:s:c:" CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case 'm': metric_names = optarg; break;
        case 'l': /* -l is --ledger */
        case CLI_OPT_LEDGER: ledger_path = optarg; break;
        case 'S': run.step = optarg; break;
        case 'G':
            if (!*optarg)
                return cli_usage("eval", "--stage needs a name");
            run.stage = optarg;
            break;
        case 'j': run.json_out = 1; break;
        case 'B':
            if (!cli_parse_long("eval", "--resamples", optarg, 0, 100000000, &run.resamples))
                return 2;
            break;
        case 's':
            if (!cli_parse_long("eval", "--seed", optarg, 0, 0x7fffffffffffffffL, &run.seed))
                return 2;
            break;
        case 'c': other = optarg; break;
        case O_TOK: tok_name = optarg; break;
        case O_LANG:
            if (pp_langtag_canonicalize(optarg, (char[128]){0}, 128, NULL) != PP_OK)
                return cli_usage("eval", "--lang '%s' is not a BCP 47 tag", optarg);
            eo.lang = optarg;
            break;
        case O_PF: eo.prediction_field = optarg; break;
        case O_RF: eo.reference_field = optarg; break;
        case O_LF: eo.lang_field = optarg; break;
        default:
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0)
                return cr;
            break;
        }
    }
    if (!metric_names)
        return cli_usage("eval", "--metric is required");
    pp_error err;
    pp_error_clear(&err);
    if (pp_bleu_tokenize_parse(tok_name, &eo.tok, &err) != PP_OK)
        return cli_usage("eval", "--tokenize: %s", err.message);
    /* the metrics, in the order given */
    pp_metric ms[16];
    size_t nm = 0;
    char *list = strdup(metric_names);
    if (!list)
        return cli_usage("eval", "out of memory");
    for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (nm == 16 || pp_metric_parse(t, &ms[nm], &err) != PP_OK) {
            free(list);
            return cli_usage("eval", "%s", nm == 16 ? "at most 16 metrics" : err.message);
        }
        nm++;
    }
    free(list);
    if (!nm)
        return cli_usage("eval", "--metric names no metric");
    int nfiles = argc - optind;
    int text = nfiles >= 2;
    if (text && !eo.lang)
        return cli_usage("eval", "plain-text input (HYP REF...) needs --lang");
    if (text && other)
        return cli_usage("eval", "--compare reads JSONL predictions, not plain text");
    pp_registry *reg = NULL;
    if (eo.lang && pp_registry_open(NULL, &reg, NULL) != PP_OK)
        reg = NULL; /* equal language subtags only */
    eo.reg = reg;

    const char *path = optind < argc ? argv[optind] : "-";
    eval_set *a = NULL, *b = NULL;
    size_t *map = NULL;
    int rc = 0;
    pp_status st = text ? eval_set_read_text(argv[optind], argv + optind + 1, (size_t)nfiles - 1,
                                             ms[0], &eo, &a, &err)
                        : eval_set_read(path, ms[0], &eo, &a, &err);
    if (st == PP_OK && other && (st = eval_set_read(other, ms[0], &eo, &b, &err)) == PP_OK &&
        !match_ids(a, b, &map))
        rc = 1;
    if (st != PP_OK)
        rc = cli_fail("eval", &err);
    if (!rc && ledger_path && pp_ledger_open(ledger_path, run.stage, &run.ledger, &err) != PP_OK)
        rc = cli_fail("eval", &err);
    json_t *jout = json_array();
    for (size_t i = 0; !rc && i < nm; i++) {
        if (i && (eval_set_restat(a, ms[i], eo.tok, &err) != PP_OK ||
                  (b && eval_set_restat(b, ms[i], eo.tok, &err) != PP_OK))) {
            rc = cli_fail("eval", &err);
            break;
        }
        if (i && !run.json_out)
            printf("\n");
        rc = run_metric(a, b, map, &run, jout);
    }
    if (run.ledger && pp_ledger_close(run.ledger, rc ? NULL : &err) != PP_OK && rc == 0)
        rc = cli_fail("eval", &err);
    if (!rc && run.json_out) {
        /* one metric: its object; several: an array of them */
        json_dumpf(nm == 1 ? json_array_get(jout, 0) : jout, stdout,
                   JSON_INDENT(1) | JSON_REAL_PRECISION(10));
        printf("\n");
    }
    json_decref(jout);
    if (fflush(stdout) != 0 && rc == 0) {
        fprintf(stderr, "polyphony eval: cannot write the results\n");
        rc = 1;
    }
    free(map);
    eval_set_free(a);
    eval_set_free(b);
    pp_registry_free(reg);
    return rc;
}
