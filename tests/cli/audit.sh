#!/bin/sh
# tests/cli/audit.sh — `polyphony audit`: gap statistics equal the
# independent Python computation (tests/data/eval/audit_expected.json), the
# speakers TSV, missing speakers, CSV/HTML outputs, and bad ledgers.
. "$top_srcdir/tests/cli/lib.sh"
require_cmd jq jq
D=$TESTDATA/eval

expect_status 0 pp audit --help
expect_grep "--speakers" "$TMP/out"
expect_status 2 pp audit --tau -1 "$D/audit_ledger.jsonl"

# JSON equals the reference: every metric, every language (to 1e-9)
expect_status 0 pp audit --json --speakers "$D/speakers.tsv" "$D/audit_ledger.jsonl"
cp "$TMP/out" "$TMP/audit.json"
expect_grep "no speaker count \(.*speakers.tsv\) for 1 of 6 languages: cri; each is weighted as the smallest known count" "$TMP/err"
expect_grep "eval.udhr-translation.chrf: 1 row\(s\) without a value left out" "$TMP/err"
diffs=$(jq -n --slurpfile a "$TMP/audit.json" --slurpfile e "$D/audit_expected.json" '
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
expect_eq "$diffs" 0 "figures that differ from audit_expected.json"
expect_eq "$(jq length "$TMP/audit.json")" 5 "metrics"
expect_jq '.[0] | has("metric") and has("gini") and has("utility_demographic") and has("utility_linguistic")
       and has("best") and has("worst") and (.languages[0] | has("lang") and has("value") and has("lo")
       and has("hi") and has("n") and has("u") and has("gap") and has("priority"))' "$TMP/audit.json"
# the later row of yo replaced the earlier one
expect_jq '.[] | select(.metric == "eval.udhr-translation.chrf") | .languages[] | select(.lang == "yo") | .value == 24.5' \
    "$TMP/audit.json"

# Several ledgers; tags are canonicalized so "yor" is the community "yo"
printf '{"stage":"lid","lang":"yor","metric":"f1","value":0.9,"n":130}\n' >"$TMP/more.jsonl"
expect_status 0 pp audit --json --speakers "$D/speakers.tsv" "$D/audit_ledger.jsonl" "$TMP/more.jsonl"
expect_jq '.[] | select(.metric == "lid.f1") | (.n_languages == 6) and
       ((.languages[] | select(.lang == "yo") | .value) == 0.9)' "$TMP/out"

# Table, CSV, HTML
expect_status 0 pp audit --speakers "$D/speakers.tsv" --csv "$TMP/a.csv" --html "$TMP/a.html" "$D/audit_ledger.jsonl"
expect_grep "tokenizers.premium *lower" "$TMP/out"
expect_grep "scorecards" "$TMP/out"
expect_lines 29 "$TMP/a.csv"
expect_grep "^metric,stage,step,lang,value" "$TMP/a.csv"
expect_grep "<svg class=\"chart map\"" "$TMP/a.html"
expect_grep "<svg class=\"chart bars\"" "$TMP/a.html"
expect_grep "<svg class=\"chart funnel\"" "$TMP/a.html"
# the report does not refer to the network
expect_no_grep "https?://" "$TMP/a.html"

# Speakers: none, and the registry when this build has it (a message either way)
expect_status 0 pp audit --json --speakers none "$D/audit_ledger.jsonl"
# without speakers M_1 equals M_0
expect_jq 'all(.[]; .utility_demographic == .utility_linguistic)' "$TMP/out"
expect_status 0 pp audit --speakers registry "$D/audit_ledger.jsonl"

# Bad input
printf '{"stage":"lid","metric":"f1","value":0.5}\n' >"$TMP/nolang.jsonl"
expect_status 1 pp audit "$TMP/nolang.jsonl"
expect_grep "nolang.jsonl:1: ledger row has no 'lang'" "$TMP/err"
printf '{"stage":"lid","lang":"yo","metric":"f1","value":"high"}\n' >"$TMP/strval.jsonl"
expect_status 1 pp audit "$TMP/strval.jsonl"
expect_grep "strval.jsonl:1: 'value' must be a number or null" "$TMP/err"
: >"$TMP/empty.jsonl"
expect_status 1 pp audit "$TMP/empty.jsonl"
expect_grep "no ledger rows" "$TMP/err"
expect_status 1 pp audit "$TMP/does-not-exist.jsonl"
printf 'yo\tmany\n' >"$TMP/bad.tsv"
expect_status 1 pp audit --speakers "$TMP/bad.tsv" "$D/audit_ledger.jsonl"
expect_grep "bad.tsv:1: expected lang<TAB>speakers" "$TMP/err"

# One language with one row: u = 1, Gini 0
printf '{"stage":"eval","lang":"yo","metric":"accuracy","value":0.4,"n":1}\n' >"$TMP/one.jsonl"
expect_status 0 pp audit --json --speakers none "$TMP/one.jsonl"
expect_jq '.[0].gini == 0 and .[0].languages[0].u == 1' "$TMP/out"

finish
