#!/bin/sh
# tokenizer.sh — `polyphony tokenizer`: help, bad input, encode/decode round
# trips, the audit's JSON and its premium against an independent computation
# (jq over the js-tiktoken reference ids), and Yoruba training with the
# language's defaults against SentencePiece's nmt_nfkc defaults.
. "$top_srcdir/tests/cli/lib.sh"
require_cmd jq jq
TD=$TESTDATA/tokenizers
CL=$TD/cl100k_base.tiktoken.zst

# help and usage
expect_status 0 pp tokenizer --help
expect_grep 'tokenizer audit' "$TMP/out"
expect_status 0 pp help tokenizer
expect_status 2 pp tokenizer frobnicate </dev/null
# encode without --model, audit without input
expect_status 2 pp tokenizer encode </dev/null
expect_status 2 pp tokenizer audit -m "$CL" </dev/null

# corrupt models: exit 1 with the file named
printf 'not a model at all' > "$TMP/bad.model"
expect_status 1 pp tokenizer encode -m "$TMP/bad.model" -f spm </dev/null
expect_grep 'bad.model' "$TMP/err"
printf '{"model": {"type": "BPE"' > "$TMP/bad.json"
expect_status 1 pp tokenizer encode -m "$TMP/bad.json" </dev/null
printf 'IQ== 0\nnot base64!! 1\n' > "$TMP/cl100k_base.tiktoken"
expect_status 1 pp tokenizer encode -m "$TMP/cl100k_base.tiktoken" </dev/null
expect_grep 'cl100k_base.tiktoken:2:' "$TMP/err"

# empty input: no output, success
expect_status 0 pp tokenizer encode -m "$CL" </dev/null
expect_empty "$TMP/out"

# bad input lines: file:line and exit 1
printf '{"text":"ok"}\n{"text":\n' > "$TMP/bad.jsonl"
expect_status 1 pp tokenizer encode -m "$CL" "$TMP/bad.jsonl"
expect_grep 'bad.jsonl:2:' "$TMP/err"
printf 'caf\351\n' > "$TMP/latin1.txt"
expect_status 1 pp tokenizer encode -m "$CL" "$TMP/latin1.txt"
expect_grep 'latin1.txt:1:' "$TMP/err"
# an id out of range
echo '{"tokens":[15339, 99999999]}' > "$TMP/range.jsonl"
expect_status 1 pp tokenizer decode -m "$CL" <"$TMP/range.jsonl"

# encode | decode gives the text back, for every back end
for m in "$CL" "$TD/llama3-small.tokenizer.json" "$TD/llama2-small.tokenizer.json"; do
    check "encode with $m" pp tokenizer encode -m "$m" "$TD/sample.jsonl" > "$TMP/enc.jsonl"
    expect_jq 'has("tokens") and (.tokens | length > 0)' "$TMP/enc.jsonl"
    jq -c 'del(.text)' "$TMP/enc.jsonl" > "$TMP/ids.jsonl"
    check "decode with $m" pp tokenizer decode -m "$m" < "$TMP/ids.jsonl" > "$TMP/dec.jsonl"
    jq -r .text "$TD/sample.jsonl" > "$TMP/a"; jq -r .text "$TMP/dec.jsonl" > "$TMP/b"
    expect_same "$TMP/a" "$TMP/b" "round trip through $m"
done
# plain text lines are accepted too
printf 'hello world\n' > "$TMP/hello.txt"
expect_status 0 pp tokenizer encode -m "$CL" < "$TMP/hello.txt"
expect_jq '.tokens == [15339, 1917]' "$TMP/out"

# a very long line without spaces (512 KiB of letters)
head -c 524288 /dev/zero | tr '\0' 'x' > "$TMP/long.txt"; echo >> "$TMP/long.txt"
check "encode a long line" pp tokenizer encode -m "$CL" "$TMP/long.txt" > "$TMP/long.enc"
jq -c 'del(.text)' "$TMP/long.enc" > "$TMP/long.ids"
check "decode a long line" pp tokenizer decode -m "$CL" < "$TMP/long.ids" > "$TMP/long.dec"
jq -r .text "$TMP/long.dec" > "$TMP/long.back"
expect_same "$TMP/long.back" "$TMP/long.txt" "long line round trip"

# audit --json: exactly the documented keys, one object per language
check "audit --json" pp tokenizer audit -m "$CL" --json "$TD/sample.jsonl" > "$TMP/audit.json"
expect_jq 'length == 33 and all(.[]; keys == ["byte_fallback_rate","bytes_per_token","chars_per_token",
      "continued_words","fertility","lang","premium","renyi_efficiency","roundtrip_lossless",
      "tokens","unk_rate"])' "$TMP/audit.json"
# premium against an independent computation from the js-tiktoken ids:
# Σ tokens(lang) / Σ tokens(en) over the -aN-pM keys both have
check "independent premium computation" \
    jq -n --slurpfile ids "$TD/cl100k_base.expected.jsonl" --slurpfile recs "$TD/sample.jsonl" '
  ($ids | map({(.id): (.tokens | length)}) | add) as $n
  | [ $recs[] | select(.id | test("-a[0-9]+-p[0-9]+$"))
      | {lang, key: (.id | capture("(?<k>a[0-9]+-p[0-9]+)$").k), n: $n[.id]} ]
  | (map(select(.lang == "en")) | map({(.key): .n}) | add) as $en
  | group_by(.lang) | map({lang: .[0].lang,
      premium: ((map(select($en[.key] != null) | .n) | add) /
                (map(select($en[.key] != null) | $en[.key]) | add))})' > "$TMP/independent.json"
check "premium differs from the independent computation" \
    jq -e -n --slurpfile a "$TMP/audit.json" --slurpfile b "$TMP/independent.json" '
  ($b[0] | map({(.lang): .premium}) | add) as $want
  | [ $a[0][] | select($want[.lang] != null) | ((.premium - $want[.lang]) | fabs) / $want[.lang] ]
  | length >= 30 and max < 0.005' >/dev/null
expect_jq '.[] | select(.lang == "en") | .premium == 1' "$TMP/audit.json"

# a FLORES-style directory and the ledger
mkdir "$TMP/flores"
printf 'hello world\nhello\n' > "$TMP/flores/eng_Latn.devtest"
printf 'hello world hello\nhello world\n' > "$TMP/flores/xxx_Latn.devtest"
PP_RUN=2026-01-01T00:00:00Z check "audit --parallel" pp tokenizer audit -m "$CL" --parallel "$TMP/flores" --json \
    --ledger "$TMP/ledger.jsonl" > "$TMP/fl.json"
# eng: 2 + 1 tokens, xxx: 3 + 2 tokens → premium 5/3
expect_jq '.[] | select(.lang == "xxx_Latn") | (.premium - 5/3 | fabs) < 1e-9' "$TMP/fl.json"
expect_jq_slurp 'map(select(.stage == "tokenizer" and .metric == "premium")) | length == 2' "$TMP/ledger.jsonl"
# an unknown reference language
expect_status 1 pp tokenizer audit -m "$CL" --parallel "$TMP/flores" --reference fra

# Yoruba: defaults (NFC, exemplar characters, byte fallback) round-trip news
# text with its tone marks; SentencePiece's defaults (nmt_nfkc, no byte
# fallback, character coverage only) lose tone-marked capitals.
mkdir "$TMP/yo"; cp "$TD/yo-news.txt" "$TMP/yo/yo.txt"
check "train with defaults" pp tokenizer train -q --lang yo --vocab-size 600 --input "$TD/yo-udhr-train.jsonl" \
    --output "$TMP/yo-def"
expect_file "$TMP/yo-def.model"
expect_jq '.prenormalize == "NFC" and .byte_fallback and .languages[0].lang == "yo" and
       (.required_chars | contains("ẹ"))' "$TMP/yo-def.json"
check "train nmt_nfkc" pp tokenizer train -q --lang yo --vocab-size 600 --normalization nmt_nfkc --no-byte-fallback \
    --no-exemplars --input "$TD/yo-udhr-train.jsonl" --output "$TMP/yo-nfkc"
check "audit defaults" pp tokenizer audit -m "$TMP/yo-def.model" --parallel "$TMP/yo" --json > "$TMP/def.json"
check "audit nmt_nfkc" pp tokenizer audit -m "$TMP/yo-nfkc.model" --parallel "$TMP/yo" > "$TMP/nfkc.txt"
# the Yoruba defaults are lossless; the nmt_nfkc tokenizer loses Ǹ
expect_jq '.[0].roundtrip_lossless == 1 and .[0].unk_rate == 0' "$TMP/def.json"
expect_grep 'characters lost: .*Ǹ' "$TMP/nfkc.txt"
check "encode Yoruba news" pp tokenizer encode -m "$TMP/yo-def.model" "$TMP/yo/yo.txt" > "$TMP/yo.enc"
jq -c 'del(.text)' "$TMP/yo.enc" > "$TMP/yo.ids"
check "decode Yoruba news" pp tokenizer decode -m "$TMP/yo-def.model" < "$TMP/yo.ids" > "$TMP/yo.dec"
jq -r .text "$TMP/yo.dec" > "$TMP/yo.back"
expect_same "$TMP/yo.back" "$TD/yo-news.txt" "Yoruba news text changed in the round trip"

# several languages: temperature sampling recorded in the sidecar
check "multilingual training" pp tokenizer train -q --langs yo,en --vocab-size 700 --input "$TD/yo-udhr-train.jsonl" \
    --input "$TD/sample.jsonl" --output "$TMP/multi" --sampling unimax --unimax-epochs 2
expect_jq '.sampling.method == "unimax" and (.languages | length == 2) and
       ([.languages[].share] | add <= 1.000001)' "$TMP/multi.json"
# training on bad input
expect_status 1 pp tokenizer train -q --lang yo --vocab-size 600 --input "$TMP/bad.jsonl" --output "$TMP/x"
finish
