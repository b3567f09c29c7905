#!/bin/sh
# CLI tests for polyphony filter, sample and datasheet.
set -u
: "${POLYPHONY:?}" "${TESTDATA:?}"
PP_WRAP=${PP_WRAP:-}
command -v jq >/dev/null 2>&1 || { echo "jq not found: skipped"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/pp-filter.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
run() { $PP_WRAP "$POLYPHONY" "$@"; }

FIX="$TESTDATA/filter/udhr-yo-am.jsonl"
# input: the fixture, a record without lang, a malformed line, a junk record
{
    cat "$FIX"
    printf '%s\n' '{"id":"nolang","text":"A record that nobody identified."}'
    printf '%s\n' '{"id":"broken","text":'
    printf '%s\n' '{"id":"junk","lang":"yo","text":"@@ ## $$ %% && ** (( )) [[ ]] ## @@ $$"}'
} > "$T/in.jsonl"
NIN=$(wc -l < "$FIX")

# --- filter: rejects with reasons, survival table, ledger
run filter --preset culture-aware --explain --rejects "$T/rej.jsonl" --ledger "$T/ledger.jsonl" \
    -o "$T/kept.jsonl" "$T/in.jsonl" 2> "$T/err" || fail "filter exited $?"
jq -e "select(.line == $((NIN + 1))) | .reason | test(\"no .lang.\")" "$T/rej.jsonl" | grep -q true \
    || fail "record without lang not rejected with a reason"
jq -c 'select(.raw != null) | .line' "$T/rej.jsonl" | grep -q . || fail "malformed line not rejected raw"
jq -e 'select(.record.id == "junk") | .record.filter_reason | startswith("culture_")' "$T/rej.jsonl" \
    | grep -q true || fail "--explain did not add filter_reason"
jq -e 'select(.record.id == "junk") | .record.filter_failed | length > 0' "$T/rej.jsonl" | grep -q true \
    || fail "--explain did not add filter_failed"
KEPT=$(wc -l < "$T/kept.jsonl")
[ "$KEPT" -ge $((NIN - 1)) ] || fail "culture-aware kept only $KEPT of $NIN clean records"
grep -q '^yo ' "$T/err" || fail "no survival table on stderr"
grep -q '\[' "$T/err" || fail "survival table without interval"
jq -e 'select(.stage=="filter" and .step=="culture-aware" and .metric=="survival" and .lang=="am")
       | (.n == 20 and .lo <= .value and .value <= .hi and .run == "2026-01-01T00:00:00Z")' \
    "$T/ledger.jsonl" | grep -q true || fail "ledger survival row missing or wrong"
jq -c 'select(.step=="culture-aware/culture_script" and .metric=="removed")' "$T/ledger.jsonl" \
    | grep -q . || fail "ledger rule rows missing"

# --- without --rejects: warnings name file and line and the run exits 1 (the
# kept records are still written); --strict stops at the first
run filter --preset gopher -q "$T/in.jsonl" > /dev/null 2> "$T/err"
[ $? -eq 1 ] || fail "filter skipping records without --rejects did not exit 1"
grep -q "in.jsonl:$((NIN + 2)):" "$T/err" || fail "malformed line not reported with file:line"
run filter --preset gopher --strict "$T/in.jsonl" > /dev/null 2> "$T/err" && fail "--strict accepted a record without lang"
grep -q "in.jsonl:$((NIN + 1)):" "$T/err" || fail "--strict message without file:line"

# --- gopher and c4 on stdin; an empty input
run filter --preset c4 -q --rejects "$T/rej-c4.jsonl" < "$T/in.jsonl" > "$T/c4.jsonl" 2>/dev/null || fail "c4 on stdin failed"
: > "$T/empty.jsonl"
run filter -q "$T/empty.jsonl" > "$T/out" || fail "empty input failed"
[ ! -s "$T/out" ] || fail "empty input gave output"
run filter --preset culture-aware -q --rejects "$T/rej-stdin.jsonl" < "$T/in.jsonl" > "$T/stdin.jsonl" 2>/dev/null || fail "culture-aware on stdin failed"
cmp -s "$T/stdin.jsonl" "$T/kept.jsonl" || fail "stdin and file runs differ"

# --- usage errors
run filter --preset english "$T/in.jsonl" 2>/dev/null; [ $? -eq 2 ] || fail "unknown preset not a usage error"
run filter --json "$T/in.jsonl" 2>/dev/null; [ $? -eq 2 ] || fail "--json without --compare accepted"
run filter "$T/missing.jsonl" 2> "$T/err"; [ $? -eq 1 ] || fail "missing file not exit 1"

# --- --compare: table, JSON, ledger rows
run filter --compare gopher,c4,culture-aware --ledger "$T/cmp-ledger.jsonl" \
    --rejects "$T/rej-cmp.jsonl" "$T/in.jsonl" \
    > "$T/cmp.txt" 2>/dev/null || fail "--compare failed"
for w in "Survival per language" "gopher_stop_words" "c4_terminal_punct" "culture_script" "disparity"; do
    grep -q "$w" "$T/cmp.txt" || fail "--compare table lacks $w"
done
run filter --compare gopher,culture-aware --json --reference yo --rejects "$T/rej-cmp2.jsonl" \
    "$T/in.jsonl" > "$T/cmp.json" 2>/dev/null \
    || fail "--compare --json failed"
jq -e '.presets | length == 2' "$T/cmp.json" | grep -q true || fail "--json lacks presets"
jq -e '.presets[0].languages.am.survival == 0' "$T/cmp.json" | grep -q true \
    || fail "gopher should remove every (short, non-English) Amharic paragraph"
jq -e '.presets[0].rules[] | select(.rule=="gopher_mean_word_length") | .removed.am == 1' "$T/cmp.json" \
    | grep -q true || fail "gopher mean word length should remove Amharic written with the Ethiopic word space"
jq -e '.presets[0].rules[] | select(.rule=="gopher_mean_word_length") | .disparities_vs_reference | index("am") != null' \
    "$T/cmp.json" | grep -q true || fail "disparity against the reference not flagged"
for p in gopher c4 culture-aware; do
    jq -c "select(.step==\"$p\" and .metric==\"survival\")" "$T/cmp-ledger.jsonl" | grep -q . \
        || fail "compare ledger lacks $p survival"
done
jq -e 'select(.step=="gopher/gopher_stop_words" and .metric=="removed" and .lang=="yo") | .value == 1' \
    "$T/cmp-ledger.jsonl" | grep -q true || fail "compare ledger lacks rule rows"

# --- sample: shares sum to 1, epochs respect the cap, deterministic
for s in "temperature --alpha 0.3" "unimax --epochs-cap 2"; do
    run sample --rejects "$T/srej.jsonl" --strategy $s --budget 30 --report "$T/rep.json" -q -o "$T/s.jsonl" "$T/in.jsonl" 2>/dev/null \
        || fail "sample $s failed"
    jq -e '([.languages[].share] | add - 1 | fabs) < 1e-9' "$T/rep.json" | grep -q true \
        || fail "sample $s: shares do not sum to 1"
    [ "$(wc -l < "$T/s.jsonl")" -eq 30 ] || fail "sample $s: did not draw 30 documents"
done
jq -e '[.languages[].epochs] | max <= 2' "$T/rep.json" | grep -q true || fail "unimax exceeded the epoch cap"
# temperature with a cap: the small languages stop at one epoch, the rest goes to the others
run sample --rejects "$T/srej.jsonl" --strategy temperature --alpha 0.01 --epochs-cap 1 --budget 35 --report "$T/rep.json" \
    --dry-run "$T/in.jsonl" > /dev/null 2>&1 || fail "capped temperature sampling failed"
jq -e '([.languages[].epochs] | max <= 1.000001) and (.drawn == 35)' "$T/rep.json" | grep -q true \
    || fail "temperature sampling exceeded the epoch cap"
run sample --rejects "$T/srej.jsonl" --strategy unimax --budget 100 --epochs-cap 1 --dry-run "$T/in.jsonl" > "$T/dry.txt" 2>/dev/null \
    || fail "sample --dry-run failed"
grep -q "fills" "$T/dry.txt" || fail "sample did not say the budget cannot be filled"
run sample --rejects "$T/srej.jsonl" --strategy unimax --budget 25 --unit chars --seed 7 -q "$T/in.jsonl" > "$T/a" 2>/dev/null
run sample --rejects "$T/srej.jsonl" --strategy unimax --budget 25 --unit chars --seed 7 -q "$T/in.jsonl" > "$T/b" 2>/dev/null
cmp -s "$T/a" "$T/b" || fail "sample is not deterministic for a seed"
run sample --budget 10 "$T/in.jsonl" 2>/dev/null; [ $? -eq 2 ] || fail "sample without strategy not a usage error"
run sample --rejects "$T/srej.jsonl" --strategy temperature --budget 10 --ledger "$T/sl.jsonl" -q "$T/in.jsonl" >/dev/null 2>&1
jq -c 'select(.stage=="sample" and .metric=="epochs")' "$T/sl.jsonl" | grep -q . || fail "sample ledger rows missing"

# --- datasheet: a corpus with its ledger
run datasheet --ledger "$T/ledger.jsonl" --out "$T/ds" "$T/kept.jsonl" 2>/dev/null || fail "datasheet failed"
for sec in "## Motivation" "## Sources and licenses" "## Consent" "## Languages and varieties" \
           "## Collection process" "## Annotation process" "## Filtering and deduplication" \
           "## PII handling" "## Uses" "## Distribution" "## Value-setting questions"; do
    grep -q "^$sec" "$T/ds.md" || fail "datasheet lacks $sec"
done
grep -q "not stated: Who chose those objectives" "$T/ds.md" || fail "unknown answer not marked not stated"
grep -q "not stated: no pii rows" "$T/ds.md" || fail "missing pii ledger not marked"
grep -q "| culture-aware | am | loss |" "$T/ds.md" || fail "per-language loss from the ledger missing"
jq -e '.kind == "corpus" and .languages.yo.records > 0' "$T/ds.json" | grep -q true || fail "datasheet JSON counts"
echo '{"motivation.purpose": "To test the datasheet.", "values.who_chose": "The test authors."}' > "$T/ans.json"
run datasheet --answers "$T/ans.json" "$T/kept.jsonl" > "$T/ds2.md" 2>/dev/null || fail "datasheet --answers failed"
grep -q "To test the datasheet." "$T/ds2.md" || fail "answer not used"
grep -q "not stated: Who chose" "$T/ds2.md" && fail "answered question still not stated"
# an instruction set and a preference set are recognised by their fields
printf '%s\n' '{"messages":[{"role":"user","content":"Kí ni orúkọ rẹ?"},{"role":"assistant","content":"Adé ni."}],"lang":"yo","template":"t1","review_status":"draft","license":"CC-BY-4.0","variety":"yo-NG"}' > "$T/inst.jsonl"
run datasheet --format json "$T/inst.jsonl" | jq -e '.kind == "instruction" and .templates.t1 == 1 and .review_status.draft == 1' \
    | grep -q true || fail "instruction set not described"
printf '%s\n' '{"prompt":"p","chosen":"a","rejected":"b","lang":"am","judgements":[{"annotator":"a1","groups":["addis"]},{"annotator":"a2","groups":["gondar"]}]}' > "$T/pref.jsonl"
run datasheet --format json "$T/pref.jsonl" | jq -e '.kind == "preference" and .annotators.distinct == 2 and .annotators.groups.addis == 1' \
    | grep -q true || fail "preference set not described"
run datasheet --format json "$T/pref.jsonl" | jq -e '[.questions[] | select(.status=="not stated")] | length > 10' \
    | grep -q true || fail "questions not listed as not stated"
echo 'not json' > "$T/bad.json"
run datasheet --answers "$T/bad.json" "$T/kept.jsonl" > /dev/null 2>&1; [ $? -eq 1 ] || fail "bad answers file accepted"
run datasheet 2>/dev/null; [ $? -eq 2 ] || fail "datasheet without FILE not a usage error"

# --- sample and datasheet on malformed input: file:line, and exit 1 without --rejects
printf '%s\n' '{"id":"g1","text":"good text","lang":"en"}' '{"id":"g2","text":"trunc' > "$T/trunc.jsonl"
run sample --strategy unimax --budget 1 -q "$T/trunc.jsonl" > /dev/null 2> "$T/err"
[ $? -eq 1 ] || fail "sample skipping a malformed line did not exit 1"
grep -q "trunc.jsonl:2:" "$T/err" || fail "sample: malformed line without file:line"
run sample --strategy unimax --budget 1 -q --rejects "$T/srej2.jsonl" "$T/trunc.jsonl" > /dev/null 2>&1 \
    || fail "sample with --rejects failed on a malformed line"
grep -q '"line":2' "$T/srej2.jsonl" || fail "sample: malformed line not in --rejects"
run datasheet "$T/trunc.jsonl" > /dev/null 2> "$T/err"
[ $? -eq 1 ] || fail "datasheet over a malformed line did not exit 1"
grep -q "trunc.jsonl:2:" "$T/err" || fail "datasheet: malformed line without file:line"
echo "ok"
