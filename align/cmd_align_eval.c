/* cmd_align_eval.c — `polyphony align eval`: how a model serves each group
 * of a preference set (and each language), conditioned as it was trained:
 * choice accuracy, implicit-reward accuracy against a reference, distributional
 * match with the annotators' shares, how often it follows another group's
 * preference, the worst group and its gap to the best; JSON lines and ledger
 * rows (stage align, the group in a `group` field). */
#include "config.h"
#include "align/align_cli.h"
#include "align/pp_lora.h"
#include "align/pp_model.h"
#include "align/pp_model_dir.h"
#include "align/pp_pref_data.h"
#include "src/cli/cli.h"
#include "src/pp_ledger.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *CMD = "align eval";

void usage_align_eval(FILE *fp)
{
    fprintf(fp,
            "Usage: polyphony align eval --model DIR [--adapter DIR] --prefs FILE [--ref DIR]\n"
            "                            [OPTIONS]\n"
            "Evaluate a model on preference pairs per group and per language, conditioned\n"
            "on the group when the model was trained so (its polyphony_alignment.json).\n"
            "One JSON line per group or language and metric, with a 95%% bootstrap interval:\n"
            "  choice_accuracy        length-normalized log-prob of chosen > rejected\n"
            "  reward_accuracy        implicit reward of chosen > rejected (with --ref)\n"
            "  distributional_match   1 - Jensen-Shannon distance between the model's\n"
            "                         choice probability and p_chosen\n"
            "  follows_other_group    on pairs another group holds reversed: how often\n"
            "                         the model, given this group, picks the other's choice\n"
            "then the worst group's accuracy and its gap to the best.\n"
            "\n"
            "      --model DIR          the model to evaluate\n"
            "      --prefs FILE         preference records (JSONL)\n"
            "      --adapter DIR        a LoRA adapter (PEFT layout) applied to --model, e.g.\n"
            "                           the checkpoint of a LoRA align run; its\n"
            "                           polyphony_alignment.json is read from DIR\n"
            "      --ref DIR            the reference model (the one alignment started from)\n"
            "      --ref-adapter DIR    an adapter applied to --ref (the SFT adapter a LoRA\n"
            "                           align run started from)\n"
            "      --beta B             of the implicit reward (default: the model's, or 0.1)\n"
            "      --group-field F      (default: the model's, or group)\n"
            "      --seed S             bootstrap seed (default 1)\n"
            "      --resamples N        bootstrap resamples (default 1000)\n"
            "      --ledger FILE        append the rows (stage align)\n"
            "      --rejects FILE       unusable records go here with the reason (else exit 1)\n"
            "  -q, --quiet              (accepted for symmetry)\n"
            "  -h, --help               show this help\n"
            "See polyphony-align(1).\n");
}

/* Read the pairs with m's tokenizer and the conditioning `c`. */
static int read_with(const char *dir, const pp_pref_conditioning *c, const char *gf,
                     const char *prefs, pp_writer *rej, pp_model *m, pp_pref_set *set)
{
    pp_error e;
    pp_error_clear(&e);
    pp_tokenizer *tok = NULL;
    pp_chat_kind chat;
    if (pp_model_dir_tokenizer(dir, &tok, &chat, NULL, &e) != PP_OK)
        return cli_fail(CMD, &e);
    const pp_llama_config *cfg = pp_model_config(m);
    pp_pref_render rd = {tok, chat, cfg->bos_token_id, c->conditioned ? c->group_prefix : NULL};
    int rc = align_read_prefs(CMD, prefs, &rd, gf, (size_t)cfg->max_position_embeddings + 1, rej,
                              0, set);
    size_t maxn = 2;
    for (size_t i = 0; !rc && i < set->n; i++) {
        maxn = set->ex[i].chosen.n > maxn ? set->ex[i].chosen.n : maxn;
        maxn = set->ex[i].rejected.n > maxn ? set->ex[i].rejected.n : maxn;
    }
    if (!rc && pp_model_prepare(m, 1, (int)maxn - 1, 0, &e) != PP_OK)
        rc = cli_fail(CMD, &e);
    pp_tokenizer_free(tok);
    return rc;
}

int cmd_align_eval(int argc, char **argv)
{
    enum { O_MODEL = 1, O_PREFS, O_REF, O_BETA, O_GF, O_SEED, O_RES, O_ADAPTER, O_REFADAPTER };
    static const struct option opts[] = {
        {"model", required_argument, NULL, O_MODEL}, {"prefs", required_argument, NULL, O_PREFS},
        {"ref", required_argument, NULL, O_REF}, {"beta", required_argument, NULL, O_BETA},
        {"group-field", required_argument, NULL, O_GF}, {"seed", required_argument, NULL, O_SEED},
        {"resamples", required_argument, NULL, O_RES}, {"adapter", required_argument, NULL, O_ADAPTER},
        {"ref-adapter", required_argument, NULL, O_REFADAPTER}, CLI_LONG_LEDGER, CLI_LONG_REJECTS,
        CLI_LONG_QUIET, CLI_LONG_HELP, {NULL, 0, NULL, 0}};
    const char *model = NULL, *prefs = NULL, *refdir = NULL, *gf = NULL, *adapter = NULL,
               *ref_adapter = NULL;
    double beta = 0;
    long seed = 1, resamples = 1000;
    cli_common co;
    cli_common_init(&co, "align", "eval");
    int c, cr;
    optind = 1;
    while ((c = getopt_long(argc, argv, CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case O_MODEL: model = optarg; break;
        case O_PREFS: prefs = optarg; break;
        case O_REF: refdir = optarg; break;
        case O_ADAPTER: adapter = optarg; break;
        case O_REFADAPTER: ref_adapter = optarg; break;
        case O_BETA: if (!cli_parse_double(CMD, "--beta", optarg, 1e-9, 1e9, &beta)) return 2; break;
        case O_GF: gf = optarg; break;
        case O_SEED: if (!cli_parse_long(CMD, "--seed", optarg, 0, 1L << 40, &seed)) return 2; break;
        case O_RES: if (!cli_parse_long(CMD, "--resamples", optarg, 0, 1000000, &resamples)) return 2; break;
        default:
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0)
                return cr;
            break;
        }
    }
    if (optind < argc)
        return cli_usage(CMD, "unexpected operand '%s'", argv[optind]);
    if (!model || !prefs)
        return cli_usage(CMD, "--model DIR and --prefs FILE are required");
    if (ref_adapter && !refdir)
        return cli_usage(CMD, "--ref-adapter needs --ref (the base it adapts)");
    pp_error err;
    pp_error_clear(&err);
    pp_pref_conditioning cond;
    pp_model *m = NULL;
    pp_pref_set set = {0};
    pp_writer *rej = NULL;
    pp_ledger *lg = NULL;
    double *ref = NULL;
    int rc = 0;
    /* a LoRA align run keeps its conditioning beside the adapter */
    if (pp_pref_conditioning_load(adapter ? adapter : model, &cond, &err) != PP_OK)
        goto fail;
    if (!gf)
        gf = cond.group_field[0] ? cond.group_field : "group";
    if (beta == 0)
        beta = cond.beta > 0 ? cond.beta : 0.1;
    if (co.rejects && pp_writer_open(co.rejects, &rej, &err) != PP_OK)
        goto fail;
    if (refdir) { /* the reference's log-probs first, then only the model is in memory */
        if (pp_model_load(refdir, &m, &err) != PP_OK ||
            (ref_adapter && pp_lora_load(m, ref_adapter, &err) != PP_OK))
            goto fail;
        if ((rc = read_with(refdir, &cond, gf, prefs, rej, m, &set)))
            goto out;
        if (!(ref = malloc((2 * set.n + 1) * sizeof *ref))) {
            pp_error_set(&err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            goto fail;
        }
        for (size_t i = 0; i < set.n; i++) {
            long nt[2];
            if (align_pair_logps(m, &set.ex[i], ref + 2 * i, nt, &err))
                goto fail;
        }
        pp_model_free(m);
        m = NULL;
        pp_pref_set_clear(&set);
    }
    if (pp_model_load(model, &m, &err) != PP_OK ||
        (adapter && pp_lora_load(m, adapter, &err) != PP_OK))
        goto fail;
    if ((rc = read_with(model, &cond, gf, prefs, refdir ? NULL : rej, m, &set)))
        goto out;
    if (co.ledger && pp_ledger_open(co.ledger, "align", &lg, &err) != PP_OK)
        goto fail;
    align_eval_opts eo = {ref, beta, cond.objective[0] ? cond.objective : "model", (uint64_t)seed,
                          resamples, stdout, lg};
    rc = align_evaluate(CMD, m, &set, &eo);
    goto out;
fail:
    rc = cli_fail(CMD, &err);
out:
    if (lg && pp_ledger_close(lg, &err) != PP_OK && !rc)
        rc = cli_fail(CMD, &err);
    if (rej && pp_writer_close(rej, &err) != PP_OK && !rc)
        rc = cli_fail(CMD, &err);
    free(ref);
    pp_pref_set_clear(&set);
    pp_model_free(m);
    return rc;
}
