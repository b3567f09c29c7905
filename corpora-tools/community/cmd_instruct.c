/* cmd_instruct.c — `polyphony instruct build|validate`: instruction sets
 * from community-written templates (docs/instruct.md). */
#include "config.h"

#include "src/cli/cli.h"
#include "src/pp_data.h"
#include "langs/pp_lid.h"
#include "corpora-tools/community/pp_instruct.h"
#include "src/pp_ledger.h"
#include "src/pp_record.h"
#include "src/pp_stats.h"
#include "src/pp_langtag.h"

#include <dirent.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define UDHR_REL "eval-sets/udhr/udhr.jsonl.zst"

/* The help of instruct, pieced so that each sub-command prints its own part. */
static const char syn_build[] =
    "polyphony instruct build [--templates DIR]... [--data FILE]... [--langs CODES]\n"
    "                                [--max-per-template N] [--seed S] [--out FILE]\n"
    "                                [--ledger FILE] [--strict] [--quiet]\n";
static const char syn_validate[] =
    "polyphony instruct validate [--data FILE]... [--lid-model FILE | --no-lid]\n"
    "                                   [DIR|FILE...]\n";
static const char about[] =
    "Render community-written prompt templates (langs/<code>/templates/*.xml) over\n"
    "records into instruction data in the `messages` chat format, plus prompt and\n"
    "completion, each item carrying its template, lang, variety, source_id, license,\n"
    "review_status, authors and reviewers.\n";
static const char opt_build[] =
    "  --templates DIR       template directory or file (repeatable); a directory is\n"
    "                        read for *.xml (unless it has a templates/ folder) and\n"
    "                        for any templates/ folder below it;\n"
    "                        default: the installed seed templates\n"
    "  --data FILE           JSONL records (.gz/.zst) (repeatable); default: the\n"
    "                        bundled UDHR, train split only\n"
    "  --langs CODES         only templates of these languages (comma-separated)\n"
    "  --max-per-template N  at most N items per template (seeded sample)\n"
    "  --seed S              sampling and cloze seed (default 1)\n"
    "  --out FILE            output JSONL (.gz/.zst by extension; default stdout)\n"
    "  --ledger FILE         append per-language rows (items, reviewed share)\n"
    "  --strict              a record lacking a field a template needs is an error\n"
    "  --quiet               no summary on stderr\n";
static const char opt_validate[] =
    "  checks the schema, declared arguments, that patterns render on sample data\n"
    "  (--data, default the bundled UDHR) with a non-empty target, and with\n"
    "  a language-ID model (--lid-model FILE, default the bundled\n"
    "  langs/models/udhr-lid.ftz when installed) that the template's wording is\n"
    "  identified as its language; without a model (or with --no-lid) that check is\n"
    "  skipped and said so.\n";

void usage_instruct(FILE *f)
{
    fprintf(f, "Usage: %s       %s\n%s\nbuild:\n%svalidate:\n%s", syn_build, syn_validate, about,
            opt_build, opt_validate);
}

void usage_instruct_build(FILE *f)
{
    fprintf(f, "Usage: %s\n%s\n%s", syn_build, about, opt_build);
}

void usage_instruct_validate(FILE *f)
{
    fprintf(f, "Usage: %s\nChecks community-written prompt templates:\n%s", syn_validate,
            opt_validate);
}

/* ------------------------------------------------------------ file lists */

typedef struct strv {
    char **v;
    size_t n;
} strv;

static int strv_push(strv *s, const char *x)
{
    char **nv = realloc(s->v, (s->n + 1) * sizeof *nv);
    if (!nv)
        return 0;
    s->v = nv;
    s->v[s->n] = strdup(x);
    return s->v[s->n++] != NULL;
}

static void strv_clear(strv *s)
{
    pp_strv_free(s->v, s->n);
    s->v = NULL;
    s->n = 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

/* Collect *.xml in `dir` when `take_xml`, and recurse looking for templates/ folders. */
static void scan_dir(const char *dir, int take_xml, int depth, strv *out)
{
    DIR *d = opendir(dir);
    if (!d || depth > 6) {
        if (d)
            closedir(d);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char p[4096];
        size_t dl = strlen(dir);
        snprintf(p, sizeof p, "%.*s/%s", (int)(dl > 1 && dir[dl - 1] == '/' ? dl - 1 : dl), dir,
                 e->d_name);
        struct stat st;
        if (stat(p, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            scan_dir(p, strcmp(e->d_name, "templates") == 0, depth + 1, out);
        else if (take_xml && ends_with(e->d_name, ".xml"))
            strv_push(out, p);
    }
    closedir(d);
}

static int collect_templates(const char *cmd, strv *dirs, strv *files)
{
    if (dirs->n == 0) {
        char p[4096];
        snprintf(p, sizeof p, "%s/langs", pp_data_dir());
        scan_dir(p, 0, 0, files);
        if (files->n == 0) {
            cli_warn(cmd, "no seed templates under %s", p);
            return 0;
        }
    }
    for (size_t i = 0; i < dirs->n; i++) {
        struct stat st;
        if (stat(dirs->v[i], &st) != 0) {
            cli_warn(cmd, "%s: no such file or directory", dirs->v[i]);
            return 0;
        }
        size_t before = files->n;
        if (S_ISDIR(st.st_mode)) {
            /* a language folder (langs/yor) holds its templates in templates/
             * beside profile.xml: read only those */
            char sub[4096];
            struct stat st2;
            snprintf(sub, sizeof sub, "%s/templates", dirs->v[i]);
            scan_dir(dirs->v[i], !(stat(sub, &st2) == 0 && S_ISDIR(st2.st_mode)), 0, files);
        }
        else
            strv_push(files, dirs->v[i]);
        if (files->n == before) {
            cli_warn(cmd, "%s: no template (*.xml) found", dirs->v[i]);
            return 0;
        }
    }
    if (files->n > 1)
        qsort(files->v, files->n, sizeof *files->v, cmp_str);
    return 1;
}

/* Load records; `train_only` keeps meta.split == "train" (the bundled UDHR:
 * the test split belongs to evaluation). */
static int load_data(const char *cmd, strv *files, pp_instruct_data *d, int strict, long *nbad)
{
    *nbad = 0;
    strv def = {0};
    strv *use = files;
    int train_only = 0;
    char p[4096]; /* outlives the source that reads it */
    if (files->n == 0) {
        pp_error e;
        pp_error_clear(&e);
        if (pp_data_path(UDHR_REL, p, sizeof p, &e) != PP_OK)
            return cli_fail(cmd, &e), 0;
        strv_push(&def, p);
        use = &def;
        train_only = 1;
    }
    int ok = 1;
    pp_source *src = NULL;
    pp_error e;
    pp_error_clear(&e);
    pp_source_opts so = {(const char *const *)use->v, (int)use->n, NULL, NULL, strict, NULL};
    if (pp_source_open(&so, &src, &e) != PP_OK) {
        cli_fail(cmd, &e);
        ok = 0;
    }
    while (ok) {
        json_t *rec = NULL;
        pp_status st = pp_source_next(src, &rec, &e);
        if (st == PP_OK && !rec)
            break;
        if (st == PP_OK && train_only) {
            json_t *sp = json_object_get(json_object_get(rec, "meta"), "split");
            if (!json_is_string(sp) || strcmp(json_string_value(sp), "train") != 0) {
                json_decref(rec);
                continue;
            }
        }
        if (st == PP_OK) {
            pp_reader *r = pp_source_reader(src);
            st = pp_instruct_data_add(d, rec, pp_reader_name(r), pp_reader_lineno(r), &e);
            if (st != PP_OK && st != PP_ERR_NOMEM) /* an unusable record: the source's policy */
                st = pp_source_reject(src, rec, e.message, &e);
        }
        json_decref(rec);
        if (st != PP_OK && (!pp_reader_can_go_on(st) || strict)) {
            cli_fail(cmd, &e);
            ok = 0;
            break;
        }
        if (st != PP_OK)
            cli_fail(cmd, &e); /* reported, line skipped */
    }
    *nbad = pp_source_bad(src);
    pp_source_close(src);
    strv_clear(&def);
    return ok;
}

/* ------------------------------------------------------------ build */

typedef struct lang_tally {
    char lang[64];
    long templates, items, reviewed_items, candidates;
} lang_tally;

typedef struct build_ctx {
    pp_writer *w;
} build_ctx;

static pp_status emit_item(const json_t *item, void *ud, pp_error *err)
{
    build_ctx *b = ud;
    return pp_writer_put(b->w, item, err);
}

static int split_codes(const char *s, strv *out)
{
    char *dup = strdup(s), *save = NULL;
    if (!dup)
        return 0;
    for (char *t = strtok_r(dup, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
        strv_push(out, t);
    free(dup);
    return out->n > 0;
}

int cmd_instruct_build(int argc, char **argv)
{
    const char *cmd = "instruct build";
    cli_common co;
    cli_common_init(&co, "instruct", "build");
    static const struct option opts[] = {
        {"templates", required_argument, 0, 't'}, {"data", required_argument, 0, 'd'},
        {"langs", required_argument, 0, 'l'},     {"max-per-template", required_argument, 0, 'm'},
        {"seed", required_argument, 0, 's'},      {"out", required_argument, 0, 'o'},
        CLI_LONG_LEDGER, CLI_LONG_STRICT, CLI_LONG_QUIET, CLI_LONG_HELP,
        {0, 0, 0, 0}};
    strv tdirs = {0}, dfiles = {0}, langs = {0}, tfiles = {0};
    const char *out = "-", *ledger = NULL;
    long maxn = 0, seed = 1;
    int strict = 0, quiet = 0, c, rc = 0, cr;
    optind = 1;
    while ((c = getopt_long(argc, argv, CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case 't': strv_push(&tdirs, optarg); break;
        case 'd': strv_push(&dfiles, optarg); break;
        case 'l':
            if (!split_codes(optarg, &langs))
                rc = cli_usage(cmd, "--langs expects comma-separated codes");
            break;
        case 'm':
            if (!cli_parse_long(cmd, "--max-per-template", optarg, 1, 1000000000L, &maxn))
                rc = 2;
            break;
        case 's':
            if (!cli_parse_long(cmd, "--seed", optarg, 0, 2147483647L, &seed))
                rc = 2;
            break;
        case 'o': out = optarg; break;
        default:
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0) {
                rc = cr;
                goto done;
            }
            break;
        }
        if (rc)
            goto done;
    }
    ledger = co.ledger;
    strict = co.strict;
    quiet = co.quiet;
    if (optind < argc) {
        rc = cli_usage(cmd, "unexpected argument '%s' (use --templates/--data)", argv[optind]);
        goto done;
    }
    if (!collect_templates(cmd, &tdirs, &tfiles)) {
        rc = 1;
        goto done;
    }
    pp_instruct_data *data = NULL;
    pp_error e;
    pp_error_clear(&e);
    pp_instruct_data_new(&data, &e);
    long nbad = 0;
    if (!data || !load_data(cmd, &dfiles, data, strict, &nbad)) {
        pp_instruct_data_free(data);
        rc = 1;
        goto done;
    }
    build_ctx b = {0};
    if (pp_writer_open(out, &b.w, &e) != PP_OK) {
        pp_instruct_data_free(data);
        rc = cli_fail(cmd, &e);
        goto done;
    }
    pp_instruct_opts o = {maxn, (unsigned long long)seed, (const char *const *)langs.v, langs.n};
    lang_tally *tally = NULL;
    size_t ntally = 0;
    long total = 0, skipped_total = 0, unmet_templates = 0;
    for (size_t i = 0; i < tfiles.n && rc == 0; i++) {
        pp_template *t = NULL;
        if (pp_template_load(tfiles.v[i], NULL, &t, &e) != PP_OK) {
            rc = cli_fail(cmd, &e);
            break;
        }
        pp_instruct_counts cnt;
        if (pp_instruct_render(t, data, &o, emit_item, &b, &cnt, &e) != PP_OK) {
            rc = cli_fail(cmd, &e);
            pp_template_free(t);
            break;
        }
        if (cnt.skipped && strict) {
            pp_error_set(&e, PP_ERR_INVALID, tfiles.v[i], 0,
                         "%zu %s a field, pair or cloze word this template needs",
                         cnt.skipped, cli_noun(cnt.skipped, "record lacks", "records lack"));
            rc = cli_fail(cmd, &e);
        }
        if (cnt.candidates || cnt.items) {
            size_t k;
            for (k = 0; k < ntally; k++)
                if (strcmp(tally[k].lang, pp_template_lang(t)) == 0)
                    break;
            if (k == ntally) {
                lang_tally *nt = realloc(tally, (ntally + 1) * sizeof *nt);
                if (!nt) {
                    pp_template_free(t);
                    rc = 1;
                    break;
                }
                tally = nt;
                memset(&tally[ntally], 0, sizeof *tally);
                snprintf(tally[ntally++].lang, sizeof tally->lang, "%s", pp_template_lang(t));
            }
            tally[k].templates++;
            tally[k].items += (long)cnt.items;
            tally[k].candidates += (long)cnt.candidates;
            if (strcmp(pp_template_review_status(t), "draft") != 0)
                tally[k].reviewed_items += (long)cnt.items;
        }
        total += (long)cnt.items;
        skipped_total += (long)cnt.skipped;
        if (cnt.items == 0 && cnt.in_language) {
            /* a template of a language the data has, which made nothing: why */
            char why[512] = "";
            for (unsigned bit = PP_NEED_TEXT; bit <= PP_NEED_ARTICLE; bit <<= 1)
                if (cnt.unmet & bit) {
                    size_t l = strlen(why);
                    pp_template_need_describe(t, bit, why + l + (l ? 2 : 0),
                                              sizeof why - l - (l ? 2 : 0));
                    if (l)
                        memcpy(why + l, ", ", 2);
                }
            if (!why[0])
                snprintf(why, sizeof why, "records with the fields, pair or cloze word it reads");
            unmet_templates++;
            if (!quiet)
                fprintf(stderr,
                        "polyphony instruct build: skipped %s (%s): it needs %s; none of the "
                        "%zu %s records provides it\n",
                        pp_template_id(t), tfiles.v[i], why, cnt.in_language, pp_template_lang(t));
        }
        pp_template_free(t);
    }
    if (rc == 0 && total == 0) {
        if (unmet_templates)
            pp_error_set(&e, PP_ERR_NOT_FOUND, NULL, 0,
                         "no items: %ld %s of the data's languages skipped for what "
                         "they need (see above)",
                         unmet_templates, cli_noun(unmet_templates, "template", "templates"));
        else
            pp_error_set(&e, PP_ERR_NOT_FOUND, NULL, 0,
                         "no items: no template is written for a language of the data "
                         "(%zu %s read)",
                         tfiles.n, cli_noun(tfiles.n, "template", "templates"));
        rc = cli_fail(cmd, &e);
    }
    if (rc == 0) {
        if (pp_writer_close(b.w, &e) != PP_OK)
            rc = cli_fail(cmd, &e);
    } else {
        pp_writer_abort(b.w);
    }
    if (rc == 0 && ledger) {
        pp_ledger *lg = NULL;
        if (pp_ledger_open(ledger, "instruct", &lg, &e) != PP_OK)
            rc = cli_fail(cmd, &e);
        for (size_t k = 0; rc == 0 && k < ntally; k++) {
            double lo, hi;
            pp_wilson_interval(tally[k].reviewed_items, tally[k].items, &lo, &hi);
            if (pp_ledger_add(lg, "build", tally[k].lang, "items", (double)tally[k].items,
                              tally[k].candidates, NAN, NAN, &e) != PP_OK ||
                (tally[k].items &&
                 pp_ledger_add(lg, "build", tally[k].lang, "reviewed_share",
                               (double)tally[k].reviewed_items / (double)tally[k].items,
                               tally[k].items, lo, hi, &e) != PP_OK))
                rc = cli_fail(cmd, &e);
        }
        if (pp_ledger_close(lg, rc ? NULL : &e) != PP_OK && rc == 0)
            rc = cli_fail(cmd, &e);
    }
    if (rc == 0 && !quiet) {
        fprintf(stderr, "%-8s %9s %7s %9s\n", "lang", "templates", "items", "reviewed");
        for (size_t k = 0; k < ntally; k++)
            fprintf(stderr, "%-8s %9ld %7ld %9ld\n", tally[k].lang, tally[k].templates,
                    tally[k].items, tally[k].reviewed_items);
        fprintf(stderr, "polyphony instruct build: %ld %s in %zu %s from %zu %s", total,
                cli_noun(total, "item", "items"), ntally,
                cli_noun(ntally, "language", "languages"), tfiles.n,
                cli_noun(tfiles.n, "template", "templates"));
        if (skipped_total)
            fprintf(stderr, " (%ld %s skipped: lacking a field, a pair or a cloze word)",
                    skipped_total, cli_noun(skipped_total, "record", "records"));
        fputc('\n', stderr);
    }
    /* Bad input never exits 0: the skipped lines' records are not in the set. */
    if (rc == 0 && nbad > 0) {
        fprintf(stderr, "polyphony %s: %ld bad data line%s skipped (see above)\n", cmd, nbad,
                nbad == 1 ? "" : "s");
        rc = 1;
    }
    free(tally);
    pp_instruct_data_free(data);
done:
    strv_clear(&tdirs);
    strv_clear(&dfiles);
    strv_clear(&langs);
    strv_clear(&tfiles);
    return rc;
}

/* ------------------------------------------------------------ validate */

int cmd_instruct_validate(int argc, char **argv)
{
    const char *cmd = "instruct validate";
    cli_common co;
    cli_common_init(&co, "instruct", "validate");
    static const struct option opts[] = {{"data", required_argument, 0, 'd'},
                                         {"lid-model", required_argument, 0, 'm'},
                                         {"schema", required_argument, 0, 'x'},
                                         {"no-lid", no_argument, 0, 'N'},
                                         CLI_LONG_QUIET, CLI_LONG_HELP,
                                         {0, 0, 0, 0}};
    strv dfiles = {0}, tdirs = {0}, tfiles = {0};
    const char *model = NULL, *schema = NULL;
    int c, rc = 0, no_lid = 0, cr;
    size_t uncertain = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case 'd': strv_push(&dfiles, optarg); break;
        case 'm': model = optarg; break;
        case 'x': schema = optarg; break;
        case 'N': no_lid = 1; break;
        default:
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0) {
                rc = cr;
                goto done;
            }
            break;
        }
    }
    for (int i = optind; i < argc; i++)
        strv_push(&tdirs, argv[i]);
    if (!collect_templates(cmd, &tdirs, &tfiles)) {
        rc = 1;
        goto done;
    }
    pp_error e;
    pp_error_clear(&e);
    pp_instruct_data *data = NULL;
    pp_instruct_data_new(&data, &e);
    long nbad = 0;
    if (!data || !load_data(cmd, &dfiles, data, 0, &nbad)) {
        pp_instruct_data_free(data);
        rc = 1;
        goto done;
    }
    /* the language-ID model: --lid-model, else the bundled one when installed */
    pp_lid *ft = NULL;
    char bundled[4096];
    if (!model && !no_lid &&
        pp_data_path(PP_LID_BUNDLED_MODEL, bundled, sizeof bundled, NULL) == PP_OK)
        model = bundled;
    if (no_lid && model) {
        pp_instruct_data_free(data);
        rc = cli_usage(cmd, "--no-lid and --lid-model exclude each other");
        goto done;
    }
    if (no_lid) {
        cli_warn(cmd, "language check skipped (--no-lid)");
    } else if (model) {
        if (pp_lid_load(model, NULL, &ft, &e) != PP_OK) {
            pp_instruct_data_free(data);
            rc = cli_fail(cmd, &e);
            goto done;
        }
        /* judge the wording by the model's best label, not its abstention
         * thresholds (calibrated for corpus lines, not short prompts) */
        pp_lid_set_threshold(ft, 0.0);
    } else {
        cli_warn(cmd, "language check skipped: no language-ID model (give --lid-model FILE; "
                      "none is installed at %s)", PP_LID_BUNDLED_MODEL);
    }
    size_t bad = 0;
    for (size_t i = 0; i < tfiles.n; i++) {
        pp_template *t = NULL;
        char *prompt = NULL, *completion = NULL, *wording = NULL;
        if (pp_template_load(tfiles.v[i], schema, &t, &e) != PP_OK ||
            pp_template_try(t, data, &prompt, &completion, &e) != PP_OK ||
            pp_template_wording(t, &wording, &e) != PP_OK) {
            cli_fail(cmd, &e);
            bad++;
        } else if (ft) {
            char got[64];
            float prob;
            int m = 0;
            if (pp_template_check_lid(t, ft, &m, got, sizeof got, &prob, &e) != PP_OK) {
                cli_fail(cmd, &e);
                bad++;
            } else if (m == 0 && prob < 0.5f) {
                /* A short prompt the model is unsure about is no evidence of
                 * the wrong language: flag it for a speaker, do not fail it. */
                cli_warn(cmd, "%s:%ld: uncertain: the wording is identified as %s with only "
                         "p=%.2f (not %s); a speaker should confirm it",
                         pp_template_path(t), pp_template_input_line(t), got, prob,
                         pp_template_lang(t));
                printf("uncertain\t%s\t%s\t%s\tlid=%s\n", tfiles.v[i], pp_template_id(t),
                       pp_template_locale(t), got);
                uncertain++;
            } else if (m == 0) {
                pp_error_set(&e, PP_ERR_INVALID, pp_template_path(t), pp_template_input_line(t),
                             "the template's wording is identified as %s (p=%.2f), not %s: \"%s\"",
                             got, prob, pp_template_lang(t), wording);
                cli_fail(cmd, &e);
                bad++;
            } else {
                printf("ok\t%s\t%s\t%s\tlid=%s\n", tfiles.v[i], pp_template_id(t),
                       pp_template_locale(t), got);
            }
        } else {
            printf("ok\t%s\t%s\t%s\n", tfiles.v[i], pp_template_id(t), pp_template_locale(t));
        }
        free(prompt), free(completion), free(wording);
        pp_template_free(t);
    }
    pp_lid_free(ft);
    pp_instruct_data_free(data);
    fprintf(stderr, "polyphony %s: %zu %s, %zu valid (%zu of them uncertain), %zu invalid\n",
            cmd, tfiles.n, cli_noun(tfiles.n, "template", "templates"), tfiles.n - bad, uncertain,
            bad);
    rc = bad || nbad ? 1 : 0;
done:
    strv_clear(&dfiles);
    strv_clear(&tdirs);
    strv_clear(&tfiles);
    return rc;
}
