#!/bin/sh
# tests/cli/eval.sh — `polyphony eval`: metrics from the command line,
# bootstrap determinism, ledger rows, --compare, and bad input (missing
# fields, empty languages, a single-item language, mismatched ids).
. "$top_srcdir/tests/cli/lib.sh"
require_cmd jq jq
D=$TESTDATA/eval

expect_status 0 pp eval --help
expect_grep "--compare" "$TMP/out"
expect_status 2 pp eval "$D/chrf_input.jsonl"
expect_status 2 pp eval --metric bleu "$D/chrf_input.jsonl"
expect_grep "unknown metric 'bleu'" "$TMP/err"
expect_status 2 pp eval --metric chrf --resamples lots "$D/chrf_input.jsonl"

# chrF on the fixture: table, JSON, determinism
expect_status 0 pp eval --metric chrf -B 200 "$D/chrf_input.jsonl"
expect_grep "^yo " "$TMP/out"
expect_status 0 pp eval --metric chrf --json -B 200 --seed 5 "$D/chrf_input.jsonl"
cp "$TMP/out" "$TMP/run1"
expect_status 0 pp eval --metric chrf --json -B 200 --seed 5 "$D/chrf_input.jsonl"
expect_same "$TMP/out" "$TMP/run1" "same seed, different output"
expect_status 0 pp eval --metric chrf --json -B 200 --seed 6 "$D/chrf_input.jsonl"
expect_differ "$TMP/out" "$TMP/run1" "another seed gave identical intervals"
expect_grep '"lang": "zh"' "$TMP/run1"
# The corpus score of yo equals (jq reads the fixture) the reference fixture (to 0.01).
ref=$(jq -r 'select(.lang == "yo") | .chrf' "$D/chrf_expected.jsonl")
got=$(tr -d ' \n' <"$TMP/run1" | sed 's/.*"lang":"yo","n":5,"value":\([0-9.]*\).*/\1/')
check "yo chrF $got differs from the reference $ref" \
    awk -v a="$ref" -v b="$got" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 0.01) }'

# Ledger rows: one per language, stage eval, metric chrf++
expect_status 0 pp eval --metric chrf++ -B 50 \
    --ledger "$TMP/ledger.jsonl" --step fixture "$D/chrf_input.jsonl"
expect_lines 14 "$TMP/ledger.jsonl"
expect_grep '"stage":"eval","step":"fixture","lang":"yo","metric":"chrf\+\+"' "$TMP/ledger.jsonl"
expect_status 0 pp eval --metric exact_match -B 0 --stage lid --ledger "$TMP/lid.jsonl" "$D/chrf_input.jsonl"
expect_grep '"stage":"lid","lang":"am","metric":"exact_match"' "$TMP/lid.jsonl"

# Missing fields and empty languages: file:line and what is wrong
printf '{"id":"a","lang":"yo","prediction":"x","reference":"x"}\n{"id":"b","lang":"yo","prediction":"x"}\n' >"$TMP/noref.jsonl"
expect_status 1 pp eval --metric chrf "$TMP/noref.jsonl"
expect_grep "noref.jsonl:2: record 'b' \(metric chrf\): record has neither 'reference' nor 'references'" "$TMP/err"
printf '{"id":"a","lang":"","prediction":"x","reference":"x"}\n' >"$TMP/emptylang.jsonl"
expect_status 1 pp eval --metric chrf "$TMP/emptylang.jsonl"
expect_grep "emptylang.jsonl:1: record 'a' has an empty or non-string 'lang'" "$TMP/err"
printf '{"id":"a","prediction":"x","reference":"x"}\n' >"$TMP/nolang.jsonl"
expect_status 1 pp eval --metric chrf "$TMP/nolang.jsonl"
expect_grep "nolang.jsonl:1: record 'a' has no 'lang'" "$TMP/err"
printf '{"lang":"yo","prediction":"x","reference":"x"}\n' >"$TMP/noid.jsonl"
expect_status 1 pp eval --metric chrf "$TMP/noid.jsonl"
expect_grep "noid.jsonl:1: record has no 'id'" "$TMP/err"
: >"$TMP/empty.jsonl"
expect_status 1 pp eval --metric chrf "$TMP/empty.jsonl"
expect_grep "no records to evaluate" "$TMP/err"
printf '{"id":"a","lang":"yo","prediction":"x","reference":"x"}\n{"id":"a","lang":"yo","prediction":"y","reference":"y"}\n' >"$TMP/dup.jsonl"
expect_status 1 pp eval --metric chrf "$TMP/dup.jsonl"
expect_grep "dup.jsonl:2: duplicate id 'a' \(first on line 1\)" "$TMP/err"
printf '{"id":"a","lang":"yo","prediction":"x","reference":"x"}\nnot json\n' >"$TMP/bad.jsonl"
expect_status 1 pp eval --metric chrf "$TMP/bad.jsonl"
expect_grep "bad.jsonl:2:" "$TMP/err"
printf '{"id":"a","lang":"en","logprob":0.5,"bytes":10}\n' >"$TMP/bpb.jsonl"
expect_status 1 pp eval --metric bits_per_byte "$TMP/bpb.jsonl"
expect_grep "'logprob' must be a finite number <= 0" "$TMP/err"

# A language with a single item: a score without an interval, and a note
printf '{"id":"1","lang":"yo","prediction":"a","reference":"a"}\n{"id":"2","lang":"yo","prediction":"b","reference":"a"}\n{"id":"3","lang":"ig","prediction":"a","reference":"a"}\n' >"$TMP/single.jsonl"
expect_status 0 pp eval --metric accuracy --json "$TMP/single.jsonl"
expect_grep "language 'ig' has a single item: its score has no interval" "$TMP/err"
tr -d ' \n' <"$TMP/out" >"$TMP/flat"
expect_grep '"lang":"ig","n":1,"value":1.0,"lo":null,"hi":null' "$TMP/flat"

# Multiple choice and bits per byte
printf '{"id":"1","lang":"yo","choices":["a","b"],"answer":1,"prediction":1}\n{"id":"2","lang":"yo","choices":["a","b"],"answer":"a","prediction":"b"}\n' >"$TMP/mc.jsonl"
expect_status 0 pp eval --metric accuracy --json "$TMP/mc.jsonl"
tr -d ' \n' <"$TMP/out" >"$TMP/flat"
expect_grep '"lang":"yo","n":2,"value":0.5' "$TMP/flat"
printf '{"id":"1","lang":"yo","logprob":-5.545177444479562,"bytes":4}\n{"id":"2","lang":"yo","logprob":-2.772588722239781,"bytes":4,"group":"g"}\n' >"$TMP/lp.jsonl"
expect_status 0 pp eval --metric bits_per_byte --json "$TMP/lp.jsonl"
tr -d ' \n' <"$TMP/out" >"$TMP/flat"
expect_grep '"lang":"yo","n":2,"value":1.5' "$TMP/flat"
expect_grep '"group":"g","n":1' "$TMP/flat"

# --compare: paired tests; mismatched ids are an error naming the id
sed 's/"prediction":"[^"]*"/"prediction":"nothing alike"/' "$D/chrf_input.jsonl" >"$TMP/worse.jsonl"
expect_status 0 pp eval --metric chrf --compare "$TMP/worse.jsonl" --json -B 200 "$D/chrf_input.jsonl"
expect_grep '"p_randomization"' "$TMP/out"
head -n 20 "$TMP/worse.jsonl" >"$TMP/short.jsonl"
expect_status 1 pp eval --metric chrf --compare "$TMP/short.jsonl" "$D/chrf_input.jsonl"
expect_grep "ids differ: .*chrf_input.jsonl:[0-9]*: id '.*' is not in .*short.jsonl" "$TMP/err"

finish
