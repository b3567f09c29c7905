#!/bin/sh
# tests/cli/pipeline.sh — one Swahili corpus through ingest -> lid -> filter
# -> tokenizer -> eval -> audit, each command as a user calls it with the
# code they know ("sw"), no renaming between stages: lid labels the text
# swh (the individual language), the commands asked for "sw" find it by the
# registry's identity rule, and the audit reports one community.
. "$top_srcdir/tests/cli/lib.sh"
require_cmd jq jq
require_cmd zstd zstdcat
U=$POLYPHONY_DATA/eval-sets/udhr/udhr.jsonl.zst
L=$TMP/ledger.jsonl
export PP_RUN=2026-01-01T00:00:00Z

# The corpus: the Swahili UDHR (train split) as plain text, one paragraph a line
zstdcat "$U" | jq -r 'select(.meta.udhr_code == "swh" and .meta.split == "train" and (.text | length) >= 40) | .text' >"$TMP/sw.txt"
check "a Swahili corpus of 42 paragraphs" test "$(wc -l <"$TMP/sw.txt")" -eq 42

expect_status 0 pp ingest --lang sw --source udhr-sw --ledger "$L" -o "$TMP/ingested.jsonl" "$TMP/sw.txt" ||
    stop "ingest failed"
expect_status 0 pp lid --ledger "$L" -o "$TMP/lid.jsonl" "$TMP/ingested.jsonl" || stop "lid failed"
# language identification names the individual language
expect_jq_slurp '[.[].lang] | unique == ["swh"]' "$TMP/lid.jsonl"
expect_status 0 pp filter --ledger "$L" -o "$TMP/filtered.jsonl" "$TMP/lid.jsonl" || stop "filter failed"
# tokenizer train --lang sw takes the swh records (it used to find "no training text for sw")
expect_status 0 pp tokenizer train --lang sw --vocab-size 500 --input "$TMP/filtered.jsonl" \
    --output "$TMP/tok" --quiet || stop "tokenizer train failed"
expect_no_grep "no training text|skipped" "$TMP/err"
expect_file "$TMP/tok.model"
expect_status 0 pp tokenizer audit --model "$TMP/tok.model" --ledger "$L" "$TMP/filtered.jsonl"
# eval of a system's output against the held-out (test split) paragraphs, plain text, --lang sw
zstdcat "$U" | jq -r 'select(.meta.udhr_code == "swh" and .meta.split == "test") | .text' >"$TMP/ref.txt"
awk '{ n = split($0, w, " "); s = ""; for (i = 1; i <= n; i++) if (i % 4) s = s (s ? " " : "") w[i]; print s }' \
    "$TMP/ref.txt" >"$TMP/hyp.txt"
expect_status 0 pp eval -m chrf,bleu,ter --lang sw -B 100 --step udhr-test --ledger "$L" \
    "$TMP/hyp.txt" "$TMP/ref.txt" || stop "eval failed"
expect_grep "^signature: BLEU\|nrefs:1\|" "$TMP/out"

# Every stage wrote rows
for st in ingest lid filter tokenizer eval; do
    expect_jq_slurp "any(.[]; .stage == \"$st\")" "$L"
done
# The audit reports one community, the individual language swh, with the
# speakers of its macrolanguage (flagged), never an imputed minimum
expect_status 0 pp audit --json "$L"
expect_jq '[.[].languages[].lang] | unique == ["swh"]' "$TMP/out"
expect_jq '[.[].languages[] | select(has("u")) | .speakers_from] | unique == ["swa"]' "$TMP/out"
expect_grep "swh has no speaker count of its own; it carries its macrolanguage swa's" "$TMP/err"
# inventory (ingest counts, lid shares) is context; quality and cost carry the gaps
expect_jq 'all(.[] | select(.stage == "ingest" or .metric == "lid.identify.share"); .kind == "inventory" and .gini == null)' "$TMP/out"
expect_jq 'any(.[]; .metric == "eval.udhr-test.chrf" and .kind == "quality")' "$TMP/out"
# at the macrolanguage level the one community is sw
expect_status 0 pp audit --json --lang-level macrolanguage "$L"
expect_jq '[.[].languages[].lang] | unique == ["sw"]' "$TMP/out"
# the datasheet and stats print numbers plainly (1336820, not 1.33682e+06)
cp "$L" "$TMP/big.jsonl"
printf '{"stage":"corpus","step":"stats","lang":"swh","metric":"characters","value":1336820.0,"n":3}\n' >>"$TMP/big.jsonl"
expect_status 0 pp datasheet --ledger "$TMP/big.jsonl" --out "$TMP/ds" "$TMP/filtered.jsonl"
expect_grep '\| characters \| 1336820 \|' "$TMP/ds.md"
expect_no_grep '[0-9]e[+-][0-9]' "$TMP/ds.md"
expect_status 0 pp audit "$TMP/big.jsonl"
expect_grep 'swh 1336820' "$TMP/out"
# the report: one community in the path table
expect_status 0 pp audit --html "$TMP/report.html" "$L"
expect_eq "$(sed -n '/<section id="paths">/,/<\/section>/p' "$TMP/report.html" | grep -c '^<tr><td class="l">')" 1 \
    "communities in the report's path table"
finish
