#!/bin/sh
# tests/cli/dedup.sh — polyphony dedup: drop/mark, stdin, two-phase mode equal
# to one process, ledger rows, bad input and usage errors.
. "$top_srcdir/tests/cli/lib.sh"
C="$TESTDATA/dedup/corpus.jsonl"

# default: duplicates dropped, first record of each cluster kept
expect_status 0 pp dedup --quiet "$C"
cp "$TMP/out" "$TMP/out.jsonl"
ids=$(sed -n 's/^{"id":"\([^"]*\)".*/\1/p' "$TMP/out.jsonl" | tr '\n' ' ')
expect_eq "$ids" "en-1 fr-1 th-1 en-3 yo-1 en-4 " "kept ids"
expect_grep '6 exact|3 exact and 3 near duplicates removed' "$TMP/err"
expect_grep '1 record without "id"' "$TMP/err"
expect_grep '2 records without "lang".*und' "$TMP/err"

# --mark keeps all and names the kept record
expect_status 0 pp dedup --mark "$C"
cp "$TMP/out" "$TMP/mark.jsonl"
expect_lines 12 "$TMP/mark.jsonl"
expect_grep '"id":"en-2".*"dup_of":"en-1","dup_kind":"exact"' "$TMP/mark.jsonl"
expect_grep '"id":"fr-2".*"dup_of":"fr-1","dup_kind":"near"' "$TMP/mark.jsonl"
# th-2 (char shingles) is a near duplicate of th-1
expect_grep '"id":"th-2".*"dup_of":"th-1","dup_kind":"near"' "$TMP/mark.jsonl"
# the id-less near copy is marked
expect_grep '"dup_of":"en-1","dup_kind":"near"' "$TMP/mark.jsonl"
# en-4 is not marked
expect_grep '"id":"en-4","lang":"en","text":"[^"]*"}$' "$TMP/mark.jsonl"

# stdin gives the same as the file (position ids name <stdin>)
expect_status 0 pp dedup --quiet <"$C"
expect_same "$TMP/out" "$TMP/out.jsonl" "stdin result differs"
expect_status 0 pp dedup --mark - <"$C"
expect_grep '"lang":"en","text":"All human beings are born free and equal in dignity and rights. They are endowed with reason and conscience and they' "$TMP/out"

# a stricter threshold keeps the near copies
expect_status 0 pp dedup --threshold 0.99 "$C"
expect_grep '"id":"fr-2"' "$TMP/out"

# two-phase mode over two shards equals one process
head -n 6 "$C" >"$TMP/part-0.jsonl"
tail -n +7 "$C" >"$TMP/part-1.jsonl"
cat "$TMP/part-0.jsonl" "$TMP/part-1.jsonl" | sed 's/^{"lang"/{"id":"anon","lang"/' >"$TMP/all.jsonl"
sed -i 's/^{"lang"/{"id":"anon","lang"/' "$TMP/part-0.jsonl"
for s in 0 1; do
    check "signatures of shard $s" pp dedup signatures "$TMP/part-$s.jsonl" >"$TMP/part-$s.sig" 2>/dev/null
done
check "merge" pp dedup merge --ledger "$TMP/ledger.jsonl" "$TMP/part-0.sig" "$TMP/part-1.sig" \
    >"$TMP/table.jsonl" 2>/dev/null
grep '"pos"' "$TMP/table.jsonl" > "$TMP/dups.jsonl"
expect_lines 6 "$TMP/dups.jsonl"
expect_grep '^\{"shard":"part-1.jsonl","records":[0-9]+\}$' "$TMP/table.jsonl"
expect_grep '"shard":"part-1.jsonl","pos":2,"id":"th-2","dup_of":"th-1","kept_shard":"part-0.jsonl","kind":"near"' "$TMP/table.jsonl"
for mode in "" "--mark"; do
    : >"$TMP/sharded.jsonl"
    for s in 0 1; do
        check "apply $mode to shard $s" pp dedup apply $mode --table "$TMP/table.jsonl" "$TMP/part-$s.jsonl" \
            >>"$TMP/sharded.jsonl" 2>/dev/null
    done
    check "one process $mode" pp dedup $mode --quiet "$TMP/all.jsonl" >"$TMP/single.jsonl" 2>/dev/null
    expect_same "$TMP/sharded.jsonl" "$TMP/single.jsonl" "two-phase ($mode) differs from one process"
done
expect_grep '"stage":"dedup","step":"dedup","lang":"en","metric":"removed","value":0.5,"n":6' "$TMP/ledger.jsonl"
expect_grep '"lang":"und","metric":"removed"' "$TMP/ledger.jsonl"

# compressed signature files work too
check "signatures -o .zst" pp dedup signatures -o "$TMP/p0.sig.zst" "$TMP/part-0.jsonl" 2>/dev/null
check "merge of .zst signatures" pp dedup merge "$TMP/p0.sig.zst" "$TMP/part-1.sig" >"$TMP/table2.jsonl" 2>/dev/null
expect_same "$TMP/table.jsonl" "$TMP/table2.jsonl" "table from .zst signatures differs"

# merge refuses signatures made with other parameters, the same shard twice,
# truncated and foreign files
pp dedup signatures --shingle word:5 "$TMP/part-1.jsonl" >"$TMP/other.sig" 2>/dev/null
expect_status 1 pp dedup merge "$TMP/part-0.sig" "$TMP/other.sig"
expect_grep 'other shingles' "$TMP/err"
expect_status 1 pp dedup merge "$TMP/part-0.sig" "$TMP/part-0.sig"
expect_grep 'appears twice' "$TMP/err"
head -c 300 "$TMP/part-0.sig" >"$TMP/trunc.sig"
expect_status 1 pp dedup merge "$TMP/trunc.sig"
expect_grep 'truncated' "$TMP/err"
expect_status 1 pp dedup merge "$C"
expect_grep 'not a polyphony dedup signature file' "$TMP/err"
# apply without --table
expect_status 2 pp dedup apply "$TMP/part-0.jsonl"
# a table naming a missing line
echo '{"shard":"part-0.jsonl","pos":99,"dup_of":"x"}' >"$TMP/badtable.jsonl"
expect_status 1 pp dedup apply --table "$TMP/badtable.jsonl" "$TMP/part-0.jsonl"
expect_grep 'past its last record' "$TMP/err"

# bad input: malformed JSON, invalid UTF-8, a record without text
{
    head -n 2 "$C"
    echo '{"id":"broken","text":"no closing brace"'
    printf '{"id":"latin1","lang":"fr","text":"caf\351"}\n'
    echo '{"id":"notext","lang":"en"}'
    tail -n 2 "$C"
} >"$TMP/bad.jsonl"
expect_status 1 pp dedup "$TMP/bad.jsonl"
expect_grep "bad.jsonl:3:" "$TMP/err"
# no output written despite the error
expect_empty "$TMP/out"
expect_status 0 pp dedup --rejects "$TMP/rej.jsonl" "$TMP/bad.jsonl"
expect_lines 3 "$TMP/rej.jsonl"
expect_grep '"line":4,.*UTF-8' "$TMP/rej.jsonl"
expect_grep '"line":5,"reason":"record has no \\"text\\" string"' "$TMP/rej.jsonl"
expect_lines 4 "$TMP/out"
expect_grep '3 bad lines written' "$TMP/err"
expect_status 1 pp dedup --strict --rejects "$TMP/rej2.jsonl" "$TMP/bad.jsonl"
expect_status 1 pp dedup signatures "$TMP/bad.jsonl"
expect_status 1 pp dedup "$TMP/missing.jsonl"

# usage errors
expect_status 2 pp dedup --threshold 2 "$C"
expect_status 2 pp dedup --shingle bytes:3 "$C"
# too many permutations
expect_status 2 pp dedup --bands 100 --rows 100 "$C"
# two shards to signatures
expect_status 2 pp dedup signatures "$TMP/part-0.jsonl" "$TMP/part-1.jsonl"
expect_status 0 pp dedup --help
expect_grep 'Usage: polyphony dedup' "$TMP/out"
expect_status 0 pp help dedup
expect_grep 'dedup merge' "$TMP/out"

finish
