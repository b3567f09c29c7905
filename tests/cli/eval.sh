#!/bin/sh
# tests/cli/eval.sh — `polyphony eval`: metrics from the command line,
# bootstrap determinism, ledger rows, --compare, and bad input (missing
# fields, empty languages, a single-item language, mismatched ids).
set -u
: "${POLYPHONY:?}" "${TESTDATA:?}"
PP_WRAP=${PP_WRAP:-}
D=$TESTDATA/eval
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
fails=0
command -v jq >/dev/null 2>&1 || { echo "jq not found (apt-get install jq): skipping"; exit 77; }

pp() { $PP_WRAP "$POLYPHONY" "$@"; }
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
expect() {
    want=$1; what=$2; shift 3
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    [ "$got" = "$want" ] || { fail "$what: exit $got, expected $want"; cat "$T/err" >&2; }
}
has() { grep -q -- "$2" "$1" || { fail "$3: '$2' not in $(basename "$1")"; cat "$1" >&2; }; }

expect 0 "--help" -- pp eval --help
has "$T/out" "--compare" "--help"
expect 2 "no metric" -- pp eval "$D/chrf_input.jsonl"
expect 2 "unknown metric" -- pp eval --metric bleu "$D/chrf_input.jsonl"
has "$T/err" "unknown metric 'bleu'" "unknown metric message"
expect 2 "bad resamples" -- pp eval --metric chrf --resamples lots "$D/chrf_input.jsonl"

# chrF on the fixture: table, JSON, determinism
expect 0 "chrf table" -- pp eval --metric chrf -B 200 "$D/chrf_input.jsonl"
has "$T/out" "^yo " "chrf table lists yo"
expect 0 "chrf json" -- pp eval --metric chrf --json -B 200 --seed 5 "$D/chrf_input.jsonl"
cp "$T/out" "$T/run1"
expect 0 "chrf json again" -- pp eval --metric chrf --json -B 200 --seed 5 "$D/chrf_input.jsonl"
cmp -s "$T/out" "$T/run1" || fail "same seed, different output"
expect 0 "chrf json other seed" -- pp eval --metric chrf --json -B 200 --seed 6 "$D/chrf_input.jsonl"
cmp -s "$T/out" "$T/run1" && fail "another seed gave identical intervals"
has "$T/run1" '"lang": "zh"' "json languages"
# The corpus score of yo equals (jq reads the fixture) the reference fixture (to 0.01).
ref=$(jq -r 'select(.lang == "yo") | .chrf' "$D/chrf_expected.jsonl")
got=$(tr -d ' \n' <"$T/run1" | sed 's/.*"lang":"yo","n":5,"value":\([0-9.]*\).*/\1/')
awk -v a="$ref" -v b="$got" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 0.01) }' ||
    fail "yo chrF $got differs from the reference $ref"

# Ledger rows: one per language, stage eval, metric chrf++
expect 0 "ledger" -- pp eval --metric chrf++ -B 50 \
    --ledger "$T/ledger.jsonl" --step fixture "$D/chrf_input.jsonl"
n=$(wc -l <"$T/ledger.jsonl" | tr -d ' ')
[ "$n" = 14 ] || fail "ledger has $n rows, expected 14"
has "$T/ledger.jsonl" '"stage":"eval","step":"fixture","lang":"yo","metric":"chrf++"' "ledger row"
expect 0 "ledger stage" -- pp eval --metric exact_match -B 0 --stage lid --ledger "$T/lid.jsonl" "$D/chrf_input.jsonl"
has "$T/lid.jsonl" '"stage":"lid","lang":"am","metric":"exact_match"' "--stage in the ledger"

# Missing fields and empty languages: file:line and what is wrong
printf '{"id":"a","lang":"yo","prediction":"x","reference":"x"}\n{"id":"b","lang":"yo","prediction":"x"}\n' >"$T/noref.jsonl"
expect 1 "missing reference" -- pp eval --metric chrf "$T/noref.jsonl"
has "$T/err" "noref.jsonl:2: record 'b' (metric chrf): record has neither 'reference' nor 'references'" "missing reference message"
printf '{"id":"a","lang":"","prediction":"x","reference":"x"}\n' >"$T/emptylang.jsonl"
expect 1 "empty lang" -- pp eval --metric chrf "$T/emptylang.jsonl"
has "$T/err" "emptylang.jsonl:1: record 'a' has an empty or non-string 'lang'" "empty lang message"
printf '{"id":"a","prediction":"x","reference":"x"}\n' >"$T/nolang.jsonl"
expect 1 "no lang" -- pp eval --metric chrf "$T/nolang.jsonl"
has "$T/err" "nolang.jsonl:1: record 'a' has no 'lang'" "no lang message"
printf '{"lang":"yo","prediction":"x","reference":"x"}\n' >"$T/noid.jsonl"
expect 1 "no id" -- pp eval --metric chrf "$T/noid.jsonl"
has "$T/err" "noid.jsonl:1: record has no 'id'" "no id message"
: >"$T/empty.jsonl"
expect 1 "no records" -- pp eval --metric chrf "$T/empty.jsonl"
has "$T/err" "no records to evaluate" "empty input message"
printf '{"id":"a","lang":"yo","prediction":"x","reference":"x"}\n{"id":"a","lang":"yo","prediction":"y","reference":"y"}\n' >"$T/dup.jsonl"
expect 1 "duplicate id" -- pp eval --metric chrf "$T/dup.jsonl"
has "$T/err" "dup.jsonl:2: duplicate id 'a' (first on line 1)" "duplicate id message"
printf '{"id":"a","lang":"yo","prediction":"x","reference":"x"}\nnot json\n' >"$T/bad.jsonl"
expect 1 "bad json" -- pp eval --metric chrf "$T/bad.jsonl"
has "$T/err" "bad.jsonl:2:" "bad json names the line"
printf '{"id":"a","lang":"en","logprob":0.5,"bytes":10}\n' >"$T/bpb.jsonl"
expect 1 "positive logprob" -- pp eval --metric bits_per_byte "$T/bpb.jsonl"
has "$T/err" "'logprob' must be a finite number <= 0" "logprob message"

# A language with a single item: a score without an interval, and a note
printf '{"id":"1","lang":"yo","prediction":"a","reference":"a"}\n{"id":"2","lang":"yo","prediction":"b","reference":"a"}\n{"id":"3","lang":"ig","prediction":"a","reference":"a"}\n' >"$T/single.jsonl"
expect 0 "single item" -- pp eval --metric accuracy --json "$T/single.jsonl"
has "$T/err" "language 'ig' has a single item: its score has no interval" "single item note"
tr -d ' \n' <"$T/out" | grep -q '"lang":"ig","n":1,"value":1.0,"lo":null,"hi":null' || fail "single item interval is not null"

# Multiple choice and bits per byte
printf '{"id":"1","lang":"yo","choices":["a","b"],"answer":1,"prediction":1}\n{"id":"2","lang":"yo","choices":["a","b"],"answer":"a","prediction":"b"}\n' >"$T/mc.jsonl"
expect 0 "choices" -- pp eval --metric accuracy --json "$T/mc.jsonl"
tr -d ' \n' <"$T/out" | grep -q '"lang":"yo","n":2,"value":0.5' || fail "choices accuracy"
printf '{"id":"1","lang":"yo","logprob":-5.545177444479562,"bytes":4}\n{"id":"2","lang":"yo","logprob":-2.772588722239781,"bytes":4,"group":"g"}\n' >"$T/lp.jsonl"
expect 0 "bits per byte" -- pp eval --metric bits_per_byte --json "$T/lp.jsonl"
tr -d ' \n' <"$T/out" | grep -q '"lang":"yo","n":2,"value":1.5' || fail "bits per byte value"
tr -d ' \n' <"$T/out" | grep -q '"group":"g","n":1' || fail "groups listed"

# --compare: paired tests; mismatched ids are an error naming the id
sed 's/"prediction":"[^"]*"/"prediction":"nothing alike"/' "$D/chrf_input.jsonl" >"$T/worse.jsonl"
expect 0 "compare" -- pp eval --metric chrf --compare "$T/worse.jsonl" --json -B 200 "$D/chrf_input.jsonl"
has "$T/out" '"p_randomization"' "compare output"
head -n 20 "$T/worse.jsonl" >"$T/short.jsonl"
expect 1 "mismatched ids" -- pp eval --metric chrf --compare "$T/short.jsonl" "$D/chrf_input.jsonl"
has "$T/err" "ids differ: .*chrf_input.jsonl:[0-9]*: id '.*' is not in .*short.jsonl" "mismatched ids message"

exit $((fails > 0))
