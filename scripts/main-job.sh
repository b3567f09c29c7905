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

step "6. A small model for the communities with a profile (train, then score held-out articles)"
# The languages with a community profile in langs/ (by tag, or by ISO 639-3 where the
# declaration carries the macrolanguage's tag: ar for arb, qu for quz, gn for gug),
# and English as the reference.
"$P" langs list --profiled --json | jq -c '[.bcp47, .iso639_3]' | jq -sc 'add + ["en"]' >"$out/model-langs.json"
sel='($L[0]) as $L | (.lang as $x | $L | index($x)) or (.meta.iso639_3 // .udhr_code | . as $x | $L | index($x))'
zstd -dc "$udhr" | jq -c --slurpfile L "$out/model-langs.json" "select(.meta.split == \"train\") | select($sel)" \
    >"$out/model-train.jsonl"
langs=$(jq -r '.lang' "$out/model-train.jsonl" | sort -u | paste -sd, -)
"$P" tokenizer train -q --langs "$langs" --vocab-size 3000 --chat-markers \
    -i "$out/model-train.jsonl" -o "$out/model-tokenizer" >"$out/model.log" 2>&1
cat >"$out/model-config.json" <<'JSON'
{"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 3000,
 "hidden_size": 128, "intermediate_size": 352, "num_hidden_layers": 3,
 "num_attention_heads": 4, "num_key_value_heads": 2, "max_position_embeddings": 256,
 "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "hidden_act": "silu", "tie_word_embeddings": true}
JSON
# Languages mixed with temperature 3 (shares ~ size^(1/3)): the smaller declarations
# are repeated rather than drowned by the larger ones.
OMP_WAIT_POLICY=passive "$P" train -q --config "$out/model-config.json" --tokenizer "$out/model-tokenizer.model" \
    --data "$out/model-train.jsonl" --mix temperature:3 --out "$out/model" \
    --steps "${MODEL_STEPS:-120}" --batch-size 8 --seq-len 128 --lr 3e-3 --warmup 15 \
    --weight-decay 0.01 --seed 1 --log-json "$out/model-train.log.jsonl" --ledger "$ledger" \
    >>"$out/model.log" 2>&1
jq -s '"   trained \(length) steps: loss \(.[0].loss * 1000 | round / 1000) -> \(.[-1].loss * 1000 | round / 1000), \(map(.tokens_per_s) | add / length | round) tokens/s"' -r \
    "$out/model-train.log.jsonl"
# The held-out test articles (the lm task of step 5) of the same languages, scored in
# windows of the training length; eval adds bootstrap intervals to the ledger rows.
jq -c --slurpfile L "$out/model-langs.json" "select($sel)" "$out/tasks/lm.prompts.jsonl" \
    >"$out/model-test.jsonl"
"$P" score -q --model "$out/model" --window 128 -o "$out/model-scored.jsonl" "$out/model-test.jsonl"
"$P" eval --metric bits_per_byte --step udhr-lm-model --ledger "$ledger" \
    "$out/model-scored.jsonl" >"$out/model-scores.txt"
grep -E '^(lang|all)' "$out/model-scores.txt" | head -n 2
echo "   ... (per language: $out/model-scores.txt; the byte-trigram baseline: $out/tasks/lm.scores.txt)"

step "6b. Pluralistic alignment: DPO against steerable on Romanian 1953/1993 spelling (held-back pairs)"
. "$(dirname "$0")/main-job-align.sh"

step "7. The gap report over every stage"
# The headline figure of each stage (per-rule filter rows and the tokenizer's
# secondary statistics stay in the full ledger for a closer look).
jq -c 'select((.metric == "survival" and .stage == "filter")
              or (.metric == "premium") or (.metric == "f1" and .stage == "lid")
              or (.stage == "eval")
              or (.stage == "align" and (.metric == "choice_accuracy" or .metric == "reward_accuracy")))' \
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
