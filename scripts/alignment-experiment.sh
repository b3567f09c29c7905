#!/bin/sh
# scripts/alignment-experiment.sh — the pluralistic-alignment experiment of
# docs/alignment.md: two groups hold opposed spelling conventions of one
# language (Yoruba with and without tone marks, tests/data/align/), a majority
# (30 pairs) and a minority (14 pairs); a tiny model is fine-tuned on the
# Yoruba UDHR, then aligned with dpo, steerable, group-robust and
# distributional, and every model is evaluated per group with bootstrap
# intervals (on the training pairs and on 10 held-back phrases).
#
# Usage: sh scripts/alignment-experiment.sh [OUTDIR]    (default alignment-experiment/)
#   POLYPHONY   the polyphony binary (default: ./polyphony, else on PATH)
#   PREFS, HELD the preference files (default: the Yoruba tone sets of the source tree)
#   STEPS       alignment steps per objective (default 200)
#   TEXT        what the tokenizer and the starting model learn from: a JSONL file
#               with "text" (default: the Yoruba UDHR of the tests), or "pairs":
#               the prompts and both completions of PREFS' pairs, so the starting
#               model has seen both conventions equally
#   CTX         the model's context (max_position_embeddings; default the tiny
#               config's 128; UDHR paragraphs need about 384)
#   SFT_STEPS, SEQ_LEN  of the starting model's training (default 20, 64)
#   ALIGN_OPTS  more options for every align run (e.g. "--lora-rank 8": the
#               checkpoints are then adapters, evaluated with --adapter)
# Writes OUTDIR/: the models, eval-*.jsonl, ledger.jsonl, summary.txt, report.html.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-alignment-experiment}
P=${POLYPHONY:-$( [ -x "$top/polyphony" ] && echo "$top/polyphony" || echo polyphony )}
PREFS=${PREFS:-$top/tests/data/align/yo-tones-train.jsonl}
HELD=${HELD:-$top/tests/data/align/yo-tones-heldout.jsonl}
STEPS=${STEPS:-200}
TEXT=${TEXT:-$top/tests/data/tokenizers/yo-udhr-train.jsonl}
SFT_STEPS=${SFT_STEPS:-20}
SEQ_LEN=${SEQ_LEN:-64}
ALIGN_OPTS=${ALIGN_OPTS:-}
export POLYPHONY_DATA=${POLYPHONY_DATA:-$top} PP_RUN=${PP_RUN:-alignment-experiment}
mkdir -p "$out"
ledger=$out/ledger.jsonl
: >"$ledger"

lang=$(head -n 1 "$PREFS" | jq -r '.lang // "und"')
if [ "$TEXT" = pairs ]; then
    TEXT=$out/text.jsonl
    jq -c --arg l "$lang" '{text: .prompt, lang: $l}, {text: .chosen, lang: $l}, {text: .rejected, lang: $l}' \
        "$PREFS" >"$TEXT"
fi
config=$top/tests/data/model/train/config.json
if [ -n "${CTX:-}" ]; then
    jq --argjson c "$CTX" '.max_position_embeddings = $c' "$config" >"$out/config.json"
    config=$out/config.json
fi

# a tokenizer with the chat markers and a model fine-tuned briefly on TEXT
"$P" tokenizer train -q --lang "$lang" --vocab-size 400 --no-exemplars --chat-markers \
    -i "$TEXT" -o "$out/tok"
"$P" train -q --config "$config" --tokenizer "$out/tok.model" \
    --out "$out/sft" --steps "$SFT_STEPS" --batch-size 4 --seq-len "$SEQ_LEN" --lr 1e-2 --threads 1 \
    --seed 1 --data "$TEXT"

for obj in dpo steerable group-robust distributional; do
    # shellcheck disable=SC2086
    "$P" align -q --objective "$obj" --init "$out/sft" --prefs "$PREFS" --out "$out/$obj" \
        --steps "$STEPS" --batch-size 8 --lr 5e-3 --beta 0.5 --threads 1 \
        --seed 1 --log-json "$out/$obj.log.jsonl" $ALIGN_OPTS
    model="--model $out/$obj"
    [ -f "$out/$obj/adapter_config.json" ] && model="--model $out/sft --adapter $out/$obj"
    for split in train held; do
        f=$PREFS
        [ "$split" = held ] && f=$HELD
        # shellcheck disable=SC2086
        "$P" align eval $model --ref "$out/sft" --prefs "$f" --seed 1 \
            >"$out/eval-$obj-$split.jsonl"
    done
    # the ledger (and the report) carry the held-back figures
    jq -c --arg s "$obj" 'select(.group and .lang) | {stage: "align", step: $s, lang, metric, value, n, lo, hi, group, run: env.PP_RUN}' \
        "$out/eval-$obj-held.jsonl" >>"$ledger"
done

{
    printf '%-15s %-6s %-6s %-26s %-26s %-26s\n' objective split group choice_accuracy reward_accuracy distributional_match
    for obj in dpo steerable group-robust distributional; do
        for split in train held; do
            jq -rs --arg o "$obj" --arg s "$split" '
                def f: if . == null then "-" else "\(.value * 100 | round / 100) [\(.lo * 100 | round / 100), \(.hi * 100 | round / 100)]" end;
                map(select(.group)) | group_by(.group) | .[] |
                (map({key: .metric, value: .}) | from_entries) as $m |
                "\($o)\t\($s)\t\(.[0].group)\t\($m.choice_accuracy | f)\t\($m.reward_accuracy | f)\t\($m.distributional_match | f)"' \
                "$out/eval-$obj-$split.jsonl" |
                awk -F '\t' '{ printf "%-15s %-6s %-6s %-26s %-26s %-26s\n", $1, $2, $3, $4, $5, $6 }'
        done
    done
} | tee "$out/summary.txt"
"$P" audit --speakers none --html "$out/report.html" "$ledger" >"$out/audit.txt"
echo "report: $out/report.html"
