/* cli_options.c — the options every command shares (--ledger, --quiet/-q,
 * --progress, --strict, --rejects, --output/-o, --help/-h), handled once. */
#include "config.h"
#include "src/cli/cli.h"

void cli_common_init(cli_common *co, const char *cmd, const char *sub)
{
    co->cmd = cmd;
    co->sub = sub;
    co->ledger = co->rejects = co->output = NULL;
    co->progress = -1;
    co->quiet = 0;
    co->strict = 0;
}

int cli_common_opt(cli_common *co, int c, const char *arg)
{
    switch (c) {
    case CLI_OPT_LEDGER: co->ledger = arg; return -1;
    case CLI_OPT_REJECTS: co->rejects = arg; return -1;
    case CLI_OPT_STRICT: co->strict = 1; return -1;
    case CLI_OPT_PROGRESS: co->progress = 1; return -1;
    case 'q':
        co->quiet = 1;
        co->progress = 0;
        return -1;
    case 'o': co->output = arg; return -1;
    case 'h': return cli_help(stdout, co->cmd, co->sub);
    default: {
        char name[128];
        snprintf(name, sizeof name, "%s%s%s", co->cmd, co->sub ? " " : "", co->sub ? co->sub : "");
        cli_usage(name, "unknown option");
        return 2;
    }
    }
}
