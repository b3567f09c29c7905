#!/bin/sh
# tests/cli/prefs.sh — `polyphony prefs import|validate|stats|synth`.
. "$top_srcdir/tests/cli/lib.sh"
P="$TESTDATA/prefs"

expect_status 0 pp prefs --help
expect_grep 'prefs stats' "$TMP/out"
# stats without --annotators; per-group without --by
expect_status 2 pp prefs stats "$P/pairs.jsonl"
expect_status 2 pp prefs stats --annotators "$P/annotators.json" --aggregate per-group --out "$TMP/x" \
    "$P/pairs.jsonl"

# unknown annotators: file:line, exit 1
expect_status 1 pp prefs validate --annotators "$P/annotators.json" "$P/unknown-annotator.jsonl"
expect_grep 'unknown-annotator.jsonl:2: unknown annotator "u9"' "$TMP/err"
expect_grep 'unknown-annotator.jsonl:3: .*no "guideline"' "$TMP/err"
expect_status 1 pp prefs import --annotators "$P/annotators.json" "$P/unknown-annotator.jsonl"
check "import --rejects" pp prefs import --annotators "$P/annotators.json" --rejects "$TMP/rej.jsonl" \
    --out "$TMP/imp.jsonl" "$P/unknown-annotator.jsonl" 2>/dev/null
expect_lines 2 "$TMP/rej.jsonl"
expect_grep '"reason":"unknown annotator' "$TMP/rej.jsonl"

# import merges pairwise lines; stats per group; the three aggregations
check "import" pp prefs import --annotators "$P/annotators.json" --out "$TMP/p.jsonl" "$P/pairs.jsonl" 2>/dev/null
# pairwise lines merged, groups attached
expect_lines 2 "$TMP/p.jsonl"
expect_grep '"groups":\{"community":"south"' "$TMP/p.jsonl"
expect_status 0 pp prefs stats --annotators "$P/annotators.json" --by community "$P/pairs.jsonl"
expect_grep "prompts where the groups' preferences differ: 2 of 2" "$TMP/out"
for how in majority per-group distribution; do
    check "aggregate $how" pp prefs stats --annotators "$P/annotators.json" --by community --aggregate $how \
        --out "$TMP/$how.jsonl" "$P/pairs.jsonl" > /dev/null
done
expect_lines 2 "$TMP/majority.jsonl"
expect_lines 4 "$TMP/per-group.jsonl"
expect_grep '"group":"south"' "$TMP/per-group.jsonl"
expect_lines 4 "$TMP/distribution.jsonl"
expect_grep '"weight":' "$TMP/distribution.jsonl"

# the controlled synthetic set: the disagreement a majority vote hides
check "synth" pp prefs synth --seed 1 --out "$TMP/syn.jsonl" --annotators-out "$TMP/ann.jsonl" 2>/dev/null
expect_lines 16 "$TMP/syn.jsonl"
pp prefs synth --seed 1 --out "$TMP/syn2.jsonl" --annotators-out "$TMP/ann2.jsonl" 2>/dev/null
expect_same "$TMP/syn.jsonl" "$TMP/syn2.jsonl" "synth not reproducible"
check "synth does not validate" pp prefs validate --annotators "$TMP/ann.jsonl" "$TMP/syn.jsonl" 2>/dev/null
expect_status 0 pp prefs stats --annotators "$TMP/ann.jsonl" --by community "$TMP/syn.jsonl"
# the hidden-disagreement note; community B overruled
expect_grep 'NOTE: the groups disagree on' "$TMP/out"
expect_grep 'majority vote overrules community=B on 1[0-9] of' "$TMP/out"
check "stats --ledger" pp prefs stats --annotators "$TMP/ann.jsonl" --by community --ledger "$TMP/ledger.jsonl" \
    "$TMP/syn.jsonl" > /dev/null
expect_eq "$(grep -c '"stage":"prefs"' "$TMP/ledger.jsonl")" 12 "ledger rows (2 languages x 6)"
expect_grep '"step":"community=B","lang":"pt","metric":"alpha"' "$TMP/ledger.jsonl"
expect_status 0 pp prefs stats --json --annotators "$TMP/ann.jsonl" "$TMP/syn.jsonl"
expect_grep '"alpha_overall"' "$TMP/out"
# an id made up for a record without one (p1) and a later record that names
# p1 itself: the record keeps its id, the made-up one moves, ids stay unique
printf '%s\n' '{"prompt":"A","chosen":"x","rejected":"y","annotator":"u1","guideline":"v1"}' \
    '{"id":"p1","prompt":"B","chosen":"x","rejected":"y","annotator":"u1","guideline":"v1"}' \
    '{"prompt":"C","chosen":"x","rejected":"y","annotator":"u1","guideline":"v1"}' \
    '{"prompt":"A","chosen":"x","rejected":"y","annotator":"u2","guideline":"v1"}' > "$TMP/clash.jsonl"
check "import: made-up and given ids" pp prefs import --annotators "$P/annotators.json" \
    --out "$TMP/clash.out" "$TMP/clash.jsonl"
expect_jq_slurp 'length == 3 and (map(.id) | unique | length) == 3
    and (map(select(.prompt == "B"))[0].id == "p1")
    and (map(select(.prompt == "A"))[0].judgements | length) == 2' "$TMP/clash.out"
finish
