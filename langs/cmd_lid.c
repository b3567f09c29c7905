/* cmd_lid.c — `polyphony lid` (identify), `polyphony lid train` and
 * `polyphony lid eval`. */
#include "config.h"
#include "src/cli/cli.h"

#include "src/pp_data.h"
#include "src/pp_langtag.h"
#include "src/pp_ledger.h"
#include "langs/pp_lid.h"
#include "src/pp_progress.h"
#include "langs/pp_registry.h"
#include "src/pp_record.h"
#include "src/pp_stats.h"

#include <ctype.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Open --model or (NULL) the bundled default. */
static int open_model(const char *cmd, const char *model, const char *thresholds, pp_lid **lid)
{
    pp_error err;
    if (pp_lid_load(model, thresholds, lid, &err) != PP_OK)
        return cli_fail(cmd, &err);
    return 0;
}

/* A code as ISO 639-3 ("yo", "yor", "yor_Latn", "yo-Latn" -> "yor"); "und"
 * stays "und"; unknown codes are returned lowercased as given. */
static void to_iso3(const char *code, char out[16])
{
    out[0] = '\0';
    if (!code || !*code)
        return;
    char buf[64];
    snprintf(buf, sizeof buf, "%s", code);
    char *us = strchr(buf, '_');
    if (us)
        *us = '\0';
    if (strncmp(buf, "und", 3) == 0 && (buf[3] == '\0' || buf[3] == '-')) {
        snprintf(out, 16, "und");
        return;
    }
    size_t n = strlen(buf);
    int three = n == 3;
    for (size_t i = 0; i < n; i++)
        if (!isalpha((unsigned char)buf[i]))
            three = 0;
    if (three) {
        for (size_t i = 0; i < n; i++)
            out[i] = (char)tolower((unsigned char)buf[i]);
        out[3] = '\0';
        return;
    }
    char canon[64], iso[4];
    if (pp_langtag_canonicalize(buf, canon, sizeof canon, NULL) == PP_OK) {
        pp_langtag_iso639_3(canon, iso);
        if (iso[0]) {
            snprintf(out, 16, "%s", iso);
            return;
        }
    }
    snprintf(out, 16, "%.15s", buf);
}

/* ------------------------------------------------------------------ train */

void usage_lid_train(FILE *f)
{
    fprintf(f,
            "Usage: polyphony lid train --input FILE --output MODEL.ftz [options]\n"
            "Train a fastText language identifier on JSONL records (character n-grams),\n"
            "quantize it and write per-label thresholds to MODEL.ftz.thresholds.json.\n"
            "  -i, --input FILE        labelled records (text + label field)\n"
            "  -o, --output MODEL      MODEL.ftz (quantized) or MODEL.bin (--no-quantize)\n"
            "      --label-field F     label field (default lang; BCP 47, ISO 639-3 or xxx_Xxxx)\n"
            "      --bcp47-labels      model labels as BCP 47 tags (__label__en, as lid.176)\n"
            "                          instead of ISO 639-3 + script (__label__eng_Latn)\n"
            "      --split NAME        train on records whose meta.split is NAME\n"
            "      --dev-split NAME    calibrate thresholds on meta.split NAME (default: every\n"
            "                          10th record is held out)\n"
            "      --min-chars N       drop labels with fewer training characters (default 0)\n"
            "      --no-sentences      train on whole records only (no sentences, pairs, windows)\n"
            "      --dim N --epoch N --lr X --minn N --maxn N --word-ngrams N --bucket N\n"
            "      --min-count N       words seen fewer times are represented by their\n"
            "                          character n-grams only (default 1)\n"
            "      --seed N --threads N --cutoff N --dsub N --no-quantize\n"
            "      --default-threshold X  threshold of labels with < 5 dev sentences (default 0)\n"
            "      --max-threshold X  cap on calibrated thresholds (default 0.5)\n"
            "      --profile-top N     trigrams per label in MODEL.profiles.tsv.zst, used to\n"
            "                          re-rank the best labels (default 600; 0: none)\n"
            "      --max-per-source N  at most N training examples per label from each source\n"
            "                          (the records' \"source\" field; default 0: all)\n"
            "      --profile-per-source  one trigram profile per label and source: a text is\n"
            "                          compared with the closest (as lid profiles --per-source)\n"
            "  -q, --quiet         no progress report\n");
}

int cmd_lid_train(int argc, char **argv)
{
    const char *cmd = "lid train";
    cli_common co;
    cli_common_init(&co, "lid", "train");
    pp_lid_train_opts o;
    pp_lid_train_opts_init(&o);
    enum { O_LF = 256, O_SPLIT, O_DEV, O_MINC, O_NOSENT, O_DIM, O_EPOCH, O_LR, O_MINN, O_MAXN,
           O_WNG, O_BUCKET, O_SEED, O_THREADS, O_CUTOFF, O_NOQ, O_DEFT, O_DSUB, O_BCP, O_MINCOUNT, O_MAXT, O_PTOP, O_MAXSRC,
           O_PSRC };
    static const struct option opts[] = {
        {"input", required_argument, 0, 'i'}, CLI_LONG_OUTPUT,
        {"label-field", required_argument, 0, O_LF}, {"split", required_argument, 0, O_SPLIT},
        {"dev-split", required_argument, 0, O_DEV}, {"min-chars", required_argument, 0, O_MINC},
        {"no-sentences", no_argument, 0, O_NOSENT}, {"dim", required_argument, 0, O_DIM},
        {"epoch", required_argument, 0, O_EPOCH}, {"lr", required_argument, 0, O_LR},
        {"minn", required_argument, 0, O_MINN}, {"maxn", required_argument, 0, O_MAXN},
        {"word-ngrams", required_argument, 0, O_WNG}, {"bucket", required_argument, 0, O_BUCKET},
        {"seed", required_argument, 0, O_SEED}, {"threads", required_argument, 0, O_THREADS},
        {"cutoff", required_argument, 0, O_CUTOFF}, {"no-quantize", no_argument, 0, O_NOQ},
        {"default-threshold", required_argument, 0, O_DEFT}, CLI_LONG_QUIET,
        {"dsub", required_argument, 0, O_DSUB}, {"min-count", required_argument, 0, O_MINCOUNT},
        {"max-threshold", required_argument, 0, O_MAXT},
        {"max-per-source", required_argument, 0, O_MAXSRC},
        {"profile-per-source", no_argument, 0, O_PSRC},
        {"profile-top", required_argument, 0, O_PTOP}, {"bcp47-labels", no_argument, 0, O_BCP},
        CLI_LONG_HELP, {0, 0, 0, 0}};
    int c, cr;
    long v;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:o:" CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case 'i': o.input = optarg; break;
        case 'o': o.output = optarg; break;
        case O_LF: o.label_field = optarg; break;
        case O_SPLIT: o.split = optarg; break;
        case O_DEV: o.dev_split = optarg; break;
        case O_NOSENT: o.sentences = 0; break;
        case O_NOQ: o.quantize = 0; break;
        case O_BCP: o.bcp47_labels = 1; break;
        case O_PSRC: o.profile_per_source = 1; break;
#define LOPT(K, NAME, F, MIN, MAX)                                                    \
    case K:                                                                     \
        if (!cli_parse_long(cmd, NAME, optarg, MIN, MAX, &v)) \
            return 2;                                                           \
        o.F = (int)v;                                                           \
        break;
        LOPT(O_MINC, "min-chars", min_chars, 0, 100000000)
        LOPT(O_DIM, "dim", dim, 1, 1000)
        LOPT(O_EPOCH, "epoch", epoch, 1, 1000)
        LOPT(O_MINN, "minn", minn, 0, 20)
        LOPT(O_MAXN, "maxn", maxn, 0, 20)
        LOPT(O_WNG, "word-ngrams", word_ngrams, 1, 5)
        LOPT(O_BUCKET, "bucket", bucket, 1, 50000000)
        LOPT(O_SEED, "seed", seed, 0, 2147483647)
        LOPT(O_THREADS, "threads", threads, 1, 256)
        LOPT(O_DSUB, "dsub", dsub, 1, 64)
        LOPT(O_MINCOUNT, "min-count", min_count, 1, 2147483647)
        LOPT(O_PTOP, "profile-top", profile_top, 0, 100000)
        LOPT(O_MAXSRC, "max-per-source", max_per_source, 0, 2147483647)
#undef LOPT
        case O_CUTOFF:
            if (!cli_parse_long(cmd, "cutoff", optarg, 0, 100000000, &v))
                return 2;
            o.cutoff = v;
            break;
        case O_LR:
            if (!cli_parse_double(cmd, "lr", optarg, 1e-6, 10.0, &o.lr))
                return 2;
            break;
        case O_MAXT:
            if (!cli_parse_double(cmd, "max-threshold", optarg, 0.0, 1.0, &o.max_threshold))
                return 2;
            break;
        case O_DEFT:
            if (!cli_parse_double(cmd, "default-threshold", optarg, 0.0, 1.0,
                                  &o.default_threshold))
                return 2;
            break;
        default:
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0)
                return cr;
            break;
        }
    }
    int quiet = co.quiet;
    if (optind < argc)
        return cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
    if (!o.input || !o.output)
        return cli_usage(cmd, "--input and --output are required");
    if (o.minn > o.maxn)
        return cli_usage(cmd, "--minn must not exceed --maxn");
    pp_error err;
    pp_lid_train_report rep;
    if (pp_lid_train(&o, &rep, &err) != PP_OK)
        return cli_fail(cmd, &err);
    if (!quiet)
        fprintf(stderr,
                "polyphony lid train: %ld records (%ld labelled und skipped), %ld labels (%ld "
                "dropped), %ld training examples, %ld dev sentences, dev accuracy %.4f -> %s\n",
                rep.records, rep.skipped_und, rep.labels, rep.dropped_labels, rep.examples, rep.dev_examples,
                rep.dev_accuracy, o.output);
    return 0;
}

/* ------------------------------------------------------------------- eval */

/* --fold FILE: lines "CODE<TAB>TARGET" (e.g. individual language -> its
 * macrolanguage); '#' starts a comment. Codes are folded after mapping to
 * ISO 639-3, on both the gold and the predicted side. */
static pp_status read_fold(const char *path, json_t *fold, pp_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return pp_error_set(err, PP_ERR_IO, path, 0, "cannot open fold file");
    char line[256];
    long no = 0;
    while (fgets(line, sizeof line, f)) {
        no++;
        char *h = strchr(line, '#');
        if (h)
            *h = '\0';
        char a[64], b[64];
        int n = sscanf(line, "%63s %63s", a, b);
        if (n <= 0)
            continue;
        if (n != 2) {
            fclose(f);
            return pp_error_set(err, PP_ERR_PARSE, path, no, "expected two codes");
        }
        json_object_set_new(fold, a, json_string(b));
    }
    fclose(f);
    return PP_OK;
}

static void fold_code(const json_t *fold, char code[16])
{
    const char *t = fold ? json_string_value(json_object_get(fold, code)) : NULL;
    if (t)
        snprintf(code, 16, "%.15s", t);
}

/* --level macrolanguage: an individual language's code becomes its
 * macrolanguage's (srp -> hbs); other codes stay. */
static void to_macrolanguage(const pp_registry *reg, char code[16])
{
    const pp_language *pl = pp_registry_get(reg, code);
    if (pl && pl->macrolanguage)
        snprintf(code, 16, "%.15s", pl->macrolanguage);
}

/* --only at the macrolanguage level: the list and each listed code's
 * macrolanguage, so gold codes folded by to_macrolanguage still match.
 * NULL when out of memory. */
static char *only_with_macrolanguages(const pp_registry *reg, const char *only)
{
    size_t n = strlen(only);
    char *out = malloc(17 * (n + 1)), *o = out; /* each code adds at most "," + 15 */
    if (!out)
        return NULL;
    memcpy(o, only, n);
    o += n;
    for (const char *p = only; *p;) {
        size_t len = strcspn(p, ", \t\n");
        char code[16];
        if (len > 0 && len < sizeof code) {
            memcpy(code, p, len);
            code[len] = '\0';
            to_macrolanguage(reg, code);
            if (strncmp(code, p, len) != 0 || code[len] != '\0') {
                *o++ = ',';
                size_t m = strlen(code);
                memcpy(o, code, m);
                o += m;
            }
        }
        p += len;
        p += strspn(p, ", \t\n");
    }
    *o = '\0';
    return out;
}

/* --preprocess none|polyphony; 0 on a usage error (reported). */
static int parse_preprocess(const char *cmd, const char *arg, pp_lid_preprocessing *out)
{
    if (strcmp(arg, "none") == 0)
        *out = PP_LID_PREPROCESS_NONE;
    else if (strcmp(arg, "polyphony") == 0)
        *out = PP_LID_PREPROCESS_POLYPHONY;
    else {
        cli_usage(cmd, "--preprocess takes none or polyphony, not '%s'", arg);
        return 0;
    }
    return 1;
}

/* --rerank-skip P of lid and lid eval: from 0 (never re-rank) to 2; any
 * value above 1 re-ranks every text (pp_lid_set_rerank_skip). */
static int parse_rerank_skip(const char *cmd, const char *arg, double *out)
{
    return cli_parse_double(cmd, "rerank-skip", arg, 0.0, 2.0, out);
}

void usage_lid_eval(FILE *f)
{
    fprintf(f,
            "Usage: polyphony lid eval --gold FIELD [--model M | --pred FIELD] [options] [FILE]\n"
            "Score language identification against a gold field: per-language precision,\n"
            "recall, F1 and false-positive rate, macro averages, most confused pairs.\n"
            "Codes are compared as ISO 639-3 (BCP 47 and xxx_Xxxx labels are mapped).\n"
            "  --gold FIELD        the field holding the true language\n"
            "  --pred FIELD        score this field instead of running a model\n"
            "  --model M           model (default: the bundled UDHR model)\n"
            "  --thresholds F      thresholds sidecar (default MODEL.thresholds.json if present)\n"
            "  --threshold T       one threshold for every label (default: the sidecar's)\n"
            "  --rerank N, --rerank-weight W, --rerank-skip P, --script-min-letters N,\n"
            "  --preprocess P, --letter-check S, --sister-margin M, --group-margin M\n"
            "                      as for polyphony lid\n"
            "  --only LIST         score only these gold languages (comma-separated ISO 639-3)\n"
            "  --fold FILE         map codes first (lines: CODE TARGET, e.g. lvs lav)\n"
            "  --no-macro-fold     do not count an individual language (swh) as correct\n"
            "                      for its gold macrolanguage (sw); by default it is\n"
            "  --level L           individual (default): codes as they are; macrolanguage:\n"
            "                      gold and predicted codes (and --only) folded into their\n"
            "                      macrolanguage first (srp, hrv and the sisters rule's hbs\n"
            "                      are one class)\n"
            "  --confusions N      how many confused pairs to list (default 10)\n"
            "  --calibrate OUT     identify with every threshold at 0 and write to OUT a copy\n"
            "                      of the model's thresholds sidecar with a threshold per\n"
            "                      writing system, for the decision taken, chosen on these\n"
            "                      records (gold und, or a language the model does not\n"
            "                      know: should abstain); use it with polyphony lid --thresholds\n"
            "  --calibrate-min N   writing systems with fewer decisions get none (default 20)\n"
            "  --json              JSON output\n"
            "  --ledger FILE       append per-language rows (stage lid, step eval)\n");
}

int cmd_lid_eval(int argc, char **argv)
{
    const char *cmd = "lid eval";
    cli_common co;
    cli_common_init(&co, "lid", "eval");
    const char *gold = NULL, *pred = NULL, *model = NULL, *only = NULL, *ledger = NULL,
               *foldf = NULL;
    double thr = -1;
    long nconf = 10;
    int json = 0, macro_fold = 1, macro_level = 0;
    enum { O_GOLD = 256, O_PRED, O_MODEL, O_THR, O_ONLY, O_CONF, O_JSON, O_FOLD,
           O_RR, O_RRW, O_NOMACRO, O_SCRIPTMIN, O_PREP, O_CALIB, O_CALIBMIN, O_THRF,
           O_LETTERS, O_SISTERS, O_LEVEL, O_GROUPS, O_RRSKIP };
    long rerank = -1, script_min = -1, calib_min = 20;
    double rr_skip = -1; /* -1: not given */
    double letters = -1, sisters = -1, groups = -1;
    const char *calib = NULL, *thresholds = NULL;
    pp_lid_preprocessing prep = PP_LID_PREPROCESS_POLYPHONY;
    double rerank_w = -1; /* -1: not given */
    static const struct option opts[] = {
        {"gold", required_argument, 0, O_GOLD}, {"pred", required_argument, 0, O_PRED},
        {"model", required_argument, 0, O_MODEL}, {"threshold", required_argument, 0, O_THR},
        {"only", required_argument, 0, O_ONLY}, {"confusions", required_argument, 0, O_CONF},
        {"json", no_argument, 0, O_JSON}, CLI_LONG_LEDGER, CLI_LONG_QUIET,
        {"fold", required_argument, 0, O_FOLD}, {"rerank", required_argument, 0, O_RR},
        {"rerank-weight", required_argument, 0, O_RRW}, CLI_LONG_HELP,
        {"rerank-skip", required_argument, 0, O_RRSKIP},
        {"no-macro-fold", no_argument, 0, O_NOMACRO},
        {"script-min-letters", required_argument, 0, O_SCRIPTMIN},
        {"preprocess", required_argument, 0, O_PREP},
        {"calibrate", required_argument, 0, O_CALIB},
        {"thresholds", required_argument, 0, O_THRF},
        {"calibrate-min", required_argument, 0, O_CALIBMIN},
        {"letter-check", required_argument, 0, O_LETTERS},
        {"sister-margin", required_argument, 0, O_SISTERS},
        {"group-margin", required_argument, 0, O_GROUPS},
        {"level", required_argument, 0, O_LEVEL}, {0, 0, 0, 0}};
    int c, cr;
    optind = 1;
    while ((c = getopt_long(argc, argv, CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case O_CALIB: calib = optarg; break;
        case O_THRF: thresholds = optarg; break;
        case O_CALIBMIN:
            if (!cli_parse_long(cmd, "calibrate-min", optarg, 1, 100000000, &calib_min))
                return 2;
            break;
        case O_PREP:
            if (!parse_preprocess(cmd, optarg, &prep))
                return 2;
            break;
        case O_FOLD: foldf = optarg; break;
        case O_NOMACRO: macro_fold = 0; break;
        case O_LEVEL:
            if (strcmp(optarg, "individual") == 0)
                macro_level = 0;
            else if (strcmp(optarg, "macrolanguage") == 0)
                macro_level = 1;
            else
                return cli_usage(cmd, "--level is individual or macrolanguage");
            break;
        case O_LETTERS:
            if (!cli_parse_double(cmd, "letter-check", optarg, 0.0, 1.0, &letters))
                return 2;
            break;
        case O_SISTERS:
            if (!cli_parse_double(cmd, "sister-margin", optarg, 0.0, 1.0, &sisters))
                return 2;
            break;
        case O_GROUPS:
            if (!cli_parse_double(cmd, "group-margin", optarg, 0.0, 1.0, &groups))
                return 2;
            break;
        case O_SCRIPTMIN:
            if (!cli_parse_long(cmd, "script-min-letters", optarg, 0, 1000000, &script_min))
                return 2;
            break;
        case O_RR:
            if (!cli_parse_long(cmd, "rerank", optarg, 0, PP_LID_MAX_TOP, &rerank))
                return 2;
            break;
        case O_RRW:
            if (!cli_parse_double(cmd, "rerank-weight", optarg, 0.0, 1000.0, &rerank_w))
                return 2;
            break;
        case O_RRSKIP:
            if (!parse_rerank_skip(cmd, optarg, &rr_skip))
                return 2;
            break;
        case O_GOLD: gold = optarg; break;
        case O_PRED: pred = optarg; break;
        case O_MODEL: model = optarg; break;
        case O_ONLY: only = optarg; break;
        case O_JSON: json = 1; break;
        case O_THR:
            if (!cli_parse_double(cmd, "threshold", optarg, 0.0, 1.0, &thr))
                return 2;
            break;
        case O_CONF:
            if (!cli_parse_long(cmd, "confusions", optarg, 0, 1000, &nconf))
                return 2;
            break;
        default:
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0)
                return cr;
            break;
        }
    }
    ledger = co.ledger;
    if (!gold)
        return cli_usage(cmd, "--gold FIELD is required");
    if (pred && model)
        return cli_usage(cmd, "--pred and --model exclude each other");
    if (calib && pred)
        return cli_usage(cmd, "--calibrate needs the model's decisions, not --pred");
    if (calib && thr >= 0)
        return cli_usage(cmd, "--calibrate identifies with every threshold at 0: no --threshold");
    if (argc - optind > 1)
        return cli_usage(cmd, "at most one input file");
    const char *file = optind < argc ? argv[optind] : "-";
    pp_lid *lid = NULL;
    if (!pred) {
        int rc = open_model(cmd, model, thresholds, &lid);
        if (rc)
            return rc;
        if (thr >= 0)
            pp_lid_set_threshold(lid, thr);
        if (rerank >= 0)
            pp_lid_set_rerank(lid, (int)rerank, rerank_w >= 0 ? rerank_w : 0.0);
        else if (rerank_w >= 0)
            pp_lid_set_rerank_weight(lid, rerank_w);
        if (rr_skip >= 0)
            pp_lid_set_rerank_skip(lid, rr_skip);
        if (script_min >= 0)
            pp_lid_set_script_rule(lid, (int)script_min);
        if (letters >= 0)
            pp_lid_set_letter_check(lid, letters);
        if (sisters >= 0)
            pp_lid_set_sister_margin(lid, sisters);
        if (groups >= 0)
            pp_lid_set_group_margin(lid, groups);
        pp_lid_set_preprocess(lid, prep);
        if (calib)
            pp_lid_set_threshold(lid, 0.0); /* every decision the model would take */
    }
    pp_error err;
    pp_lid_calibrator *cal = NULL;
    json_t *known = NULL; /* ISO 639-3 codes the model can name (folded, with macrolanguages) */
    pp_source *src = NULL;
    pp_lid_eval *ev = pp_lid_eval_new();
    pp_ledger *lg = NULL;
    json_t *fold = NULL;
    pp_registry *reg = NULL;
    char *only_macro = NULL; /* --only with each code's macrolanguage added (--level) */
    int rc = 0;
    if (!ev) {
        pp_lid_free(lid);
        return cli_fail(cmd, &(pp_error){.code = PP_ERR_NOMEM, .message = "out of memory"});
    }
    if (foldf && (fold = json_object()) && read_fold(foldf, fold, &err) != PP_OK) {
        rc = cli_fail(cmd, &err);
        goto out;
    }
    if (macro_level && pp_registry_open(NULL, &reg, &err) != PP_OK) {
        rc = cli_fail(cmd, &err);
        goto out;
    }
    if (macro_fold && !macro_level && pp_registry_open(NULL, &reg, &err) != PP_OK) {
        char buf[1200];
        cli_warn(cmd, "%s; individual languages are not matched to their macrolanguage",
                 pp_error_format(&err, buf, sizeof buf));
        reg = NULL;
    }
    if (calib) {
        cal = pp_lid_calibrator_new();
        known = json_object();
        if (!cal || !known) {
            rc = cli_fail(cmd, &(pp_error){.code = PP_ERR_NOMEM, .message = "out of memory"});
            goto out;
        }
        for (int i = 0; i < pp_lid_nlabels(lid); i++) {
            pp_lid_label m;
            char code[16];
            if (pp_lid_label_map(pp_lid_label_at(lid, i), &m, NULL) != PP_OK || !m.iso639_3[0])
                continue;
            snprintf(code, sizeof code, "%s", m.iso639_3);
            fold_code(fold, code);
            json_object_set_new(known, code, json_true());
            const pp_language *pl = reg ? pp_registry_get(reg, m.iso639_3) : NULL;
            if (pl && pl->macrolanguage)
                json_object_set_new(known, pl->macrolanguage, json_true());
        }
    }
    if (only && macro_level && !(only_macro = only_with_macrolanguages(reg, only))) {
        rc = cli_fail(cmd, &(pp_error){.code = PP_ERR_NOMEM, .message = "out of memory"});
        goto out;
    }
    if (only && pp_lid_eval_restrict(ev, only_macro ? only_macro : only, &err) != PP_OK) {
        rc = cli_fail(cmd, &err);
        goto out;
    }
    pp_lid_result last; /* the decision of the current record (--calibrate) */
    memset(&last, 0, sizeof last);
    const char *const files[] = {file};
    /* the first bad line ends the run; the text is needed unless --pred */
    pp_source_opts so = {files, 1, pred ? NULL : "text", NULL, 0, NULL};
    if (pp_source_open(&so, &src, &err) != PP_OK) {
        rc = cli_fail(cmd, &err);
        goto out;
    }
    for (;;) {
        json_t *rec = NULL;
        if (pp_source_next(src, &rec, &err) != PP_OK) {
            rc = cli_fail(cmd, &err);
            goto out;
        }
        if (!rec)
            break;
        const char *g = pp_record_str(rec, gold);
        if (!g) {
            char why[300];
            snprintf(why, sizeof why, "record has no \"%s\" string", gold);
            pp_source_reject(src, rec, why, &err);
            json_decref(rec);
            rc = cli_fail(cmd, &err);
            goto out;
        }
        char giso[16], piso[16];
        to_iso3(g, giso);
        if (pred) {
            const char *p = pp_record_str(rec, pred);
            to_iso3(p, piso);
        } else {
            const char *text = pp_record_str(rec, "text"); /* checked by the source */
            pp_lid_result res;
            if (pp_lid_identify(lid, text, strlen(text), 1, &res, &err) != PP_OK) {
                json_decref(rec);
                rc = cli_fail(cmd, &err);
                goto out;
            }
            snprintf(piso, sizeof piso, "%s", res.best.iso639_3[0] ? res.best.iso639_3 : "und");
            last = res;
        }
        fold_code(fold, giso);
        fold_code(fold, piso);
        if (macro_level) {
            to_macrolanguage(reg, giso);
            to_macrolanguage(reg, piso);
        }
        /* A gold macrolanguage (UDHR tags Swahili "sw", Arabic "ar") is
         * matched by any of its individual languages (swh, arb): naming the
         * individual language is not a mistake. */
        if (reg && strcmp(giso, piso) != 0) {
            const pp_language *pl = pp_registry_get(reg, piso);
            if (pl && pl->macrolanguage && strcmp(pl->macrolanguage, giso) == 0)
                snprintf(piso, sizeof piso, "%s", giso);
        }
        pp_lid_eval_add(ev, giso, piso);
        /* The threshold is compared with the model's (re-ranked) first
         * label, also when the letter check then chose another. */
        if (cal && last.abstained == PP_LID_DECIDED &&
            (last.rule == PP_LID_BY_MODEL || last.rule == PP_LID_BY_LETTERS) &&
            pp_lid_calibrator_add(cal, last.writing, last.top[0].prob, strcmp(giso, piso) == 0,
                                  strcmp(giso, "und") == 0 || !json_object_get(known, giso),
                                  &err) != PP_OK) {
            json_decref(rec);
            rc = cli_fail(cmd, &err);
            goto out;
        }
        json_decref(rec);
    }
    size_t n = pp_lid_eval_nclasses(ev);
    double mp, mr, mf, mfpr, acc;
    pp_lid_eval_macro(ev, &mp, &mr, &mf, &mfpr, &acc);
    pp_lid_abstention_stats ab;
    pp_lid_eval_abstention(ev, &ab);
    pp_lid_confusion conf[1000];
    size_t nc = pp_lid_eval_confusions(ev, conf, (size_t)nconf);
    if (json) {
        json_t *o = json_object(), *cls = json_array(), *cf = json_array();
        for (size_t i = 0; i < n; i++) {
            pp_lid_class_stats s;
            pp_lid_eval_class(ev, i, &s);
            json_array_append_new(
                cls, json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:f,s:f,s:f,s:f}", "lang", s.lang, "n",
                               (json_int_t)s.gold, "tp", (json_int_t)s.tp, "fp",
                               (json_int_t)s.fp, "fn", (json_int_t)s.fn, "abstained",
                               (json_int_t)s.abstained, "precision", s.precision, "recall",
                               s.recall, "f1", s.f1, "fpr", s.fpr));
        }
        for (size_t i = 0; i < nc; i++)
            json_array_append_new(cf, json_pack("{s:s,s:s,s:I}", "gold", conf[i].gold, "pred",
                                                conf[i].pred, "n", (json_int_t)conf[i].n));
        json_object_set_new(o, "items", json_integer(pp_lid_eval_items(ev)));
        json_object_set_new(o, "languages", json_integer((json_int_t)n));
        json_object_set_new(o, "accuracy", json_real(acc));
        json_object_set_new(o, "macro",
                            json_pack("{s:f,s:f,s:f,s:f}", "precision", mp, "recall", mr, "f1",
                                      mf, "fpr", mfpr));
        json_object_set_new(o, "abstention",
                            json_pack("{s:I,s:I,s:I,s:f,s:f,s:f}", "abstained",
                                      (json_int_t)ab.abstained, "gold_und",
                                      (json_int_t)ab.gold_und, "correct", (json_int_t)ab.correct,
                                      "rate", ab.rate, "precision", ab.precision, "recall",
                                      ab.recall));
        json_object_set_new(o, "classes", cls);
        json_object_set_new(o, "confusions", cf);
        json_dumpf(o, stdout, JSON_INDENT(1) | JSON_REAL_PRECISION(6));
        fputc('\n', stdout);
        json_decref(o);
    } else {
        printf("%-10s %7s %7s %7s %7s %8s %7s\n", "lang", "n", "prec", "recall", "f1", "fpr",
               "und");
        for (size_t i = 0; i < n; i++) {
            pp_lid_class_stats s;
            pp_lid_eval_class(ev, i, &s);
            printf("%-10s %7ld %7.4f %7.4f %7.4f %8.6f %7ld\n", s.lang, s.gold, s.precision,
                   s.recall, s.f1, s.fpr, s.abstained);
        }
        printf("%-10s %7ld %7.4f %7.4f %7.4f %8.6f\n", "macro", pp_lid_eval_items(ev), mp, mr,
               mf, mfpr);
        printf("accuracy %.4f over %ld %s, %zu %s\n", acc, pp_lid_eval_items(ev),
               cli_noun(pp_lid_eval_items(ev), "item", "items"), n,
               cli_noun(n, "language", "languages"));
        printf("abstained %ld (rate %.4f)", ab.abstained, ab.rate);
        if (ab.gold_und)
            printf("; gold und %ld: %ld abstained on (precision %.4f, recall %.4f)",
                   ab.gold_und, ab.correct, ab.precision, ab.recall);
        printf("\n");
        if (nc) {
            printf("most confused (gold -> predicted):\n");
            for (size_t i = 0; i < nc; i++)
                printf("  %s -> %s  %ld\n", conf[i].gold, conf[i].pred, conf[i].n);
        }
    }
    if (ledger) {
        if (pp_ledger_open(ledger, "lid", &lg, &err) != PP_OK) {
            rc = cli_fail(cmd, &err);
            goto out;
        }
        for (size_t i = 0; i < n && rc == 0; i++) {
            pp_lid_class_stats s;
            pp_lid_eval_class(ev, i, &s);
            double lo, hi;
            char tag[64];
            if (pp_langtag_canonicalize(s.lang, tag, sizeof tag, NULL) != PP_OK)
                snprintf(tag, sizeof tag, "%s", s.lang);
            pp_wilson_interval(s.tp, s.gold, &lo, &hi);
            if (pp_ledger_add(lg, "eval", tag, "recall", s.recall, s.gold, lo, hi, &err) ||
                pp_ledger_add(lg, "eval", tag, "precision", s.precision, s.tp + s.fp, NAN, NAN,
                              &err) ||
                pp_ledger_add(lg, "eval", tag, "f1", s.f1, s.gold, NAN, NAN, &err) ||
                pp_ledger_add(lg, "eval", tag, "fpr", s.fpr, s.fp + s.tn, NAN, NAN, &err))
                rc = cli_fail(cmd, &err);
        }
        if (rc == 0 && (pp_ledger_add(lg, "eval", "mul", "macro_f1", mf, (long)n, NAN, NAN,
                                      &err) != PP_OK ||
                        pp_ledger_close(lg, &err) != PP_OK))
            rc = cli_fail(cmd, &err);
        else if (rc)
            pp_ledger_close(lg, NULL);
        lg = NULL;
    }
    if (cal && rc == 0) {
        /* a copy of the model's sidecar, with the per-writing-system thresholds */
        char mpath[4096], base[4200];
        const char *bp = NULL;
        if (model)
            snprintf(mpath, sizeof mpath, "%s", model);
        else if (pp_data_path(PP_LID_BUNDLED_MODEL, mpath, sizeof mpath, NULL) != PP_OK)
            mpath[0] = '\0';
        snprintf(base, sizeof base, "%s.thresholds.json", mpath);
        if (mpath[0] && access(base, R_OK) == 0)
            bp = base;
        const char *slash = strrchr(file, '/');
        if (pp_lid_calibrate_write(cal, lid, bp, calib, calib_min, slash ? slash + 1 : file,
                                   &err) != PP_OK)
            rc = cli_fail(cmd, &err);
    }
out:
    free(only_macro);
    json_decref(fold);
    json_decref(known);
    pp_lid_calibrator_free(cal);
    pp_registry_free(reg);
    pp_ledger_close(lg, NULL);
    pp_source_close(src);
    pp_lid_eval_free(ev);
    pp_lid_free(lid);
    return rc;
}

/* --------------------------------------------------------------- profiles */

void usage_lid_profiles(FILE *f)
{
    fprintf(f, "Usage: polyphony lid profiles --input FILE --model M [--split S]\n"
               "       [--label-field F] [--bcp47-labels] [--top N] [--per-source]\n"
               "Write M.profiles.tsv.zst: per label, the N (default 600) most frequent\n"
               "character trigrams of the labelled records, used to re-rank the model's\n"
               "best candidates (lid train writes it too).\n"
               "  --per-source  one profile per label and source (the records' \"source\"\n"
               "                field, written as a fourth column): a label trained on\n"
               "                several domains is compared by its closest profile\n");
}

int cmd_lid_profiles(int argc, char **argv)
{
    const char *cmd = "lid profiles";
    cli_common co;
    cli_common_init(&co, "lid", "profiles");
    pp_lid_profile_opts o = {NULL, NULL, "lang", NULL, 0, 600, NULL};
    const char *model = NULL;
    long top = 600;
    enum { O_SPLIT = 256, O_LF, O_BCP, O_TOP, O_PSRC };
    static const struct option opts[] = {
        {"input", required_argument, 0, 'i'}, {"model", required_argument, 0, 'm'},
        {"split", required_argument, 0, O_SPLIT}, {"label-field", required_argument, 0, O_LF},
        {"bcp47-labels", no_argument, 0, O_BCP}, {"top", required_argument, 0, O_TOP},
        {"per-source", no_argument, 0, O_PSRC}, CLI_LONG_QUIET, CLI_LONG_HELP, {0, 0, 0, 0}};
    int c, cr;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:m:" CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case 'i': o.input = optarg; break;
        case 'm': model = optarg; break;
        case O_SPLIT: o.split = optarg; break;
        case O_LF: o.label_field = optarg; break;
        case O_BCP: o.bcp47_labels = 1; break;
        case O_PSRC: o.source_field = "source"; break;
        case O_TOP:
            if (!cli_parse_long(cmd, "top", optarg, 1, 100000, &top))
                return 2;
            o.top = (int)top;
            break;
        default:
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0)
                return cr;
            break;
        }
    }
    if (optind < argc)
        return cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
    if (!o.input || !model)
        return cli_usage(cmd, "--input and --model are required");
    char path[4200];
    snprintf(path, sizeof path, "%s.profiles.tsv.zst", model);
    o.output = path;
    pp_error err;
    if (pp_lid_build_profiles(&o, &err) != PP_OK)
        return cli_fail(cmd, &err);
    return 0;
}

/* ----------------------------------------------------------------- labels */

void usage_lid_labels(FILE *f)
{
    fprintf(f, "Usage: polyphony lid labels [--model M]\n"
               "List the model's labels: label, BCP 47, ISO 639-3, scripts, threshold.\n");
}

int cmd_lid_labels(int argc, char **argv)
{
    const char *cmd = "lid labels";
    const char *model = NULL;
    cli_common co;
    cli_common_init(&co, "lid", "labels");
    static const struct option opts[] = {{"model", required_argument, 0, 'm'}, CLI_LONG_QUIET,
                                         CLI_LONG_HELP, {0, 0, 0, 0}};
    int c, cr;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:" CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        default:
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0)
                return cr;
            break;
        }
    }
    if (optind < argc)
        return cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
    pp_lid *lid = NULL;
    int rc = open_model(cmd, model, NULL, &lid);
    if (rc)
        return rc;
    for (int i = 0; i < pp_lid_nlabels(lid); i++) {
        const char *lab = pp_lid_label_at(lid, i);
        pp_lid_label m;
        if (pp_lid_label_map(lab, &m, NULL) != PP_OK)
            snprintf(m.lang, sizeof m.lang, "?");
        printf("%s\t%s\t%s\t%s\t%.4f\n", lab, m.lang, m.iso639_3, pp_lid_scripts(lid, lab),
               pp_lid_threshold(lid, lab));
    }
    pp_lid_free(lid);
    return 0;
}

/* --------------------------------------------------------------- identify */

void usage_lid(FILE *f)
{
    fprintf(f,
            "Usage: polyphony lid [options] [FILE]\n"
            "       polyphony lid train --input FILE --output MODEL.ftz [options]\n"
            "       polyphony lid eval --gold FIELD [options] [FILE]\n"
            "       polyphony lid labels [--model M]\n"
            "       polyphony lid profiles --input FILE --model M [options]\n"
            "Identify the language of each record's text; adds lang (BCP 47), iso639_3,\n"
            "script, lid_score (and lid_top with --top); a lang the record had is kept as\n"
            "lang_in. Abstains with und_<Script> when the score is under the threshold or\n"
            "the language is not written in the text's script.\n"
            "  -m, --model M       fastText model (.ftz/.bin; labels __label__en or\n"
            "                      __label__eng_Latn); default: the bundled UDHR model\n"
            "      --thresholds F  thresholds sidecar (default MODEL.thresholds.json if present)\n"
            "  -t, --threshold T   one threshold for every label\n"
            "  -k, --top K         also write the K best labels as lid_top (1..16)\n"
            "      --field F       the text field (default text)\n"
            "  -o, --output FILE   write here instead of stdout\n"
            "      --rejects FILE  bad lines go here (with a reason) instead of stopping\n"
            "      --ledger FILE   append per-language rows (stage lid, step identify)\n"
            "      --rerank N      re-rank the N best labels by trigram profile when the model\n"
            "                      has MODEL.profiles.tsv (default 10; 0 turns it off)\n"
            "      --rerank-weight W  weight of the model's probability in re-ranking (default 0)\n"
            "      --rerank-min-prob P  re-rank only candidates the model gives at least P\n"
            "                      (the best two always; default 0.02; 0: all N)\n"
            "      --rerank-skip P  no re-ranking when the model's best score is P or more\n"
            "                      (0 to 2; default 0.99; 0: none, unless --min-similarity\n"
            "                      asks for the similarity; above 1: every text)\n"
            "      --min-similarity S  abstain when the text's trigram cosine with the chosen\n"
            "                      language's profile is under S (default 0: off)\n"
            "      --script-min-letters N  a text of N letters or more in a script only one\n"
            "                      language of the model is written in gets that language\n"
            "                      whatever its score (Chinese languages: their\n"
            "                      macrolanguage); Han text without kana is not Japanese\n"
            "                      (default 4; 0 turns the rule off)\n"
            "      --letter-check S  when more than the share S of the text's letters are\n"
            "                      not letters the chosen language uses (CLDR exemplars and\n"
            "                      its profile's characters), the candidate whose language\n"
            "                      leaves fewest unused is chosen (lid_rule \"letters\"; default\n"
            "                      0.1 with a model that has profiles, else 0: off)\n"
            "      --sister-margin M  two best candidates of one macrolanguage whose scores\n"
            "                      differ by less than M give the macrolanguage (lid_rule\n"
            "                      \"sisters\"; default 0.01 with a model that has\n"
            "                      profiles, else 0: off)\n"
            "      --group-margin M  the same for two close languages of no common\n"
            "                      macrolanguage but one ISO 639-5 group (Zulu and Xhosa:\n"
            "                      Bantu, bnt): the record gets the group's code as lang,\n"
            "                      iso639_5 instead of iso639_3 (lid_rule \"group\"; default\n"
            "                      0: off)\n"
            "      --keep LANGS    write only the records identified as one of LANGS\n"
            "                      (comma-separated; a macrolanguage keeps its individual\n"
            "                      languages: --keep sw keeps swh and swc); repeatable\n"
            "      --preprocess P  what the model reads: polyphony (default: NFC, lowercase,\n"
            "                      no digits or punctuation, as the bundled model was\n"
            "                      trained) or none (the text as it is, as `fasttext predict`\n"
            "                      reads a line; records get lid_preprocess \"none\")\n"
            "      --timing        report identification speed on stderr\n"
            "      --progress, -q/--quiet\n");
}

/* The lid_rule of a record (PP_LID_BY_MODEL writes none). */
static const char *lid_rule_name(pp_lid_rule r)
{
    switch (r) {
    case PP_LID_BY_SCRIPT: return "script";
    case PP_LID_BY_MACRO: return "macrolanguage";
    case PP_LID_BY_LETTERS: return "letters";
    case PP_LID_BY_SISTERS: return "sisters";
    case PP_LID_BY_GROUP: return "group";
    default: return "model";
    }
}

/* Per-language tallies for the ledger. */
static void tally(json_t *t, const char *lang, double score)
{
    json_t *e = json_object_get(t, lang);
    if (!e) {
        e = json_pack("[if]", 0, 0.0);
        json_object_set_new(t, lang, e);
    }
    json_integer_set(json_array_get(e, 0), json_integer_value(json_array_get(e, 0)) + 1);
    json_real_set(json_array_get(e, 1), json_real_value(json_array_get(e, 1)) + score);
}

/* --keep: is the decision one of the languages asked for (an individual
 * language of a macrolanguage asked for counts)? Abstentions never are. */
static int kept(const pp_registry *reg, const json_t *keep, const pp_lid_result *res)
{
    if (res->abstained != PP_LID_DECIDED)
        return 0;
    size_t i;
    json_t *v;
    json_array_foreach(keep, i, v) {
        if (pp_lang_matches(reg, json_string_value(v), res->best.lang))
            return 1;
    }
    return 0;
}

int cmd_lid(int argc, char **argv)
{
    const char *cmd = "lid";
    cli_common co;
    cli_common_init(&co, "lid", NULL);
    const char *model = NULL, *thresholds = NULL, *field = "text", *output = "-",
               *rejects = NULL, *ledger = NULL;
    double thr = -1;
    long top = 0;
    int progress = -1;
    enum { O_THRF = 256, O_FIELD, O_TIMING, O_RR, O_RRW,
           O_MINSIM, O_RRMIN, O_SCRIPTMIN, O_PREP, O_KEEP, O_LETTERS, O_SISTERS, O_GROUPS,
           O_RRSKIP };
    json_t *keep = NULL; /* --keep: languages whose records are written (NULL: all) */
    pp_registry *kreg = NULL;
    double min_sim = 0, rr_min = -1, rr_skip = -1;
    long script_min = -1;
    double letters = -1, sisters = -1, groups = -1;
    pp_lid_preprocessing prep = PP_LID_PREPROCESS_POLYPHONY;
    int timing = 0;
    long rerank = -1;
    double rerank_w = -1; /* -1: not given */
    double t_id = 0;
    struct timespec t_start, t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t_start);
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'}, {"thresholds", required_argument, 0, O_THRF},
        {"threshold", required_argument, 0, 't'}, {"top", required_argument, 0, 'k'},
        {"field", required_argument, 0, O_FIELD}, CLI_LONG_OUTPUT, CLI_LONG_REJECTS,
        CLI_LONG_LEDGER, CLI_LONG_PROGRESS, CLI_LONG_QUIET,
        {"timing", no_argument, 0, O_TIMING}, {"rerank", required_argument, 0, O_RR},
        {"rerank-weight", required_argument, 0, O_RRW},
        {"rerank-min-prob", required_argument, 0, O_RRMIN},
        {"rerank-skip", required_argument, 0, O_RRSKIP},
        {"min-similarity", required_argument, 0, O_MINSIM}, CLI_LONG_HELP,
        {"script-min-letters", required_argument, 0, O_SCRIPTMIN},
        {"preprocess", required_argument, 0, O_PREP}, {"keep", required_argument, 0, O_KEEP},
        {"letter-check", required_argument, 0, O_LETTERS},
        {"sister-margin", required_argument, 0, O_SISTERS},
        {"group-margin", required_argument, 0, O_GROUPS},
        {0, 0, 0, 0}};
    int c, cr;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:t:k:o:" CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case O_LETTERS:
            if (!cli_parse_double(cmd, "letter-check", optarg, 0.0, 1.0, &letters))
                return 2;
            break;
        case O_SISTERS:
            if (!cli_parse_double(cmd, "sister-margin", optarg, 0.0, 1.0, &sisters))
                return 2;
            break;
        case O_GROUPS:
            if (!cli_parse_double(cmd, "group-margin", optarg, 0.0, 1.0, &groups))
                return 2;
            break;
        case O_KEEP:
            if (!keep && !(keep = json_array()))
                return cli_fail(cmd, &(pp_error){.code = PP_ERR_NOMEM, .message = "out of memory"});
            for (const char *q = optarg; *q;) {
                size_t n = strcspn(q, ", ");
                if (n) {
                    char code[64], canon[64];
                    snprintf(code, sizeof code, "%.*s", (int)n, q);
                    if (n >= sizeof code ||
                        pp_langtag_canonicalize(code, canon, sizeof canon, NULL) != PP_OK) {
                        json_decref(keep);
                        return cli_usage(cmd, "--keep: '%.*s' is not a language code", (int)n, q);
                    }
                    json_array_append_new(keep, json_string(canon));
                }
                q += n;
                q += strspn(q, ", ");
            }
            break;
        case O_PREP:
            if (!parse_preprocess(cmd, optarg, &prep))
                return 2;
            break;
        case 'm': model = optarg; break;
        case O_THRF: thresholds = optarg; break;
        case O_FIELD: field = optarg; break;
        case O_TIMING: timing = 1; break;
        case O_SCRIPTMIN:
            if (!cli_parse_long(cmd, "script-min-letters", optarg, 0, 1000000, &script_min))
                return 2;
            break;
        case O_MINSIM:
            if (!cli_parse_double(cmd, "min-similarity", optarg, 0.0, 1.0, &min_sim))
                return 2;
            break;
        case O_RRSKIP:
            if (!parse_rerank_skip(cmd, optarg, &rr_skip))
                return 2;
            break;
        case O_RRMIN:
            if (!cli_parse_double(cmd, "rerank-min-prob", optarg, 0.0, 1.0, &rr_min))
                return 2;
            break;
        case O_RR:
            if (!cli_parse_long(cmd, "rerank", optarg, 0, PP_LID_MAX_TOP, &rerank))
                return 2;
            break;
        case O_RRW:
            if (!cli_parse_double(cmd, "rerank-weight", optarg, 0.0, 1000.0, &rerank_w))
                return 2;
            break;
        case 't':
            if (!cli_parse_double(cmd, "threshold", optarg, 0.0, 1.0, &thr))
                return 2;
            break;
        case 'k':
            if (!cli_parse_long(cmd, "top", optarg, 1, PP_LID_MAX_TOP, &top))
                return 2;
            break;
        default:
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0)
                return cr;
            break;
        }
    }
    if (co.output)
        output = co.output;
    rejects = co.rejects;
    ledger = co.ledger;
    progress = co.progress;
    if (argc - optind > 1)
        return cli_usage(cmd, "at most one input file");
    const char *file = optind < argc ? argv[optind] : "-";
    pp_lid *lid = NULL;
    int rc = open_model(cmd, model, thresholds, &lid);
    if (rc)
        return rc;
    if (thr >= 0)
        pp_lid_set_threshold(lid, thr);
    if (rerank >= 0)
        pp_lid_set_rerank(lid, (int)rerank, rerank_w >= 0 ? rerank_w : 0.0);
    else if (rerank_w >= 0)
        pp_lid_set_rerank_weight(lid, rerank_w);
    if (rr_min >= 0)
        pp_lid_set_rerank_min_prob(lid, rr_min);
    if (rr_skip >= 0)
        pp_lid_set_rerank_skip(lid, rr_skip);
    pp_lid_set_min_similarity(lid, min_sim);
    if (script_min >= 0)
        pp_lid_set_script_rule(lid, (int)script_min);
    if (letters >= 0)
        pp_lid_set_letter_check(lid, letters);
    if (sisters >= 0)
        pp_lid_set_sister_margin(lid, sisters);
    if (groups >= 0)
        pp_lid_set_group_margin(lid, groups);
    pp_lid_set_preprocess(lid, prep);
    pp_error err;
    if (keep && pp_registry_open(NULL, &kreg, &err) != PP_OK) {
        char buf[1200];
        cli_warn(cmd, "%s; --keep matches language codes only as written",
                 pp_error_format(&err, buf, sizeof buf));
        kreg = NULL;
    }
    pp_source *src = NULL;
    pp_writer *w = NULL, *rj = NULL;
    json_t *counts = json_object();
    long docs = 0;
    pp_progress *pg = pp_progress_new(cli_progress_stream(progress), "lid", "records");
    const char *const files[] = {file};
    pp_source_opts so = {files, 1, field, NULL, 0, NULL};
    /* Inputs first, so an output naming one is refused; without --rejects
     * a bad line comes back here and ends the run. */
    if (pp_source_open(&so, &src, &err) != PP_OK || pp_writer_open(output, &w, &err) != PP_OK ||
        (rejects && pp_writer_open(rejects, &rj, &err) != PP_OK)) {
        rc = cli_fail(cmd, &err);
        goto out;
    }
    pp_source_set_rejects(src, rj);
    for (;;) {
        json_t *rec = NULL;
        pp_status st = pp_source_next(src, &rec, &err);
        if (st != PP_OK) {
            rc = cli_fail(cmd, &err);
            goto out;
        }
        if (!rec)
            break;
        const char *text = json_string_value(pp_record_get(rec, field));
        pp_reader *r = pp_source_reader(src);
        pp_lid_result res;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        st = pp_lid_identify(lid, text, strlen(text), top > 0 ? (int)top : 2, &res, &err);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        t_id += (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
        if (st != PP_OK) {
            snprintf(err.file, sizeof err.file, "%s", pp_reader_name(r));
            err.line = pp_reader_lineno(r);
            json_decref(rec);
            rc = cli_fail(cmd, &err);
            goto out;
        }
        json_t *orig = json_object_get(rec, "lang");
        if (orig) /* the caller's own label is kept beside the identified one */
            json_object_set(rec, "lang_in", orig);
        json_object_set_new(rec, "lang", json_string(res.best.lang));
        if (res.rule == PP_LID_BY_GROUP) { /* a group has an ISO 639-5 code, no 639-3 one */
            json_object_del(rec, "iso639_3");
            json_object_set_new(rec, "iso639_5", json_string(res.best.lang));
        } else {
            json_object_del(rec, "iso639_5");
            json_object_set_new(rec, "iso639_3", json_string(res.best.iso639_3));
        }
        json_object_set_new(rec, "script", json_string(res.best.script));
        json_object_set_new(rec, "lid_score", json_real(res.best.prob));
        if (res.similarity >= 0)
            json_object_set_new(rec, "lid_similarity", json_real(res.similarity));
        if (prep == PP_LID_PREPROCESS_NONE) /* absent: polyphony's preprocessing */
            json_object_set_new(rec, "lid_preprocess", json_string("none"));
        if (res.rule != PP_LID_BY_MODEL)
            json_object_set_new(rec, "lid_rule", json_string(lid_rule_name(res.rule)));
        if (res.rule == PP_LID_BY_LETTERS || res.rule == PP_LID_BY_SISTERS ||
            res.rule == PP_LID_BY_GROUP) {
            /* what the model chose, and the share of letters its language does not use */
            json_t *cands = json_array();
            for (int i = 0; i < res.ntop; i++)
                json_array_append_new(cands, json_pack("{s:s,s:f}", "label", res.top[i].label,
                                                       "score", res.top[i].prob));
            json_object_set_new(rec, "lid_candidates", cands);
            if (res.foreign >= 0)
                json_object_set_new(rec, "lid_foreign", json_real(res.foreign));
        }
        if (top > 0) {
            json_t *arr = json_array();
            for (int i = 0; i < res.ntop; i++)
                json_array_append_new(
                    arr, json_pack("{s:s,s:s,s:f}", "lang", res.top[i].lang, "label",
                                   res.top[i].label, "score",
                                   res.top[i].prob));
            json_object_set_new(rec, "lid_top", arr);
        }
        tally(counts, res.best.lang, res.best.prob);
        docs++;
        long text_bytes = (long)strlen(text);
        if (keep && !kept(kreg, keep, &res)) {
            json_decref(rec);
            pp_progress_add(pg, 1, text_bytes);
            continue;
        }
        /* Scores with 6 significant digits, not the 17 of a full double. */
        char *line = json_dumps(rec, JSON_COMPACT | JSON_REAL_PRECISION(6));
        st = line ? pp_writer_put_raw(w, line, strlen(line), &err)
                  : pp_error_set(&err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        free(line);
        json_decref(rec);
        if (st) {
            rc = cli_fail(cmd, &err);
            goto out;
        }
        pp_progress_add(pg, 1, text_bytes);
    }
    if (ledger) {
        pp_ledger *lg = NULL;
        if (pp_ledger_open(ledger, "lid", &lg, &err) != PP_OK) {
            rc = cli_fail(cmd, &err);
            goto out;
        }
        const char *k;
        json_t *v;
        json_object_foreach(counts, k, v) {
            long n = (long)json_integer_value(json_array_get(v, 0));
            double lo, hi;
            pp_wilson_interval(n, docs, &lo, &hi);
            if (pp_ledger_add(lg, "identify", k, "share", docs ? (double)n / docs : 0.0, docs, lo,
                              hi, &err) ||
                pp_ledger_add(lg, "identify", k, "mean_score",
                              n ? json_real_value(json_array_get(v, 1)) / n : 0.0, n, NAN, NAN,
                              &err)) {
                pp_ledger_close(lg, NULL);
                rc = cli_fail(cmd, &err);
                goto out;
            }
        }
        if (pp_ledger_close(lg, &err) != PP_OK) {
            rc = cli_fail(cmd, &err);
            goto out;
        }
    }
    if (pp_writer_close(w, &err) != PP_OK) {
        w = NULL;
        rc = cli_fail(cmd, &err);
        goto out;
    }
    w = NULL;
    if (rj && pp_writer_close(rj, &err) != PP_OK) {
        rj = NULL;
        rc = cli_fail(cmd, &err);
        goto out;
    }
    rj = NULL;
    if (timing) {
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double all = (double)(t1.tv_sec - t_start.tv_sec) +
                     1e-9 * (double)(t1.tv_nsec - t_start.tv_nsec);
        fprintf(stderr,
                "polyphony lid: %ld %s; identification %.3f s = %.1f records/s "
                "(preprocessing + prediction); end to end %.3f s = %.1f records/s\n",
                docs, cli_noun(docs, "record", "records"), t_id, t_id > 0 ? docs / t_id : 0.0, all, all > 0 ? docs / all : 0.0);
    }
out:
    pp_progress_done(pg);
    pp_writer_abort(w);
    pp_writer_abort(rj);
    pp_source_close(src);
    json_decref(counts);
    json_decref(keep);
    pp_registry_free(kreg);
    pp_lid_free(lid);
    return rc;
}
