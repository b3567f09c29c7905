#!/bin/sh
# tests/cli/langs.sh — `polyphony langs list|show|validate`.
set -u
: "${POLYPHONY:?}" "${POLYPHONY_DATA:?}" "${TESTDATA:?}"
PP_WRAP=${PP_WRAP:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
run() { $PP_WRAP "$POLYPHONY" "$@"; }

# list: every language, then filters
run langs list > "$tmp/all" || fail "list"
n=$(grep -vc '^#' "$tmp/all")
[ "$n" -gt 7000 ] || fail "list shows $n languages"
run langs list --script Ethi > "$tmp/ethi" || fail "list --script"
grep -q '^amh	am	Amharic	Ethi' "$tmp/ethi" || fail "amh not in --script Ethi"
grep -q '^yor	' "$tmp/ethi" && fail "yor in --script Ethi"
run langs list --script ethi | cmp -s - "$tmp/ethi" || fail "--script is case-insensitive"
run langs list --low-resource > "$tmp/low" || fail "list --low-resource"
grep -q '^yor	' "$tmp/low" || fail "yor not low-resource"
grep -q '^eng	' "$tmp/low" && fail "eng low-resource"
awk -F'\t' 'NR>1 && $8!="yes"{exit 1}' "$tmp/low" || fail "--low-resource row not marked yes"
run langs list --family Niger-Kordofanian > "$tmp/nic" || fail "list --family"
grep -q '^zul	' "$tmp/nic" || fail "zul not Niger-Kordofanian"
grep -q '^amh	' "$tmp/nic" && fail "amh in Niger-Kordofanian"
run langs list --family bnt | grep -q '^swa	' || fail "--family by ISO 639-5 code"
run langs list --profiled > "$tmp/prof" || fail "list --profiled"
grep -q '^yor	' "$tmp/prof" || fail "yor not profiled"
[ "$(grep -vc '^#' "$tmp/prof")" -ge 2 ] || fail "fewer than 2 profiles"
run langs list --json --script Ethi > "$tmp/ethi.jsonl" || fail "list --json"
jq -se 'map(select(.iso639_3=="amh"))[0] | .scripts=="Ethi" and .bcp47=="am" and .speakers>1e6' \
    "$tmp/ethi.jsonl" > /dev/null || fail "list --json amh"
run langs list --script Xx > /dev/null 2>&1; [ $? -eq 2 ] || fail "bad --script not exit 2"
run langs list extra > /dev/null 2>&1; [ $? -eq 2 ] || fail "extra argument not exit 2"
run langs list --family 'no such family' > "$tmp/none" 2> "$tmp/err" || fail "empty list not exit 0"
grep -q 'no language matches' "$tmp/err" || fail "empty list says nothing"

# show: any code form, text and JSON
run langs show yo > "$tmp/yo" || fail "show yo"
grep -q '^yor — Yoruba' "$tmp/yo" || fail "show yo heading"
grep -q 'speakers: *[1-9][0-9]* ' "$tmp/yo" || fail "show yo speakers"
grep -q 'profile (langs/yor/profile.xml, status draft)' "$tmp/yo" || fail "show yo profile"
grep -q 'ICU exemplars: .*ẹ' "$tmp/yo" || fail "show yo exemplars"
run langs show yo-NG | cmp -s - "$tmp/yo" || fail "show yo-NG differs from show yo"
run langs show --json arz > "$tmp/arz.json" || fail "show --json arz"
jq -e '.macrolanguage=="ara" and .scripts=="Arab" and .profile==null' "$tmp/arz.json" \
    > /dev/null || fail "show --json arz fields"
run langs show --json am | jq -e '.profile.calendar=="ethiopic" and (.icu_exemplars|test("ሀ"))' \
    > /dev/null || fail "show --json am"
run langs show qqq > "$tmp/out" 2> "$tmp/err"; st=$?
[ $st -eq 1 ] || fail "unknown code exit $st"
grep -q "unknown language 'qqq'" "$tmp/err" || fail "unknown code message"
[ -s "$tmp/out" ] && fail "unknown code wrote to stdout"
run langs show > /dev/null 2>&1; [ $? -eq 2 ] || fail "show without code not exit 2"
run langs show yo --registry "$TESTDATA/registry/bad-registry.tsv" > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] || fail "bad registry not exit 1"
grep -q 'bad-registry.tsv:3:' "$tmp/err" || fail "bad registry message lacks file:line"

# validate: the bundled profiles, a good copy, a bad one
run langs validate > "$tmp/val" 2> "$tmp/err" || { cat "$tmp/err"; fail "bundled profiles invalid"; }
grep -q 'langs/yor/profile.xml: valid' "$tmp/val" || fail "validate did not list yor"
mkdir -p "$tmp/p/yor" "$tmp/q/yor"
cp "$POLYPHONY_DATA/langs/yor/profile.xml" "$tmp/p/yor/"
run langs validate "$tmp/p" > /dev/null 2>&1 || fail "validate good dir"
cp "$TESTDATA/registry/bad-profile.xml" "$tmp/q/yor/profile.xml"
run langs validate "$tmp/q" > /dev/null 2> "$tmp/err"; st=$?
[ $st -eq 1 ] || fail "bad profile exit $st"
grep -q "q/yor/profile.xml:4: .*profile failed to validate attributes" "$tmp/err" || { cat "$tmp/err"; fail "bad profile message"; }
run langs validate "$TESTDATA/registry/bad-profile.xml" > /dev/null 2>&1 && fail "bad file valid"
# an empty function word: the message names the line and the element
sed 's#<w gloss="or">tàbí</w>#<w gloss="or"></w>#' "$POLYPHONY_DATA/langs/yor/profile.xml" \
    > "$tmp/q/yor/profile.xml"
run langs validate "$tmp/q" > /dev/null 2> "$tmp/err"; [ $? -eq 1 ] || fail "empty word valid"
line=$(grep -n '<w gloss="or"></w>' "$tmp/q/yor/profile.xml" | cut -d: -f1)
grep -q "profile.xml:$line: element w:" "$tmp/err" || { cat "$tmp/err"; fail "empty word message"; }
# a well-formed, schema-valid profile whose code is not a language
sed 's/code="yor"/code="qqq"/' "$POLYPHONY_DATA/langs/yor/profile.xml" > "$tmp/p/yor/profile.xml"
run langs validate "$tmp/p" > /dev/null 2> "$tmp/err"; [ $? -eq 1 ] || fail "unknown code valid"
grep -q "code 'qqq'" "$tmp/err" || fail "unknown code message"
printf '<profile' > "$tmp/p/yor/profile.xml"
run langs validate "$tmp/p" > /dev/null 2> "$tmp/err"; [ $? -eq 1 ] || fail "truncated XML valid"
grep -q "profile.xml:1:" "$tmp/err" || fail "truncated XML message"
mkdir -p "$tmp/empty"
run langs validate "$tmp/empty" > /dev/null 2>&1; [ $? -eq 1 ] || fail "empty dir not exit 1"
run langs validate "$tmp/nonexistent" > /dev/null 2>&1; [ $? -eq 1 ] || fail "missing dir not exit 1"

run langs --help | grep -q 'langs validate' || fail "--help"
run help langs > /dev/null || fail "help langs"
run langs frobnicate > /dev/null 2>&1; [ $? -eq 2 ] || fail "unknown subcommand not exit 2"
echo "langs: all checks passed"
