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
expect_grep "no speaker count \(.*speakers.tsv\) for 1 of 6 languages: cri; it is left out of the speaker-weighted figures" "$TMP/err"
expect_grep "eval.udhr-translation.chrf: 1 row without a value left out" "$TMP/err"
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
           and (if $x.priority == null then $l.priority == null else close($l.priority; $x.priority) end)
           and (($l.speakers != null) == $x.speakers_known) and $l.speakers_imputed == false
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
expect_grep "tokenizers.premium +cost +lower" "$TMP/out"
expect_grep "scorecards" "$TMP/out"
expect_lines 29 "$TMP/a.csv"
expect_grep "^metric,stage,step,lang,value" "$TMP/a.csv"
expect_grep "<svg class=\"chart map\"" "$TMP/a.html"
expect_grep "<svg class=\"chart bars\"" "$TMP/a.html"
# summary first, then the paths, then one section per stage in pipeline order
expect_grep '<section id="summary">' "$TMP/a.html"
check "summary before the first stage section" \
    test "$(grep -n 'id="summary"' "$TMP/a.html" | cut -d: -f1)" -lt "$(grep -n 'id="stage-lid"' "$TMP/a.html" | cut -d: -f1)"
check "stages in pipeline order" test "$(grep -o 'id="stage-[a-z]*"' "$TMP/a.html" | tr '\n' ' ')" = \
    'id="stage-lid" id="stage-filter" id="stage-tokenizers" id="stage-eval" '
expect_grep '<details class="metric"' "$TMP/a.html"
expect_grep '<path id="land" d="M' "$TMP/a.html"
expect_no_grep 'charts: ' "$TMP/a.html"
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

# One language identity: lid wrote swh, eval wrote sw; the registry rule
# makes them one community (individual level: sw joins its only member swh)
cat >"$TMP/sw.jsonl" <<'EOF2'
{"stage":"lid","step":"identify","lang":"swh","metric":"share","value":0.9,"n":10}
{"stage":"lid","step":"eval","lang":"swh","metric":"f1","value":0.9,"n":10}
{"stage":"lid","step":"eval","lang":"yo","metric":"f1","value":0.7,"n":10}
{"stage":"eval","lang":"sw","metric":"chrf","value":40,"n":10}
{"stage":"eval","lang":"yo","metric":"chrf","value":30,"n":10}
{"stage":"filter","step":"x","lang":"en","metric":"removed","value":0.001,"n":10}
{"stage":"filter","step":"x","lang":"yo","metric":"removed","value":0,"n":10}
{"stage":"filter","step":"x","lang":"sw","metric":"removed","value":0.3,"n":10}
EOF2
expect_status 0 pp audit --json "$TMP/sw.jsonl"
expect_jq '[.[].languages[].lang] | unique == ["en", "swh", "yo"]' "$TMP/out"
# swh has no count of its own: it carries Swahili's (swa), flagged; never the minimum
expect_jq '[.[].languages[] | select(.lang == "swh" and has("u"))] | all(.speakers > 100000000 and .speakers_imputed and .speakers_from == "swa")' "$TMP/out"
expect_grep "swh has no speaker count of its own; it carries its macrolanguage swa's" "$TMP/err"
# inventory (lid.identify.share) has no gap statistics
expect_jq '.[] | select(.metric == "lid.identify.share") | .kind == "inventory" and .gini == null and (.languages[0] | has("u") | not)' "$TMP/out"
# a lower-is-better share whose best is 0: English losing 0.1% keeps u = 0.999
expect_jq '.[] | select(.metric == "filter.x.removed") | .kind == "cost" and
       ((.languages[] | select(.lang == "en") | .u) - 0.999 | fabs) < 1e-12 and
       ((.languages[] | select(.lang == "swh") | .u) - 0.7 | fabs) < 1e-12' "$TMP/out"
# macrolanguage level: swh is counted as sw
expect_status 0 pp audit --json --lang-level macrolanguage "$TMP/sw.jsonl"
expect_jq '[.[].languages[].lang] | unique == ["en", "sw", "yo"]' "$TMP/out"
expect_jq '[.[].languages[] | select(.lang == "sw" and has("u"))] | all(.speakers_imputed == false)' "$TMP/out"
# a speakers file: swh carries the file's sw count (flagged), yo its own
printf 'lang\tspeakers\nsw\t100000000\nyo\t45000000\nen\t1500000000\n' >"$TMP/sp.tsv"
expect_status 0 pp audit --json --speakers "$TMP/sp.tsv" "$TMP/sw.jsonl"
expect_jq '[.[].languages[] | select(.lang == "swh" and has("u"))] | all(.speakers == 100000000 and .speakers_from == "swa")' "$TMP/out"
expect_jq '[.[].languages[] | select(.lang == "yo" and has("u"))] | all(.speakers == 45000000 and .speakers_imputed == false)' "$TMP/out"
expect_status 2 pp audit --lang-level dialect "$TMP/sw.jsonl"
expect_grep "individual or macrolanguage" "$TMP/err"
# the report lists every imputation and the merged tags
expect_status 0 pp audit --html "$TMP/sw.html" "$TMP/sw.jsonl"
expect_grep 'swh carries swa&#8217;s 171610296' "$TMP/sw.html"
expect_grep 'swh &#8592; sw' "$TMP/sw.html"
# rows of an undetermined language (language ID's abstentions: und-Latn) are
# no community: left out of every figure, and said; mul (the align stage's
# rows across communities) stays
cat >"$TMP/und.jsonl" <<'EOF2'
{"stage":"lid","step":"identify","lang":"yo","metric":"mean_score","value":0.9,"n":10}
{"stage":"lid","step":"identify","lang":"en","metric":"mean_score","value":0.95,"n":10}
{"stage":"lid","step":"identify","lang":"und-Latn","metric":"mean_score","value":0.1,"n":2}
{"stage":"lid","step":"identify","lang":"und","metric":"share","value":0.1,"n":2}
{"stage":"align","step":"s","lang":"mul","metric":"group_accuracy_gap","value":0.1,"n":2}
EOF2
expect_status 0 pp audit --json "$TMP/und.jsonl"
expect_jq '[.[].languages[].lang] | unique == ["en", "mul", "yo"]' "$TMP/out"
expect_jq '.[] | select(.metric == "lid.identify.mean_score") | .worst.lang == "yo"' "$TMP/out"
expect_grep "2 rows of undetermined language \(und: .*\) left out" "$TMP/err"
grep '"lang":"und' "$TMP/und.jsonl" >"$TMP/und-only.jsonl"
expect_status 1 pp audit "$TMP/und-only.jsonl"
expect_grep "no ledger rows" "$TMP/err"
# a row may say what its metric is; bad values are refused with file:line
printf '{"stage":"x","lang":"yo","metric":"m","value":2,"kind":"cost","better":"lower","range":[0,null]}\n{"stage":"x","lang":"ha","metric":"m","value":1}\n' >"$TMP/kind.jsonl"
expect_status 0 pp audit --json "$TMP/kind.jsonl"
expect_jq '.[0] | .kind == "cost" and .higher_is_better == false and .kind_declared and .range == [0, null]' "$TMP/out"
printf '{"stage":"x","lang":"yo","metric":"m","value":2,"kind":"nice"}\n' >"$TMP/badkind.jsonl"
expect_status 1 pp audit "$TMP/badkind.jsonl"
expect_grep "badkind.jsonl:1: 'kind' is quality, cost or inventory" "$TMP/err"
# numbers are written plainly (no exponents)
printf '{"stage":"ingest","step":"txt","lang":"yo","metric":"characters","value":1336820,"n":3}\n' >"$TMP/big.jsonl"
expect_status 0 pp audit "$TMP/big.jsonl"
expect_grep "yo 1336820" "$TMP/out"
expect_no_grep "e\+0" "$TMP/out"

finish
