/* cli.h — the `polyphony` command: dispatch table and helpers shared by the
 * subcommands (private; not installed).
 *
 * A subcommand is `int cmd_NAME(int argc, char **argv)` with argv[0] the
 * subcommand name. It returns the exit status: 0 done, 1 runtime or input
 * error, 2 usage error (DESIGN.md). `--help` prints its usage to stdout and
 * returns 0. */
#ifndef PP_CLI_H
#define PP_CLI_H

#include "src/pp_common.h"

#include <stdio.h>

typedef int (*cli_fn)(int argc, char **argv);

typedef struct cli_command {
    const char *name;
    cli_fn fn;
    const char *summary;
} cli_command;

extern const cli_command cli_commands[];
extern const size_t cli_ncommands;

const cli_command *cli_find(const char *name);

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

/* Progress: -1 auto (stderr is a terminal), 0 off (--quiet), 1 on (--progress).
 * Returns the stream to hand to pp_progress_new() (NULL for none). */
FILE *cli_progress_stream(int mode);

/* Parse a non-negative integer / a double option value; on failure prints a
 * usage error and returns 0. */
int cli_parse_long(const char *cmd, const char *opt, const char *val, long min, long max, long *out);
int cli_parse_double(const char *cmd, const char *opt, const char *val, double min, double max,
                     double *out);

/* Subcommands. */
int cmd_ingest(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_langs(int argc, char **argv);
int cmd_lid(int argc, char **argv);
int cmd_discover(int argc, char **argv);
int cmd_filter(int argc, char **argv);
int cmd_dedup(int argc, char **argv);
int cmd_pii(int argc, char **argv);
int cmd_sample(int argc, char **argv);
int cmd_datasheet(int argc, char **argv);
int cmd_tokenizer(int argc, char **argv);
int cmd_instruct(int argc, char **argv);
int cmd_prefs(int argc, char **argv);
int cmd_eval_sets(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_version(int argc, char **argv);

#endif
