#!/bin/sh
# tests/cli/audit.sh — `polyphony audit`: gap statistics equal the
# independent Python computation (tests/data/eval/audit_expected.json), the
# speakers TSV, missing speakers, CSV/HTML outputs, and bad ledgers.
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

expect 0 "--help" -- pp audit --help
has "$T/out" "--speakers" "--help"
expect 2 "bad tau" -- pp audit --tau -1 "$D/audit_ledger.jsonl"

# JSON equals the reference: every metric, every language (to 1e-9)
expect 0 "json" -- pp audit --json --speakers "$D/speakers.tsv" "$D/audit_ledger.jsonl"
cp "$T/out" "$T/audit.json"
has "$T/err" "no speaker count (.*speakers.tsv) for 1 of 6 languages: cri; each is weighted as the smallest known count" "missing speakers message"
has "$T/err" "eval.udhr-translation.chrf: 1 row(s) without a value left out" "null value note"
diffs=$(jq -n --slurpfile a "$T/audit.json" --slurpfile e "$D/audit_expected.json" '
  def close(x; y): ((x - y) | fabs) < 1e-9;
  [ $a[0][] as $m | $e[0][$m.metric] as $r |
    (if $r == null then "missing metric \($m.metric)" else empty end),
    (if close($m.gini; $r.gini) then empty else "\($m.metric) gini" end),
    (if close($m.utility_demographic; $r.utility_demographic) then empty else "\($m.metric) M_1" end),
    (if close($m.utility_linguistic; $r.utility_linguistic) then empty else "\($m.metric) M_0" end),
    (if ($m.languages | length) == ($r.languages | length) then empty else "\($m.metric) languages" end),
    ($m.languages[] as $l | $r.languages[$l.lang] as $x |
      if $x == null then "\($m.metric) \($l.lang) unexpected"
      elif close($l.value; $x.value) and close($l.u; $x.u) and close($l.gap; $x.gap)
           and close($l.priority; $x.priority) and $l.speakers_imputed == $x.speakers_imputed
      then empty else "\($m.metric) \($l.lang)" end) ] | length')
[ "$diffs" = 0 ] || fail "$diffs figures differ from audit_expected.json"
n=$(jq length "$T/audit.json")
[ "$n" = 5 ] || fail "$n metrics, expected 5"
jq -e '.[0] | has("metric") and has("gini") and has("utility_demographic") and has("utility_linguistic")
       and has("best") and has("worst") and (.languages[0] | has("lang") and has("value") and has("lo")
       and has("hi") and has("n") and has("u") and has("gap") and has("priority"))' "$T/audit.json" >/dev/null ||
    fail "JSON lacks a documented field"
# the later row of yo replaced the earlier one
jq -e '.[] | select(.metric == "eval.udhr-translation.chrf") | .languages[] | select(.lang == "yo") | .value == 24.5' \
    "$T/audit.json" >/dev/null || fail "the last ledger row does not win"

# Several ledgers; tags are canonicalized so "yor" is the community "yo"
printf '{"stage":"lid","lang":"yor","metric":"f1","value":0.9,"n":130}\n' >"$T/more.jsonl"
expect 0 "two ledgers" -- pp audit --json --speakers "$D/speakers.tsv" "$D/audit_ledger.jsonl" "$T/more.jsonl"
jq -e '.[] | select(.metric == "lid.f1") | (.n_languages == 6) and
       ((.languages[] | select(.lang == "yo") | .value) == 0.9)' "$T/out" >/dev/null ||
    fail "a later ledger's row of yor does not replace yo"

# Table, CSV, HTML
expect 0 "table, csv, html" -- pp audit --speakers "$D/speakers.tsv" --csv "$T/a.csv" --html "$T/a.html" "$D/audit_ledger.jsonl"
has "$T/out" "tokenizers.premium *lower" "table shows direction"
has "$T/out" "scorecards" "table shows scorecards"
rows=$(wc -l <"$T/a.csv" | tr -d ' ')
[ "$rows" = 29 ] || fail "CSV has $rows lines, expected 29"
has "$T/a.csv" "^metric,stage,step,lang,value" "CSV header"
has "$T/a.html" "<svg class=\"chart map\"" "HTML map"
has "$T/a.html" "<svg class=\"chart bars\"" "HTML bars"
has "$T/a.html" "<svg class=\"chart funnel\"" "HTML funnel"
grep -q "https\?://" "$T/a.html" && fail "HTML refers to the network"

# Speakers: none, and the registry when this build has it (a message either way)
expect 0 "speakers none" -- pp audit --json --speakers none "$D/audit_ledger.jsonl"
jq -e 'all(.[]; .utility_demographic == .utility_linguistic)' "$T/out" >/dev/null ||
    fail "without speakers M_1 should equal M_0"
expect 0 "speakers registry" -- pp audit --speakers registry "$D/audit_ledger.jsonl"

# Bad input
printf '{"stage":"lid","metric":"f1","value":0.5}\n' >"$T/nolang.jsonl"
expect 1 "row without lang" -- pp audit "$T/nolang.jsonl"
has "$T/err" "nolang.jsonl:1: ledger row has no 'lang'" "row without lang message"
printf '{"stage":"lid","lang":"yo","metric":"f1","value":"high"}\n' >"$T/strval.jsonl"
expect 1 "string value" -- pp audit "$T/strval.jsonl"
has "$T/err" "strval.jsonl:1: 'value' must be a number or null" "string value message"
: >"$T/empty.jsonl"
expect 1 "empty ledger" -- pp audit "$T/empty.jsonl"
has "$T/err" "no ledger rows" "empty ledger message"
expect 1 "missing ledger" -- pp audit "$T/does-not-exist.jsonl"
printf 'yo\tmany\n' >"$T/bad.tsv"
expect 1 "bad speakers" -- pp audit --speakers "$T/bad.tsv" "$D/audit_ledger.jsonl"
has "$T/err" "bad.tsv:1: expected lang<TAB>speakers" "bad speakers message"

# One language with one row: u = 1, Gini 0
printf '{"stage":"eval","lang":"yo","metric":"accuracy","value":0.4,"n":1}\n' >"$T/one.jsonl"
expect 0 "single language" -- pp audit --json --speakers none "$T/one.jsonl"
jq -e '.[0].gini == 0 and .[0].languages[0].u == 1' "$T/out" >/dev/null || fail "single language stats"

exit $((fails > 0))
