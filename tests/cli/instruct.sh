#!/bin/sh
# tests/cli/instruct.sh — `polyphony instruct build|validate`.
set -u
: "${POLYPHONY:?}" "${POLYPHONY_DATA:?}" "${TESTDATA:?}"
PP_WRAP=${PP_WRAP:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
run() { $PP_WRAP "$POLYPHONY" "$@"; }
T="$TESTDATA/instruct"

# usage
run instruct --help | grep -q 'instruct build' || fail "--help"
run instruct frobnicate 2>/dev/null; [ $? -eq 2 ] || fail "unknown subcommand is not exit 2"
run instruct build --max-per-template 0 2>/dev/null; [ $? -eq 2 ] || fail "bad --max-per-template"

# validate: every seed template on the bundled UDHR (schema, arguments,
# rendering); the language check is skipped and said so
run instruct validate --no-lid > "$tmp/v.out" 2> "$tmp/v.err" || { cat "$tmp/v.err"; fail "validate seeds"; }
grep -q 'language check skipped' "$tmp/v.err" || fail "LID skip not reported"
[ "$(grep -c '^ok' "$tmp/v.out")" -eq 56 ] || fail "expected 56 valid seed templates"
run instruct validate --no-lid --lid-model x.ftz 2>/dev/null; [ $? -eq 2 ] || fail "--no-lid with --lid-model"
run instruct validate --lid-model "$T/udhr-sample.jsonl" "$T/templates" 2>/dev/null
[ $? -eq 1 ] || fail "a file that is not a model is not exit 1"

# validate: bad templates are named with file:line
run instruct validate --data "$T/udhr-sample.jsonl" "$T/bad/schema.xml" 2> "$tmp/e1"
[ $? -eq 1 ] || fail "schema violation not exit 1"
grep -q 'schema.xml:8: template does not validate' "$tmp/e1" || { cat "$tmp/e1"; fail "schema message"; }
run instruct validate --data "$T/udhr-sample.jsonl" "$T/bad/missing-arg.xml" 2> "$tmp/e2"
[ $? -eq 1 ] || fail "undeclared argument not exit 1"
grep -q 'missing-arg.xml:12: pattern uses {source_text}' "$tmp/e2" || { cat "$tmp/e2"; fail "undeclared argument message"; }
run instruct validate --data "$T/udhr-sample.jsonl" "$T/bad/missing-field.xml" 2> "$tmp/e3"
[ $? -eq 1 ] || fail "missing field not exit 1"
grep -q 'missing-field.xml:11: .*no field "meta.chapter"' "$tmp/e3" || { cat "$tmp/e3"; fail "missing field message"; }

# build over fixture data: Arabic-Indic digits, right-to-left text, train split only
run instruct build --quiet --templates "$T/templates" --data "$T/udhr-sample.jsonl" \
    --out "$tmp/fx.jsonl" || fail "build fixtures"
grep -q '"completion":"المادة ٢"' "$tmp/fx.jsonl" || fail "no Arabic-Indic article number"
grep -q '"prompt":"1 ታኅሣሥ 1941 ' "$tmp/fx.jsonl" || fail "no Ethiopian-calendar date"
grep -q -- '-a5-' "$tmp/fx.jsonl" && fail "test-split record rendered"
# --strict turns a record lacking a field into an error
run instruct build --strict --templates "$T/bad/missing-field.xml" --data "$T/udhr-sample.jsonl" \
    > /dev/null 2> "$tmp/e4"
[ $? -eq 1 ] || fail "--strict with missing fields not exit 1"

# build the seed templates over the bundled UDHR (train split): >= 12 languages
run instruct build --max-per-template 5 --seed 3 --out "$tmp/seed.jsonl" \
    --ledger "$tmp/ledger.jsonl" 2> "$tmp/build.err" || { cat "$tmp/build.err"; fail "build seeds"; }
n=$(wc -l < "$tmp/seed.jsonl")
[ "$n" -eq 280 ] || fail "expected 56 x 5 items, got $n"
langs=$(grep -o '"lang":"[^"]*"' "$tmp/seed.jsonl" | sort -u | wc -l)
[ "$langs" -ge 14 ] || fail "only $langs languages"
for f in template lang variety source_id license review_status authors messages prompt completion; do
    c=$(grep -c "\"$f\":" "$tmp/seed.jsonl")
    [ "$c" -eq "$n" ] || fail "$f missing from $((n - c)) items"
done
grep -q '"review_status":"draft"' "$tmp/seed.jsonl" || fail "seed items not marked draft"
grep -q '"role":"user"' "$tmp/seed.jsonl" || fail "no messages"
grep -Eq -- '-a(3|5|10|13|15|20|23|25|30)-p' "$tmp/seed.jsonl" && fail "dev/test split in build"
[ "$(grep -c '"metric":"items"' "$tmp/ledger.jsonl")" -eq 14 ] || fail "ledger rows"
# the Thai profile's Buddhist calendar: 10 December 1948 is 2491 BE
grep '"template":"tha-udhr-article-qa"' "$tmp/seed.jsonl" | grep -q '10 ธันวาคม 2491' \
    || fail "Thai date not in the Buddhist calendar"
# the Amharic profile's calendar reaches the seed template
grep '"template":"amh-udhr-article-qa"' "$tmp/seed.jsonl" | grep -q 'ታኅሣሥ 1941' \
    || fail "Amharic date not in the Ethiopian calendar"
# same seed, same output
run instruct build --quiet --max-per-template 5 --seed 3 --out "$tmp/seed2.jsonl" || fail "rebuild"
cmp -s "$tmp/seed.jsonl" "$tmp/seed2.jsonl" || fail "build not reproducible"
run instruct build --quiet --langs yor,amh --max-per-template 2 > "$tmp/two.jsonl" || fail "--langs"
[ "$(grep -o '"lang":"[^"]*"' "$tmp/two.jsonl" | sort -u | tr -d '\n')" = '"lang":"am""lang":"yo"' ] \
    || fail "--langs filter"
exit 0
