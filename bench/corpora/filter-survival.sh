#!/bin/sh
# Survival of clean text in many languages under the three filter presets,
# and the exclusion audit's disparities (run by hand; not part of make check).
#
#   bench/corpora/filter-survival.sh [BIBLE_DIR]
#
# Corpora:
#   udhr-test      the test paragraphs (articles 5, 10, 15, 20, 25, 30) of every
#                  bundled UDHR declaration (eval-sets/udhr/udhr.jsonl.zst);
#                  the placeholders some declarations carry for untranslated
#                  paragraphs ("@", "&1") are counted separately;
#   udhr-articles  every declaration cut into documents of three consecutive
#                  articles (paragraphs joined by line breaks): page-size clean
#                  text, English and French included, for the English-tuned presets;
#   bible          with BIBLE_DIR (the bibles/ folder of the bible-corpus,
#                  Christodoulopoulos & Steedman, CC0): consecutive verses joined
#                  into documents of >= 80 words, at most 200 per translation
#                  (bench/corpora/bible-docs.py).
# For each: culture-aware survival per language (the target: >= 95% for
# every language), and what gopher and c4 remove, with the languages at a
# disparity (vs the median language and vs English), plus documents per
# second of each preset. Needs jq, zstd, python3 (for the Bible).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
P=${POLYPHONY:-$top/polyphony}
export POLYPHONY_DATA=${POLYPHONY_DATA:-$top}
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/filter-survival.XXXXXX")}
mkdir -p "$OUT"
BIBLE=${1:-}
UDHR="$top/eval-sets/udhr/udhr.jsonl.zst"
[ -x "$P" ] || { echo "build polyphony first ($P)" >&2; exit 1; }
[ -f "$UDHR" ] || { echo "no bundled UDHR at $UDHR" >&2; exit 1; }

zstd -dc "$UDHR" | jq -c 'select(.meta.split == "test")' > "$OUT/udhr-test-all.jsonl"
jq -c 'select(.text | test("^(@|&1)$") | not)' "$OUT/udhr-test-all.jsonl" > "$OUT/udhr-test.jsonl"
zstd -dc "$UDHR" | jq -s -c '
    group_by(.meta.udhr_code)[]
    | sort_by(.meta.article, .meta.paragraph)
    | map(select(.meta.article > 0 and (.text | test("^(@|&1)$") | not)))
    | group_by((.meta.article - 1) / 3 | floor)[]
    | {id: ("udhr-" + .[0].meta.udhr_code + "-a" + (.[0].meta.article | tostring) + "-3"),
       text: (map(.text) | join("\n")), lang: .[0].lang, script: .[0].script,
       source: "udhr", license: .[0].license}' > "$OUT/udhr-articles.jsonl"
set -- udhr-test udhr-articles
if [ -n "$BIBLE" ]; then
    python3 "$top/bench/corpora/bible-docs.py" "$BIBLE" > "$OUT/bible.jsonl"
    set -- "$@" bible
fi

echo "polyphony filter survival benchmark ($(date -u +%Y-%m-%dT%H:%MZ)); files in $OUT"
echo "placeholder paragraphs left out of udhr-test: $(($(wc -l < "$OUT/udhr-test-all.jsonl") - $(wc -l < "$OUT/udhr-test.jsonl")))"
for c in "$@"; do
    f="$OUT/$c.jsonl"
    "$P" filter --compare gopher,c4,culture-aware --reference en --json "$f" > "$OUT/$c.compare.json" 2>/dev/null
    "$P" filter --compare gopher,c4,culture-aware --reference en "$f" > "$OUT/$c.compare.txt" 2>/dev/null
    echo
    echo "== $c: $(wc -l < "$f") documents, $(jq '.presets[0].languages | length' "$OUT/$c.compare.json") languages"
    jq -r '
      .presets[] as $p
      | ($p.languages | to_entries) as $l
      | ($l | map(.value.survival)) as $s
      | "\($p.preset): median survival \(($s | sort | .[length/2|floor]) * 1000 | round / 10)%, "
        + "min \(($s | min) * 1000 | round / 10)%, languages >= 95%: \($l | map(select(.value.survival >= 0.95)) | length)/\($l | length), "
        + "at a disparity (vs median language): \($l | map(select(.value.disparity)) | length)"
        + (if .reference then ", rules with languages at a disparity vs \(.reference): "
             + ([$p.rules[] | select((.disparities_vs_reference | length) > 0)
                 | "\(.rule) (\(.disparities_vs_reference | length))"] | join(", "))
           else "" end)' "$OUT/$c.compare.json"
    jq -r '.presets[] | select(.preset == "culture-aware") | .languages | to_entries
           | map(select(.value.survival < 0.95)) | if length == 0 then "culture-aware: every language keeps >= 95%"
             else "culture-aware below 95%: " + (map("\(.key) \(.value.kept)/\(.value.docs)") | join(", ")) end' \
        "$OUT/$c.compare.json"
    for p in gopher c4 culture-aware; do
        n=$(wc -l < "$f")
        t0=$(date +%s.%N)
        "$P" filter --preset "$p" -q "$f" > /dev/null 2>&1
        t1=$(date +%s.%N)
        echo "$p: $(echo "$n / ($t1 - $t0)" | bc -l | xargs printf '%.0f') documents/s"
    done
done
