#!/bin/sh
# eval-sets/demo-gap-report.sh — a gap report over the bundled UDHR only.
#
# Builds four tasks from the UDHR test split, answers them with the simple
# baselines of `polyphony eval-sets baseline` (trained on the train split of
# each declaration: character-trigram language identification, a byte-trigram
# language model, the most frequent long word, and copying the English
# source), scores the answers per language
# with bootstrap intervals into a ledger, and runs `polyphony audit` on it.
#
# Usage: sh eval-sets/demo-gap-report.sh [OUTDIR]
#   POLYPHONY  the polyphony binary (default: ./polyphony, else from PATH)
#   SPEAKERS   --speakers source for the audit (default: registry)
# Writes OUTDIR/ledger.jsonl, audit.txt, audit.json, audit.csv, report.html.
set -eu
out=${1:-gap-report}
P=${POLYPHONY:-}
if [ -z "$P" ]; then
    if [ -x ./polyphony ]; then P=./polyphony; else P=polyphony; fi
fi
mkdir -p "$out"
ledger=$out/ledger.jsonl
: >"$ledger"

# 1. Language identification among all UDHR languages: character-trigram
#    profiles of the train split; exact match = recall per language.
"$P" eval-sets build lid -o "$out/lid.prompts.jsonl"
"$P" eval-sets baseline lid "$out/lid.prompts.jsonl" -o "$out/lid.answers.jsonl"
"$P" eval-sets score lid "$out/lid.prompts.jsonl" "$out/lid.answers.jsonl" -o "$out/lid.eval.jsonl"
"$P" eval --metric exact_match --stage lid --step udhr-trigram --ledger "$ledger" \
    "$out/lid.eval.jsonl" >"$out/lid.scores.txt"

# 2. Held-out-article language modelling: bits per byte (lower is better).
"$P" eval-sets build lm -o "$out/lm.prompts.jsonl"
"$P" eval-sets baseline lm "$out/lm.prompts.jsonl" -o "$out/lm.answers.jsonl"
"$P" eval-sets score lm "$out/lm.prompts.jsonl" "$out/lm.answers.jsonl" -o "$out/lm.eval.jsonl"
"$P" eval --metric bits_per_byte --step udhr-lm-trigram --ledger "$ledger" \
    "$out/lm.eval.jsonl" >"$out/lm.scores.txt"

# 3. Article cloze: exact match of the most frequent long word of the language.
"$P" eval-sets build cloze -o "$out/cloze.prompts.jsonl"
"$P" eval-sets baseline cloze "$out/cloze.prompts.jsonl" -o "$out/cloze.answers.jsonl"
"$P" eval-sets score cloze "$out/cloze.prompts.jsonl" "$out/cloze.answers.jsonl" -o "$out/cloze.eval.jsonl"
"$P" eval --metric exact_match --step udhr-cloze-frequent --ledger "$ledger" \
    "$out/cloze.eval.jsonl" >"$out/cloze.scores.txt"

# 4. Translation from English, answered by copying the source: chrF per target
#    language measures how much of English survives untranslated (script and
#    shared names), the floor any translation system must clear.
"$P" eval-sets build translation --pairs 'en-*' -o "$out/mt.prompts.jsonl"
"$P" eval-sets baseline translation "$out/mt.prompts.jsonl" -o "$out/mt.answers.jsonl"
"$P" eval-sets score translation "$out/mt.prompts.jsonl" "$out/mt.answers.jsonl" -o "$out/mt.eval.jsonl"
"$P" eval --metric chrf --step udhr-en-copy --ledger "$ledger" \
    "$out/mt.eval.jsonl" >"$out/mt.scores.txt"

# The gap report.
"$P" audit --speakers "${SPEAKERS:-registry}" --csv "$out/audit.csv" --html "$out/report.html" \
    "$ledger" >"$out/audit.txt"
"$P" audit --speakers "${SPEAKERS:-registry}" --json "$ledger" >"$out/audit.json" 2>/dev/null
head -n 12 "$out/audit.txt"
echo "..."
echo "full table: $out/audit.txt; report: $out/report.html; ledger: $ledger"
