#!/bin/sh
# tests/cli/langs.sh — `polyphony langs list|show|validate`.
. "$top_srcdir/tests/cli/lib.sh"
: "${POLYPHONY_DATA:?run through make check}"

# list: every language, then filters
check "list" pp langs list > "$TMP/all"
n=$(grep -vc '^#' "$TMP/all")
check "list shows $n languages" [ "$n" -gt 7000 ]
check "list --script" pp langs list --script Ethi > "$TMP/ethi"
expect_grep '^amh	am	Amharic	Ethi' "$TMP/ethi"
expect_no_grep '^yor	' "$TMP/ethi"
# --script is case-insensitive
pp langs list --script ethi > "$TMP/ethi2"
expect_same "$TMP/ethi2" "$TMP/ethi" "--script ethi and --script Ethi"
check "list --low-resource" pp langs list --low-resource > "$TMP/low"
expect_grep '^yor	' "$TMP/low"
expect_no_grep '^eng	' "$TMP/low"
check "--low-resource row not marked yes" awk -F'\t' 'NR>1 && $8!="yes"{exit 1}' "$TMP/low"
check "list --family" pp langs list --family Niger-Kordofanian > "$TMP/nic"
expect_grep '^zul	' "$TMP/nic"
expect_no_grep '^amh	' "$TMP/nic"
# --family by ISO 639-5 code
pp langs list --family bnt > "$TMP/bnt"
expect_grep '^swa	' "$TMP/bnt"
check "list --profiled" pp langs list --profiled > "$TMP/prof"
expect_grep '^yor	' "$TMP/prof"
check "fewer than 2 profiles" [ "$(grep -vc '^#' "$TMP/prof")" -ge 2 ]
check "list --json" pp langs list --json --script Ethi > "$TMP/ethi.jsonl"
expect_jq_slurp 'map(select(.iso639_3=="amh"))[0] | .scripts=="Ethi" and .bcp47=="am" and .speakers>1e6' \
    "$TMP/ethi.jsonl"
expect_status 2 pp langs list --script Xx
expect_status 2 pp langs list extra
# an empty list is not an error, and says so
expect_status 0 pp langs list --family 'no such family'
expect_grep 'no language matches' "$TMP/err"

# show: any code form, text and JSON
check "show yo" pp langs show yo > "$TMP/yo"
expect_grep '^yor — Yoruba' "$TMP/yo"
expect_grep 'speakers: *[1-9][0-9]* ' "$TMP/yo"
expect_grep 'profile \(langs/yor/profile.xml, status draft\)' "$TMP/yo"
expect_grep 'ICU exemplars: .*ẹ' "$TMP/yo"
pp langs show yo-NG > "$TMP/yo-NG"
expect_same "$TMP/yo-NG" "$TMP/yo" "show yo-NG and show yo"
check "show --json arz" pp langs show --json arz > "$TMP/arz.json"
expect_jq '.macrolanguage=="ara" and .scripts=="Arab" and .profile==null' "$TMP/arz.json"
pp langs show --json am > "$TMP/am.json"
expect_jq '.profile.calendar=="ethiopic" and (.icu_exemplars|test("ሀ"))' "$TMP/am.json"
expect_status 1 pp langs show qqq
expect_grep "unknown language 'qqq'" "$TMP/err"
# nothing on stdout for an unknown code
expect_empty "$TMP/out"
expect_status 2 pp langs show
expect_status 1 pp langs show yo --registry "$TESTDATA/registry/bad-registry.tsv"
expect_grep 'bad-registry.tsv:3:' "$TMP/err"

# validate: the bundled profiles, a good copy, a bad one
expect_status 0 pp langs validate
expect_grep 'langs/yor/profile.xml: valid' "$TMP/out"
mkdir -p "$TMP/p/yor" "$TMP/q/yor"
cp "$POLYPHONY_DATA/langs/yor/profile.xml" "$TMP/p/yor/"
expect_status 0 pp langs validate "$TMP/p"
cp "$TESTDATA/registry/bad-profile.xml" "$TMP/q/yor/profile.xml"
expect_status 1 pp langs validate "$TMP/q"
expect_grep "q/yor/profile.xml:4: .*profile failed to validate attributes" "$TMP/err"
check_not "a bad profile file is valid" pp langs validate "$TESTDATA/registry/bad-profile.xml" > /dev/null 2>&1
# an empty function word: the message names the line and the element
sed 's#<w gloss="or">tàbí</w>#<w gloss="or"></w>#' "$POLYPHONY_DATA/langs/yor/profile.xml" \
    > "$TMP/q/yor/profile.xml"
expect_status 1 pp langs validate "$TMP/q"
line=$(grep -n '<w gloss="or"></w>' "$TMP/q/yor/profile.xml" | cut -d: -f1)
expect_grep "profile.xml:$line: element w:" "$TMP/err"
# a well-formed, schema-valid profile whose code is not a language
sed 's/code="yor"/code="qqq"/' "$POLYPHONY_DATA/langs/yor/profile.xml" > "$TMP/p/yor/profile.xml"
expect_status 1 pp langs validate "$TMP/p"
expect_grep "code 'qqq'" "$TMP/err"
printf '<profile' > "$TMP/p/yor/profile.xml"
expect_status 1 pp langs validate "$TMP/p"
expect_grep "profile.xml:1:" "$TMP/err"
mkdir -p "$TMP/empty"
expect_status 1 pp langs validate "$TMP/empty"
expect_status 1 pp langs validate "$TMP/nonexistent"

expect_status 0 pp langs --help
expect_grep 'langs validate' "$TMP/out"
expect_status 0 pp help langs
expect_status 2 pp langs frobnicate
finish
