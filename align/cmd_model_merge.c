/* cmd_model_merge.c — `polyphony model merge`: fold a LoRA adapter into its base,
 * W + (alpha/r) B A, and write a full checkpoint (with the base's tokenizer). */
#include "config.h"
#include "align/lora_options.h"
#include "align/pp_model.h"
#include "align/pp_model_dir.h"
#include "src/cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char *CMD = "model merge";

void usage_model_merge(FILE *fp)
{
    fprintf(fp,
            "Usage: polyphony model merge --model BASE --adapter DIR --out OUT\n"
            "Merge a LoRA adapter (PEFT layout: adapter_config.json, adapter_model.safetensors)\n"
            "into its base model: every adapted weight becomes W + (alpha/r) B A. OUT is a\n"
            "full checkpoint (config.json, model.safetensors in F32, the base's tokenizer).\n"
            "\n"
            "  -m, --model DIR          the base checkpoint\n"
            "      --adapter DIR        the adapter\n"
            "  -o, --out DIR            the merged checkpoint (created)\n"
            "  -q, --quiet              no summary on stderr\n"
            "  -h, --help               show this help\n"
            "See polyphony-model(1).\n");
}

int cmd_model_merge(int argc, char **argv)
{
    static const struct option opts[] = {{"model", required_argument, NULL, 'm'},
                                         {"out", required_argument, NULL, 'o'},
                                         LORA_CLI_LONG_USE,
                                         CLI_LONG_QUIET,
                                         CLI_LONG_HELP,
                                         {NULL, 0, NULL, 0}};
    cli_common co;
    cli_common_init(&co, "model", "merge");
    lora_cli lo;
    lora_cli_init(&lo);
    const char *base = NULL, *out = NULL;
    int c, cr;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:o:" CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case 'm': base = optarg; break;
        case 'o': out = optarg; break;
        default:
            if ((cr = lora_cli_opt(&lo, CMD, c, optarg)) >= 0) {
                if (cr)
                    return cr;
                break;
            }
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0)
                return cr;
            break;
        }
    }
    if (!base || !lo.adapter || !out)
        return cli_usage(CMD, "--model BASE, --adapter DIR and --out DIR are required");
    if (optind < argc)
        return cli_usage(CMD, "unexpected operand '%s'", argv[optind]);
    if (strcmp(out, base) == 0 || strcmp(out, lo.adapter) == 0)
        return cli_usage(CMD, "--out must be a new directory, not the base or the adapter");
    pp_error err;
    pp_error_clear(&err);
    pp_model *m = NULL;
    pp_status st = pp_model_load(base, &m, &err);
    if (st == PP_OK)
        st = lora_cli_attach(&lo, m, 0, &err);
    pp_lora_config lc = {0};
    if (st == PP_OK) {
        lc = *pp_model_lora(m);
        st = pp_lora_merge(m, &err);
    }
    if (st == PP_OK)
        st = pp_model_save(m, out, &err);
    if (st == PP_OK) {
        pp_status ts = pp_model_dir_copy_tokenizer(base, out, &err);
        if (ts != PP_OK && ts != PP_ERR_NOT_FOUND)
            st = ts;
    }
    pp_model_free(m);
    if (st != PP_OK)
        return cli_fail(CMD, &err);
    if (!co.quiet)
        fprintf(stderr, "polyphony model merge: rank %d, alpha %g adapter merged into %s\n", lc.r,
                (double)lc.alpha, out);
    return 0;
}
