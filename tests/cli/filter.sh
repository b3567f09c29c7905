#!/bin/sh
# tests/cli/filter.sh — polyphony filter, sample and datasheet.
. "$top_srcdir/tests/cli/lib.sh"
require_cmd jq jq

FIX="$TESTDATA/filter/udhr-yo-am.jsonl"
# input: the fixture, a record without lang, a malformed line, a junk record
{
    cat "$FIX"
    printf '%s\n' '{"id":"nolang","text":"A record that nobody identified."}'
    printf '%s\n' '{"id":"broken","text":'
    printf '%s\n' '{"id":"junk","lang":"yo","text":"@@ ## $$ %% && ** (( )) [[ ]] ## @@ $$"}'
} > "$TMP/in.jsonl"
NIN=$(wc -l < "$FIX")

# --- filter: rejects with reasons, survival table, ledger
check "filter --preset culture-aware" pp filter --preset culture-aware --explain --rejects "$TMP/rej.jsonl" \
    --ledger "$TMP/ledger.jsonl" -o "$TMP/kept.jsonl" "$TMP/in.jsonl" 2> "$TMP/err"
# the record without lang is rejected with a reason, the malformed line raw
expect_jq_any "select(.line == $((NIN + 1))) | .reason | test(\"no .lang.\")" "$TMP/rej.jsonl"
expect_jq_any 'select(.raw != null) | true' "$TMP/rej.jsonl"
# --explain adds filter_reason and filter_failed
expect_jq_any 'select(.record.id == "junk") | .record.filter_reason | startswith("culture_")' "$TMP/rej.jsonl"
expect_jq_any 'select(.record.id == "junk") | .record.filter_failed | length > 0' "$TMP/rej.jsonl"
KEPT=$(wc -l < "$TMP/kept.jsonl")
check "culture-aware kept only $KEPT of $NIN clean records" [ "$KEPT" -ge $((NIN - 1)) ]
# a survival table with intervals on stderr
expect_grep '^yo ' "$TMP/err"
expect_grep '\[' "$TMP/err"
expect_jq_any 'select(.stage=="filter" and .step=="culture-aware" and .metric=="survival" and .lang=="am")
       | (.n == 20 and .lo <= .value and .value <= .hi and .run == "2026-01-01T00:00:00Z")' "$TMP/ledger.jsonl"
# ledger rows per rule
expect_jq_any 'select(.step=="culture-aware/culture_script" and .metric=="removed") | true' "$TMP/ledger.jsonl"

# --- without --rejects: warnings name file and line and the run exits 1 (the
# kept records are still written); --strict stops at the first
expect_status 1 pp filter --preset gopher -q "$TMP/in.jsonl"
expect_grep "in.jsonl:$((NIN + 2)):" "$TMP/err"
expect_status 1 pp filter --preset gopher --strict "$TMP/in.jsonl"
expect_grep "in.jsonl:$((NIN + 1)):" "$TMP/err"

# --- gopher and c4 on stdin; an empty input
check "c4 on stdin" pp filter --preset c4 -q --rejects "$TMP/rej-c4.jsonl" < "$TMP/in.jsonl" > "$TMP/c4.jsonl" 2>/dev/null
: > "$TMP/empty.jsonl"
expect_status 0 pp filter -q "$TMP/empty.jsonl"
expect_empty "$TMP/out"
check "culture-aware on stdin" pp filter --preset culture-aware -q --rejects "$TMP/rej-stdin.jsonl" \
    < "$TMP/in.jsonl" > "$TMP/stdin.jsonl" 2>/dev/null
expect_same "$TMP/stdin.jsonl" "$TMP/kept.jsonl" "stdin and file runs differ"

# --- usage errors: an unknown preset, --json without --compare; a missing file
expect_status 2 pp filter --preset english "$TMP/in.jsonl"
expect_status 2 pp filter --json "$TMP/in.jsonl"
expect_status 1 pp filter "$TMP/missing.jsonl"

# --- --compare: table, JSON, ledger rows
check "--compare" pp filter --compare gopher,c4,culture-aware --ledger "$TMP/cmp-ledger.jsonl" \
    --rejects "$TMP/rej-cmp.jsonl" "$TMP/in.jsonl" > "$TMP/cmp.txt" 2>/dev/null
for w in "Survival per language" "gopher_stop_words" "c4_terminal_punct" "culture_script" "disparity"; do
    expect_grep "$w" "$TMP/cmp.txt"
done
check "--compare --json" pp filter --compare gopher,culture-aware --json --reference yo \
    --rejects "$TMP/rej-cmp2.jsonl" "$TMP/in.jsonl" > "$TMP/cmp.json" 2>/dev/null
expect_jq_any '.presets | length == 2' "$TMP/cmp.json"
# gopher removes every (short, non-English) Amharic paragraph
expect_jq_any '.presets[0].languages.am.survival == 0' "$TMP/cmp.json"
# gopher's mean word length removes Amharic written with the Ethiopic word space
expect_jq_any '.presets[0].rules[] | select(.rule=="gopher_mean_word_length") | .removed.am == 1' "$TMP/cmp.json"
# the disparity against the reference is flagged
expect_jq_any '.presets[0].rules[] | select(.rule=="gopher_mean_word_length") | .disparities_vs_reference | index("am") != null' \
    "$TMP/cmp.json"
for p in gopher c4 culture-aware; do
    expect_jq_any "select(.step==\"$p\" and .metric==\"survival\") | true" "$TMP/cmp-ledger.jsonl"
done
expect_jq_any 'select(.step=="gopher/gopher_stop_words" and .metric=="removed" and .lang=="yo") | .value == 1' \
    "$TMP/cmp-ledger.jsonl"

# --- sample: shares sum to 1, epochs respect the cap, deterministic
for s in "temperature --alpha 0.3" "unimax --epochs-cap 2"; do
    check "sample $s" pp sample --rejects "$TMP/srej.jsonl" --strategy $s --budget 30 --report "$TMP/rep.json" -q \
        -o "$TMP/s.jsonl" "$TMP/in.jsonl" 2>/dev/null
    expect_jq_any '([.languages[].share] | add - 1 | fabs) < 1e-9' "$TMP/rep.json"
    expect_lines 30 "$TMP/s.jsonl"
done
# unimax within the epoch cap
expect_jq_any '[.languages[].epochs] | max <= 2' "$TMP/rep.json"
# temperature with a cap: the small languages stop at one epoch, the rest goes to the others
check "capped temperature sampling" pp sample --rejects "$TMP/srej.jsonl" --strategy temperature --alpha 0.01 \
    --epochs-cap 1 --budget 35 --report "$TMP/rep.json" --dry-run "$TMP/in.jsonl" > /dev/null 2>&1
expect_jq_any '([.languages[].epochs] | max <= 1.000001) and (.drawn == 35)' "$TMP/rep.json"
check "sample --dry-run" pp sample --rejects "$TMP/srej.jsonl" --strategy unimax --budget 100 --epochs-cap 1 \
    --dry-run "$TMP/in.jsonl" > "$TMP/dry.txt" 2>/dev/null
# it says the budget cannot be filled
expect_grep "fills" "$TMP/dry.txt"
pp sample --rejects "$TMP/srej.jsonl" --strategy unimax --budget 25 --unit chars --seed 7 -q "$TMP/in.jsonl" > "$TMP/a" 2>/dev/null
pp sample --rejects "$TMP/srej.jsonl" --strategy unimax --budget 25 --unit chars --seed 7 -q "$TMP/in.jsonl" > "$TMP/b" 2>/dev/null
expect_same "$TMP/a" "$TMP/b" "sample is not deterministic for a seed"
# no strategy: a usage error
expect_status 2 pp sample --budget 10 "$TMP/in.jsonl"
pp sample --rejects "$TMP/srej.jsonl" --strategy temperature --budget 10 --ledger "$TMP/sl.jsonl" -q "$TMP/in.jsonl" >/dev/null 2>&1
expect_jq_any 'select(.stage=="sample" and .metric=="epochs") | true' "$TMP/sl.jsonl"

# --- datasheet: a corpus with its ledger
check "datasheet" pp datasheet --ledger "$TMP/ledger.jsonl" --out "$TMP/ds" "$TMP/kept.jsonl" 2>/dev/null
for sec in "## Motivation" "## Sources and licenses" "## Consent" "## Languages and varieties" \
           "## Collection process" "## Annotation process" "## Filtering and deduplication" \
           "## PII handling" "## Uses" "## Distribution" "## Value-setting questions"; do
    expect_grep "^$sec" "$TMP/ds.md"
done
# unknown answers are marked not stated, a missing pii ledger too
expect_grep "not stated: Who chose those objectives" "$TMP/ds.md"
expect_grep "not stated: no pii rows" "$TMP/ds.md"
# the per-language loss from the ledger
expect_grep "\| culture-aware \| am \| loss \|" "$TMP/ds.md"
expect_jq_any '.kind == "corpus" and .languages.yo.records > 0' "$TMP/ds.json"
echo '{"motivation.purpose": "To test the datasheet.", "values.who_chose": "The test authors."}' > "$TMP/ans.json"
check "datasheet --answers" pp datasheet --answers "$TMP/ans.json" "$TMP/kept.jsonl" > "$TMP/ds2.md" 2>/dev/null
expect_grep "To test the datasheet." "$TMP/ds2.md"
# the answered question is no longer not stated
expect_no_grep "not stated: Who chose" "$TMP/ds2.md"
# an instruction set and a preference set are recognised by their fields
printf '%s\n' '{"messages":[{"role":"user","content":"Kí ni orúkọ rẹ?"},{"role":"assistant","content":"Adé ni."}],"lang":"yo","template":"t1","review_status":"draft","license":"CC-BY-4.0","variety":"yo-NG"}' > "$TMP/inst.jsonl"
expect_status 0 pp datasheet --format json "$TMP/inst.jsonl"
expect_jq_any '.kind == "instruction" and .templates.t1 == 1 and .review_status.draft == 1' "$TMP/out"
printf '%s\n' '{"prompt":"p","chosen":"a","rejected":"b","lang":"am","judgements":[{"annotator":"a1","groups":["addis"]},{"annotator":"a2","groups":["gondar"]}]}' > "$TMP/pref.jsonl"
expect_status 0 pp datasheet --format json "$TMP/pref.jsonl"
expect_jq_any '.kind == "preference" and .annotators.distinct == 2 and .annotators.groups.addis == 1' "$TMP/out"
# the questions are listed as not stated
expect_jq_any '[.questions[] | select(.status=="not stated")] | length > 10' "$TMP/out"
echo 'not json' > "$TMP/bad.json"
# a bad answers file; no FILE (usage)
expect_status 1 pp datasheet --answers "$TMP/bad.json" "$TMP/kept.jsonl"
expect_status 2 pp datasheet

# --- sample and datasheet on malformed input: file:line, and exit 1 without --rejects
printf '%s\n' '{"id":"g1","text":"good text","lang":"en"}' '{"id":"g2","text":"trunc' > "$TMP/trunc.jsonl"
expect_status 1 pp sample --strategy unimax --budget 1 -q "$TMP/trunc.jsonl"
expect_grep "trunc.jsonl:2:" "$TMP/err"
check "sample with --rejects failed on a malformed line" \
    pp sample --strategy unimax --budget 1 -q --rejects "$TMP/srej2.jsonl" "$TMP/trunc.jsonl" > /dev/null 2>&1
expect_grep '"line":2' "$TMP/srej2.jsonl"
expect_status 1 pp datasheet "$TMP/trunc.jsonl"
expect_grep "trunc.jsonl:2:" "$TMP/err"
# code-mixed news: names, handles, hashtags, URLs and e-mail addresses are
# neutral, so every clean line of Amharic, Yoruba and Hausa is kept; planted
# junk (no letters, addresses only, repeated characters, lorem ipsum, Latin
# letters labelled Amharic) goes, each rule reported per language
F=$TESTDATA/filter/codemix.jsonl
expect_status 0 pp filter -q --explain --rejects "$TMP/cm-rej.jsonl" -o "$TMP/cm-kept.jsonl" "$F"
for l in am yo ha; do
    expect_eq "$(jq -c "select(.lang == \"$l\" and .meta.planted == \"clean\")" "$TMP/cm-kept.jsonl" | wc -l | tr -d ' ')" \
        40 "$l: clean code-mixed lines kept"
done
expect_eq "$(jq -c 'select(.meta.planted == "junk")' "$TMP/cm-kept.jsonl" | wc -l | tr -d ' ')" 4 \
    "junk kept (only the English phrases labelled yo and ha)"
expect_eq "$(jq -r 'select(.meta.planted == "junk") | .lang' "$TMP/cm-kept.jsonl" | sort -u | tr '\n' ' ')" \
    "ha yo " "languages of the junk kept"
expect_grep '"id":"am-junk-0".*junk_no_letters' "$TMP/cm-rej.jsonl"
expect_grep '"id":"am-junk-3".*junk_address_only' "$TMP/cm-rej.jsonl"
expect_grep '"id":"yo-junk-6".*junk_lorem_ipsum' "$TMP/cm-rej.jsonl"
expect_grep '"id":"ha-junk-9".*junk_repeated_chars' "$TMP/cm-rej.jsonl"
expect_grep '"id":"am-junk-14".*(junk_foreign_letters|culture_script)' "$TMP/cm-rej.jsonl"
expect_status 0 pp filter -q --compare culture-aware --json "$F"
expect_jq '.presets[0].rules | map(select(.rule | startswith("junk_"))) | length == 5 and
    all(.[]; .removed | has("am") and has("yo") and has("ha"))' "$TMP/out"
# accepted mixing declared by the Amharic profile (Latin up to 0.2 of the
# letters): a line with two Latin loanwords is kept; without profiles, the
# script rule removes it
{ cat "$F"; echo '{"id":"am-mix","lang":"am","text":"ዛሬ ጠዋት በአዲስ አበባ የታየው መቋረጥ streaming አገልግሎቶችን update ማድረግ አስቸግሯል"}'; } >"$TMP/cm2.jsonl"
expect_status 0 pp filter -q --thresholds "$TMP/cm-th.json" "$TMP/cm2.jsonl"
expect_grep '"id":"am-mix"' "$TMP/out"
expect_jq '.["culture-aware"].am.accepted_mixing_share == 0.2' "$TMP/cm-th.json"
expect_status 0 pp filter -q --no-profiles --explain --rejects "$TMP/cm2-rej.jsonl" "$TMP/cm2.jsonl"
expect_grep '"id":"am-mix".*culture_script' "$TMP/cm2-rej.jsonl"
finish
