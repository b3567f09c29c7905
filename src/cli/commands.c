/* commands.c — the dispatch table: every subcommand, in the order `polyphony
 * help` lists them (roughly the order of the pipeline). */
#include "config.h"
#include "cli.h"

const cli_command cli_commands[] = {
    {"stats", cmd_stats, "count records and characters per language and script"},
    {"help", cmd_help, "show help for polyphony or one of its commands"},
    {"version", cmd_version, "print the version"},
    {"ingest", cmd_ingest, "turn text, JSONL, UDHR, HTML, CES, TMX or TEI files into corpus records"},
    {"langs", cmd_langs, "the language registry and community profiles: list, show, validate"},
    {"tokenizer", cmd_tokenizer, "train tokenizers with a language's defaults; audit what any tokenizer costs each language"},
};

const size_t cli_ncommands = sizeof cli_commands / sizeof cli_commands[0];
