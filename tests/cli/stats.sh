#!/bin/sh
# stats.sh — polyphony stats: counts, grouping, malformed lines, ledger.
. "$top_srcdir/tests/cli/lib.sh"

printf '%s\n' '{"id":"1","text":"Ẹ̀kọ́ ni","lang":"yo","script":"Latn"}' \
    '{"id":"2","text":"ሰላም","lang":"am"}' '{"id":"3","text":"ọ̀nà","lang":"yo"}' > "$TMP/c.jsonl"
expect_status 0 pp stats "$TMP/c.jsonl"
expect_grep '^yo +2 +12 ' "$TMP/out"
expect_grep '^am +1 +3 .*Ethi' "$TMP/out"
expect_grep '^2 lang values, 2 scripts' "$TMP/out"
expect_status 0 pp stats --by script --json "$TMP/c.jsonl"
expect_grep '"records": 3' "$TMP/out"
zstd -q -c "$TMP/c.jsonl" > "$TMP/c.jsonl.zst"
expect_status 0 pp stats --ledger "$TMP/l.jsonl" - < "$TMP/c.jsonl.zst"
expect_grep '"stage":"corpus","step":"stats","lang":"yo","metric":"documents","value":2' "$TMP/l.jsonl"
# Malformed line: reported with file and line, run fails; --strict stops.
printf '%s\n' '{"id":"1","text":"a","lang":"en"}' '{"id":"2","text":"trunc' > "$TMP/bad.jsonl"
expect_status 1 pp stats "$TMP/bad.jsonl"
expect_grep 'bad.jsonl:2: malformed JSON' "$TMP/err"
expect_status 1 pp stats --strict "$TMP/bad.jsonl"
expect_status 1 pp stats "$TMP/missing.jsonl"
expect_grep 'missing.jsonl: cannot open' "$TMP/err"
expect_status 2 pp stats --by nothing
finish
