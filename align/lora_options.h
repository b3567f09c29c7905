/* lora_options.h — the LoRA options shared by the commands that train or use a model
 * (train, score, generate, model merge/info, and any other training command):
 *
 *     lora_cli lo;  lora_cli_init(&lo);
 *     struct option opts[] = {..., LORA_CLI_LONG_TRAIN, ...};   (or LORA_CLI_LONG_USE)
 *     default: if ((r = lora_cli_opt(&lo, CMD, c, optarg)) >= 0) { if (r) return r; break; }
 *     after parsing:    if ((r = lora_cli_check(&lo, CMD)) >= 0) return r;
 *     after the model:  lora_cli_attach(&lo, m, seed, &err)   (before pp_model_prepare)
 *     checkpoints:      pp_lora_save(m, dir, base_dir, &err)  when lora_cli_active(&lo)
 */
#ifndef LORA_OPTIONS_H
#define LORA_OPTIONS_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "align/pp_lora.h"

enum {
    LORA_OPT_RANK = 0x1100, /* above CLI_OPT_* and every command's own enum */
    LORA_OPT_ALPHA,
    LORA_OPT_DROPOUT,
    LORA_OPT_TARGETS,
    LORA_OPT_ADAPTER
};

/* training a fresh or given adapter */
#define LORA_CLI_LONG_TRAIN                                                                      \
    {"lora-rank", required_argument, NULL, LORA_OPT_RANK},                                       \
        {"lora-alpha", required_argument, NULL, LORA_OPT_ALPHA},                                 \
        {"lora-dropout", required_argument, NULL, LORA_OPT_DROPOUT},                             \
        {"lora-targets", required_argument, NULL, LORA_OPT_TARGETS},                             \
        {"adapter", required_argument, NULL, LORA_OPT_ADAPTER}
/* using a trained adapter */
#define LORA_CLI_LONG_USE {"adapter", required_argument, NULL, LORA_OPT_ADAPTER}

typedef struct lora_cli {
    long rank;           /* 0: no fresh adapter */
    double alpha;        /* < 0: not given (PEFT's default 8) */
    double dropout;      /* < 0: not given (0) */
    const char *targets; /* NULL: PP_LORA_DEFAULT_TARGETS */
    const char *adapter; /* an adapter directory to start from / apply */
} lora_cli;

void lora_cli_init(lora_cli *o);

/* -1: c is not a LoRA option; 0: taken; 2: usage error (printed). */
int lora_cli_opt(lora_cli *o, const char *cmd, int c, const char *arg);

/* After parsing: -1 when consistent, else 2 (usage error printed): unknown target
 * names, --lora-alpha/--lora-dropout/--lora-targets without --lora-rank, --lora-rank
 * with --adapter (an adapter brings its own). */
int lora_cli_check(const lora_cli *o, const char *cmd);

/* Whether the options ask for an adapter. */
int lora_cli_active(const lora_cli *o);

/* The fresh adapter's configuration from the options. */
pp_lora_config lora_cli_config(const lora_cli *o);

/* Attach what the options ask for: the adapter directory, or a fresh adapter
 * initialized from `seed`; nothing when inactive. */
pp_status lora_cli_attach(const lora_cli *o, pp_model *m, uint64_t seed, pp_error *err);

/* Help lines for the options (training: all; else --adapter only). */
void lora_cli_usage(FILE *fp, int training);

#endif
