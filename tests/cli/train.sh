#!/bin/sh
# tests/cli/train.sh — polyphony train: the token-stream layout against the model's
# own scores, reproducible loss logs, resuming exactly, SIGTERM checkpoints, JSONL
# text and chat data with a trained tokenizer, held-out rows in the ledger, bad input.
. "$top_srcdir/tests/cli/lib.sh"
require_cmd jq jq
require_cmd perl perl
M=$TESTDATA/model
TINY=$M/tiny/config.json        # vocab 64, bos 1, eos 2
CFG=$M/train/config.json        # vocab 400 for a trained tokenizer, no bos/eos of its own

# A learnable stream: id i is (7i + floor(i/13)) mod 61 + 3.
tokens() { perl -e 'my $n = shift; print pack("V*", map { ($_ * 7 + int($_ / 13)) % 61 + 3 } 0 .. $n - 1)' "$1"; }
tokens 4096 >"$TMP/stream.bin"
COMMON="--data-format tokens --data $TMP/stream.bin --batch-size 4 --seq-len 16 --lr 1e-2 --threads 1 -q"

expect_status 0 pp train --help
expect_grep 'log-json' "$TMP/out"
expect_status 0 pp help train
expect_status 2 pp train --config "$TINY" --steps 1 $COMMON
expect_grep 'out DIR is required' "$TMP/err"
expect_status 2 pp train --out "$TMP/x" --steps 1 $COMMON
expect_grep 'either --config' "$TMP/err"
expect_status 2 pp train --config "$TINY" --init "$TMP/x" --out "$TMP/x" --steps 1 $COMMON
expect_status 2 pp train --config "$TINY" --out "$TMP/x" --steps 1 --objective rlhf $COMMON
expect_grep "objective is lm or sft, not 'rlhf'" "$TMP/err"
expect_status 2 pp train --config "$TINY" --out "$TMP/x" --steps 1 --schedule wavy $COMMON
expect_status 2 pp train --config "$TINY" --out "$TMP/x" --steps 1 --objective sft $COMMON
expect_grep 'sft needs --data-format messages' "$TMP/err"
expect_status 2 pp train --config "$TINY" --out "$TMP/x" --steps 1 --batch-size 0 $COMMON

# --- the layout: with lr 0 (no update) the loss of step s is the mean cross-entropy
# of row s-1, tokens [(s-1)T, (s-1)T + T + 1), which `score --input-format ids` gives.
expect_status 0 pp train --config "$TINY" --out "$TMP/l0" --steps 3 --data-format tokens \
    --data "$TMP/stream.bin" --batch-size 1 --seq-len 16 --lr 0 --weight-decay 0 \
    --grad-clip 0 --log-json "$TMP/l0.log" -q
expect_lines 3 "$TMP/l0.log"
expect_jq_slurp 'map(.step) == [1, 2, 3] and all((.loss | type) == "number" and .lr == 0 and .grad_norm > 0 and .tokens_per_s > 0)' "$TMP/l0.log"
for s in 0 1 2; do
    perl -e 'my ($s) = @ARGV; my @t = map { ($_ * 7 + int($_ / 13)) % 61 + 3 } $s * 16 .. $s * 16 + 16; print "{\"ids\":[", join(",", @t), "]}\n"' $s
done >"$TMP/rows.jsonl"
expect_status 0 pp score --model "$TMP/l0" --input-format ids -q "$TMP/rows.jsonl"
jq -c '-.logprob / .tokens' "$TMP/out" >"$TMP/want"
jq -c '.loss' "$TMP/l0.log" >"$TMP/got"
check "step losses are the scores of rows (s-1)T..(s-1)T+T" \
    awk 'NR == FNR { w[NR] = $1; next } { d = w[FNR] - $1; if (d < 0) d = -d; if (d > 1e-5) exit 1 }' "$TMP/want" "$TMP/got"

# --- steps 0 writes the initialized checkpoint
expect_status 0 pp train --config "$TINY" --out "$TMP/s0" --steps 0 -q
expect_file "$TMP/s0/model.safetensors"
expect_file "$TMP/s0/config.json"
expect_file "$TMP/s0/training_state.bin"

# --- same seed and threads: identical logs; the loss goes down
expect_status 0 pp train --config "$TINY" --out "$TMP/a" --steps 12 --seed 3 --log-json "$TMP/a1.log" $COMMON
expect_status 0 pp train --config "$TINY" --out "$TMP/a2" --steps 12 --seed 3 --log-json "$TMP/a2.log" $COMMON
jq -c '[.step, .loss, .lr, .grad_norm]' "$TMP/a1.log" >"$TMP/a1.txt"
jq -c '[.step, .loss, .lr, .grad_norm]' "$TMP/a2.log" >"$TMP/a2.txt"
expect_same "$TMP/a1.txt" "$TMP/a2.txt" "two runs with the same seed and threads"
expect_jq_slurp '.[-1].loss < .[0].loss - 0.5' "$TMP/a1.log"
expect_same "$TMP/a/model.safetensors" "$TMP/a2/model.safetensors" "same weights"
expect_status 0 pp train --config "$TINY" --out "$TMP/a3" --steps 2 --seed 4 --log-json "$TMP/a3.log" $COMMON
expect_differ "$TMP/a3.log" "$TMP/a1.log" "another seed"

# --- resume: a run cut at step 6 and continued from its checkpoint logs the same losses
expect_status 0 pp train --config "$TINY" --out "$TMP/r" --steps 12 --grad-accum 2 --save-every 6 \
    --warmup 3 --log-json "$TMP/r.log" $COMMON
expect_file "$TMP/r/step-000006/training_state.bin"
expect_status 0 pp train --init "$TMP/r/step-000006" --out "$TMP/r2" --steps 12 --grad-accum 2 \
    --warmup 3 --log-json "$TMP/r2.log" $COMMON
expect_lines 6 "$TMP/r2.log"
tail -n 6 "$TMP/r.log" | jq -c '[.step, .loss, .lr, .grad_norm]' >"$TMP/r1.txt"
jq -c '[.step, .loss, .lr, .grad_norm]' "$TMP/r2.log" >"$TMP/r2.txt"
expect_same "$TMP/r1.txt" "$TMP/r2.txt" "resumed losses equal the uninterrupted ones"
expect_same "$TMP/r/model.safetensors" "$TMP/r2/model.safetensors" "resumed weights"
# resuming into the interrupted run's own log: the rows after step 6 (which the run wrote
# past its checkpoint) are dropped, so the log reads as the uninterrupted run's
cp "$TMP/r.log" "$TMP/r4.log"
expect_status 0 pp train --init "$TMP/r/step-000006" --out "$TMP/r4" --steps 12 --grad-accum 2 \
    --warmup 3 --log-json "$TMP/r4.log" $COMMON
expect_lines 12 "$TMP/r4.log"
jq -c '[.step, .loss, .lr, .grad_norm]' "$TMP/r.log" >"$TMP/r1.txt"
jq -c '[.step, .loss, .lr, .grad_norm]' "$TMP/r4.log" >"$TMP/r4.txt"
expect_same "$TMP/r1.txt" "$TMP/r4.txt" "a resumed log equals the uninterrupted one"
# a file that is not a training log is not rewritten
printf '{"step":1}\nnot a row\n' >"$TMP/notlog.txt"
cp "$TMP/notlog.txt" "$TMP/notlog.orig"
expect_status 1 pp train --init "$TMP/r/step-000006" --out "$TMP/r5" --steps 7 --grad-accum 2 \
    --warmup 3 --log-json "$TMP/notlog.txt" $COMMON
expect_grep 'notlog.txt:2: not a training log row' "$TMP/err"
expect_same "$TMP/notlog.orig" "$TMP/notlog.txt" "the log is left as it was"
# --restart ignores the training state: step 1 again
expect_status 0 pp train --init "$TMP/r/step-000006" --restart --out "$TMP/r3" --steps 1 \
    --log-json "$TMP/r3.log" $COMMON
expect_jq '.step == 1' "$TMP/r3.log"

# --- SIGTERM: a checkpoint with its training state, then exit 1; it resumes
if command -v pkill >/dev/null 2>&1; then
    (pp train --config "$TINY" --out "$TMP/sig" --steps 1000000 --log-json "$TMP/sig.log" $COMMON \
        2>"$TMP/sig.err"; echo $? >"$TMP/sig.rc") &
    job=$!
    i=0
    while [ $i -lt 200 ] && [ "$(cat "$TMP/sig.log" 2>/dev/null | wc -l)" -lt 3 ]; do
        sleep 0.1; i=$((i + 1))
    done
    pkill -TERM -P "$job" 2>/dev/null
    wait "$job"
    expect_eq "$(cat "$TMP/sig.rc")" 1 "exit status after SIGTERM"
    expect_grep 'interrupted after step [0-9]+; checkpoint in' "$TMP/sig.err"
    expect_file "$TMP/sig/training_state.bin"
    n=$(wc -l <"$TMP/sig.log")
    expect_status 0 pp train --init "$TMP/sig" --out "$TMP/sig" --steps $((n + 2)) \
        --log-json "$TMP/sig2.log" $COMMON
    expect_jq_slurp "map(.step) == [$((n + 1)), $((n + 2))]" "$TMP/sig2.log"
fi

# --- bad input
printf 'abcde' >"$TMP/odd.bin"
expect_status 1 pp train --config "$TINY" --out "$TMP/x" --steps 1 --data-format tokens --data "$TMP/odd.bin" -q
expect_grep 'odd.bin: not a uint32 token stream' "$TMP/err"
perl -e 'print pack("V*", 5, 6, 9999, 7)' >"$TMP/big.bin"
expect_status 1 pp train --config "$TINY" --out "$TMP/x" --steps 1 --data-format tokens --data "$TMP/big.bin" --seq-len 2 -q
expect_grep 'big.bin: token 2 is 9999, outside the vocabulary \(vocab_size 64\)' "$TMP/err"
expect_status 1 pp train --config "$TINY" --out "$TMP/x" --steps 1 $COMMON --seq-len 65
expect_grep 'seq-len 65 is longer than max_position_embeddings 64' "$TMP/err"
jq 'del(.hidden_size)' "$TINY" >"$TMP/nohidden.json"
expect_status 1 pp train --config "$TMP/nohidden.json" --out "$TMP/x" --steps 1 $COMMON
expect_grep 'nohidden.json.*hidden_size' "$TMP/err"
jq '.num_key_value_heads = 3' "$TINY" >"$TMP/kv3.json"
expect_status 1 pp train --config "$TMP/kv3.json" --out "$TMP/x" --steps 1 $COMMON
expect_grep 'kv3.json.*num_key_value_heads' "$TMP/err"
jq '.num_attention_heads = 5' "$TINY" >"$TMP/h5.json"
expect_status 1 pp train --config "$TMP/h5.json" --out "$TMP/x" --steps 1 $COMMON
expect_grep 'h5.json' "$TMP/err"
expect_status 1 pp train --config "$TINY" --out "$TMP/x" --steps 1 --data "$TESTDATA/tokenizers/yo-udhr-train.jsonl" -q
expect_grep 'needs --tokenizer' "$TMP/err"

# --- text: a tokenizer trained with the ChatML markers; a mixture; held-out rows
expect_status 0 pp tokenizer train -q --lang yo --vocab-size 400 --no-exemplars --chat-markers \
    -i "$TESTDATA/tokenizers/yo-udhr-train.jsonl" -o "$TMP/yo" || stop "tokenizer training failed"
expect_grep '^<\|im_start\|>	' "$TMP/yo.vocab"
expect_grep '^<\|im_end\|>	' "$TMP/yo.vocab"
expect_jq '.user_defined_symbols == "<|im_start|>,<|im_end|>"' "$TMP/yo.json"
expect_status 1 pp train --config "$TINY" --tokenizer "$TMP/yo.model" --out "$TMP/x" --steps 1 \
    --data "$TESTDATA/tokenizers/yo-udhr-train.jsonl" -q
expect_grep 'the tokenizer has 400 tokens, more than vocab_size 64' "$TMP/err"
head -n 40 "$TESTDATA/tokenizers/yo-udhr-train.jsonl" >"$TMP/train.jsonl"
tail -n 9 "$TESTDATA/tokenizers/yo-udhr-train.jsonl" >"$TMP/heldout.jsonl"
expect_status 0 pp train --config "$CFG" --tokenizer "$TMP/yo.model" --out "$TMP/t" --steps 6 \
    --batch-size 4 --seq-len 32 --lr 1e-2 --threads 1 --mix temperature:2 --data "$TMP/train.jsonl" \
    --eval-data "$TMP/heldout.jsonl" --eval-every 3 --ledger "$TMP/ledger.jsonl"
expect_grep 'mixture \(temperature:2\): 40 documents' "$TMP/err"
expect_file "$TMP/t/tokenizer.model"
expect_jq '.chat_template | contains("<|im_start|>")' "$TMP/t/tokenizer_config.json"
expect_jq '.polyphony_prenormalize == "NFC"' "$TMP/t/tokenizer_config.json"
expect_jq '.bos_token_id == 1 and .eos_token_id == 2' "$TMP/t/config.json"
expect_jq_slurp 'map(select(.metric == "bits_per_byte")) | length == 2 and all(.stage == "train" and .lang == "yo" and .n == 9 and .value > 0)' "$TMP/ledger.jsonl"
expect_jq_slurp 'map(select(.metric == "bits_per_byte")) | map(.step) == ["step-3", "step-6"]' "$TMP/ledger.jsonl"
expect_jq_any '.step == "mixture" and .metric == "share" and .value == 1' "$TMP/ledger.jsonl"
expect_status 2 pp train --config "$CFG" --tokenizer "$TMP/yo.model" --out "$TMP/x" --steps 1 --mix temperature:0 --data "$TMP/train.jsonl" -q
# continuing from the checkpoint takes its tokenizer
expect_status 0 pp train --init "$TMP/t" --out "$TMP/t2" --steps 8 --batch-size 4 --seq-len 32 \
    --data "$TMP/train.jsonl" -q --log-json "$TMP/t2.log"
expect_jq_slurp 'map(.step) == [7, 8]' "$TMP/t2.log"
expect_file "$TMP/t2/tokenizer.model"
# a checkpoint trained on tokens has no tokenizer: text training from it names that
expect_status 1 pp train --init "$TMP/a" --out "$TMP/x" --steps 13 --data "$TMP/train.jsonl" -q
expect_grep 'no tokenizer in the model directory' "$TMP/err"

# --- chat: ChatML with the markers as single tokens; SFT learns the assistant turns
jq -c '{lang, messages: [{role: "user", content: "Kí ni èyí?"}, {role: "assistant", content: .text}]}' \
    "$TMP/train.jsonl" >"$TMP/chat.jsonl"
expect_status 0 pp train --init "$TMP/t" --restart --out "$TMP/sft" --steps 3 --objective sft \
    --data-format messages --data "$TMP/chat.jsonl" --batch-size 2 --seq-len 64 \
    --log-json "$TMP/sft.log" -q
expect_lines 3 "$TMP/sft.log"
expect_jq '.loss > 0' "$TMP/sft.log"
printf '{"messages":[{"role":"user"}]}\n' >"$TMP/badchat.jsonl"
expect_status 1 pp train --init "$TMP/t" --out "$TMP/x" --steps 1 --data-format messages --data "$TMP/badchat.jsonl" -q
expect_grep 'badchat.jsonl:1: message 0 needs a string' "$TMP/err"
finish
