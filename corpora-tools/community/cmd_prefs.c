/* cmd_prefs.c — `polyphony prefs import|validate|stats|synth`: preference data
 * that keeps annotator groups and their disagreement (docs/prefs.md). */
#include "config.h"

#include "src/cli/cli.h"
#include "src/pp_ledger.h"
#include "corpora-tools/community/pp_prefs.h"
#include "corpora-tools/community/cmd_prefs_int.h"
#include "src/pp_record.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The help of prefs, pieced so that each sub-command prints its own part. */
static const char syn_import[] =
    "polyphony prefs import   --annotators FILE [--out FILE] [--rejects FILE] [FILE...]\n"
    "   or: polyphony prefs import   --format lewidi --annotators META.json --group-by FIELD[,FIELD]\n"
    "                                [--labels L1,L2,...] [--out FILE] [--rejects FILE] ITEMS.json...\n";
static const char syn_validate[] = "polyphony prefs validate --annotators FILE [FILE...]\n";
static const char syn_stats[] =
    "polyphony prefs stats    --annotators FILE [--by DIM] [--json] [--ledger FILE]\n"
    "                                [--aggregate majority|per-group|distribution --out FILE]\n"
    "                                [--format lewidi --group-by FIELD[,FIELD]] [FILE...]\n";
static const char syn_synth[] =
    "polyphony prefs synth    [--seed S] [--noise P] --out FILE --annotators-out FILE\n"
    "   or: polyphony prefs synth    --variants CODE_A,CODE_B [--majority 0.7] [--seed S]\n"
    "                                [--udhr FILE] [--max-chars N] [--split-by pairs|annotators]\n"
    "                                --out FILE [--eval-out FILE]\n";
static const char about[] =
    "Preference records: prompt/chosen/rejected with an annotator and a guideline\n"
    "version, or a prompt with responses and per-annotator judgements. Every\n"
    "annotator is declared, with their groups (community, language, region...), in\n"
    "the annotators file (JSON array or JSONL of {\"id\",\"groups\":{...}}).\n";
static const char opt_import[] =
    "  import     merge and check records; write them in canonical form\n"
    "             --format lewidi  LeWiDi shared-task items (JSON keyed by id, per-\n"
    "                          annotator labels) with --annotators the annotator\n"
    "                          metadata: writes one preference record per item and\n"
    "                          group of --group-by (the group's preferred label as\n"
    "                          chosen, p_chosen its share); see docs/prefs.md\n"
    "             --labels L1,L2,...  the label set, when soft_label does not name\n"
    "                          the annotation scale (ConvAbuse: --labels=-3,-2,-1,0,1)\n";
static const char opt_validate[] = "  validate   check every record; report each bad line (file:line)\n";
static const char opt_stats[] =
    "  stats      Krippendorff's alpha (nominal) pooled and within each group,\n"
    "             agreement within vs between groups, and every prompt where\n"
    "             groups disagree; never collapsed to a majority\n"
    "             --by DIM       only this group dimension\n"
    "             --format lewidi --group-by FIELD[,FIELD]  LeWiDi items, grouped\n"
    "                            by annotator metadata (--annotators META.json)\n"
    "             --json         the report as JSON\n"
    "             --ledger FILE  append per-language rows (alpha pooled and per\n"
    "                            group, agreement within/across groups)\n"
    "             --aggregate    also write training pairs: majority (one pair per\n"
    "                            prompt), per-group (pairs per group of --by, with a\n"
    "                            \"group\" field), distribution (weighted by the share\n"
    "                            of annotators preferring the chosen response)\n";
static const char opt_synth[] =
    "  synth      the documented controlled set: groups with opposed, known\n"
    "             preferences (register, variety) on the same prompts\n"
    "             --seed S (default 1), --noise P (flip rate, default 0.1)\n"
    "             --variants A,B  instead: the same UDHR paragraph in two written\n"
    "                          variants of one language (declaration codes, e.g.\n"
    "                          ron_1953,ron_1993); group A-convention prefers A's text\n"
    "                          and B-convention B's; --majority P (default 0.7) of the\n"
    "                          training pairs and of the population side with A;\n"
    "                          --split-by pairs (default): each training paragraph\n"
    "                          is judged by one group (P of them by A);\n"
    "                          annotators: by both groups, A's record repeated\n"
    "                          against B's in the ratio P:(1-P) (0.7 -> 7:3);\n"
    "                          UDHR dev/test paragraphs give both groups' pairs\n"
    "                          (split \"eval\", or to --eval-out FILE)\n";

void usage_prefs(FILE *f)
{
    fprintf(f, "Usage: %s       %s       %s       %s\n%s\n%s%s%s%s", syn_import, syn_validate,
            syn_stats, syn_synth, about, opt_import, opt_validate, opt_stats, opt_synth);
}

static void usage_one(FILE *f, const char *syn, const char *opt)
{
    fprintf(f, "Usage: %s\n%s\n%s", syn, about, opt);
}

void usage_prefs_import(FILE *f) { usage_one(f, syn_import, opt_import); }
void usage_prefs_validate(FILE *f) { usage_one(f, syn_validate, opt_validate); }
void usage_prefs_stats(FILE *f) { usage_one(f, syn_stats, opt_stats); }
void usage_prefs_synth(FILE *f) { usage_one(f, syn_synth, opt_synth); }

typedef struct strv {
    char **v;
    size_t n;
} strv;

static void strv_push(strv *s, const char *x)
{
    char **nv = realloc(s->v, (s->n + 1) * sizeof *nv);
    if (!nv)
        return;
    s->v = nv;
    s->v[s->n++] = (char *)x; /* argv strings: not owned */
}

/* Read files into the set. Bad lines: with `rej`, written there and skipped;
 * with `report_all`, each reported and counted; otherwise the first stops. */
static int read_all(const char *cmd, pp_prefset *set, strv *files, pp_writer *rej, int report_all,
                    size_t *nbad)
{
    static const char *stdin_only[] = {"-"};
    char **v = files->n ? files->v : (char **)stdin_only;
    size_t n = files->n ? files->n : 1;
    *nbad = 0;
    pp_source *src = NULL;
    pp_error e;
    pp_error_clear(&e);
    pp_source_opts so = {(const char *const *)v, (int)n, NULL, rej, 0, NULL};
    if (pp_source_open(&so, &src, &e) != PP_OK)
        return cli_fail(cmd, &e), 0;
    int ok = 1;
    for (;;) {
        json_t *rec = NULL;
        pp_status st = pp_source_next(src, &rec, &e);
        if (st == PP_OK && !rec)
            break;
        if (st == PP_OK) {
            pp_reader *r = pp_source_reader(src);
            st = pp_prefset_add(set, rec, pp_reader_name(r), pp_reader_lineno(r), &e);
            if (st != PP_OK && st != PP_ERR_NOMEM) /* an unusable record: the source's policy */
                st = pp_source_reject(src, rec, e.message, &e);
        }
        json_decref(rec);
        if (st == PP_OK)
            continue;
        cli_fail(cmd, &e);
        if (!pp_reader_can_go_on(st) || !report_all) {
            ok = 0;
            break;
        }
    }
    *nbad = (size_t)pp_source_bad(src);
    pp_source_close(src);
    return ok;
}

static pp_status emit_pair(const json_t *p, void *ud, pp_error *err)
{
    return pp_writer_put((pp_writer *)ud, p, err);
}

static void ledger_num(const json_t *v, double *x)
{
    *x = json_is_number(v) ? json_number_value(v) : NAN;
}

/* Per-language rows: the stats of each language's prompts (lang field; "und"
 * when absent): pooled alpha, alpha within each group, agreement within and
 * across groups, prompts where groups differ. */
static int write_ledger(const char *cmd, const pp_prefset *set, const pp_annotators *ann,
                        const char *by, const char *path)
{
    pp_error e;
    pp_error_clear(&e);
    json_t *langs = json_object();
    for (size_t i = 0; i < pp_prefset_count(set); i++) {
        const json_t *it = pp_prefset_item(set, i);
        const char *l = json_string_value(json_object_get(it, "lang"));
        json_t *arr = json_object_get(langs, l ? l : "und");
        if (!arr) {
            arr = json_array();
            json_object_set_new(langs, l ? l : "und", arr);
        }
        json_array_append(arr, (json_t *)it);
    }
    pp_ledger *lg = NULL;
    int ok = pp_ledger_open(path, "prefs", &lg, &e) == PP_OK;
    const char *lang;
    json_t *items;
    json_object_foreach(langs, lang, items) {
        if (!ok)
            break;
        pp_prefset *sub = NULL;
        json_t *rep = NULL;
        ok = pp_prefset_new(ann, &sub, &e) == PP_OK;
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it) {
            if (ok)
                ok = pp_prefset_add(sub, it, path, 0, &e) == PP_OK;
        }
        pp_prefs_stats_opts so = {by};
        if (ok)
            ok = pp_prefs_stats(sub, &so, &rep, &e) == PP_OK;
        double a;
        const json_t *ov = json_object_get(rep, "alpha_overall");
        ledger_num(json_object_get(ov, "alpha"), &a);
        if (ok)
            ok = pp_ledger_add(lg, "all", lang, "alpha", a,
                               (long)json_integer_value(json_object_get(ov, "pairable")), NAN, NAN,
                               &e) == PP_OK;
        size_t d;
        json_t *dim;
        json_array_foreach(json_object_get(rep, "dimensions"), d, dim) {
            const char *dn = json_string_value(json_object_get(dim, "dimension"));
            size_t g;
            json_t *gr;
            json_array_foreach(json_object_get(dim, "groups"), g, gr) {
                char step[256];
                snprintf(step, sizeof step, "%s=%s", dn,
                         json_string_value(json_object_get(gr, "group")));
                ledger_num(json_object_get(gr, "alpha"), &a);
                if (ok)
                    ok = pp_ledger_add(lg, step, lang, "alpha", a,
                                       (long)json_integer_value(json_object_get(gr, "pairable")),
                                       NAN, NAN, &e) == PP_OK;
            }
            const json_t *b = json_object_get(dim, "between");
            double w, x;
            ledger_num(json_object_get(b, "agreement_within"), &w);
            ledger_num(json_object_get(b, "agreement_across"), &x);
            if (ok)
                ok = pp_ledger_add(lg, dn, lang, "agreement_within_groups", w,
                                   (long)json_integer_value(json_object_get(b, "pairs_within")),
                                   NAN, NAN, &e) == PP_OK &&
                     pp_ledger_add(lg, dn, lang, "agreement_across_groups", x,
                                   (long)json_integer_value(json_object_get(b, "pairs_across")),
                                   NAN, NAN, &e) == PP_OK &&
                     pp_ledger_add(lg, dn, lang, "prompts_groups_differ",
                                   (double)json_integer_value(
                                       json_object_get(dim, "prompts_where_groups_differ")),
                                   (long)pp_prefset_count(sub), NAN, NAN, &e) == PP_OK;
        }
        json_decref(rep);
        pp_prefset_free(sub);
    }
    json_decref(langs);
    if (lg && pp_ledger_close(lg, ok ? &e : NULL) != PP_OK)
        ok = 0;
    if (!ok)
        cli_fail(cmd, &e);
    return ok;
}

static int parse_agg(const char *s, pp_prefs_aggregate *out)
{
    if (strcmp(s, "majority") == 0)
        *out = PP_AGG_MAJORITY;
    else if (strcmp(s, "per-group") == 0)
        *out = PP_AGG_PER_GROUP;
    else if (strcmp(s, "distribution") == 0)
        *out = PP_AGG_DISTRIBUTION;
    else
        return 0;
    return 1;
}

int cmd_prefs_synth(int argc, char **argv)
{
    cli_common co;
    cli_common_init(&co, "prefs", "synth");
    const char *cmd = "prefs synth";
    static const struct option opts[] = {{"seed", required_argument, 0, 's'},
                                         {"noise", required_argument, 0, 'n'},
                                         {"out", required_argument, 0, 'o'},
                                         {"annotators-out", required_argument, 0, 'a'},
                                         {"variants", required_argument, 0, 'V'},
                                         {"majority", required_argument, 0, 'm'},
                                         {"udhr", required_argument, 0, 'u'},
                                         {"max-chars", required_argument, 0, 'x'},
                                         {"eval-out", required_argument, 0, 'E'},
                                         {"split-by", required_argument, 0, 'S'},
                                         CLI_LONG_QUIET, CLI_LONG_HELP,
                                         {0, 0, 0, 0}};
    long seed = 1;
    double noise = 0.1;
    const char *out = NULL, *aout = NULL, *variants = NULL, *udhr = NULL, *eval_out = NULL;
    double majority = 0.7;
    long max_chars = 0;
    int by_annotators = 0;
    int c, cr, have_noise = 0, have_variant_opt = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (!cli_parse_long(cmd, "--seed", optarg, 0, 2147483647L, &seed))
                return 2;
            break;
        case 'n':
            if (!cli_parse_double(cmd, "--noise", optarg, 0, 0.49, &noise))
                return 2;
            have_noise = 1;
            break;
        case 'V': variants = optarg; break;
        case 'm':
            if (!cli_parse_double(cmd, "--majority", optarg, 0.5, 0.99, &majority))
                return 2;
            have_variant_opt = 1;
            break;
        case 'u': udhr = optarg, have_variant_opt = 1; break;
        case 'x':
            if (!cli_parse_long(cmd, "--max-chars", optarg, 1, 1000000L, &max_chars))
                return 2;
            have_variant_opt = 1;
            break;
        case 'E': eval_out = optarg, have_variant_opt = 1; break;
        case 'S':
            if (strcmp(optarg, "annotators") == 0)
                by_annotators = 1;
            else if (strcmp(optarg, "pairs") != 0)
                return cli_usage(cmd, "--split-by expects pairs or annotators");
            have_variant_opt = 1;
            break;
        case 'o': out = optarg; break;
        case 'a': aout = optarg; break;
        default:
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0)
                return cr;
            break;
        }
    }
    if (variants) {
        if (aout || have_noise)
            return cli_usage(cmd, "--annotators-out and --noise are for the controlled set, not "
                                  "--variants");
        if (!out)
            return cli_usage(cmd, "--variants needs --out FILE");
        return prefs_synth_variants(cmd, variants, majority, seed, udhr, max_chars,
                                    by_annotators, out, eval_out);
    }
    if (have_variant_opt)
        return cli_usage(cmd, "--majority, --udhr, --max-chars, --split-by and --eval-out go with "
                             "--variants");
    if (!out || !aout)
        return cli_usage(cmd, "--out FILE and --annotators-out FILE are required");
    json_t *recs = NULL, *anns = NULL;
    pp_error e;
    pp_error_clear(&e);
    if (pp_prefs_synth((unsigned long long)seed, noise, &recs, &anns, &e) != PP_OK)
        return cli_fail(cmd, &e);
    int rc = 0;
    const char *paths[2] = {out, aout};
    json_t *lists[2] = {recs, anns};
    for (int k = 0; k < 2 && rc == 0; k++) {
        pp_writer *w = NULL;
        if (pp_writer_open(paths[k], &w, &e) != PP_OK) {
            rc = cli_fail(cmd, &e);
            break;
        }
        size_t i;
        json_t *x;
        json_array_foreach(lists[k], i, x) {
            if (pp_writer_put(w, x, &e) != PP_OK) {
                rc = cli_fail(cmd, &e);
                break;
            }
        }
        if (rc) {
            pp_writer_abort(w);
        } else if (pp_writer_close(w, &e) != PP_OK) {
            rc = cli_fail(cmd, &e);
        }
    }
    if (rc == 0)
        fprintf(stderr, "polyphony %s: %zu %s, %zu %s (seed %ld, noise %.2f)\n", cmd,
                json_array_size(recs), cli_noun(json_array_size(recs), "prompt", "prompts"),
                json_array_size(anns), cli_noun(json_array_size(anns), "annotator", "annotators"),
                seed, noise);
    json_decref(recs);
    json_decref(anns);
    return rc;
}

static int prefs_main(const char *sub, int argc, char **argv)
{
    cli_common co;
    cli_common_init(&co, "prefs", sub);
    char cmd[32];
    snprintf(cmd, sizeof cmd, "prefs %s", sub);
    static const struct option opts[] = {{"annotators", required_argument, 0, 'a'},
                                         {"out", required_argument, 0, 'o'},
                                         CLI_LONG_REJECTS,
                                         {"by", required_argument, 0, 'b'},
                                         {"json", no_argument, 0, 'j'},
                                         {"aggregate", required_argument, 0, 'g'},
                                         CLI_LONG_LEDGER,
                                         {"format", required_argument, 0, 'F'},
                                         {"group-by", required_argument, 0, 'G'},
                                         {"labels", required_argument, 0, 'L'},
                                         CLI_LONG_QUIET, CLI_LONG_HELP,
                                         {0, 0, 0, 0}};
    const char *annf = NULL, *out = NULL, *rejf = NULL, *by = NULL, *ledger = NULL;
    const char *group_by = NULL, *labels = NULL;
    int lewidi = 0;
    int json = 0, have_agg = 0, c, cr;
    pp_prefs_aggregate agg = PP_AGG_MAJORITY;
    optind = 1;
    while ((c = getopt_long(argc, argv, CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case 'a': annf = optarg; break;
        case 'o': out = optarg; break;
        case 'b': by = optarg; break;
        case 'j': json = 1; break;
        case 'F':
            if (strcmp(optarg, "lewidi") == 0)
                lewidi = 1;
            else if (strcmp(optarg, "records") != 0)
                return cli_usage(cmd, "--format expects records or lewidi");
            break;
        case 'G': group_by = optarg; break;
        case 'L': labels = optarg; break;
        case 'g':
            if (!parse_agg(optarg, &agg))
                return cli_usage(cmd, "--aggregate expects majority, per-group or distribution");
            have_agg = 1;
            break;
        default:
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0)
                return cr;
            break;
        }
    }
    rejf = co.rejects;
    ledger = co.ledger;
    if (!annf)
        return cli_usage(cmd, "--annotators FILE is required (who judged, and their groups)");
    int is_import = strcmp(sub, "import") == 0, is_stats = strcmp(sub, "stats") == 0;
    if (lewidi && !group_by)
        return cli_usage(cmd, "--format lewidi needs --group-by FIELD[,FIELD] (annotator metadata)");
    if ((group_by || labels) && !lewidi)
        return cli_usage(cmd, "--group-by and --labels are for --format lewidi (records carry "
                              "their groups)");
    if (lewidi && optind >= argc)
        return cli_usage(cmd, "--format lewidi needs the items file(s) (JSON keyed by item id)");
    if ((rejf && !is_import && !lewidi) || ((by || json || have_agg || ledger) && !is_stats) ||
        (out && !is_import && !have_agg))
        return cli_usage(cmd, "option not valid here (see --help)");
    if (have_agg && !out)
        return cli_usage(cmd, "--aggregate needs --out FILE");
    if (have_agg && agg == PP_AGG_PER_GROUP && !by && !lewidi)
        return cli_usage(cmd, "--aggregate per-group needs --by DIM");
    strv files = {0};
    for (int i = optind; i < argc; i++)
        strv_push(&files, argv[i]);
    pp_error e;
    pp_error_clear(&e);
    pp_annotators *ann = NULL;
    pp_prefset *set = NULL;
    pp_lewidi *lw = NULL;
    pp_writer *rej = NULL, *w = NULL;
    int rc = 0;
    size_t nbad = 0;
    if (lewidi) {
        if (rejf && pp_writer_open(rejf, &rej, &e) != PP_OK) {
            rc = cli_fail(cmd, &e);
            goto done;
        }
        rc = prefs_lewidi_load(cmd, files.v, files.n, annf, group_by, labels, rej, &lw);
        if (rc == 0 && is_import)
            rc = prefs_lewidi_import(cmd, lw, out, rej, rejf);
        if (rc == 0 && !is_import && pp_lewidi_prefset(lw, &ann, &set, &e) != PP_OK)
            rc = cli_fail(cmd, &e);
        if (rc == 0 && !by && is_stats)
            by = pp_lewidi_dimension(lw);
        if (rc == 0 && strcmp(sub, "validate") == 0)
            fprintf(stderr, "polyphony %s: %zu %s, no bad judgement\n", cmd,
                    pp_lewidi_item_count(lw), cli_noun(pp_lewidi_item_count(lw), "item", "items"));
        if (rej && pp_writer_close(rej, &e) != PP_OK && rc == 0)
            rc = cli_fail(cmd, &e);
        rej = NULL;
        if (rc || !is_stats)
            goto done;
    } else if (pp_annotators_load(annf, &ann, &e) != PP_OK ||
               pp_prefset_new(ann, &set, &e) != PP_OK ||
               (rejf && pp_writer_open(rejf, &rej, &e) != PP_OK)) {
        rc = cli_fail(cmd, &e);
        goto done;
    }
    if (!lewidi && !read_all(cmd, set, &files, rej, strcmp(sub, "validate") == 0, &nbad)) {
        rc = 1;
        goto done;
    }
    if (rej && pp_writer_close(rej, &e) != PP_OK) {
        rej = NULL;
        rc = cli_fail(cmd, &e);
        goto done;
    }
    rej = NULL;
    if (strcmp(sub, "validate") == 0) {
        fprintf(stderr, "polyphony %s: %zu %s, %zu bad %s\n", cmd, pp_prefset_count(set),
                cli_noun(pp_prefset_count(set), "prompt", "prompts"), nbad,
                cli_noun(nbad, "record", "records"));
        rc = nbad ? 1 : 0;
        goto done;
    }
    if (is_import) {
        if (pp_writer_open(out ? out : "-", &w, &e) != PP_OK) {
            rc = cli_fail(cmd, &e);
            goto done;
        }
        for (size_t i = 0; i < pp_prefset_count(set); i++)
            if (pp_writer_put(w, pp_prefset_item(set, i), &e) != PP_OK) {
                rc = cli_fail(cmd, &e);
                goto done;
            }
        pp_writer *tmp = w;
        w = NULL;
        if (pp_writer_close(tmp, &e) != PP_OK) {
            rc = cli_fail(cmd, &e);
            goto done;
        }
        fprintf(stderr, "polyphony %s: %zu %s%s", cmd, pp_prefset_count(set),
                cli_noun(pp_prefset_count(set), "prompt", "prompts"), nbad ? "" : "\n");
        if (nbad)
            fprintf(stderr, "; %zu bad %s written to %s\n", nbad,
                    cli_noun(nbad, "record", "records"), rejf);
        goto done;
    }
    /* stats */
    json_t *rep = NULL;
    pp_prefs_stats_opts so = {by};
    if (pp_prefs_stats(set, &so, &rep, &e) != PP_OK) {
        rc = cli_fail(cmd, &e);
        goto done;
    }
    if (json) {
        char *s = json_dumps(rep, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
        if (s)
            puts(s);
        free(s);
    } else {
        pp_prefs_stats_print(rep, stdout);
    }
    json_decref(rep);
    if (ledger && !write_ledger(cmd, set, ann, by, ledger)) {
        rc = 1;
        goto done;
    }
    if (have_agg) {
        size_t dropped = 0;
        if (pp_writer_open(out, &w, &e) != PP_OK ||
            pp_prefs_aggregate_pairs(set, agg, by, emit_pair, w, &dropped, &e) != PP_OK) {
            rc = cli_fail(cmd, &e);
            goto done;
        }
        pp_writer *tmp = w;
        w = NULL;
        if (pp_writer_close(tmp, &e) != PP_OK) {
            rc = cli_fail(cmd, &e);
            goto done;
        }
        if (dropped)
            fprintf(stderr, "polyphony %s: %zu %s without a unique preference left out of "
                            "the pairs (ties)\n",
                    cmd, dropped, cli_noun(dropped, "prompt", "prompts"));
    }
done:
    pp_writer_abort(rej);
    pp_writer_abort(w);
    pp_prefset_free(set);
    pp_annotators_free(ann);
    pp_lewidi_free(lw);
    free(files.v);
    return rc;
}

/* import, validate and stats share their options. */
int cmd_prefs_sub(int argc, char **argv)
{
    return prefs_main(argv[0], argc, argv);
}
