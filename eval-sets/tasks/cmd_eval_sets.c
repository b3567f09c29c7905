/* cmd_eval_sets.c — `polyphony eval-sets list|build|baseline|score`: the UDHR
 * tasks as prompts for a model, and model outputs turned into `eval` input. */
#include "config.h"
#include "src/cli/cli.h"
#include "src/pp_record.h"
#include "eval-sets/tasks/udhr_tasks.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* The help, pieced so that each sub-command prints its own part. */
#define SYN_LIST \
    "polyphony eval-sets list [--languages] [options]\n"
#define SYN_BUILD \
    "polyphony eval-sets build TASK [--langs L,..] [--pairs SRC-TGT,..] [-o FILE]\n"
#define SYN_BASELINE \
    "polyphony eval-sets baseline TASK PROMPTS [-o FILE]\n"
#define SYN_SCORE \
    "polyphony eval-sets score TASK PROMPTS OUTPUTS [-o FILE]\n"
#define TASKS \
    "Tasks from the test split of the bundled UDHR (articles 5, 10, 15, 20, 25, 30;\n" \
    "eval-sets/udhr/SPLIT.md), one declaration per language:\n" \
    "  lm           held-out-article language modelling      bits_per_byte\n" \
    "  cloze        restore the masked longest word           exact_match\n" \
    "  lid          name the language of a paragraph          exact_match\n" \
    "  translation  SRC into TGT, aligned by article/paragraph chrf, chrf++\n"
#define ABOUT \
    "build writes JSONL prompts (id, lang, task, prompt and reference fields);\n" \
    "a model answers each with {\"id\":..,\"output\":..} (lm: {\"id\":..,\"logprob\":..},\n" \
    "the natural-log probability of the record's text); score joins the answers\n" \
    "with the prompts into records for 'polyphony eval'. baseline writes the\n" \
    "answers of simple baselines trained on the train split.\n"
#define OPTIONS \
    "Options:\n" \
    "      --udhr FILE          UDHR records (default: the bundled copy)\n" \
    "      --min-paragraphs N   languages need N test paragraphs (default 6)\n" \
    "      --langs L,..         only these languages\n" \
    "      --languages          list: print the languages instead of the tasks\n" \
    "      --pairs SRC-TGT,..   translation directions, '*' for any (default en-*)\n" \
    "  -o, --output FILE        write here instead of standard output\n" \
    "      --allow-missing      score: a prompt without an answer gets an empty one\n" \
    "  -h, --help               show this help\n"

void usage_eval_sets(FILE *fp)
{
    fputs("Usage: " SYN_LIST "       " SYN_BUILD "       " SYN_BASELINE "       " SYN_SCORE "\n" TASKS
          "\n" ABOUT "\n" OPTIONS, fp);
}

void usage_eval_sets_list(FILE *fp) { fputs("Usage: " SYN_LIST "\n" TASKS "\n" OPTIONS, fp); }
void usage_eval_sets_build(FILE *fp) { fputs("Usage: " SYN_BUILD "\n" TASKS "\n" ABOUT "\n" OPTIONS, fp); }
void usage_eval_sets_baseline(FILE *fp)
{
    fputs("Usage: " SYN_BASELINE "\n" TASKS "\n" ABOUT "\n" OPTIONS, fp);
}
void usage_eval_sets_score(FILE *fp) { fputs("Usage: " SYN_SCORE "\n" TASKS "\n" ABOUT "\n" OPTIONS, fp); }

static int write_array(const char *path, const json_t *arr)
{
    pp_writer *w = NULL;
    pp_error err;
    if (pp_writer_open(path, &w, &err) != PP_OK)
        return cli_fail("eval-sets", &err);
    for (size_t i = 0; i < json_array_size(arr); i++)
        if (pp_writer_put(w, json_array_get(arr, i), &err) != PP_OK) {
            pp_writer_abort(w);
            return cli_fail("eval-sets", &err);
        }
    if (pp_writer_close(w, &err) != PP_OK)
        return cli_fail("eval-sets", &err);
    return 0;
}

/* Read a JSONL file into an array; each record gets "_line". */
static int read_array(const char *path, json_t **out)
{
    pp_reader *r = NULL;
    pp_error err;
    if (pp_reader_open(path, &r, &err) != PP_OK)
        return cli_fail("eval-sets", &err);
    json_t *arr = json_array(), *j;
    pp_status st;
    while ((st = pp_reader_next(r, &j, &err)) == PP_OK && j) {
        json_object_set_new(j, "_line", json_integer(pp_reader_lineno(r)));
        json_array_append_new(arr, j);
    }
    pp_reader_close(r);
    if (st != PP_OK) {
        json_decref(arr);
        return cli_fail("eval-sets", &err);
    }
    *out = arr;
    return 0;
}

static int cmp_id(const void *a, const void *b)
{
    const char *x = json_string_value(json_object_get(*(json_t *const *)a, "id"));
    const char *y = json_string_value(json_object_get(*(json_t *const *)b, "id"));
    return strcmp(x ? x : "", y ? y : "");
}

static int score(udhr_task t, const char *prompts_path, const char *outputs_path, const char *out,
                 int allow_missing)
{
    json_t *P = NULL, *O = NULL;
    if (read_array(prompts_path, &P))
        return 1;
    if (read_array(outputs_path, &O)) {
        json_decref(P);
        return 1;
    }
    int rc = 0;
    size_t no = json_array_size(O);
    json_t **by = malloc((no ? no : 1) * sizeof *by);
    for (size_t i = 0; i < no; i++) {
        by[i] = json_array_get(O, i);
        json_t *id = json_object_get(by[i], "id");
        if (!json_is_string(id)) {
            fprintf(stderr, "polyphony eval-sets: %s:%lld: answer has no string 'id'\n", outputs_path,
                    (long long)json_integer_value(json_object_get(by[i], "_line")));
            rc = 1;
            goto end;
        }
    }
    if (no > 1)
        qsort(by, no, sizeof *by, cmp_id);
    for (size_t i = 1; i < no; i++)
        if (cmp_id(&by[i], &by[i - 1]) == 0) {
            fprintf(stderr, "polyphony eval-sets: %s:%lld: duplicate answer for id '%s'\n",
                    outputs_path, (long long)json_integer_value(json_object_get(by[i], "_line")),
                    json_string_value(json_object_get(by[i], "id")));
            rc = 1;
            goto end;
        }
    json_t *res = json_array();
    size_t missing = 0, used = 0;
    const char *first_missing = NULL;
    for (size_t i = 0; i < json_array_size(P); i++) {
        json_t *p = json_array_get(P, i);
        const char *id = json_string_value(json_object_get(p, "id"));
        const char *task = json_string_value(json_object_get(p, "task"));
        if (!id || !task || strcmp(task, udhr_task_name(t)) != 0) {
            fprintf(stderr, "polyphony eval-sets: %s:%lld: not a '%s' prompt (build it with "
                            "'polyphony eval-sets build %s')\n",
                    prompts_path, (long long)json_integer_value(json_object_get(p, "_line")),
                    udhr_task_name(t), udhr_task_name(t));
            rc = 1;
            break;
        }
        json_t *key = json_pack("{s:s}", "id", id), **hit = no ? bsearch(&key, by, no, sizeof *by, cmp_id) : NULL;
        json_decref(key);
        json_t *ans = hit ? *hit : NULL;
        if (!ans) {
            if (!first_missing)
                first_missing = id;
            missing++;
            if (!allow_missing)
                continue;
        } else {
            used++;
        }
        json_t *e = json_pack("{s:s,s:O}", "id", id, "lang", json_object_get(p, "lang"));
        if (json_object_get(p, "group"))
            json_object_set(e, "group", json_object_get(p, "group"));
        if (t == UDHR_LM) {
            json_t *lp = ans ? json_object_get(ans, "logprob") : NULL;
            if (ans && !json_is_number(lp)) {
                fprintf(stderr, "polyphony eval-sets: %s:%lld: answer '%s' has no numeric 'logprob'\n",
                        outputs_path, (long long)json_integer_value(json_object_get(ans, "_line")), id);
                json_decref(e);
                rc = 1;
                break;
            }
            if (!ans) { /* an unanswered text is not scored */
                json_decref(e);
                continue;
            }
            json_object_set(e, "logprob", lp);
            json_object_set(e, "bytes", json_object_get(p, "bytes"));
        } else {
            json_t *o = ans ? json_object_get(ans, "output") : NULL;
            if (ans && !o)
                o = json_object_get(ans, "prediction");
            if (ans && !json_is_string(o)) {
                fprintf(stderr, "polyphony eval-sets: %s:%lld: answer '%s' has no string 'output'\n",
                        outputs_path, (long long)json_integer_value(json_object_get(ans, "_line")), id);
                json_decref(e);
                rc = 1;
                break;
            }
            json_object_set_new(e, "prediction", json_string(o ? json_string_value(o) : ""));
            if (json_object_get(p, "reference"))
                json_object_set(e, "reference", json_object_get(p, "reference"));
            if (json_object_get(p, "references"))
                json_object_set(e, "references", json_object_get(p, "references"));
        }
        json_array_append_new(res, e);
    }
    if (rc == 0 && used < no) {
        /* answers whose id is no prompt */
        for (size_t i = 0; i < json_array_size(O); i++) {
            json_t *a = json_array_get(O, i);
            int found = 0;
            for (size_t k = 0; k < json_array_size(P) && !found; k++)
                found = cmp_id(&a, &(json_t *){json_array_get(P, k)}) == 0;
            if (!found) {
                fprintf(stderr, "polyphony eval-sets: %s:%lld: answer id '%s' is not a prompt of %s\n",
                        outputs_path, (long long)json_integer_value(json_object_get(a, "_line")),
                        json_string_value(json_object_get(a, "id")), prompts_path);
                break;
            }
        }
        rc = 1;
    }
    if (rc == 0 && missing && !allow_missing) {
        fprintf(stderr, "polyphony eval-sets: %zu %s of %s %s no answer in %s (first: '%s'); "
                        "use --allow-missing to score %s as empty answers\n",
                missing, cli_noun(missing, "prompt", "prompts"), prompts_path,
                cli_noun(missing, "has", "have"), outputs_path, first_missing,
                cli_noun(missing, "it", "them"));
        rc = 1;
    } else if (rc == 0 && missing) {
        cli_warn("eval-sets", "%zu %s without an answer scored as empty (first: '%s')", missing,
                 cli_noun(missing, "prompt", "prompts"), first_missing);
    }
    if (rc == 0)
        rc = write_array(out, res);
    json_decref(res);
end:
    free(by);
    json_decref(P);
    json_decref(O);
    return rc;
}

/* sub: the sub-command when argv[0] names it, NULL when it follows the options. */
static int eval_sets_run(const char *sub, int argc, char **argv)
{
    cli_common co;
    cli_common_init(&co, "eval-sets", sub);
    static const struct option opts[] = {
        {"udhr", required_argument, NULL, 'U'},  {"min-paragraphs", required_argument, NULL, 'M'},
        {"langs", required_argument, NULL, 'L'}, {"languages", no_argument, NULL, 'G'}, {"pairs", required_argument, NULL, 'P'},
        CLI_LONG_OUTPUT, {"allow-missing", no_argument, NULL, 'A'},
        CLI_LONG_QUIET, CLI_LONG_HELP,           {NULL, 0, NULL, 0}};
    const char *udhr = NULL, *langs = NULL, *pairs = NULL, *out = "-";
    long min_par = 6;
    int list_langs = 0, allow_missing = 0;
    optind = 1;
    int c, cr;
    while ((c = getopt_long(argc, argv, "o:" CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case 'U': udhr = optarg; break;
        case 'M':
            if (!cli_parse_long("eval-sets", "--min-paragraphs", optarg, 1, 1000, &min_par))
                return 2;
            break;
        case 'L': langs = optarg; break;
        case 'G': list_langs = 1; break;
        case 'P': pairs = optarg; break;
        case 'A': allow_missing = 1; break;
        default:
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0)
                return cr;
            break;
        }
    }
    if (co.output)
        out = co.output;
    if (!sub && optind >= argc)
        return cli_usage("eval-sets", "expected list, build, baseline or score");
    if (!sub)
        sub = argv[optind++];
    int nargs = argc - optind;
    udhr_task t = UDHR_LM;
    if (strcmp(sub, "list") != 0) {
        if (strcmp(sub, "build") && strcmp(sub, "baseline") && strcmp(sub, "score"))
            return cli_usage("eval-sets", "unknown subcommand '%s'", sub);
        if (nargs < 1 || !udhr_task_parse(argv[optind], &t))
            return cli_usage("eval-sets", "%s needs a TASK: lm, cloze, lid or translation", sub);
        int want = !strcmp(sub, "build") ? 1 : !strcmp(sub, "baseline") ? 2 : 3;
        if (nargs != want)
            return cli_usage("eval-sets", "%s takes %s", sub,
                             want == 1 ? "TASK" : want == 2 ? "TASK PROMPTS" : "TASK PROMPTS OUTPUTS");
    }
    if (!strcmp(sub, "score"))
        return score(t, argv[optind + 1], argv[optind + 2], out, allow_missing);

    pp_error err;
    udhr_set *s = NULL;
    if (udhr_load(udhr, (size_t)min_par, &s, &err) != PP_OK)
        return cli_fail("eval-sets", &err);
    int rc = 0;
    if (!strcmp(sub, "list")) {
        if (list_langs) {
            printf("%-14s %-6s %5s  %s\n", "lang", "udhr", "test", "name");
            for (size_t i = 0; i < s->nl; i++)
                printf("%-14s %-6s %5zu  %s\n", s->l[i].lang, s->l[i].code, s->l[i].ntest, s->l[i].name);
        } else {
            printf("%zu %s with at least %ld test %s (one declaration each)\n\n", s->nl,
                   cli_noun(s->nl, "language", "languages"), min_par,
                   cli_noun(min_par, "paragraph", "paragraphs"));
            printf("%-12s %-14s %7s  %s\n", "task", "metric", "items", "description");
            for (int k = 0; k < UDHR_NTASKS; k++) {
                json_t *arr = json_array();
                if (udhr_build(s, (udhr_task)k, langs, pairs, arr, &err) != PP_OK) {
                    json_decref(arr);
                    rc = cli_fail("eval-sets", &err);
                    break;
                }
                printf("%-12s %-14s %7zu  %s%s\n", udhr_task_name((udhr_task)k),
                       udhr_task_metric((udhr_task)k), json_array_size(arr),
                       udhr_task_summary((udhr_task)k),
                       k == UDHR_TRANSLATION ? (pairs ? "" : " (pairs en-*)") : "");
                json_decref(arr);
            }
        }
    } else if (!strcmp(sub, "build")) {
        json_t *arr = json_array();
        if (udhr_build(s, t, langs, pairs, arr, &err) != PP_OK)
            rc = cli_fail("eval-sets", &err);
        else
            rc = write_array(out, arr);
        json_decref(arr);
    } else { /* baseline */
        json_t *P = NULL, *res = json_array();
        rc = read_array(argv[optind + 1], &P);
        if (!rc && udhr_baseline(s, t, P, res, &err) != PP_OK)
            rc = cli_fail("eval-sets", &err);
        if (!rc)
            rc = write_array(out, res);
        json_decref(P);
        json_decref(res);
    }
    udhr_free(s);
    return rc;
}

int cmd_eval_sets(int argc, char **argv)
{
    return eval_sets_run(NULL, argc, argv);
}

int cmd_eval_sets_sub(int argc, char **argv)
{
    return eval_sets_run(argv[0], argc, argv);
}
