/* lora_options.c — parsing the LoRA options of the commands and attaching the
 * adapter they describe (lora_options.h). */
#include "config.h"
#include "align/lora_options.h"
#include "src/cli/cli.h"

#include <string.h>

void lora_cli_init(lora_cli *o)
{
    memset(o, 0, sizeof *o);
    o->alpha = -1;
    o->dropout = -1;
}

int lora_cli_opt(lora_cli *o, const char *cmd, int c, const char *arg)
{
    switch (c) {
    case LORA_OPT_RANK:
        return cli_parse_long(cmd, "--lora-rank", arg, 1, 1 << 20, &o->rank) ? 0 : 2;
    case LORA_OPT_ALPHA:
        return cli_parse_double(cmd, "--lora-alpha", arg, 1e-6, 1e6, &o->alpha) ? 0 : 2;
    case LORA_OPT_DROPOUT:
        return cli_parse_double(cmd, "--lora-dropout", arg, 0, 0.999, &o->dropout) ? 0 : 2;
    case LORA_OPT_TARGETS: o->targets = arg; return 0;
    case LORA_OPT_ADAPTER: o->adapter = arg; return 0;
    default: return -1;
    }
}

int lora_cli_check(const lora_cli *o, const char *cmd)
{
    if (o->rank && o->adapter)
        return cli_usage(cmd, "--lora-rank makes a fresh adapter; --adapter DIR brings its own");
    if (!o->rank && (o->alpha >= 0 || o->dropout >= 0 || o->targets))
        return cli_usage(cmd, "--lora-alpha, --lora-dropout and --lora-targets need --lora-rank");
    if (o->targets) {
        unsigned mask;
        pp_error err;
        if (pp_lora_targets_parse(o->targets, &mask, &err) != PP_OK)
            return cli_usage(cmd, "--lora-targets: %s", err.message);
    }
    return -1;
}

int lora_cli_active(const lora_cli *o) { return o->rank > 0 || o->adapter != NULL; }

pp_lora_config lora_cli_config(const lora_cli *o)
{
    pp_lora_config c = {.r = (int)o->rank,
                        .alpha = o->alpha >= 0 ? (float)o->alpha : 8.0f,
                        .dropout = o->dropout >= 0 ? (float)o->dropout : 0.0f};
    pp_lora_targets_parse(o->targets ? o->targets : PP_LORA_DEFAULT_TARGETS, &c.targets, NULL);
    return c;
}

pp_status lora_cli_attach(const lora_cli *o, pp_model *m, uint64_t seed, pp_error *err)
{
    if (o->adapter)
        return pp_lora_load(m, o->adapter, err);
    if (!o->rank)
        return PP_OK;
    pp_lora_config c = lora_cli_config(o);
    return pp_lora_attach(m, &c, seed, err);
}

void lora_cli_usage(FILE *fp, int training)
{
    if (!training) {
        fprintf(fp, "      --adapter DIR        apply a LoRA adapter (PEFT layout) to --model\n");
        return;
    }
    fprintf(fp,
            "      --lora-rank R        train a fresh LoRA adapter of rank R; the base is frozen\n"
            "      --lora-alpha A       scale the update by A/R (default 8, as PEFT)\n"
            "      --lora-dropout P     dropout on the adapters' input (default 0)\n"
            "      --lora-targets LIST  modules to adapt (default all linear layers:\n"
            "                           " PP_LORA_DEFAULT_TARGETS ")\n"
            "      --adapter DIR        continue training the adapter in DIR (with its\n"
            "                           training state unless --restart)\n");
}
