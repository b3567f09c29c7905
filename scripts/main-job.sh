#!/bin/sh
# scripts/main-job.sh — the main job on the data that ships with polyphony:
# an inventory of the bundled UDHR, then every stage measured per language
# into one metrics ledger, then the gap report over all of them.
#
# Usage: sh scripts/main-job.sh [OUTDIR]        (or: make main-job)
#   POLYPHONY       the polyphony binary (default: polyphony on PATH)
#   POLYPHONY_DATA  the data directory (set it to the source tree when uninstalled)
# Writes OUTDIR/ (default main-job/): ledger.jsonl, the per-stage outputs,
# audit.txt, audit.json, audit.csv and report.html (open it in a browser).
set -eu
out=${1:-main-job}
P=${POLYPHONY:-polyphony}
data=$("$P" version --data-dir)
udhr=$data/eval-sets/udhr/udhr.jsonl.zst
mkdir -p "$out"
ledger=$out/ledger.jsonl
: >"$ledger"
step() { printf '\n== %s\n' "$*"; }

step "1. Inventory of the bundled UDHR (languages, scripts, paragraphs)"
"$P" stats --ledger "$ledger" "$udhr" >"$out/inventory.txt"
head -n 6 "$out/inventory.txt"
echo "   ..."
tail -n 1 "$out/inventory.txt"

# The test split (articles 5, 10, 15, 20, 25, 30) is what every measurement
# below reads; training data never includes it (eval-sets/udhr/SPLIT.md).
zstd -dc "$udhr" | jq -c 'select(.meta.split == "test")' >"$out/udhr-test.jsonl"

step "2. Language identification: the bundled model on held-out paragraphs"
"$P" lid eval --gold lang --ledger "$ledger" "$out/udhr-test.jsonl" >"$out/lid-eval.txt"
grep -E '^(lang|macro)' "$out/lid-eval.txt"
echo "   ... (per language: $out/lid-eval.txt)"

step "3. Quality filters: who is lost by English-tuned rules (exclusion audit)"
"$P" filter --compare gopher,c4,culture-aware --reference en --ledger "$ledger" \
    "$out/udhr-test.jsonl" >"$out/filter-compare.txt" 2>"$out/filter-compare.err"
head -n 12 "$out/filter-compare.txt"
echo "   ... (full table: $out/filter-compare.txt)"

step "4. Tokenizer cost: cl100k_base premium per language relative to English"
"$P" tokenizer audit --model "$data/tests/data/tokenizers/cl100k_base.tiktoken.zst" \
    --format tiktoken --pattern cl100k_base --reference en --ledger "$ledger" \
    "$out/udhr-test.jsonl" >"$out/tokenizer-audit.txt" 2>"$out/tokenizer-audit.err"
head -n 8 "$out/tokenizer-audit.txt"
echo "   ... (full table: $out/tokenizer-audit.txt)"

step "5. Tasks from the UDHR test split, answered by simple baselines"
POLYPHONY=$P sh "$data/eval-sets/demo-gap-report.sh" "$out/tasks" >"$out/tasks.log" 2>&1
cat "$out/tasks/ledger.jsonl" >>"$ledger"
echo "   $(wc -l <"$out/tasks/ledger.jsonl") ledger rows from language ID, language modelling, cloze and translation"

step "6. The gap report over every stage"
# The headline figure of each stage (per-rule filter rows and the tokenizer's
# secondary statistics stay in the full ledger for a closer look).
jq -c 'select((.metric == "survival" and .stage == "filter")
              or (.metric == "premium") or (.metric == "f1" and .stage == "lid")
              or (.stage == "eval"))' \
    "$ledger" >"$out/headline.jsonl"
"$P" audit --csv "$out/audit.csv" --html "$out/report.html" "$out/headline.jsonl" \
    >"$out/audit.txt" 2>"$out/audit.err"
"$P" audit --json "$out/headline.jsonl" >"$out/audit.json" 2>/dev/null
# Everything up to the per-community scorecards, then the scorecards of the
# communities with a profile in langs/ (all 472 are in audit.txt).
sed '/^scorecards/q' "$out/audit.txt"
sed -n '/^scorecards/{n;p;q}' "$out/audit.txt"
grep -E '^(en|yo|ha|ig|sw|zu|am|wo|quz|hi|ar|tl|nv|gug|th) ' "$out/audit.txt"
echo "   ... (all communities: $out/audit.txt)"
echo
echo "ledger: $ledger ($(wc -l <"$ledger") rows, $(wc -l <"$out/headline.jsonl") in the report)"
echo "report: $out/report.html (self-contained; open it in a browser)"
