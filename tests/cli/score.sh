#!/bin/sh
# tests/cli/score.sh — polyphony score, generate and model info on small models
# trained here: scores against eval's bits_per_byte, the first id as context, greedy
# continuation of a learned pattern, seeded sampling, chat prompts, the memory plan.
. "$top_srcdir/tests/cli/lib.sh"
require_cmd jq jq
require_cmd perl perl
M=$TESTDATA/model
TINY=$M/tiny/config.json

# a model that learns "next id = id + 7 (mod 61, offset 3)"
perl -e 'print pack("V*", map { ($_ * 7) % 61 + 3 } 0 .. 4095)' >"$TMP/stream.bin"
expect_status 0 pp train --config "$TINY" --out "$TMP/m" --steps 60 --data-format tokens \
    --data "$TMP/stream.bin" --batch-size 4 --seq-len 16 --lr 2e-2 --schedule constant \
    --threads 1 -q || stop "training the test model failed"

# --- score --input-format ids: the first id is context only
printf '{"ids":[3,10,17,24],"lang":"xx"}\n{"ids":[3,10],"lang":"xx"}\n{"ids":[3,11,5,60],"lang":"yy"}\n' >"$TMP/ids.jsonl"
expect_status 0 pp score --model "$TMP/m" --input-format ids "$TMP/ids.jsonl"
expect_lines 3 "$TMP/out"
expect_jq_slurp '.[0].tokens == 3 and .[1].tokens == 1 and all(.logprob <= 0)' "$TMP/out"
# scores add up: [3,10,17,24] = [3,10] + log p(17|3,10) + ..., so the pattern is likelier than noise
expect_jq_slurp '.[0].logprob / .[0].tokens > .[2].logprob / .[2].tokens' "$TMP/out"
expect_status 2 pp score --input-format ids "$TMP/ids.jsonl"
expect_status 2 pp score --model "$TMP/m" --input-format words "$TMP/ids.jsonl"
printf '{"ids":[3,99]}\n' >"$TMP/bad.jsonl"
expect_status 1 pp score --model "$TMP/m" --input-format ids "$TMP/bad.jsonl"
expect_grep 'bad.jsonl:1: id 99 at position 1 is outside the vocabulary' "$TMP/err"
printf '{"ids":[3,"x"]}\n' >"$TMP/bad2.jsonl"
expect_status 1 pp score --model "$TMP/m" --input-format ids "$TMP/bad2.jsonl"
expect_grep "bad2.jsonl:1: 'ids'\\[1\\] is not a token id" "$TMP/err"
perl -e 'print "{\"ids\":[", join(",", (3) x 70), "]}\n"' >"$TMP/long.jsonl"
expect_status 1 pp score --model "$TMP/m" --input-format ids "$TMP/long.jsonl"
expect_grep 'long.jsonl:1: 69 tokens to score, more than max_position_embeddings \(64\)' "$TMP/err"
# text needs the checkpoint's tokenizer
printf '{"text":"abc"}\n' >"$TMP/text.jsonl"
expect_status 1 pp score --model "$TMP/m" "$TMP/text.jsonl"
expect_grep 'no tokenizer in the model directory' "$TMP/err"

# --- generate: greedy continues the pattern through the KV cache
printf '{"ids":[3,10,17]}\n' >"$TMP/prompt.jsonl"
expect_status 0 pp generate --model "$TMP/m" --input-format ids --output-format ids -t 0 -n 5 "$TMP/prompt.jsonl"
expect_jq '.output_ids == [24, 31, 38, 45, 52]' "$TMP/out"
expect_status 0 pp generate --model "$TMP/m" --input-format ids --output-format ids -t 0 -n 2 "$TMP/prompt.jsonl"
expect_jq '.output_ids == [24, 31] and .ids == [3, 10, 17]' "$TMP/out"
# sampling is seeded
expect_status 0 pp generate --model "$TMP/m" --input-format ids --output-format ids -t 5 --seed 7 -n 20 "$TMP/prompt.jsonl"
cp "$TMP/out" "$TMP/s1"
expect_status 0 pp generate --model "$TMP/m" --input-format ids --output-format ids -t 5 --seed 7 -n 20 "$TMP/prompt.jsonl"
expect_same "$TMP/s1" "$TMP/out" "same seed, same sample"
expect_jq '(.output_ids | length) == 20' "$TMP/out"
expect_status 0 pp generate --model "$TMP/m" --input-format ids --output-format ids -t 5 --top-k 1 -n 3 "$TMP/prompt.jsonl"
expect_jq '.output_ids == [24, 31, 38]' "$TMP/out"
expect_status 2 pp generate --model "$TMP/m" --input-format ids --prompt hi
expect_status 1 pp generate --model "$TMP/m" --prompt hi
expect_grep 'no tokenizer' "$TMP/err"

# --- a text model: tokenizer with ChatML markers
expect_status 0 pp tokenizer train -q --lang yo --vocab-size 400 --no-exemplars --chat-markers \
    -i "$TESTDATA/tokenizers/yo-udhr-train.jsonl" -o "$TMP/yo" || stop "tokenizer training failed"
expect_status 0 pp train --config "$M/train/config.json" --tokenizer "$TMP/yo.model" --out "$TMP/t" \
    --steps 4 --batch-size 2 --seq-len 32 --threads 1 -q --data "$TESTDATA/tokenizers/yo-udhr-train.jsonl"
jq -c 'select((.text | length) < 200) | {id, lang, text}' "$TESTDATA/tokenizers/yo-udhr-train.jsonl" | head -n 5 >"$TMP/short.jsonl"
expect_status 0 pp score --model "$TMP/t" --ledger "$TMP/ledger.jsonl" --step tiny "$TMP/short.jsonl"
cp "$TMP/out" "$TMP/scored.jsonl"
expect_lines 5 "$TMP/scored.jsonl"
expect_jq '(.bytes == (.text | utf8bytelength)) and (.bits_per_byte - (-.logprob / (.bytes * (2 | log))) | fabs) < 1e-9 and .tokens > 0' "$TMP/scored.jsonl"
expect_jq '.stage == "score" and .step == "tiny" and .lang == "yo" and .metric == "bits_per_byte" and .n == 5' "$TMP/ledger.jsonl"
# the ledger's figure is -sum(logprob) / (ln 2 sum(bytes)), as eval computes it
want=$(jq -s 'map(-.logprob) as $l | map(.bytes) as $b | ($l | add) / (($b | add) * (2 | log))' "$TMP/scored.jsonl")
check "score's ledger value is the pooled bits per byte" \
    jq -e --argjson w "$want" '(.value - $w | fabs) < 1e-6' "$TMP/ledger.jsonl" >/dev/null
expect_status 0 pp eval --metric bits_per_byte --resamples 10 --json "$TMP/scored.jsonl"
expect_grep 'yo' "$TMP/out"
# BOS plus the tokens: the tokenizer's count
expect_status 0 pp tokenizer encode --model "$TMP/t/tokenizer.model" "$TMP/short.jsonl"

expect_status 0 pp generate --model "$TMP/t" -t 0 -n 4 --prompt "Gbogbo ènìyàn"
expect_jq '.prompt == "Gbogbo ènìyàn" and (.output | type) == "string"' "$TMP/out"
printf '{"messages":[{"role":"user","content":"Báwo ni?"}]}\n' >"$TMP/chat.jsonl"
expect_status 0 pp generate --model "$TMP/t" --input-format messages --output-format ids -t 0 -n 3 "$TMP/chat.jsonl"
expect_jq '(.output_ids | length) <= 3 and (.messages | length) == 1' "$TMP/out"
printf '{"messages":"hi"}\n' >"$TMP/badchat.jsonl"
expect_status 1 pp generate --model "$TMP/t" --input-format messages "$TMP/badchat.jsonl"
expect_grep "badchat.jsonl:1: 'messages' must be a non-empty array" "$TMP/err"
# a template that is neither ChatML nor Llama 3 is refused by name
cp -r "$TMP/t" "$TMP/t-other"
jq '.chat_template = "{% for m in messages %}[{{ m.role }}] {{ m.content }}{% endfor %}"' "$TMP/t/tokenizer_config.json" >"$TMP/t-other/tokenizer_config.json"
expect_status 1 pp generate --model "$TMP/t-other" --input-format messages "$TMP/chat.jsonl"
expect_grep 'chat template not recognised: only ChatML and Llama 3' "$TMP/err"

# a Hugging Face tokenizer.json travels into the checkpoint; its BOS is Llama 3's
jq '.vocab_size = 1600' "$M/train/config.json" >"$TMP/c1600.json"
expect_status 0 pp train --config "$TMP/c1600.json" --tokenizer "$TESTDATA/tokenizers/llama3-small.tokenizer.json" \
    --out "$TMP/hf" --steps 1 --batch-size 2 --seq-len 32 --threads 1 -q --data "$TMP/short.jsonl"
expect_file "$TMP/hf/tokenizer.json"
want_bos=$(jq '.added_tokens[] | select(.content == "<|begin_of_text|>") | .id' "$TESTDATA/tokenizers/llama3-small.tokenizer.json")
expect_jq ".bos_token_id == $want_bos" "$TMP/hf/config.json"
expect_status 0 pp score --model "$TMP/hf" --window 64 -q "$TMP/short.jsonl"
expect_jq '.bits_per_byte > 0' "$TMP/out"
# a Llama 3 template is recognised (and needs its header markers in the vocabulary)
jq -n '{chat_template: "{% for m in messages %}<|start_header_id|>{{ m.role }}<|end_header_id|>\n\n{{ m.content | trim }}<|eot_id|>{% endfor %}"}' \
    >"$TMP/hf/tokenizer_config.json"
expect_status 1 pp generate --model "$TMP/hf" --input-format messages "$TMP/chat.jsonl"
expect_grep 'the tokenizer has no special token <\|start_header_id\|>' "$TMP/err"

# --- model info
expect_status 0 pp model info "$TMP/t"
expect_grep '^parameters: +31392 ' "$TMP/out"
expect_grep 'tokenizer: .*tokenizer.model .*chat template chatml' "$TMP/out"
expect_grep 'dtypes: +F32 x 20' "$TMP/out"
expect_status 0 pp model info "$M/tiny-bf16"
expect_grep 'dtypes: +BF16 x 21' "$TMP/out"
expect_grep 'tokenizer: +none' "$TMP/out"
expect_status 0 pp model info --config "$TINY" --batch-size 2 --seq-len 8 --json
# 19616 parameters of 4 bytes; training keeps gradients and both moments of the same size
expect_jq '.parameters == 19616 and .training.memory.params == 78464 and .training.memory.grads == 78464 and .training.memory.adam_v == 78464 and .inference.memory.grads == 0 and .training.memory.total == (.training.memory | .params + .grads + .adam_m + .adam_v + .activations + .scratch + .kv_cache)' "$TMP/out"
expect_status 2 pp model info
expect_status 2 pp model info "$TMP/t" --config "$TINY"
expect_status 1 pp model info --config "$TINY" --seq-len 100
expect_grep 'longer than max_position_embeddings 64' "$TMP/err"
expect_status 1 pp model info "$TMP/nonexistent"
expect_status 0 pp model info --help
expect_status 0 pp help model info
finish
