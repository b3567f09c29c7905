#!/bin/sh
# tokenizer.sh — `polyphony tokenizer`: help, bad input, encode/decode round
# trips, the audit's JSON and its premium against an independent computation
# (jq over the js-tiktoken reference ids), and Yoruba training with the
# language's defaults against SentencePiece's nmt_nfkc defaults.
set -u
: "${POLYPHONY:?}" "${TESTDATA:?}"
PP_WRAP=${PP_WRAP:-}
T=$TESTDATA/tokenizers
CL=$T/cl100k_base.tiktoken.zst
command -v jq >/dev/null 2>&1 || { echo "jq is needed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
pp() { $PP_WRAP "$POLYPHONY" "$@"; }

# help and usage
pp tokenizer --help | grep -q 'tokenizer audit' || fail "--help"
pp help tokenizer >/dev/null || fail "help tokenizer"
pp tokenizer frobnicate 2>/dev/null; [ $? -eq 2 ] || fail "unknown subcommand should exit 2"
pp tokenizer encode 2>/dev/null; [ $? -eq 2 ] || fail "encode without --model should exit 2"
pp tokenizer audit -m "$CL" 2>/dev/null; [ $? -eq 2 ] || fail "audit without input should exit 2"

# corrupt models: exit 1 with the file named
printf 'not a model at all' > "$tmp/bad.model"
pp tokenizer encode -m "$tmp/bad.model" -f spm </dev/null 2>"$tmp/err"; [ $? -eq 1 ] || fail "corrupt spm model"
grep -q 'bad.model' "$tmp/err" || fail "corrupt model message names the file"
printf '{"model": {"type": "BPE"' > "$tmp/bad.json"
pp tokenizer encode -m "$tmp/bad.json" </dev/null 2>/dev/null; [ $? -eq 1 ] || fail "corrupt tokenizer.json"
printf 'IQ== 0\nnot base64!! 1\n' > "$tmp/cl100k_base.tiktoken"
pp tokenizer encode -m "$tmp/cl100k_base.tiktoken" </dev/null 2>"$tmp/err"; [ $? -eq 1 ] || fail "corrupt rank file"
grep -q 'cl100k_base.tiktoken:2:' "$tmp/err" || fail "rank file error gives file:line"

# empty input: no output, success
pp tokenizer encode -m "$CL" </dev/null >"$tmp/out" || fail "empty input"
[ ! -s "$tmp/out" ] || fail "empty input gives output"

# bad input lines: file:line and exit 1
printf '{"text":"ok"}\n{"text":\n' > "$tmp/bad.jsonl"
pp tokenizer encode -m "$CL" "$tmp/bad.jsonl" >/dev/null 2>"$tmp/err"; [ $? -eq 1 ] || fail "bad JSON"
grep -q 'bad.jsonl:2:' "$tmp/err" || fail "bad JSON message has file:line"
printf 'caf\351\n' > "$tmp/latin1.txt"
pp tokenizer encode -m "$CL" "$tmp/latin1.txt" >/dev/null 2>"$tmp/err"; [ $? -eq 1 ] || fail "invalid UTF-8"
grep -q 'latin1.txt:1:' "$tmp/err" || fail "invalid UTF-8 message has file:line"
echo '{"tokens":[15339, 99999999]}' | pp tokenizer decode -m "$CL" >/dev/null 2>&1; [ $? -eq 1 ] || fail "id out of range"

# encode | decode gives the text back, for every back end
for m in "$CL" "$T/llama3-small.tokenizer.json" "$T/llama2-small.tokenizer.json"; do
    pp tokenizer encode -m "$m" "$T/sample.jsonl" > "$tmp/enc.jsonl" || fail "encode with $m"
    jq -e 'has("tokens") and (.tokens | length > 0)' "$tmp/enc.jsonl" >/dev/null || fail "tokens field"
    jq -c 'del(.text)' "$tmp/enc.jsonl" | pp tokenizer decode -m "$m" > "$tmp/dec.jsonl" || fail "decode with $m"
    jq -r .text "$T/sample.jsonl" > "$tmp/a"; jq -r .text "$tmp/dec.jsonl" > "$tmp/b"
    cmp -s "$tmp/a" "$tmp/b" || fail "round trip through $m"
done
# plain text lines are accepted too
printf 'hello world\n' | pp tokenizer encode -m "$CL" | jq -e '.tokens == [15339, 1917]' >/dev/null ||
    fail "plain text encode"

# a very long line without spaces (512 KiB of letters)
head -c 524288 /dev/zero | tr '\0' 'x' > "$tmp/long.txt"; echo >> "$tmp/long.txt"
pp tokenizer encode -m "$CL" "$tmp/long.txt" | jq -c 'del(.text)' | pp tokenizer decode -m "$CL" |
    jq -r .text | cmp -s - "$tmp/long.txt" || fail "long line round trip"

# audit --json: exactly the documented keys, one object per language
pp tokenizer audit -m "$CL" --json "$T/sample.jsonl" > "$tmp/audit.json" || fail "audit --json"
jq -e 'length == 33 and all(.[]; keys == ["byte_fallback_rate","bytes_per_token","chars_per_token",
      "continued_words","fertility","lang","premium","renyi_efficiency","roundtrip_lossless",
      "tokens","unk_rate"])' "$tmp/audit.json" >/dev/null || fail "audit JSON keys"
# premium against an independent computation from the js-tiktoken ids:
# Σ tokens(lang) / Σ tokens(en) over the -aN-pM keys both have
jq -n --slurpfile ids "$T/cl100k_base.expected.jsonl" --slurpfile recs "$T/sample.jsonl" '
  ($ids | map({(.id): (.tokens | length)}) | add) as $n
  | [ $recs[] | select(.id | test("-a[0-9]+-p[0-9]+$"))
      | {lang, key: (.id | capture("(?<k>a[0-9]+-p[0-9]+)$").k), n: $n[.id]} ]
  | (map(select(.lang == "en")) | map({(.key): .n}) | add) as $en
  | group_by(.lang) | map({lang: .[0].lang,
      premium: ((map(select($en[.key] != null) | .n) | add) /
                (map(select($en[.key] != null) | $en[.key]) | add))})' > "$tmp/independent.json" ||
    fail "independent premium computation"
jq -e -n --slurpfile a "$tmp/audit.json" --slurpfile b "$tmp/independent.json" '
  ($b[0] | map({(.lang): .premium}) | add) as $want
  | [ $a[0][] | select($want[.lang] != null) | ((.premium - $want[.lang]) | fabs) / $want[.lang] ]
  | length >= 30 and max < 0.005' >/dev/null || fail "premium differs from the independent computation"
jq -e '.[] | select(.lang == "en") | .premium == 1' "$tmp/audit.json" >/dev/null || fail "en premium"

# a FLORES-style directory and the ledger
mkdir "$tmp/flores"
printf 'hello world\nhello\n' > "$tmp/flores/eng_Latn.devtest"
printf 'hello world hello\nhello world\n' > "$tmp/flores/xxx_Latn.devtest"
PP_RUN=2026-01-01T00:00:00Z pp tokenizer audit -m "$CL" --parallel "$tmp/flores" --json \
    --ledger "$tmp/ledger.jsonl" > "$tmp/fl.json" || fail "audit --parallel"
# eng: 2 + 1 tokens, xxx: 3 + 2 tokens → premium 5/3
jq -e '.[] | select(.lang == "xxx_Latn") | (.premium - 5/3 | fabs) < 1e-9' "$tmp/fl.json" >/dev/null ||
    fail "FLORES premium"
jq -e -s 'map(select(.stage == "tokenizer" and .metric == "premium")) | length == 2' \
    "$tmp/ledger.jsonl" >/dev/null || fail "ledger premium rows"
pp tokenizer audit -m "$CL" --parallel "$tmp/flores" --reference fra >/dev/null 2>&1
[ $? -eq 1 ] || fail "unknown reference language"

# Yoruba: defaults (NFC, exemplar characters, byte fallback) round-trip news
# text with its tone marks; SentencePiece's defaults (nmt_nfkc, no byte
# fallback, character coverage only) lose tone-marked capitals.
mkdir "$tmp/yo"; cp "$T/yo-news.txt" "$tmp/yo/yo.txt"
pp tokenizer train -q --lang yo --vocab-size 600 --input "$T/yo-udhr-train.jsonl" \
    --output "$tmp/yo-def" || fail "train with defaults"
[ -s "$tmp/yo-def.model" ] || fail "no model"
jq -e '.prenormalize == "NFC" and .byte_fallback and .languages[0].lang == "yo" and
       (.required_chars | contains("ẹ"))' "$tmp/yo-def.json" >/dev/null || fail "sidecar"
pp tokenizer train -q --lang yo --vocab-size 600 --normalization nmt_nfkc --no-byte-fallback \
    --no-exemplars --input "$T/yo-udhr-train.jsonl" --output "$tmp/yo-nfkc" || fail "train nmt_nfkc"
pp tokenizer audit -m "$tmp/yo-def.model" --parallel "$tmp/yo" --json > "$tmp/def.json" || fail "audit defaults"
pp tokenizer audit -m "$tmp/yo-nfkc.model" --parallel "$tmp/yo" > "$tmp/nfkc.txt" || fail "audit nmt_nfkc"
jq -e '.[0].roundtrip_lossless == 1 and .[0].unk_rate == 0' "$tmp/def.json" >/dev/null ||
    fail "Yoruba defaults are not lossless"
grep -q 'characters lost: .*Ǹ' "$tmp/nfkc.txt" || fail "nmt_nfkc tokenizer should lose Ǹ"
pp tokenizer encode -m "$tmp/yo-def.model" "$tmp/yo/yo.txt" | jq -c 'del(.text)' |
    pp tokenizer decode -m "$tmp/yo-def.model" | jq -r .text | cmp -s - "$T/yo-news.txt" ||
    fail "Yoruba news text changed in the round trip"

# several languages: temperature sampling recorded in the sidecar
pp tokenizer train -q --langs yo,en --vocab-size 700 --input "$T/yo-udhr-train.jsonl" \
    --input "$T/sample.jsonl" --output "$tmp/multi" --sampling unimax --unimax-epochs 2 ||
    fail "multilingual training"
jq -e '.sampling.method == "unimax" and (.languages | length == 2) and
       ([.languages[].share] | add <= 1.000001)' "$tmp/multi.json" >/dev/null || fail "multilingual sidecar"
pp tokenizer train -q --lang yo --vocab-size 600 --input "$tmp/bad.jsonl" --output "$tmp/x" 2>/dev/null
[ $? -eq 1 ] || fail "training on bad input"
exit 0
