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
expect_status 2 pp eval --metric meteor "$D/chrf_input.jsonl"
expect_grep "unknown metric 'meteor'" "$TMP/err"
expect_status 2 pp eval --metric chrf --resamples lots "$D/chrf_input.jsonl"

# chrF on the fixture: table, JSON, determinism
expect_status 0 pp eval --metric chrf -B 200 "$D/chrf_input.jsonl"
expect_grep "^yo " "$TMP/out"
expect_status 0 pp eval --metric chrf -B 1 "$D/chrf_input.jsonl"
expect_grep '95% percentile bootstrap, 1 resample, seed 1$' "$TMP/out"
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

# BLEU and TER: sacreBLEU's README example as plain text, several metrics in
# one run, each with its signature (scores published by sacreBLEU: BLEU
# 48.53 with 13a, 43.92 with intl; chrF 59.73)
printf 'The dog bit the man.\nIt wasn'"'"'t surprising.\nThe man had just bitten him.\n' >"$TMP/hyp.txt"
printf 'The dog bit the man.\nIt was not unexpected.\nThe man bit him first.\n' >"$TMP/ref1.txt"
printf 'The dog had bit the man.\nNo one was surprised.\nThe man had bitten the dog.\n' >"$TMP/ref2.txt"
expect_status 0 pp eval -m bleu,chrf,ter --lang en -B 0 "$TMP/hyp.txt" "$TMP/ref1.txt" "$TMP/ref2.txt"
expect_grep '^all +3 +48.53 ' "$TMP/out"
expect_grep '^all +3 +59.73 ' "$TMP/out"
expect_grep '^signature: BLEU\|nrefs:2\|case:mixed\|eff:no\|tok:13a\|smooth:exp\|' "$TMP/out"
expect_grep '^signature: chrF2\|nrefs:2\|' "$TMP/out"
expect_grep '^signature: TER\|nrefs:2\|case:lc\|tok:tercom' "$TMP/out"
expect_status 0 pp eval -m bleu --tokenize intl --lang en -B 0 --json "$TMP/hyp.txt" "$TMP/ref1.txt" "$TMP/ref2.txt"
expect_jq '(.all.value - 43.91623493 | fabs) < 1e-6 and (.signature | test("tok:intl"))' "$TMP/out"
expect_status 0 pp eval -m bleu,ter --lang en -B 0 --json "$TMP/hyp.txt" "$TMP/ref1.txt"
expect_jq 'length == 2 and .[0].metric == "bleu" and .[1].metric == "ter"' "$TMP/out"
# the C scores equal the independent reference on the multilingual fixture
if command -v python3 >/dev/null 2>&1; then
    jq -r 'select(.lang == "yo") | .prediction' "$D/chrf_input.jsonl" >"$TMP/yo.hyp"
    jq -r 'select(.lang == "yo") | .reference' "$D/chrf_input.jsonl" >"$TMP/yo.ref"
    for t in 13a intl char; do
        want=$(python3 "$D/bleu_ter_reference.py" bleu $t "$TMP/yo.hyp" "$TMP/yo.ref")
        expect_status 0 pp eval -m bleu --tokenize $t --lang yo -B 0 --json "$TMP/yo.hyp" "$TMP/yo.ref"
        expect_jq "(.all.value - $want | fabs) < 0.01" "$TMP/out"
    done
    want=$(python3 "$D/bleu_ter_reference.py" ter - "$TMP/yo.hyp" "$TMP/yo.ref")
    expect_status 0 pp eval -m ter --lang yo -B 0 --json "$TMP/yo.hyp" "$TMP/yo.ref"
    expect_jq "(.all.value - $want | fabs) < 0.01" "$TMP/out"
fi
# tokenizers this build lacks are refused by name; text needs --lang
expect_status 2 pp eval -m bleu --tokenize ja-mecab --lang ja "$TMP/hyp.txt" "$TMP/ref1.txt"
expect_grep "tokenizer 'ja-mecab' is not available" "$TMP/err"
expect_status 2 pp eval -m bleu "$TMP/hyp.txt" "$TMP/ref1.txt"
expect_grep "needs --lang" "$TMP/err"
head -n 2 "$TMP/ref1.txt" >"$TMP/short.txt"
expect_status 1 pp eval -m chrf --lang en "$TMP/hyp.txt" "$TMP/short.txt"
expect_grep "short.txt:2: ends here but .*hyp.txt goes on" "$TMP/err"

# Other field names; --lang selects records by the registry's rule (sw takes swh)
printf '{"id":1,"language":"swh","hyp":"habari ya asubuhi","ref":"habari za asubuhi"}\n{"id":2,"language":"yo","hyp":"a","ref":"b"}\n' >"$TMP/fields.jsonl"
expect_status 0 pp eval -m chrf --prediction-field hyp --reference-field ref --lang-field language \
    --lang sw -B 0 --json "$TMP/fields.jsonl"
expect_jq '.languages | length == 1 and .[0].lang == "swh" and .[0].n == 1' "$TMP/out"
expect_status 1 pp eval -m chrf --prediction-field hyp --reference-field ref --lang-field language \
    --lang ha "$TMP/fields.jsonl"
expect_grep "no records to evaluate in language ha" "$TMP/err"

# --compare with --ledger: both systems and their difference with p-values
expect_status 0 pp eval -m chrf -B 100 --compare "$TMP/worse.jsonl" --step mt \
    --ledger "$TMP/cmp.jsonl" "$D/chrf_input.jsonl"
expect_lines 42 "$TMP/cmp.jsonl"
expect_jq_slurp '[.[] | select(.metric == "chrf_delta")] | length == 14 and
    all(.p_bootstrap >= 0 and .p_bootstrap <= 1 and .p_randomization > 0 and .kind == "inventory")' "$TMP/cmp.jsonl"
expect_jq_slurp '[.[] | select(.metric == "chrf") | .step] | unique | length == 2' "$TMP/cmp.jsonl"
expect_status 0 pp audit "$TMP/cmp.jsonl"
expect_grep "eval.mt:chrf_input.chrf +quality" "$TMP/out"
expect_grep "eval.mt:worse.chrf +quality" "$TMP/out"

finish
