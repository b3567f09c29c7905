/* cli_dispatch.c — running a command or sub-command from the dispatch table,
 * and help printed from it (`polyphony help CMD SUB`, `CMD SUB --help`). */
#include "config.h"
#include "src/cli/cli.h"

#include <string.h>

static int is_help(const char *a)
{
    return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

const cli_command *cli_find(const char *name)
{
    for (size_t i = 0; i < cli_ncommands; i++)
        if (strcmp(cli_commands[i].name, name) == 0)
            return &cli_commands[i];
    return NULL;
}

const cli_subcommand *cli_find_sub(const cli_command *c, const char *name)
{
    for (const cli_subcommand *s = c->subs; s && s->name; s++)
        if (strcmp(s->name, name) == 0)
            return s;
    return NULL;
}

/* "list, show or validate" */
static void print_sub_names(FILE *fp, const cli_command *c)
{
    size_t n = 0;
    for (const cli_subcommand *s = c->subs; s && s->name; s++)
        n++;
    size_t i = 0;
    for (const cli_subcommand *s = c->subs; s && s->name; s++, i++)
        fprintf(fp, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", s->name);
}

static void print_command_help(FILE *fp, const cli_command *c)
{
    c->usage(fp);
    if (!c->subs)
        return;
    fprintf(fp, "\nSub-commands ('polyphony help %s SUB' for one):\n", c->name);
    for (const cli_subcommand *s = c->subs; s->name; s++)
        fprintf(fp, "  %-12s %s\n", s->name, s->summary);
}

static void print_sub_help(FILE *fp, const cli_command *c, const cli_subcommand *s)
{
    fprintf(fp, "polyphony %s %s: %s\n\n", c->name, s->name, s->summary);
    s->usage(fp);
}

int cli_help(FILE *fp, const char *cmd, const char *sub)
{
    const cli_command *c = cli_find(cmd);
    if (!c)
        return cli_usage("help", "unknown command '%s'", cmd);
    if (!sub) {
        print_command_help(fp, c);
        return 0;
    }
    const cli_subcommand *s = cli_find_sub(c, sub);
    if (!s) {
        if (!c->subs)
            return cli_usage("help", "'%s' has no sub-commands", cmd);
        fprintf(stderr, "polyphony help: '%s' is not a sub-command of %s (", sub, cmd);
        print_sub_names(stderr, c);
        fprintf(stderr, ")\nTry 'polyphony help %s' for more information.\n", cmd);
        return 2;
    }
    print_sub_help(fp, c, s);
    return 0;
}

int cli_dispatch(const cli_command *c, int argc, char **argv)
{
    const cli_subcommand *s = argc > 1 ? cli_find_sub(c, argv[1]) : NULL;
    if (s) {
        if (argc > 2 && is_help(argv[2])) {
            print_sub_help(stdout, c, s);
            return 0;
        }
        return s->fn(argc - 1, argv + 1);
    }
    if (argc > 1 && is_help(argv[1])) {
        print_command_help(stdout, c);
        return 0;
    }
    if (c->fn)
        return c->fn(argc, argv);
    /* A command that is only its sub-commands. */
    if (argc < 2) {
        fprintf(stderr, "polyphony %s: missing sub-command (", c->name);
        print_sub_names(stderr, c);
        fprintf(stderr, ")\nTry 'polyphony help %s' for more information.\n", c->name);
        return 2;
    }
    if (strcmp(argv[1], "help") == 0) {
        print_command_help(stdout, c);
        return 0;
    }
    fprintf(stderr, "polyphony %s: unknown sub-command '%s' (", c->name, argv[1]);
    print_sub_names(stderr, c);
    fprintf(stderr, ")\nTry 'polyphony help %s' for more information.\n", c->name);
    return 2;
}
