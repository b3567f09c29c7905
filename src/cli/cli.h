/* cli.h — the `polyphony` command: dispatch table and helpers shared by the
 * commands (private; not installed).
 *
 * A command or sub-command is `int cmd_NAME(int argc, char **argv)` with
 * argv[0] its own name (`lid` or `train` for `polyphony lid train`). It
 * returns the exit status: 0 done, 1 runtime or input error, 2 usage error
 * (DESIGN.md). Adding one: write the function and its help printer, declare
 * both below, and add a row to the table in commands.c; dispatch, `--help` and
 * `polyphony help CMD [SUB]` follow from the row. */
#ifndef PP_CLI_H
#define PP_CLI_H

#include "src/pp_common.h"

#include <getopt.h>
#include <stdio.h>

typedef int (*cli_fn)(int argc, char **argv);

/* Prints a command's or sub-command's help text (synopsis, options). */
typedef void (*cli_usage_fn)(FILE *fp);

/* A sub-command row: `polyphony CMD NAME ...` calls fn with argv[0] = NAME. */
typedef struct cli_subcommand {
    const char *name;
    cli_fn fn;
    const char *summary;
    cli_usage_fn usage;
} cli_subcommand;

/* A command row. fn runs the command when argv[1] names none of its
 * sub-commands (NULL: the command is only its sub-commands). subs ends with a
 * row whose name is NULL; NULL when there are none. */
typedef struct cli_command {
    const char *name;
    cli_fn fn;
    const char *summary;
    cli_usage_fn usage;
    const cli_subcommand *subs;
} cli_command;

extern const cli_command cli_commands[];
extern const size_t cli_ncommands;

const cli_command *cli_find(const char *name);
const cli_subcommand *cli_find_sub(const cli_command *c, const char *name);

/* Run command c with argv[0] = its name: the sub-command named by argv[1],
 * else c->fn. `CMD --help` and `CMD SUB --help` print the table's help. */
int cli_dispatch(const cli_command *c, int argc, char **argv);

/* Print the help of CMD, or of CMD SUB when sub is not NULL, from the table.
 * Returns 0, or 2 (usage error printed) when CMD or SUB is unknown. */
int cli_help(FILE *fp, const char *cmd, const char *sub);

/* ---------------------------------------------------------------------
 * Common options. A command lists the rows it accepts in its struct option
 * array (CLI_LONG_QUIET and CLI_LONG_HELP in every one), adds CLI_SHORT_COMMON
 * to its short options, and passes every option its own switch does not know
 * to cli_common_opt(), which fills a cli_common. */
enum {
    CLI_OPT_BASE = 0x1000, /* above every character and every command's own enum */
    CLI_OPT_LEDGER = CLI_OPT_BASE,
    CLI_OPT_PROGRESS,
    CLI_OPT_STRICT,
    CLI_OPT_REJECTS,
};

#define CLI_LONG_LEDGER {"ledger", required_argument, NULL, CLI_OPT_LEDGER}
#define CLI_LONG_PROGRESS {"progress", no_argument, NULL, CLI_OPT_PROGRESS}
#define CLI_LONG_STRICT {"strict", no_argument, NULL, CLI_OPT_STRICT}
#define CLI_LONG_REJECTS {"rejects", required_argument, NULL, CLI_OPT_REJECTS}
#define CLI_LONG_OUTPUT {"output", required_argument, NULL, 'o'}
#define CLI_LONG_QUIET {"quiet", no_argument, NULL, 'q'}
#define CLI_LONG_HELP {"help", no_argument, NULL, 'h'}
/* -q and -h; commands with --output add "o:" themselves. */
#define CLI_SHORT_COMMON "qh"

typedef struct cli_common {
    const char *cmd, *sub; /* whose help --help prints */
    const char *ledger, *rejects, *output; /* NULL when not given */
    int progress;          /* -1 auto, 0 --quiet, 1 --progress (last one wins) */
    int quiet;             /* --quiet given */
    int strict;            /* --strict given */
} cli_common;

void cli_common_init(cli_common *co, const char *cmd, const char *sub);

/* Handle option c (getopt_long's return) with argument arg. Returns -1 when it
 * was a common option and parsing goes on; otherwise the exit status the
 * command returns at once: 0 after --help, 2 after a usage error (unknown
 * option). */
int cli_common_opt(cli_common *co, int c, const char *arg);

/* Print "polyphony CMD: <file:line: message>" to stderr; returns 1. */
int cli_fail(const char *cmd, const pp_error *err);

/* Print "polyphony CMD: <message>" and a hint to stderr; returns 2. */
int cli_usage(const char *cmd, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Print "polyphony CMD: <message>" to stderr (a warning; no exit status). */
void cli_warn(const char *cmd, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The noun that goes with a count in a message, singular for one:
 * printf("%zu %s", n, cli_noun(n, "language", "languages")). */
const char *cli_noun(double n, const char *one, const char *many);

/* Progress: -1 auto (stderr is a terminal), 0 off (--quiet), 1 on (--progress).
 * Returns the stream to hand to pp_progress_new() (NULL for none). */
FILE *cli_progress_stream(int mode);

/* Parse a non-negative integer / a double option value; on failure prints a
 * usage error and returns 0. */
int cli_parse_long(const char *cmd, const char *opt, const char *val, long min, long max, long *out);
int cli_parse_double(const char *cmd, const char *opt, const char *val, double min, double max,
                     double *out);

/* Commands and sub-commands (the table in commands.c names them). */
int cmd_ingest(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_lid(int argc, char **argv);
int cmd_discover(int argc, char **argv);
int cmd_filter(int argc, char **argv);
int cmd_dedup(int argc, char **argv);
int cmd_pii(int argc, char **argv);
int cmd_sample(int argc, char **argv);
int cmd_datasheet(int argc, char **argv);
int cmd_eval_sets(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_lid_train(int argc, char **argv);
int cmd_lid_eval(int argc, char **argv);
int cmd_lid_labels(int argc, char **argv);
int cmd_lid_profiles(int argc, char **argv);
int cmd_langs_list(int argc, char **argv);
int cmd_langs_show(int argc, char **argv);
int cmd_langs_validate(int argc, char **argv);
int cmd_dedup_sub(int argc, char **argv);       /* signatures, merge, apply */
int cmd_instruct_build(int argc, char **argv);
int cmd_instruct_validate(int argc, char **argv);
int cmd_prefs_synth(int argc, char **argv);
int cmd_prefs_sub(int argc, char **argv);       /* import, validate, stats */
int cmd_tokenizer_sub(int argc, char **argv);   /* train, audit, encode, decode, export */
int cmd_eval_sets_sub(int argc, char **argv);   /* list, build, baseline, score */

/* Help texts, one per command or group of sub-commands sharing options. */
void usage_ingest(FILE *fp);
void usage_stats(FILE *fp);
void usage_langs(FILE *fp);
void usage_langs_list(FILE *fp);
void usage_langs_show(FILE *fp);
void usage_langs_validate(FILE *fp);
void usage_lid(FILE *fp);
void usage_lid_train(FILE *fp);
void usage_lid_eval(FILE *fp);
void usage_lid_labels(FILE *fp);
void usage_lid_profiles(FILE *fp);
void usage_discover(FILE *fp);
void usage_filter(FILE *fp);
void usage_dedup(FILE *fp);
void usage_dedup_signatures(FILE *fp);
void usage_dedup_merge(FILE *fp);
void usage_dedup_apply(FILE *fp);
void usage_pii(FILE *fp);
void usage_sample(FILE *fp);
void usage_datasheet(FILE *fp);
void usage_tokenizer(FILE *fp);
void usage_tokenizer_train(FILE *fp);
void usage_tokenizer_audit(FILE *fp);
void usage_tokenizer_encode(FILE *fp);
void usage_tokenizer_decode(FILE *fp);
void usage_tokenizer_export(FILE *fp);
void usage_instruct(FILE *fp);
void usage_instruct_build(FILE *fp);
void usage_instruct_validate(FILE *fp);
void usage_prefs(FILE *fp);
void usage_prefs_import(FILE *fp);
void usage_prefs_validate(FILE *fp);
void usage_prefs_stats(FILE *fp);
void usage_prefs_synth(FILE *fp);
void usage_eval_sets(FILE *fp);
void usage_eval_sets_list(FILE *fp);
void usage_eval_sets_build(FILE *fp);
void usage_eval_sets_baseline(FILE *fp);
void usage_eval_sets_score(FILE *fp);
void usage_eval(FILE *fp);
void usage_audit(FILE *fp);
void usage_help(FILE *fp);
void usage_version(FILE *fp);
int cmd_version(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_model_info(int argc, char **argv);
int cmd_model_merge(int argc, char **argv);
void usage_train(FILE *fp);
void usage_score(FILE *fp);
void usage_generate(FILE *fp);
void usage_model(FILE *fp);
void usage_model_info(FILE *fp);
void usage_model_merge(FILE *fp);
int cmd_align_train(int argc, char **argv);
int cmd_align_eval(int argc, char **argv);
void usage_align(FILE *fp);
void usage_align_eval(FILE *fp);

#endif
