/* commands.c — the dispatch table: every subcommand, in the order `polyphony
 * help` lists them (roughly the order of the pipeline). */
#include "config.h"
#include "cli.h"

const cli_command cli_commands[] = {
    {"help", cmd_help, "show help for polyphony or one of its commands"},
    {"version", cmd_version, "print the version"},
    {"ingest", cmd_ingest, "turn text, JSONL, UDHR, HTML, CES, TMX or TEI files into corpus records"},
    {"dedup", cmd_dedup, "remove or mark exact and near-duplicate records (MinHash/LSH, shardable)"},
    {"pii", cmd_pii, "find or redact emails, phone numbers, IPs, IBANs and card numbers"},
};

const size_t cli_ncommands = sizeof cli_commands / sizeof cli_commands[0];
