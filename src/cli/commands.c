/* commands.c — the dispatch table: every subcommand, in the order `polyphony
 * help` lists them (roughly the order of the pipeline). */
#include "config.h"
#include "src/cli/cli.h"

const cli_command cli_commands[] = {
    /* sourcing */
    {"ingest", cmd_ingest, "turn text, JSONL, UDHR, HTML, CES, TMX or TEI files into corpus records"},
    {"stats", cmd_stats, "count records and characters per language and script"},
    /* finding languages */
    {"langs", cmd_langs, "the language registry and community profiles: list, show, validate"},
    {"lid", cmd_lid, "identify the language of each record (fastText); train and evaluate models"},
    {"discover", cmd_discover, "inventory a corpus by language and script; cluster what is unidentified"},
    /* building corpora */
    {"filter", cmd_filter, "quality filters with per-language survival and an exclusion audit"},
    {"dedup", cmd_dedup, "remove or mark exact and near duplicates (MinHash LSH; shardable)"},
    {"pii", cmd_pii, "find or redact emails, phone numbers, IPs, IBANs and card numbers"},
    {"sample", cmd_sample, "sample a multilingual mixture to a budget (temperature, UniMax)"},
    {"datasheet", cmd_datasheet, "write a datasheet for a corpus or an instruction/preference set"},
    /* tokenizers */
    {"tokenizer", cmd_tokenizer, "train tokenizers with a language's defaults; audit what any tokenizer costs each language"},
    /* community resources */
    {"instruct", cmd_instruct, "build instruction data from community-written templates"},
    {"prefs", cmd_prefs, "preference data that keeps annotator groups and their disagreement"},
    /* evaluation and the gap audit */
    {"eval-sets", cmd_eval_sets, "list, build and score the bundled evaluation tasks (UDHR)"},
    {"eval", cmd_eval, "score predictions per language with bootstrap intervals"},
    {"audit", cmd_audit, "per-community scorecards and gap statistics from ledgers"},
    /* the command itself */
    {"help", cmd_help, "show help for polyphony or one of its commands"},
    {"version", cmd_version, "print the version"},
};

const size_t cli_ncommands = sizeof cli_commands / sizeof cli_commands[0];
