#!/bin/sh
# tests/cli/prefs.sh — `polyphony prefs import|validate|stats|synth`.
set -u
: "${POLYPHONY:?}" "${TESTDATA:?}"
PP_WRAP=${PP_WRAP:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
run() { $PP_WRAP "$POLYPHONY" "$@"; }
P="$TESTDATA/prefs"

run prefs --help | grep -q 'prefs stats' || fail "--help"
run prefs stats "$P/pairs.jsonl" 2>/dev/null; [ $? -eq 2 ] || fail "missing --annotators not exit 2"
run prefs stats --annotators "$P/annotators.json" --aggregate per-group --out "$tmp/x" \
    "$P/pairs.jsonl" 2>/dev/null; [ $? -eq 2 ] || fail "per-group without --by not exit 2"

# unknown annotators: file:line, exit 1
run prefs validate --annotators "$P/annotators.json" "$P/unknown-annotator.jsonl" 2> "$tmp/e"
[ $? -eq 1 ] || fail "unknown annotator not exit 1"
grep -q 'unknown-annotator.jsonl:2: unknown annotator "u9"' "$tmp/e" || { cat "$tmp/e"; fail "unknown annotator message"; }
grep -q 'unknown-annotator.jsonl:3: .*no "guideline"' "$tmp/e" || { cat "$tmp/e"; fail "missing guideline message"; }
run prefs import --annotators "$P/annotators.json" "$P/unknown-annotator.jsonl" > /dev/null 2>&1
[ $? -eq 1 ] || fail "import with unknown annotator not exit 1"
run prefs import --annotators "$P/annotators.json" --rejects "$tmp/rej.jsonl" \
    --out "$tmp/imp.jsonl" "$P/unknown-annotator.jsonl" 2>/dev/null || fail "import --rejects"
[ "$(wc -l < "$tmp/rej.jsonl")" -eq 2 ] || fail "two rejects expected"
grep -q '"reason":"unknown annotator' "$tmp/rej.jsonl" || fail "reject reason"

# import merges pairwise lines; stats per group; the three aggregations
run prefs import --annotators "$P/annotators.json" --out "$tmp/p.jsonl" "$P/pairs.jsonl" 2>/dev/null \
    || fail "import"
[ "$(wc -l < "$tmp/p.jsonl")" -eq 2 ] || fail "pairwise lines not merged"
grep -q '"groups":{"community":"south"' "$tmp/p.jsonl" || fail "groups not attached"
run prefs stats --annotators "$P/annotators.json" --by community "$P/pairs.jsonl" > "$tmp/s" \
    || fail "stats"
grep -q "prompts where the groups' preferences differ: 2 of 2" "$tmp/s" || { cat "$tmp/s"; fail "disagreement count"; }
for how in majority per-group distribution; do
    run prefs stats --annotators "$P/annotators.json" --by community --aggregate $how \
        --out "$tmp/$how.jsonl" "$P/pairs.jsonl" > /dev/null || fail "aggregate $how"
done
[ "$(wc -l < "$tmp/majority.jsonl")" -eq 2 ] || fail "majority pairs"
[ "$(wc -l < "$tmp/per-group.jsonl")" -eq 4 ] || fail "per-group pairs"
grep -q '"group":"south"' "$tmp/per-group.jsonl" || fail "per-group has no group field"
[ "$(wc -l < "$tmp/distribution.jsonl")" -eq 4 ] || fail "distribution pairs"
grep -q '"weight":' "$tmp/distribution.jsonl" || fail "distribution weight"

# the controlled synthetic set: the disagreement a majority vote hides
run prefs synth --seed 1 --out "$tmp/syn.jsonl" --annotators-out "$tmp/ann.jsonl" 2>/dev/null \
    || fail "synth"
[ "$(wc -l < "$tmp/syn.jsonl")" -eq 16 ] || fail "synth prompts"
run prefs synth --seed 1 --out "$tmp/syn2.jsonl" --annotators-out "$tmp/ann2.jsonl" 2>/dev/null
cmp -s "$tmp/syn.jsonl" "$tmp/syn2.jsonl" || fail "synth not reproducible"
run prefs validate --annotators "$tmp/ann.jsonl" "$tmp/syn.jsonl" 2>/dev/null || fail "synth does not validate"
run prefs stats --annotators "$tmp/ann.jsonl" --by community "$tmp/syn.jsonl" > "$tmp/ss" || fail "synth stats"
grep -q 'NOTE: the groups disagree on' "$tmp/ss" || { cat "$tmp/ss"; fail "no hidden-disagreement note"; }
grep -q 'majority vote overrules community=B on 1[0-9] of' "$tmp/ss" || { cat "$tmp/ss"; fail "B not overruled"; }
run prefs stats --annotators "$tmp/ann.jsonl" --by community --ledger "$tmp/ledger.jsonl" \
    "$tmp/syn.jsonl" > /dev/null || fail "stats --ledger"
[ "$(grep -c '"stage":"prefs"' "$tmp/ledger.jsonl")" -eq 12 ] || fail "ledger rows (2 languages x 6)"
grep -q '"step":"community=B","lang":"pt","metric":"alpha"' "$tmp/ledger.jsonl" || fail "per-group ledger row"
run prefs stats --json --annotators "$tmp/ann.jsonl" "$tmp/syn.jsonl" | grep -q '"alpha_overall"' \
    || fail "--json"
exit 0
