/* main.c — `polyphony <command> [options] [FILE...]`: dispatch, help, version. */
#include "config.h"
#include "src/cli/cli.h"
#include "src/pp_data.h"
#include "src/pp_stream.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static void print_overview(FILE *fp)
{
    fprintf(fp,
            "Usage: polyphony <command> [options] [FILE...]\n"
            "\n"
            "Language technology with and for language communities: find languages in\n"
            "corpora, build community resources, and measure per-language gaps at every\n"
            "stage. With no FILE, or FILE '-', commands read standard input.\n"
            "\n"
            "Commands:\n");
    for (size_t i = 0; i < cli_ncommands; i++)
        fprintf(fp, "  %-12s %s\n", cli_commands[i].name, cli_commands[i].summary);
    fprintf(fp,
            "\n"
            "Run 'polyphony help COMMAND [SUB-COMMAND]' or 'polyphony COMMAND [SUB-COMMAND] --help'\n"
            "for options;"
            " 'man polyphony-COMMAND' for a command's manual page.\n"
            "Exit status: 0 done, 1 runtime or input error, 2 usage error.\n");
}

void usage_help(FILE *fp)
{
    fprintf(fp, "Usage: polyphony help [COMMAND [SUB-COMMAND]]\n\n"
                "Show the list of commands, a command's help or a sub-command's help.\n");
}

int cmd_help(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "-q") == 0 || strcmp(argv[1], "--quiet") == 0) {
        print_overview(stdout);
        return 0;
    }
    if (argc > 3)
        return cli_usage("help", "unexpected argument '%s'", argv[3]);
    return cli_help(stdout, argv[1], argc > 2 ? argv[2] : NULL);
}

void usage_version(FILE *fp)
{
    fprintf(fp, "Usage: polyphony version [--data-dir]\n\n"
                "Print the version, or with --data-dir the directory of the bundled data\n"
                "($POLYPHONY_DATA when set, else the installed data directory).\n");
}

int cmd_version(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "--data-dir") == 0) {
        /* The data directory in use: where scripts find the bundled data. */
        printf("%s\n", pp_data_dir());
        return 0;
    }
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage_version(stdout);
        return 0;
    }
    if (argc >= 2 && (strcmp(argv[1], "-q") == 0 || strcmp(argv[1], "--quiet") == 0))
        return cmd_version(argc - 1, argv + 1);
    if (argc >= 2)
        return cli_usage("version", "unknown option '%s'", argv[1]);
    printf("polyphony %s\n", pp_version());
    return 0;
}

/* Standard output is checked once, here, for every command: a table or a
 * report that could not be written (a full disk, > /dev/full) is a failed
 * run, not a success with nothing to show. */
static int finish_stdout(const char *name, int rc)
{
    int bad = fflush(stdout) != 0 || ferror(stdout);
    int e = errno;
    if (fclose(stdout) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (!bad)
        return rc;
    fprintf(stderr, "polyphony%s%s: cannot write standard output: %s\n", name ? " " : "",
            name ? name : "", strerror(e));
    return rc ? rc : 1;
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        print_overview(stderr);
        return 2;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        print_overview(stdout);
        return 0;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0)
        return cmd_version(0, NULL);
    const cli_command *c = cli_find(name);
    if (!c) {
        fprintf(stderr, "polyphony: unknown command '%s'\nTry 'polyphony --help'.\n", name);
        return 2;
    }
    return cli_dispatch(c, argc - 1, argv + 1);
}

/* Interrupted or terminated: no half-written temporary file stays behind
 * (the final names are only ever complete files). */
static void on_signal(int sig)
{
    pp_output_remove_temporaries();
    signal(sig, SIG_DFL);
    raise(sig);
}

int main(int argc, char **argv)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        struct sigaction old;
        /* keep a signal the caller chose to ignore (nohup, background jobs) ignored */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(sigs[i], &sa, NULL);
    }
    int rc = run(argc, argv);
    return finish_stdout(argc >= 2 && argv[1][0] != '-' ? argv[1] : NULL, rc);
}
