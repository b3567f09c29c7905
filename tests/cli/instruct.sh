#!/bin/sh
# tests/cli/instruct.sh — `polyphony instruct build|validate`.
. "$top_srcdir/tests/cli/lib.sh"
: "${POLYPHONY_DATA:?run through make check}"
I="$TESTDATA/instruct"

# usage
expect_status 0 pp instruct --help
expect_grep 'instruct build' "$TMP/out"
expect_status 2 pp instruct frobnicate
expect_status 2 pp instruct build --max-per-template 0

# validate: every seed template on the bundled UDHR (schema, arguments,
# rendering); the language check is skipped and said so
expect_status 0 pp instruct validate --no-lid
expect_grep 'language check skipped' "$TMP/err"
expect_eq "$(grep -c '^ok' "$TMP/out")" 56 "valid seed templates"
expect_status 2 pp instruct validate --no-lid --lid-model x.ftz
# a file that is not a model
expect_status 1 pp instruct validate --lid-model "$I/udhr-sample.jsonl" "$I/templates"

# validate: bad templates are named with file:line
expect_status 1 pp instruct validate --data "$I/udhr-sample.jsonl" "$I/bad/schema.xml"
expect_grep 'schema.xml:8: template does not validate' "$TMP/err"
expect_status 1 pp instruct validate --data "$I/udhr-sample.jsonl" "$I/bad/missing-arg.xml"
expect_grep 'missing-arg.xml:12: pattern uses \{source_text\}' "$TMP/err"
expect_status 1 pp instruct validate --data "$I/udhr-sample.jsonl" "$I/bad/missing-field.xml"
expect_grep 'missing-field.xml:11: .*no field "meta.chapter"' "$TMP/err"

# build over fixture data: Arabic-Indic digits, right-to-left text, train split only
check "build fixtures" pp instruct build --quiet --templates "$I/templates" --data "$I/udhr-sample.jsonl" \
    --out "$TMP/fx.jsonl"
expect_grep '"completion":"المادة ٢"' "$TMP/fx.jsonl"
# an Ethiopian-calendar date
expect_grep '"prompt":"1 ታኅሣሥ 1941 ' "$TMP/fx.jsonl"
# no test-split record rendered
expect_no_grep '-a5-' "$TMP/fx.jsonl"
# Records of two sources with the same id (two translations' verse ids, two
# corpora ingested apart): a template that takes any source gives each item
# an id of its own, SOURCE/ID after the template; one source keeps TEMPLATE:ID.
mkdir -p "$TMP/anysrc"
sed 's/ dataset="udhr"//' "$I/templates/am-dated.xml" >"$TMP/anysrc/am-dated.xml"
sed 's/"source":"udhr"/"source":"udhr-1948"/' "$I/udhr-sample.jsonl" >"$TMP/udhr-1948.jsonl"
check "build, two sources" pp instruct build --quiet --templates "$TMP/anysrc" \
    --data "$I/udhr-sample.jsonl" --data "$TMP/udhr-1948.jsonl" --out "$TMP/two.jsonl"
expect_lines 4 "$TMP/two.jsonl"
expect_eq "$(grep -o '"id":"[^"]*"' "$TMP/two.jsonl" | sort | uniq -d | head -1)" "" \
    "two sources: a duplicate item id"
expect_grep '"id":"test-am-dated:udhr-1948/udhr-amh-a1-p1".*"dataset":"udhr-1948","source_id":"udhr-amh-a1-p1"' \
    "$TMP/two.jsonl"
check "build, one source" pp instruct build --quiet --templates "$TMP/anysrc" \
    --data "$I/udhr-sample.jsonl" --out "$TMP/one.jsonl"
expect_grep '^\{"id":"test-am-dated:udhr-amh-a1-p1"' "$TMP/one.jsonl"
# the summary counts in the singular where there is one
expect_status 0 pp instruct build --templates "$TMP/anysrc" --data "$I/udhr-sample.jsonl"
expect_grep '^polyphony instruct build: 2 items in 1 language from 1 template$' "$TMP/err"
expect_status 0 pp instruct validate --no-lid --data "$I/udhr-sample.jsonl" "$TMP/anysrc/am-dated.xml"
expect_grep 'validate: 1 template, 1 valid' "$TMP/err"
# --strict turns a record lacking a field into an error
expect_status 1 pp instruct build --strict --templates "$I/bad/missing-field.xml" --data "$I/udhr-sample.jsonl"

# build the seed templates over the bundled UDHR (train split): >= 12 languages
expect_status 0 pp instruct build --max-per-template 5 --seed 3 --out "$TMP/seed.jsonl" \
    --ledger "$TMP/ledger.jsonl"
n=$(wc -l < "$TMP/seed.jsonl" | tr -d ' ')
expect_eq "$n" 280 "items (56 templates x 5)"
langs=$(grep -o '"lang":"[^"]*"' "$TMP/seed.jsonl" | sort -u | wc -l)
check "only $langs languages" [ "$langs" -ge 14 ]
for f in template lang variety source_id license review_status authors messages prompt completion; do
    expect_eq "$(grep -c "\"$f\":" "$TMP/seed.jsonl")" "$n" "items with a $f field"
done
# seed items are marked draft and have messages
expect_grep '"review_status":"draft"' "$TMP/seed.jsonl"
expect_grep '"role":"user"' "$TMP/seed.jsonl"
# no dev/test split in the build
expect_no_grep '-a(3|5|10|13|15|20|23|25|30)-p' "$TMP/seed.jsonl"
expect_eq "$(grep -c '"metric":"items"' "$TMP/ledger.jsonl")" 14 "ledger rows"
# the Thai profile's Buddhist calendar: 10 December 1948 is 2491 BE
grep '"template":"tha-udhr-article-qa"' "$TMP/seed.jsonl" >"$TMP/tha.jsonl"
expect_grep '10 ธันวาคม 2491' "$TMP/tha.jsonl"
# the Amharic profile's calendar reaches the seed template
grep '"template":"amh-udhr-article-qa"' "$TMP/seed.jsonl" >"$TMP/amh.jsonl"
expect_grep 'ታኅሣሥ 1941' "$TMP/amh.jsonl"
# same seed, same output
check "rebuild" pp instruct build --quiet --max-per-template 5 --seed 3 --out "$TMP/seed2.jsonl"
expect_same "$TMP/seed.jsonl" "$TMP/seed2.jsonl" "build not reproducible"
check "--langs" pp instruct build --quiet --langs yor,amh --max-per-template 2 > "$TMP/two.jsonl"
expect_eq "$(grep -o '"lang":"[^"]*"' "$TMP/two.jsonl" | sort -u | tr -d '\n')" '"lang":"am""lang":"yo"' "--langs filter"
# a community corpus without UDHR metadata: the monolingual seed templates
# render on it, the others are named with what they need; the items say
# which corpus they came from
jq -R -c '{id: ("news-" + (input_line_number | tostring)), text: ., lang: "yo", source: "yo-news"}' \
    "$TESTDATA/tokenizers/yo-news.txt" >"$TMP/news.jsonl"
expect_status 0 pp instruct build --langs yo --data "$TMP/news.jsonl" --out "$TMP/news-items.jsonl"
expect_jq_slurp 'map(.template) | unique == ["yor-udhr-cloze", "yor-udhr-language-id"]' "$TMP/news-items.jsonl"
expect_jq '.source == "yo-news" and .dataset == "yo-news"' "$TMP/news-items.jsonl"
expect_grep 'skipped yor-udhr-article-qa .*needs an article number \(meta.article\)' "$TMP/err"
expect_grep 'skipped yor-udhr-translation-from-eng .*needs a parallel text in en' "$TMP/err"
# the datasheet of UDHR and news items says which corpus each came from
check "UDHR items" pp instruct build --quiet --langs yo --max-per-template 2 --out "$TMP/udhr-items.jsonl"
cat "$TMP/news-items.jsonl" "$TMP/udhr-items.jsonl" >"$TMP/both-items.jsonl"
expect_status 0 pp datasheet "$TMP/both-items.jsonl"
expect_grep '^\| yo-news \| 8 \|' "$TMP/out"
expect_grep '^\| udhr \| 8 \|' "$TMP/out"
# the community's own parallel text, aligned by article and paragraph
jq -c '{id, text, lang, source: "community", meta: {article: 1, paragraph: input_line_number}}' \
    "$TMP/news.jsonl" >"$TMP/par.jsonl"
jq -c '{id: ("en-" + .id), text: ("English " + .id), lang: "en", source: "community",
        meta: {article: 1, paragraph: input_line_number}}' "$TMP/news.jsonl" >>"$TMP/par.jsonl"
expect_status 0 pp instruct build --langs yo --data "$TMP/par.jsonl" --out "$TMP/par-items.jsonl"
expect_jq_slurp 'map(.template) | unique == ["yor-udhr-article-qa", "yor-udhr-cloze",
    "yor-udhr-language-id", "yor-udhr-translation-from-eng"]' "$TMP/par-items.jsonl"
# nothing to make: exit 1, saying why
jq -c '.lang = "yo" | del(.text) | .text = ""' "$TMP/news.jsonl" >"$TMP/empty.jsonl"
jq -c '.lang = "zz"' "$TMP/news.jsonl" >"$TMP/zz.jsonl"
expect_status 1 pp instruct build --data "$TMP/zz.jsonl" --out "$TMP/none.jsonl"
expect_grep 'no items: no template is written for a language of the data' "$TMP/err"
expect_status 1 pp instruct build --langs yo --data "$TMP/empty.jsonl" --out "$TMP/none.jsonl"
expect_grep 'needs a text in yo' "$TMP/err"
expect_grep 'no items: 4 template' "$TMP/err"
finish
