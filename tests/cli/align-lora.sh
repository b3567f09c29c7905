#!/bin/sh
# tests/cli/align-lora.sh — polyphony align with LoRA: a DPO adapter on a frozen
# base learns (the loss falls), its checkpoint is a PEFT adapter directory with the
# alignment's conditioning, align eval --adapter equals align eval of the merged
# model, an adapter trained further keeps the model it starts from as reference,
# dropout masks are reproducible, and the option errors (exit 2).
. "$top_srcdir/tests/cli/lib.sh"
require_cmd jq jq
require_cmd perl perl
D=$TESTDATA/align
TRAIN=$D/yo-tones-train.jsonl

expect_status 0 pp align --help
expect_grep 'lora-rank' "$TMP/out"
expect_grep 'base-dtype' "$TMP/out"
expect_status 0 pp align eval --help
expect_grep 'ref-adapter' "$TMP/out"
expect_status 2 pp align --objective dpo --init x --prefs y --out z --lora-alpha 4
expect_grep 'need --lora-rank' "$TMP/err"
expect_status 2 pp align --objective dpo --init x --prefs y --out z --base-dtype bf16
expect_grep 'needs --lora-rank or --adapter' "$TMP/err"
expect_status 2 pp align --objective dpo --init x --prefs y --out z --lora-rank 2 --adapter w
expect_status 2 pp align --objective dpo --init x --prefs y --out z --lora-rank 2 --lora-targets q_proj,qq
expect_grep 'qq' "$TMP/err"
expect_status 2 pp align eval --model x --prefs y --ref-adapter z

# a tokenizer with the ChatML markers and a briefly trained model as the base
expect_status 0 pp tokenizer train -q --lang yo --vocab-size 400 --no-exemplars --chat-markers \
    -i "$TESTDATA/tokenizers/yo-udhr-train.jsonl" -o "$TMP/yo" || stop "tokenizer training failed"
expect_status 0 pp train --config "$TESTDATA/model/train/config.json" --tokenizer "$TMP/yo.model" \
    --out "$TMP/sft" --steps 20 --batch-size 4 --seq-len 64 --lr 1e-2 --threads 1 -q \
    --data "$TESTDATA/tokenizers/yo-udhr-train.jsonl" || stop "the base model failed"
COMMON="--init $TMP/sft --batch-size 8 --beta 0.5 --threads 1 --lr 2e-2"

# --- LoRA DPO on one group's pairs (a consistent preference): the base frozen, the
# adapter learns; at step 1 the policy is the reference (a fresh adapter changes
# nothing), so the loss is log 2, and it falls
jq -c 'select(.group == "tonal")' "$TRAIN" >"$TMP/tonal.jsonl"
# shellcheck disable=SC2086
expect_status 0 pp align --objective dpo $COMMON --prefs "$TMP/tonal.jsonl" --out "$TMP/a" --steps 40 \
    --lora-rank 4 --lora-alpha 8 --log-json "$TMP/a.log" || stop "LoRA DPO failed"
expect_grep 'frozen), [0-9]* in the LoRA adapter' "$TMP/err"
expect_lines 40 "$TMP/a.log"
expect_jq_slurp '.[0].loss - 0.693147 | fabs < 1e-4' "$TMP/a.log"
expect_jq_slurp '([.[-10:][].loss] | add / 10) < 0.45' "$TMP/a.log"
# the checkpoint: PEFT's files naming the base, the conditioning, the tokenizer; no full model
expect_file "$TMP/a/adapter_model.safetensors"
expect_no_file "$TMP/a/model.safetensors"
expect_file "$TMP/a/tokenizer.model"
expect_jq '.peft_type == "LORA" and .task_type == "CAUSAL_LM" and .r == 4 and .lora_alpha == 8
    and (.base_model_name_or_path | endswith("/sft"))' "$TMP/a/adapter_config.json"
expect_jq '.objective == "dpo" and .beta == 0.5' "$TMP/a/polyphony_alignment.json"
perl -e 'open F, $ARGV[0] or die; read F, $n, 8; read F, $h, unpack("Q<", $n); print $h' \
    "$TMP/a/adapter_model.safetensors" >"$TMP/header.json"
expect_jq '(keys | map(select(. != "__metadata__")) | length) == 28
    and .["base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"].shape[0] == 4
    and .["base_model.model.model.layers.1.mlp.up_proj.lora_B.weight"].shape[1] == 4' "$TMP/header.json"

# --- align eval with the adapter equals align eval of the merged model
expect_status 0 pp align eval --model "$TMP/sft" --adapter "$TMP/a" --ref "$TMP/sft" --prefs "$TRAIN" \
    --resamples 200
jq -c '{group, lang, metric, value, lo, hi}' "$TMP/out" >"$TMP/adapter.eval"
expect_jq_any '.metric == "reward_accuracy"' "$TMP/adapter.eval"
expect_status 0 pp model merge --model "$TMP/sft" --adapter "$TMP/a" --out "$TMP/merged"
expect_status 0 pp align eval --model "$TMP/merged" --ref "$TMP/sft" --prefs "$TRAIN" --beta 0.5 \
    --resamples 200
jq -c '{group, lang, metric, value, lo, hi}' "$TMP/out" >"$TMP/merged.eval"
expect_lines "$(wc -l <"$TMP/adapter.eval")" "$TMP/merged.eval"
jq -s '.' "$TMP/adapter.eval" >"$TMP/ae.json"
jq -s '.' "$TMP/merged.eval" >"$TMP/me.json"
jq -s '.' "$TMP/ae.json" "$TMP/me.json" >"$TMP/am.json"
expect_jq 'transpose | all(.[0].metric == .[1].metric and .[0].group == .[1].group
    and ([.[0].value, .[1].value] | (.[0] // 0) - (.[1] // 0) | fabs < 1e-4))' "$TMP/am.json"
# the adapter moved the model: the reward margins are no longer all 0
expect_jq_any '.metric == "reward_accuracy" and .value > 0.5' "$TMP/adapter.eval"

# --- going on with an adapter: the reference is the model it starts from (base +
# adapter), so step 1's loss is log 2 again; the reward against that reference
# --- needs --ref-adapter
# shellcheck disable=SC2086
expect_status 0 pp align --objective ipo $COMMON --prefs "$TRAIN" --out "$TMP/c" --steps 2 --adapter "$TMP/a" \
    --log-json "$TMP/c.log"
expect_jq_slurp '.[0].loss - 1 | fabs < 1e-4' "$TMP/c.log"
expect_jq '.r == 4' "$TMP/c/adapter_config.json"
expect_status 0 pp align eval --model "$TMP/sft" --adapter "$TMP/c" --ref "$TMP/sft" \
    --ref-adapter "$TMP/a" --prefs "$TRAIN" --resamples 50
expect_jq_any '.metric == "reward_accuracy"' "$TMP/out"

# --- dropout: the same seed gives the same run; a steerable LoRA run on a BF16 base
for k in 1 2; do
    # shellcheck disable=SC2086
    expect_status 0 pp align --objective steerable $COMMON --prefs "$TRAIN" --out "$TMP/d$k" --steps 3 --lora-rank 2 \
        --lora-dropout 0.2 --lora-targets q_proj,v_proj --base-dtype bf16 --log-json "$TMP/d$k.log"
done
expect_same "$TMP/d1.log" "$TMP/d2.log" "two LoRA runs with dropout and the same seed"
expect_same "$TMP/d1/adapter_model.safetensors" "$TMP/d2/adapter_model.safetensors" "their adapters"
expect_jq '.conditioning == "system-turn"' "$TMP/d1/polyphony_alignment.json"
expect_jq '.target_modules == ["q_proj","v_proj"] and .lora_dropout == 0.2' "$TMP/d1/adapter_config.json"
finish
