#!/bin/sh
# tests/cli/lora.sh — LoRA fine-tuning end to end: train --lora-rank on the tiny
# checkpoint (frozen), the adapter files in the PEFT layout, exact resume, score with
# --adapter equal to scoring the merged model, generate --adapter, model info's LoRA
# plan, --max-memory, and the bad inputs (exit 2 for usage, 1 naming field or tensor).
. "$top_srcdir/tests/cli/lib.sh"
require_cmd jq jq
require_cmd perl perl
M=$TESTDATA/model
BASE=$M/tiny

# the pattern "next id = id + 7 (mod 61, offset 3)" for the adapter to learn
perl -e 'print pack("V*", map { ($_ * 7) % 61 + 3 } 0 .. 4095)' >"$TMP/stream.bin"
TR="--data-format tokens --data $TMP/stream.bin --batch-size 4 --seq-len 16 --lr 2e-2 \
    --schedule constant --threads 1 --weight-decay 0"
# shellcheck disable=SC2086
expect_status 0 pp train --init "$BASE" --out "$TMP/a" --steps 30 $TR --lora-rank 4 \
    --lora-alpha 8 --log-json "$TMP/a.log"
expect_grep 'frozen\), 3712 in the LoRA adapter' "$TMP/err"
expect_grep 'adapters ' "$TMP/err"
# the adapter learns: the loss falls well below the base's
expect_jq_slurp '(.[-1].loss) < (.[0].loss) - 1.5' "$TMP/a.log"
# a LoRA checkpoint is the adapter, PEFT's files, and the resume state; no full model
expect_file "$TMP/a/adapter_model.safetensors"
expect_file "$TMP/a/training_state.bin"
expect_no_file "$TMP/a/model.safetensors"
expect_jq '.peft_type == "LORA" and .task_type == "CAUSAL_LM" and .r == 4 and .lora_alpha == 8
    and .lora_dropout == 0 and .bias == "none" and .fan_in_fan_out == false
    and .target_modules == ["q_proj","k_proj","v_proj","o_proj","gate_proj","up_proj","down_proj"]
    and (.base_model_name_or_path | endswith("model/tiny"))' "$TMP/a/adapter_config.json"
# the safetensors header: PEFT's names and shapes [r, in] / [out, r]
perl -e 'open F, $ARGV[0] or die; read F, $n, 8; read F, $h, unpack("Q<", $n); print $h' \
    "$TMP/a/adapter_model.safetensors" >"$TMP/header.json"
expect_jq '(keys | map(select(. != "__metadata__")) | length) == 28
    and .["base_model.model.model.layers.1.self_attn.k_proj.lora_A.weight"].shape == [4, 32]
    and .["base_model.model.model.layers.1.self_attn.k_proj.lora_B.weight"].shape == [16, 4]
    and .["base_model.model.model.layers.0.mlp.down_proj.lora_A.weight"].shape == [4, 48]
    and .["base_model.model.model.layers.0.mlp.down_proj.lora_B.weight"].shape == [32, 4]
    and .["base_model.model.model.layers.0.mlp.down_proj.lora_A.weight"].dtype == "F32"' \
    "$TMP/header.json"

# --- resume: 15 steps then 15 more from the adapter equals 30 at once, bit for bit
# shellcheck disable=SC2086
expect_status 0 pp train --init "$BASE" --out "$TMP/r" --steps 15 $TR --lora-rank 4 --lora-alpha 8 -q
# shellcheck disable=SC2086
expect_status 0 pp train --init "$BASE" --adapter "$TMP/r" --out "$TMP/r2" --steps 30 $TR -q
expect_same "$TMP/a/adapter_model.safetensors" "$TMP/r2/adapter_model.safetensors" "resumed adapter"

# --- score with the adapter (unmerged) equals scoring the merged model
printf '{"ids":[3,10,17,24,31,38],"lang":"xx"}\n{"ids":[5,9,60,2,33],"lang":"yy"}\n' >"$TMP/ids.jsonl"
expect_status 0 pp score --model "$BASE" --input-format ids "$TMP/ids.jsonl"
mv "$TMP/out" "$TMP/base.scores"
expect_status 0 pp score --model "$BASE" --adapter "$TMP/a" --input-format ids "$TMP/ids.jsonl"
mv "$TMP/out" "$TMP/adapter.scores"
expect_status 0 pp model merge --model "$BASE" --adapter "$TMP/a" --out "$TMP/merged"
expect_grep 'rank 4, alpha 8 adapter merged' "$TMP/err"
expect_file "$TMP/merged/model.safetensors"
expect_status 0 pp score --model "$TMP/merged" --input-format ids "$TMP/ids.jsonl"
mv "$TMP/out" "$TMP/merged.scores"
jq -s '[.[].logprob]' "$TMP/adapter.scores" >"$TMP/a.lp"
jq -s '[.[].logprob]' "$TMP/merged.scores" >"$TMP/m.lp"
jq -s '[.[].logprob]' "$TMP/base.scores" >"$TMP/b.lp"
jq -s '.' "$TMP/a.lp" "$TMP/m.lp" >"$TMP/am.lp"
expect_jq 'transpose | all(.[0] - .[1] | fabs < 1e-4)' "$TMP/am.lp"
# the pattern is far likelier with the adapter than without
jq -s '.[0] + .[1]' "$TMP/a.lp" "$TMP/b.lp" >"$TMP/ab.lp"
expect_jq '.[0] > .[2] + 5' "$TMP/ab.lp"
# generate --adapter merges in memory: greedy continues the learned pattern
printf '{"ids":[3,10,17]}\n' >"$TMP/prompt.jsonl"
expect_status 0 pp generate --model "$BASE" --adapter "$TMP/a" --input-format ids --output-format ids -t 0 -n 3 "$TMP/prompt.jsonl"
cp "$TMP/out" "$TMP/gen.a"
expect_status 0 pp generate --model "$TMP/merged" --input-format ids --output-format ids -t 0 -n 3 "$TMP/prompt.jsonl"
expect_same "$TMP/gen.a" "$TMP/out" "generate with the adapter and with the merged model"
expect_jq '.output_ids[0] == 24' "$TMP/out"

# --- dropout runs, and changes the result
# shellcheck disable=SC2086
expect_status 0 pp train --init "$BASE" --out "$TMP/d" --steps 5 $TR --lora-rank 4 --lora-dropout 0.1 -q
expect_jq '.lora_dropout > 0.09 and .lora_dropout < 0.11' "$TMP/d/adapter_config.json"

# --- SFT with an adapter: ChatML records, only the assistant turns learned, held-out
# bits per byte scored through the adapter
expect_status 0 pp tokenizer train -q --lang yo --vocab-size 400 --no-exemplars --chat-markers \
    -i "$TESTDATA/tokenizers/yo-udhr-train.jsonl" -o "$TMP/yo" || stop "tokenizer training failed"
expect_status 0 pp train --config "$M/train/config.json" --tokenizer "$TMP/yo.model" \
    --out "$TMP/chatbase" --steps 0 -q
head -n 40 "$TESTDATA/tokenizers/yo-udhr-train.jsonl" |
    jq -c '{lang, messages: [{role: "user", content: "Kí ni èyí?"}, {role: "assistant", content: .text}]}' \
    >"$TMP/chat.jsonl"
tail -n 4 "$TESTDATA/tokenizers/yo-udhr-train.jsonl" >"$TMP/heldout.jsonl"
expect_status 0 pp train --init "$TMP/chatbase" --out "$TMP/sft" --steps 8 --objective sft \
    --data-format messages --data "$TMP/chat.jsonl" --batch-size 2 --seq-len 64 --lr 1e-2 \
    --lora-rank 8 --lora-alpha 16 --lora-dropout 0.05 --threads 1 --log-json "$TMP/sft.log" \
    --eval-data "$TMP/heldout.jsonl"
expect_lines 8 "$TMP/sft.log"
expect_jq_slurp '.[-1].loss < .[0].loss' "$TMP/sft.log"
expect_grep 'eval step 8: yo +bits_per_byte' "$TMP/err"
expect_file "$TMP/sft/tokenizer.model"
expect_file "$TMP/sft/adapter_model.safetensors"
expect_status 0 pp score --model "$TMP/chatbase" --adapter "$TMP/sft" --window 64 "$TMP/heldout.jsonl"
expect_jq '.bits_per_byte > 0' "$TMP/out"

# --- recomputation: the same adapter, less activation memory in the plan
# shellcheck disable=SC2086
expect_status 0 pp train --init "$BASE" --out "$TMP/rc" --steps 15 $TR --lora-rank 4 --lora-alpha 8 \
    --recompute -q
expect_same "$TMP/r/adapter_model.safetensors" "$TMP/rc/adapter_model.safetensors" "recomputed"
expect_status 0 pp model info "$BASE" --lora-rank 4 --recompute --json
cp "$TMP/out" "$TMP/rc.json"
expect_status 0 pp model info "$BASE" --lora-rank 4 --json
jq -s '.' "$TMP/rc.json" "$TMP/out" >"$TMP/plans.json"
expect_jq '.[0].lora_training.memory.activations < .[1].lora_training.memory.activations / 1.5
    and .[0].training.memory.activations < .[1].training.memory.activations' "$TMP/plans.json"

# --- a BF16 base: the same adapter as the F32 load of the same BF16 file, bit for bit
# shellcheck disable=SC2086
expect_status 0 pp train --init "$M/tiny-bf16" --out "$TMP/h32" --steps 5 $TR --lora-rank 4 -q
# shellcheck disable=SC2086
expect_status 0 pp train --init "$M/tiny-bf16" --out "$TMP/h16" --steps 5 $TR --lora-rank 4 \
    --base-dtype bf16
expect_grep 'parameters +38\.3 KiB' "$TMP/err"
expect_same "$TMP/h32/adapter_model.safetensors" "$TMP/h16/adapter_model.safetensors" "BF16 base"
# an F32 checkpoint is rounded to BF16
# shellcheck disable=SC2086
expect_status 0 pp train --init "$BASE" --out "$TMP/h" --steps 2 $TR --lora-rank 4 --base-dtype bf16 -q
# shellcheck disable=SC2086
expect_status 2 pp train --init "$BASE" --out "$TMP/x" --steps 1 $TR --base-dtype bf16
# shellcheck disable=SC2086
expect_status 2 pp train --init "$BASE" --out "$TMP/x" --steps 1 $TR --lora-rank 4 --base-dtype f16

# --- the plan: model info and --max-memory
expect_status 0 pp model info "$BASE" --lora-rank 4 -b 4 -T 16
expect_grep 'LoRA training, rank 4 \(3712 trainable parameters' "$TMP/out"
expect_status 0 pp model info "$BASE" --lora-rank 4 --json
expect_jq '.lora_training.trainable == 3712 and .lora_training.memory.grads == 14848
    and .lora_training.memory.params == .training.memory.params
    and .lora_training.memory.total == (.lora_training.memory | .params + .adapters + .grads
        + .adam_m + .adam_v + .activations + .scratch)' "$TMP/out"
expect_status 1 pp model info "$BASE" --lora-rank 17 --lora-targets k_proj
expect_grep 'rank 17 for k_proj \(16 x 32\)' "$TMP/err"
# shellcheck disable=SC2086
expect_status 1 pp train --init "$BASE" --out "$TMP/x" --steps 1 $TR --lora-rank 4 --max-memory 64K
expect_grep 'memory plan' "$TMP/err"
expect_grep 'more than the 0.1 MiB allowed' "$TMP/err"

# --- bad input
# shellcheck disable=SC2086
expect_status 2 pp train --init "$BASE" --out "$TMP/x" --steps 1 $TR --lora-rank 0
# shellcheck disable=SC2086
expect_status 2 pp train --init "$BASE" --out "$TMP/x" --steps 1 $TR --lora-rank 4 --lora-targets q_proj,c_attn
expect_grep 'c_attn' "$TMP/err"
# shellcheck disable=SC2086
expect_status 2 pp train --config "$BASE/config.json" --out "$TMP/x" --steps 1 $TR --lora-rank 4
expect_grep 'needs|--init' "$TMP/err"
# shellcheck disable=SC2086
expect_status 2 pp train --init "$BASE" --out "$TMP/x" --steps 1 $TR --lora-alpha 4
# shellcheck disable=SC2086
expect_status 1 pp train --init "$BASE" --out "$TMP/x" --steps 1 $TR --lora-rank 33 --lora-targets q_proj
expect_grep 'rank 33 for q_proj' "$TMP/err"
mkdir "$TMP/bad"
cp "$TMP/a/adapter_model.safetensors" "$TMP/bad/"
jq '.peft_type = "IA3"' "$TMP/a/adapter_config.json" >"$TMP/bad/adapter_config.json"
expect_status 1 pp score --model "$BASE" --adapter "$TMP/bad" --input-format ids "$TMP/ids.jsonl"
expect_grep 'bad/adapter_config.json: field "peft_type" is "IA3", not "LORA"' "$TMP/err"
jq '.target_modules = ["q_proj", "query_key_value"]' "$TMP/a/adapter_config.json" >"$TMP/bad/adapter_config.json"
expect_status 1 pp model merge --model "$BASE" --adapter "$TMP/bad" --out "$TMP/x"
expect_grep 'unknown module "query_key_value"' "$TMP/err"
# an adapter of another model (intermediate_size 40): the tensor is named
mkdir "$TMP/other"
jq '.intermediate_size = 40' "$BASE/config.json" >"$TMP/other/config.json"
expect_status 0 pp train --config "$TMP/other/config.json" --out "$TMP/other" --steps 0 -q
expect_status 1 pp score --model "$TMP/other" --adapter "$TMP/a" --input-format ids "$TMP/ids.jsonl"
expect_grep 'adapter_model.safetensors: tensor "base_model.model.model.layers.0.mlp.gate_proj.lora_B.weight" has shape \[48, 4\]' "$TMP/err"
expect_status 2 pp model merge --model "$BASE" --out "$TMP/x"
expect_status 2 pp score --model "$BASE" --lora-rank 4 --input-format ids "$TMP/ids.jsonl"
finish
