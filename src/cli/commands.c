/* commands.c — the dispatch table: every command, in the order `polyphony
 * help` lists them (roughly the order of the pipeline), and the rows of the
 * sub-commands of each. Adding a command or a sub-command is adding a row. */
#include "config.h"
#include "src/cli/cli.h"

#include <stddef.h>

static const cli_subcommand langs_subs[] = {
    {"list", cmd_langs_list, "one registry language a line (low-resource, by script or family, profiled)", usage_langs_list},
    {"show", cmd_langs_show, "everything known about one language (ISO 639-1/639-3 or BCP 47)", usage_langs_show},
    {"validate", cmd_langs_validate, "validate community profiles against the RelaxNG schema", usage_langs_validate},
    {NULL, NULL, NULL, NULL},
};

static const cli_subcommand lid_subs[] = {
    {"train", cmd_lid_train, "train a fastText language identifier with calibrated thresholds", usage_lid_train},
    {"eval", cmd_lid_eval, "score predictions or a model against gold labels per language", usage_lid_eval},
    {"labels", cmd_lid_labels, "list a model's labels, tags, scripts and thresholds", usage_lid_labels},
    {"profiles", cmd_lid_profiles, "write the trigram profiles used to re-rank a model's labels", usage_lid_profiles},
    {NULL, NULL, NULL, NULL},
};

static const cli_subcommand dedup_subs[] = {
    {"signatures", cmd_dedup_sub, "write one shard's signatures (first step over shards)", usage_dedup_signatures},
    {"merge", cmd_dedup_sub, "merge shards' signatures into a duplicates table", usage_dedup_merge},
    {"apply", cmd_dedup_sub, "remove or mark one shard's duplicates from the table", usage_dedup_apply},
    {NULL, NULL, NULL, NULL},
};

static const cli_subcommand tokenizer_subs[] = {
    {"train", cmd_tokenizer_sub, "train a SentencePiece tokenizer with a language's defaults", usage_tokenizer_train},
    {"audit", cmd_tokenizer_sub, "measure what a tokenizer costs each language", usage_tokenizer_audit},
    {"encode", cmd_tokenizer_sub, "encode text to token ids or pieces", usage_tokenizer_encode},
    {"decode", cmd_tokenizer_sub, "decode token ids to text", usage_tokenizer_decode},
    {"export", cmd_tokenizer_sub, "write a trained model as a Hugging Face tokenizer.json", usage_tokenizer_export},
    {NULL, NULL, NULL, NULL},
};

static const cli_subcommand instruct_subs[] = {
    {"build", cmd_instruct_build, "render community-written templates over records into instruction data", usage_instruct_build},
    {"validate", cmd_instruct_validate, "check templates against the schema, the data and language ID", usage_instruct_validate},
    {NULL, NULL, NULL, NULL},
};

static const cli_subcommand prefs_subs[] = {
    {"import", cmd_prefs_sub, "merge and check preference records; write them in canonical form", usage_prefs_import},
    {"validate", cmd_prefs_sub, "check every preference record; report each bad line", usage_prefs_validate},
    {"stats", cmd_prefs_sub, "agreement pooled and within each annotator group; where groups disagree", usage_prefs_stats},
    {"synth", cmd_prefs_synth, "the controlled set: groups with opposed, known preferences", usage_prefs_synth},
    {NULL, NULL, NULL, NULL},
};

static const cli_subcommand eval_sets_subs[] = {
    {"list", cmd_eval_sets_sub, "list the UDHR tasks (or, with --languages, the languages)", usage_eval_sets_list},
    {"build", cmd_eval_sets_sub, "write a task's prompts as JSONL", usage_eval_sets_build},
    {"baseline", cmd_eval_sets_sub, "answer a task's prompts with simple baselines trained on the train split", usage_eval_sets_baseline},
    {"score", cmd_eval_sets_sub, "join a model's answers with the prompts into records for polyphony eval", usage_eval_sets_score},
    {NULL, NULL, NULL, NULL},
};

static const cli_subcommand align_subs[] = {
    {"eval", cmd_align_eval, "per-group and per-language outcomes of a model on preference pairs", usage_align_eval},
    {NULL, NULL, NULL, NULL},
};

static const cli_subcommand model_subs[] = {
    {"info", cmd_model_info, "parameters, config, tokenizer, dtypes and memory plan of a model", usage_model_info},
    {"merge", cmd_model_merge, "merge a LoRA adapter into its base model (a full checkpoint)", usage_model_merge},
    {NULL, NULL, NULL, NULL},
};

const cli_command cli_commands[] = {
    /* sourcing */
    {"ingest", cmd_ingest, "turn text, JSONL, UDHR, HTML, CES, TMX or TEI files into corpus records", usage_ingest, NULL},
    {"stats", cmd_stats, "count records and characters per language and script", usage_stats, NULL},
    /* finding languages */
    {"langs", NULL, "the language registry and community profiles: list, show, validate", usage_langs, langs_subs},
    {"lid", cmd_lid, "identify the language of each record (fastText); train and evaluate models", usage_lid, lid_subs},
    {"discover", cmd_discover, "inventory a corpus by language and script; cluster what is unidentified", usage_discover, NULL},
    /* building corpora */
    {"filter", cmd_filter, "quality filters with per-language survival and an exclusion audit", usage_filter, NULL},
    {"dedup", cmd_dedup, "remove or mark exact and near duplicates (MinHash LSH; shardable)", usage_dedup, dedup_subs},
    {"pii", cmd_pii, "find or redact emails, phone numbers, IPs, IBANs and card numbers", usage_pii, NULL},
    {"sample", cmd_sample, "sample a multilingual mixture to a budget (temperature, UniMax)", usage_sample, NULL},
    {"datasheet", cmd_datasheet, "write a datasheet for a corpus or an instruction/preference set", usage_datasheet, NULL},
    /* tokenizers */
    {"tokenizer", NULL, "train tokenizers with a language's defaults; audit what any tokenizer costs each language", usage_tokenizer, tokenizer_subs},
    /* community resources */
    {"instruct", NULL, "build instruction data from community-written templates", usage_instruct, instruct_subs},
    {"prefs", NULL, "preference data that keeps annotator groups and their disagreement", usage_prefs, prefs_subs},
    /* the model */
    {"train", cmd_train, "train a Llama-architecture model (resumable; MPI data parallel)", usage_train, NULL},
    {"score", cmd_score, "log-probability and bits per byte of each record under a model", usage_score, NULL},
    {"generate", cmd_generate, "continue prompts with a model (KV cache; greedy or sampled)", usage_generate, NULL},
    {"model", NULL, "inspect models: info", usage_model, model_subs},
    {"align", cmd_align_train, "preference optimization that keeps groups apart (DPO, steerable, group-robust, ...)", usage_align, align_subs},
    /* evaluation and the gap audit */
    {"eval-sets", cmd_eval_sets, "list, build and score the bundled evaluation tasks (UDHR)", usage_eval_sets, eval_sets_subs},
    {"eval", cmd_eval, "score predictions per language with bootstrap intervals", usage_eval, NULL},
    {"audit", cmd_audit, "per-community scorecards and gap statistics from ledgers", usage_audit, NULL},
    /* the command itself */
    {"help", cmd_help, "show help for polyphony, a command or a sub-command", usage_help, NULL},
    {"version", cmd_version, "print the version", usage_version, NULL},
};

const size_t cli_ncommands = sizeof cli_commands / sizeof cli_commands[0];
