/* main.c — `polyphony <command> [options] [FILE...]`: dispatch, help, version. */
#include "config.h"
#include "src/cli/cli.h"
#include "src/pp_data.h"

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

int main(int argc, char **argv)
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
