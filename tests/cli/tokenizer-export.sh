#!/bin/sh
# tokenizer-export.sh — `polyphony tokenizer export --format hf`: a unigram
# and a BPE model trained on the bundled UDHR's training split in every
# profiled language, written as tokenizer.json and read back by polyphony's
# own Hugging Face reader, must give the SentencePiece model's ids on the
# test split of each of those languages, id for id; the default vocabulary
# size, its scaling to small data, the trainer log and the refusals.
. "$top_srcdir/tests/cli/lib.sh"
require_cmd jq jq
require_cmd zstd zstd
B=${POLYPHONY_DATA:-}/eval-sets/udhr/udhr.jsonl.zst
[ -n "${POLYPHONY_DATA:-}" ] && [ -f "$B" ] || skip "the bundled UDHR is not available"

# the profiled languages: ISO 639-3 code and BCP 47 tag of each profile
for f in "$POLYPHONY_DATA"/langs/*/profile.xml; do
    sed -n 's/.*<profile code="\([a-z]*\)" bcp47="\([^"]*\)".*/\1 \2/p' "$f"
done >"$TMP/profiles"
nprof=$(wc -l <"$TMP/profiles" | tr -d ' ')
check "profiles found: $nprof" [ "$nprof" -ge 10 ]
jq -R -s 'split("\n") | map(select(length > 0) | split(" ")) ' "$TMP/profiles" >"$TMP/profiles.json"
zstd -dc "$B" | jq -c --slurpfile p "$TMP/profiles.json" '
    ($p[0] | map(.[0])) as $codes | ($p[0] | map(.[1])) as $tags
    | select((.meta.iso639_3 as $c | $codes | index($c)) or (.lang as $t | $tags | index($t)))
    | {id, lang: .meta.iso639_3, text, split: .meta.split}' >"$TMP/udhr.jsonl"
jq -c 'select(.split == "train") | {lang, text}' "$TMP/udhr.jsonl" >"$TMP/train.jsonl"
jq -c 'select(.split == "test") | {id, lang, text}' "$TMP/udhr.jsonl" >"$TMP/test.jsonl"
langs=$(jq -r .lang "$TMP/train.jsonl" | sort -u | paste -sd, -)
ntest=$(jq -r .lang "$TMP/test.jsonl" | sort -u | wc -l | tr -d ' ')
expect_eq "$ntest" "$nprof" "profiled languages with a UDHR test split"
# lines SentencePiece treats specially: spaces at the ends and in runs, a
# user-defined piece inside words, characters for byte fallback, digits
cat >"$TMP/edge.jsonl" <<'END'
{"id":"e1","text":" leading space"}
{"id":"e2","text":"two  spaces and a trailing one "}
{"id":"e3","text":"emoji 😀 and 漢字 in the text"}
{"id":"e4","text":"a<mask>b <mask> 12345 ẹ̀ e\u0323\u0300"}
{"id":"e5","text":"tab\there"}
{"id":"e6","text":"    "}
END
cat "$TMP/test.jsonl" "$TMP/edge.jsonl" >"$TMP/all.jsonl"

# default vocabulary size: 8000, scaled down to this text, and said so
expect_status 0 pp tokenizer train --langs "$langs" --input "$TMP/train.jsonl" \
    --user-symbols '<mask>' --output "$TMP/uni"
expect_grep 'vocabulary size [0-9]+, scaled down from 8000' "$TMP/err"
expect_status 0 pp tokenizer train --langs "$langs" --model-type bpe --input "$TMP/train.jsonl" \
    --output "$TMP/bpe"
expect_grep 'vocabulary size [0-9]+, scaled down from 8000' "$TMP/err"

for m in uni bpe; do
    expect_status 0 pp tokenizer export --format hf --model "$TMP/$m.model" --output "$TMP/hf-$m"
    expect_file "$TMP/hf-$m/tokenizer.json"
    expect_jq '.tokenizer_class == "PreTrainedTokenizerFast" and .unk_token == "<unk>"' \
        "$TMP/hf-$m/tokenizer_config.json"
    check "encode with $m.model" pp tokenizer encode -m "$TMP/$m.model" "$TMP/all.jsonl" >"$TMP/spm.enc"
    check "encode with $m tokenizer.json" pp tokenizer encode -m "$TMP/hf-$m/tokenizer.json" \
        "$TMP/all.jsonl" >"$TMP/hf.enc"
    jq -c '[.id, .tokens]' "$TMP/spm.enc" >"$TMP/spm.ids"
    jq -c '[.id, .tokens]' "$TMP/hf.enc" >"$TMP/hf.ids"
    expect_lines "$(wc -l <"$TMP/all.jsonl" | tr -d ' ')" "$TMP/hf.ids"
    expect_same "$TMP/spm.ids" "$TMP/hf.ids" "$m: tokenizer.json ids differ from the SentencePiece model's"
    # and the ids decode back to the (NFC) text through the exported decoder
    jq -c 'del(.text)' "$TMP/hf.enc" >"$TMP/ids.jsonl"
    check "decode with $m tokenizer.json" pp tokenizer decode -m "$TMP/hf-$m/tokenizer.json" \
        <"$TMP/ids.jsonl" >"$TMP/dec.jsonl"
    jq -r .text "$TMP/dec.jsonl" >"$TMP/b"
    pp tokenizer decode -m "$TMP/$m.model" <"$TMP/ids.jsonl" | jq -r .text >"$TMP/a"
    expect_same "$TMP/a" "$TMP/b" "$m: tokenizer.json decodes differently"
done
# the user-defined piece is one token, as in SentencePiece
grep '"e4"' "$TMP/edge.jsonl" >"$TMP/e4.jsonl"
check "encode pieces" pp tokenizer encode --pieces -m "$TMP/hf-uni/tokenizer.json" "$TMP/e4.jsonl" >"$TMP/p.enc"
expect_jq '.pieces | map(select(. == "<mask>")) | length == 2' "$TMP/p.enc"

# the trainer log with --progress, none with -q
expect_status 0 pp tokenizer train --progress --lang yor --vocab-size 600 --input "$TMP/train.jsonl" \
    --output "$TMP/log"
expect_grep 'trainer_interface' "$TMP/err"
expect_status 0 pp tokenizer train -q --lang yor --vocab-size 600 --input "$TMP/train.jsonl" \
    --output "$TMP/quiet"
expect_empty "$TMP/err"
# a bpe vocabulary larger than the text can fill: refused, not a crash
expect_status 1 pp tokenizer train -q --lang yor --model-type bpe --vocab-size 50000 \
    --input "$TMP/train.jsonl" --output "$TMP/big"
expect_grep 'more than this text can fill' "$TMP/err"
expect_no_file "$TMP/big.model"

# refusals
expect_status 2 pp tokenizer export --model "$TMP/uni.model" --output "$TMP/x"
expect_status 2 pp tokenizer export --format spm --model "$TMP/uni.model" --output "$TMP/x"
expect_status 2 pp tokenizer export --format hf --output "$TMP/x"
expect_status 1 pp tokenizer export --format hf --model "$TMP/none.model" --output "$TMP/x"
expect_grep 'none.model' "$TMP/err"
expect_status 0 pp tokenizer train -q --lang yor --vocab-size 600 --normalization nmt_nfkc \
    --input "$TMP/train.jsonl" --output "$TMP/nfkc"
expect_status 1 pp tokenizer export --format hf --model "$TMP/nfkc.model" --output "$TMP/x"
expect_grep 'nmt_nfkc' "$TMP/err"
expect_status 0 pp tokenizer train -q --lang yor --model-type bpe --vocab-size 600 \
    --user-symbols '<mask>' --input "$TMP/train.jsonl" --output "$TMP/bpe-user"
expect_status 1 pp tokenizer export --format hf --model "$TMP/bpe-user.model" --output "$TMP/x"
expect_grep 'user-defined' "$TMP/err"
finish
