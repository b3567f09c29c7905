#!/bin/sh
# tests/cli/model-hf-layout.sh — checkpoints in the layout Hugging Face's save_pretrained
# writes (tests/data/model/hf_layout.py builds them: bfloat16 shards with an index, tied
# embeddings, rope_scaling llama3, an eos list in generation_config.json, byte-level
# and byte-fallback BPE tokenizer.json files) continue prompts greedily with exactly the
# ids the PyTorch reference chose, and score them with its log-probabilities.
. "$top_srcdir/tests/cli/lib.sh"
require_cmd jq jq
M=$TESTDATA/model

for name in hf-llama3 hf-llama2; do
    D=$M/$name
    jq -c '{id, prompt}' "$D/expected.jsonl" >"$TMP/prompts.jsonl"
    # greedy: the same new ids, up to the first id generation_config.json lists as eos
    expect_status 0 pp generate --model "$D" --temperature 0 --max-new-tokens 24 \
        --output-format ids "$TMP/prompts.jsonl"
    cp "$TMP/out" "$TMP/$name.gen"
    expect_lines 2 "$TMP/$name.gen"
    check "$name: greedy continuations equal the reference's" \
        jq -n -e --slurpfile got "$TMP/$name.gen" --slurpfile want "$D/expected.jsonl" \
        '[range(0; $want | length) | $got[.].output_ids == $want[.].greedy] | all'
    expect_jq '(.output | type) == "string"' "$TMP/$name.gen"
    # the prompt ids: what score counts (BOS is context)
    jq -c '{id, text: .prompt}' "$D/expected.jsonl" >"$TMP/texts.jsonl"
    expect_status 0 pp score --model "$D" "$TMP/texts.jsonl"
    cp "$TMP/out" "$TMP/$name.score"
    check "$name: scores equal the reference's (1e-3)" \
        jq -n -e --slurpfile got "$TMP/$name.score" --slurpfile want "$D/expected.jsonl" \
        '[range(0; $want | length) | (($got[.].logprob - $want[.].logprob) | fabs) < 1e-3 and $got[.].tokens == ($want[.].ids | length) - 1] | all'
done

# hf-llama3's generation_config.json asks for sampling (temperature 0.6, top_p 0.9) as
# Llama 3.2's does: without --temperature the output is a sample, reproducible by seed
D=$M/hf-llama3
jq -c 'select(.id == "udhr-eng-a1-p1") | {prompt}' "$D/expected.jsonl" >"$TMP/p1.jsonl"
greedy=$(jq -c 'select(.id == "udhr-eng-a1-p1") | .greedy' "$D/expected.jsonl")
expect_status 0 pp generate --model "$D" --seed 3 -n 24 --output-format ids "$TMP/p1.jsonl"
cp "$TMP/out" "$TMP/s1"
expect_status 0 pp generate --model "$D" --seed 3 -n 24 --output-format ids "$TMP/p1.jsonl"
expect_same "$TMP/s1" "$TMP/out" "same seed, same sample"
# do_sample false there means greedy when the command line says nothing
cp -r "$D" "$TMP/greedy-cfg"
jq '.do_sample = false | .max_new_tokens = 3' "$D/generation_config.json" >"$TMP/greedy-cfg/generation_config.json"
expect_status 0 pp generate --model "$TMP/greedy-cfg" --output-format ids "$TMP/p1.jsonl"
expect_jq ".output_ids == ($greedy | .[0:3])" "$TMP/out"
# ... and options given on the command line win over it
expect_status 0 pp generate --model "$TMP/greedy-cfg" -n 24 --output-format ids "$TMP/p1.jsonl"
expect_jq ".output_ids == $greedy" "$TMP/out"
# without generation_config.json, config.json's eos (1585) alone ends generation: the
# listed text token no longer does, so the continuation runs past it
rm "$TMP/greedy-cfg/generation_config.json"
expect_status 0 pp generate --model "$TMP/greedy-cfg" -t 0 -n 24 --output-format ids "$TMP/p1.jsonl"
expect_jq "(.output_ids | length) > ($greedy | length) and .output_ids[0:($greedy | length)] == $greedy" "$TMP/out"
# a bad generation_config.json is named
printf '{"eos_token_id": [1585, 99999]}\n' >"$TMP/greedy-cfg/generation_config.json"
expect_status 1 pp generate --model "$TMP/greedy-cfg" -t 0 "$TMP/p1.jsonl"
expect_grep 'generation_config.json: eos_token_id 99999 is outside the vocabulary' "$TMP/err"

# BOS comes first when the tokenizer puts it there (Llama 3's post-processor does);
# a GPT-2-style byte-level tokenizer.json (SmolLM's) adds none, and neither does one
# whose tokenizer_config.json says add_bos_token false: the prompt is the text's ids
cp -r "$D" "$TMP/nobos"
jq '.post_processor = {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true}' \
    "$D/tokenizer.json" >"$TMP/nobos/tokenizer.json"
# (the Yoruba prompt: its greedy continuation differs without BOS from step 15 on)
jq -c 'select(.id == "udhr-yor-a1-p1") | {ids: .ids[1:]}' "$D/expected.jsonl" >"$TMP/p2-ids.jsonl"
jq -c 'select(.id == "udhr-yor-a1-p1") | {prompt}' "$D/expected.jsonl" >"$TMP/p2.jsonl"
greedy2=$(jq -c 'select(.id == "udhr-yor-a1-p1") | .greedy' "$D/expected.jsonl")
expect_status 0 pp generate --model "$TMP/nobos" -t 0 -n 24 --output-format ids --input-format ids "$TMP/p2-ids.jsonl"
jq -c .output_ids "$TMP/out" >"$TMP/want-nobos"
check "without BOS the continuation is another one" \
    jq -e --argjson g "$greedy2" '.output_ids != $g' "$TMP/out"
expect_status 0 pp generate --model "$TMP/nobos" -t 0 -n 24 --output-format ids "$TMP/p2.jsonl"
jq -c .output_ids "$TMP/out" >"$TMP/got-nobos"
expect_same "$TMP/want-nobos" "$TMP/got-nobos" "no BOS before a byte-level tokenizer's prompt"
cp "$D/tokenizer.json" "$TMP/nobos/tokenizer.json"
jq '.add_bos_token = false' "$D/tokenizer_config.json" >"$TMP/nobos/tokenizer_config.json"
expect_status 0 pp generate --model "$TMP/nobos" -t 0 -n 24 --output-format ids "$TMP/p2.jsonl"
jq -c .output_ids "$TMP/out" >"$TMP/got-nobos"
expect_same "$TMP/want-nobos" "$TMP/got-nobos" "add_bos_token false"

# the Llama 3 chat template is recognised; its end of turn stops generation
printf '{"messages":[{"role":"user","content":"Hello"}]}\n' >"$TMP/chat.jsonl"
expect_status 0 pp generate --model "$D" --input-format messages -t 0 -n 8 --output-format ids "$TMP/chat.jsonl"
expect_jq '(.output_ids | length) <= 8 and (.output_ids | index(1588)) == null' "$TMP/out"

# TinyLlama-Chat's template (Zephyr's) is not one polyphony renders: text prompts and
# scoring still work, chat prompts are refused by name
D2=$M/hf-llama2
cp -r "$D2" "$TMP/zephyr"
jq '.chat_template = "{% for message in messages %}{% if message[\"role\"] == \"user\" %}{{ \"<|user|>\\n\" + message[\"content\"] + eos_token }}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ \"<|assistant|>\" }}{% endif %}"' \
    "$D2/tokenizer_config.json" >"$TMP/zephyr/tokenizer_config.json"
jq -c 'select(.id == "udhr-eng-a1-p1") | {prompt}' "$D2/expected.jsonl" >"$TMP/z1.jsonl"
expect_status 0 pp generate --model "$TMP/zephyr" -t 0 -n 24 --output-format ids "$TMP/z1.jsonl"
expect_jq ".output_ids == $(jq -c 'select(.id == "udhr-eng-a1-p1") | .greedy' "$D2/expected.jsonl")" "$TMP/out"
expect_status 0 pp score --model "$TMP/zephyr" "$TMP/texts.jsonl"
expect_status 0 pp model info "$TMP/zephyr"
expect_grep 'chat template none' "$TMP/out"
expect_status 1 pp generate --model "$TMP/zephyr" --input-format messages "$TMP/chat.jsonl"
expect_grep 'chat template not recognised: only ChatML and Llama 3' "$TMP/err"

# model info names the scaling and the sharded bfloat16 weights
expect_status 0 pp model info "$D"
expect_grep 'rope scaling: llama3, factor 32, low_freq_factor 1, high_freq_factor 4, original_max_position_embeddings 256' "$TMP/out"
expect_grep 'dtypes: +BF16 x 20' "$TMP/out"
expect_status 0 pp model info --json "$D"
expect_jq '.config.rope_scaling.rope_type == "llama3" and .config.tie_word_embeddings == true' "$TMP/out"
finish
