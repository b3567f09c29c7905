#!/bin/sh
# tests/cli/align.sh — polyphony align and align eval: usage, bad preference
# records (exit 1 naming file:line, or --rejects), the per-step log with group
# weights, reproducibility, the checkpoint's conditioning, and at a tiny scale
# the experiment's two outcomes on opposed conventions (Yoruba with and without
# tone marks, 30 majority / 14 minority pairs): DPO follows the majority, a
# steerable model follows the group it is given; eval rows in the ledger.
. "$top_srcdir/tests/cli/lib.sh"
require_cmd jq jq
D=$TESTDATA/align
TRAIN=$D/yo-tones-train.jsonl
HELD=$D/yo-tones-heldout.jsonl

expect_status 0 pp align --help
expect_grep 'group-robust' "$TMP/out"
expect_status 0 pp align eval --help
expect_grep 'follows_other_group' "$TMP/out"
expect_status 0 pp help align
expect_status 2 pp align --init x --prefs y --out z
expect_grep 'objective is required' "$TMP/err"
expect_status 2 pp align --objective ppo --init x --prefs y --out z
expect_grep "unknown objective 'ppo'" "$TMP/err"
expect_status 2 pp align --objective dpo --prefs y --out z
expect_status 2 pp align --objective cdpo --label-smoothing 0.7 --init x --prefs y --out z
expect_status 2 pp align eval --prefs y

# a tokenizer with the ChatML markers and a briefly trained model to start from
expect_status 0 pp tokenizer train -q --lang yo --vocab-size 400 --no-exemplars --chat-markers \
    -i "$TESTDATA/tokenizers/yo-udhr-train.jsonl" -o "$TMP/yo" || stop "tokenizer training failed"
expect_status 0 pp train --config "$TESTDATA/model/train/config.json" --tokenizer "$TMP/yo.model" \
    --out "$TMP/sft" --steps 20 --batch-size 4 --seq-len 64 --lr 1e-2 --threads 1 -q \
    --data "$TESTDATA/tokenizers/yo-udhr-train.jsonl" || stop "the starting model failed"
COMMON="--init $TMP/sft --batch-size 8 --beta 0.5 --threads 1 -q"

# --- bad records: exit 1 with file:line, or --rejects with the reason
head -n 3 "$TRAIN" >"$TMP/bad.jsonl"
printf '%s\n' '{"prompt":"Kọ: a","chosen":"á","group":"tonal","lang":"yo"}' >>"$TMP/bad.jsonl"
expect_status 1 pp align --objective dpo $COMMON --prefs "$TMP/bad.jsonl" --out "$TMP/x" --steps 1
expect_grep "bad.jsonl:4: 'rejected' is missing" "$TMP/err"
printf '%s\n' '{"prompt":"Kọ: a","chosen":"á","rejected":"a","group":"","lang":"yo"}' >"$TMP/bad2.jsonl"
expect_status 1 pp align --objective dpo $COMMON --prefs "$TMP/bad2.jsonl" --out "$TMP/x" --steps 1
expect_grep "bad2.jsonl:1: 'group' is missing or empty" "$TMP/err"
printf '%s\n' '{"prompt":"Kọ: a","chosen":"á","rejected":"a","group":"g","lang":"yo","p_chosen":1.5}' >"$TMP/bad3.jsonl"
expect_status 1 pp align --objective distributional $COMMON --prefs "$TMP/bad3.jsonl" --out "$TMP/x" --steps 1
expect_grep "bad3.jsonl:1: 'p_chosen' 1.5 is outside" "$TMP/err"
long=$(head -n 8 "$TESTDATA/tokenizers/yo-udhr-train.jsonl" | jq -rs 'map(.text) | join(" ")')
jq -nc --arg p "$long" '{prompt:$p, chosen:"á", rejected:"a", group:"g", lang:"yo"}' >"$TMP/bad4.jsonl"
expect_status 1 pp align --objective dpo $COMMON --prefs "$TMP/bad4.jsonl" --out "$TMP/x" --steps 1
expect_grep "bad4.jsonl:1: .*more than the model's context" "$TMP/err"
cat "$TMP/bad.jsonl" "$TMP/bad2.jsonl" >"$TMP/bad5.jsonl"
expect_status 0 pp align --objective dpo $COMMON --prefs "$TMP/bad5.jsonl" --out "$TMP/r" --steps 1 \
    --rejects "$TMP/rej.jsonl"
expect_lines 2 "$TMP/rej.jsonl"
expect_jq_slurp 'map(.line) == [4, 5]' "$TMP/rej.jsonl"
printf '%s\n' '{"prompt":"Kọ: a","chosen":"á","rejected":"a","group":"elsewhere","lang":"yo"}' >"$TMP/onlyeval.jsonl"
expect_status 1 pp align --objective dpo $COMMON --prefs "$TMP/bad.jsonl" --rejects "$TMP/rej2.jsonl" \
    --eval-prefs "$TMP/onlyeval.jsonl" --out "$TMP/x" --steps 1
expect_grep "group 'elsewhere' has pairs only in the evaluation file" "$TMP/err"

# a prompt given as chat messages; the languages as the groups
jq -c '.prompt = [{role: "user", content: .prompt}]' "$TRAIN" >"$TMP/msgs.jsonl"
expect_status 0 pp align --objective steerable $COMMON --prefs "$TMP/msgs.jsonl" --out "$TMP/m" --steps 1
expect_status 0 pp align --objective group-robust --group-field lang $COMMON --prefs "$TRAIN" --out "$TMP/gl" \
    --steps 1 --log-json "$TMP/gl.log"
expect_jq '.group_weights == {"yo": 1}' "$TMP/gl.log"
expect_jq '.group_field == "lang"' "$TMP/gl/polyphony_alignment.json"

# --- group-robust: the log has the weights of every group, summing to 1; same seed, same log
expect_status 0 pp align --objective group-robust --group-step 0.5 $COMMON --prefs "$TRAIN" \
    --out "$TMP/gr" --steps 4 --lr 1e-2 --log-json "$TMP/gr.log"
expect_lines 4 "$TMP/gr.log"
expect_jq_slurp 'all(.group_weights | (keys == ["plain", "tonal"]) and ((.plain + .tonal - 1) | fabs < 1e-9))' "$TMP/gr.log"
expect_jq_slurp '.[0].loss - 0.693147 | fabs < 1e-4' "$TMP/gr.log"
expect_status 0 pp align --objective group-robust --group-step 0.5 $COMMON --prefs "$TRAIN" \
    --out "$TMP/gr2" --steps 4 --lr 1e-2 --log-json "$TMP/gr2.log"
expect_same "$TMP/gr.log" "$TMP/gr2.log" "two group-robust runs with the same seed"
expect_jq '.objective == "group-robust" and .conditioning == "system-turn" and .beta == 0.5' \
    "$TMP/gr/polyphony_alignment.json"
expect_file "$TMP/gr/tokenizer.model"

# --- every objective runs; at step 1 the policy is the reference (margin 0): the loss is
# log 2 for the logistic ones and (1/(2 beta))^2 = 1 for IPO with beta 0.5
for obj in dpo ipo cdpo distributional steerable; do
    expect_status 0 pp align --objective $obj $COMMON --prefs "$TRAIN" --out "$TMP/o-$obj" --steps 2 \
        --lr 1e-2 --log-json "$TMP/o-$obj.log"
done
expect_jq_slurp '.[0].loss - 0.693147 | fabs < 1e-4' "$TMP/o-dpo.log"
expect_jq_slurp '.[0].loss - 0.693147 | fabs < 1e-4' "$TMP/o-cdpo.log"
expect_jq_slurp '.[0].loss - 0.693147 | fabs < 1e-4' "$TMP/o-distributional.log"
expect_jq_slurp '.[0].loss - 1 | fabs < 1e-4' "$TMP/o-ipo.log"
expect_jq_slurp '.[1].loss != .[0].loss' "$TMP/o-ipo.log"

# --- the tiny experiment: DPO follows the majority, steerable follows each group
expect_status 0 pp align --objective dpo $COMMON --prefs "$TRAIN" --out "$TMP/dpo" --steps 60 --lr 3e-3 \
    --eval-prefs "$HELD" --ledger "$TMP/train-ledger.jsonl" || stop "dpo failed"
expect_jq '.conditioning == "none"' "$TMP/dpo/polyphony_alignment.json"
expect_jq_any '.group == "plain" and .metric == "choice_accuracy"' "$TMP/train-ledger.jsonl"
expect_status 0 pp align eval --model "$TMP/dpo" --ref "$TMP/sft" --prefs "$TRAIN" --ledger "$TMP/ledger.jsonl"
cp "$TMP/out" "$TMP/dpo.eval"
expect_jq_any '.group == "tonal" and .metric == "reward_accuracy" and .value >= 0.8' "$TMP/dpo.eval"
expect_jq_any '.group == "plain" and .metric == "reward_accuracy" and .value <= 0.3' "$TMP/dpo.eval"
expect_jq_any '.metric == "worst_group_accuracy" and (.gap_to_best | type) == "number"' "$TMP/dpo.eval"
expect_jq_slurp 'map(select(.lo != null)) | all(.lo <= .value and .value <= .hi)' "$TMP/dpo.eval"
expect_status 0 pp align --objective steerable $COMMON --prefs "$TRAIN" --out "$TMP/st" --steps 120 --lr 8e-3 \
    || stop "steerable failed"
expect_status 0 pp align eval --model "$TMP/st" --ref "$TMP/sft" --prefs "$TRAIN" --ledger "$TMP/ledger.jsonl"
cp "$TMP/out" "$TMP/st.eval"
expect_jq_slurp 'map(select(.group and .metric == "choice_accuracy")) | length == 2 and all(.value >= 0.9)' "$TMP/st.eval"
expect_jq_slurp 'map(select(.group and .metric == "follows_other_group")) | all(.value <= 0.15)' "$TMP/st.eval"
expect_jq_any '.lang == "yo" and .metric == "distributional_match" and .value > 0 and .value <= 1' "$TMP/st.eval"
# score and generate condition on a group the same way
printf '%s\n' '{"prompt":"Kọ: Bi o ti jẹ","text":"Bí ó ti jẹ́"}' '{"prompt":"Kọ: Bi o ti jẹ","text":"Bi o ti jẹ"}' >"$TMP/s.jsonl"
expect_status 0 pp score -q --model "$TMP/st" --group tonal "$TMP/s.jsonl"
expect_jq_slurp '.[0].logprob > .[1].logprob' "$TMP/out"
expect_status 0 pp score -q --model "$TMP/st" --group plain "$TMP/s.jsonl"
expect_jq_slurp '.[0].logprob < .[1].logprob' "$TMP/out"
expect_status 1 pp score -q --model "$TMP/dpo" --group tonal "$TMP/s.jsonl"
expect_grep 'needs a model aligned with group conditioning' "$TMP/err"
expect_status 2 pp score -q --model "$TMP/st" --group tonal --input-format ids "$TMP/s.jsonl"
echo '{"messages":[{"role":"user","content":"Kọ: Bi o ti jẹ"}]}' >"$TMP/g.jsonl"
expect_status 0 pp generate -q --model "$TMP/st" --input-format messages --group tonal -t 0 -n 4 "$TMP/g.jsonl"
expect_jq '.output | type == "string"' "$TMP/out"
expect_status 2 pp generate -q --model "$TMP/st" --group tonal --prompt "Kọ"
# ledger rows: stage align, the group in its own field, the step names the objective
expect_jq_slurp 'all(.stage == "align") and (map(select(.group == "plain" and .metric == "choice_accuracy")) | map(.step) == ["dpo", "steerable"])' "$TMP/ledger.jsonl"
expect_status 0 pp audit --speakers none --html "$TMP/report.html" "$TMP/ledger.jsonl"
expect_grep '^align\.dpo\[plain\]\.reward_accuracy +quality higher' "$TMP/out"
expect_grep '^align\.steerable\[tonal\]\.follows_other_group +cost +lower' "$TMP/out"
expect_grep 'align\.dpo\[tonal\]\.choice_accuracy' "$TMP/report.html"
finish
