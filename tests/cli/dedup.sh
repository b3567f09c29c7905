#!/bin/sh
# tests/cli/dedup.sh — polyphony dedup: drop/mark, stdin, two-phase mode equal
# to one process, ledger rows, bad input and usage errors.
set -u
: "${POLYPHONY:?}" "${TESTDATA:?}"
PP_WRAP=${PP_WRAP:-}
T=$(mktemp -d "${TMPDIR:-/tmp}/pp-dedup-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
pp() { $PP_WRAP "$POLYPHONY" "$@"; }
C="$TESTDATA/dedup/corpus.jsonl"

# default: duplicates dropped, first record of each cluster kept
pp dedup --quiet "$C" >"$T/out.jsonl" 2>"$T/err" || fail "dedup exited $?"
ids=$(sed -n 's/^{"id":"\([^"]*\)".*/\1/p' "$T/out.jsonl" | tr '\n' ' ')
[ "$ids" = "en-1 fr-1 th-1 en-3 yo-1 en-4 " ] || fail "kept ids: '$ids'"
grep -q '6 exact\|3 exact and 3 near duplicates removed' "$T/err" || fail "summary: $(cat "$T/err")"
grep -q '1 record without "id"' "$T/err" || fail "no note about records without id"
grep -q '2 records without "lang".*und' "$T/err" || fail "no note about records without lang"

# --mark keeps all and names the kept record
pp dedup --mark "$C" >"$T/mark.jsonl" 2>/dev/null || fail "dedup --mark exited $?"
[ "$(wc -l <"$T/mark.jsonl")" -eq 12 ] || fail "--mark dropped records"
grep -q '"id":"en-2".*"dup_of":"en-1","dup_kind":"exact"' "$T/mark.jsonl" || fail "en-2 not exact dup of en-1"
grep -q '"id":"fr-2".*"dup_of":"fr-1","dup_kind":"near"' "$T/mark.jsonl" || fail "fr-2 not near dup of fr-1"
grep -q '"id":"th-2".*"dup_of":"th-1","dup_kind":"near"' "$T/mark.jsonl" || fail "th-2 (char shingles) not near dup of th-1"
grep -q '"dup_of":"en-1","dup_kind":"near"' "$T/mark.jsonl" || fail "id-less near copy not marked"
grep -q '"id":"en-4","lang":"en","text":"[^"]*"}$' "$T/mark.jsonl" || fail "en-4 wrongly marked"

# stdin gives the same as the file (position ids name <stdin>)
pp dedup --quiet <"$C" >"$T/stdin.jsonl" 2>/dev/null || fail "dedup on stdin exited $?"
cmp -s "$T/stdin.jsonl" "$T/out.jsonl" || fail "stdin result differs"
pp dedup --mark - <"$C" 2>/dev/null | grep -q '"lang":"en","text":"All human beings are born free and equal in dignity and rights. They are endowed with reason and conscience and they' \
    || fail "stdin --mark"

# a stricter threshold keeps the near copies
pp dedup --threshold 0.99 "$C" 2>/dev/null | grep -q '"id":"fr-2"' || fail "--threshold 0.99 dropped fr-2"

# two-phase mode over two shards equals one process
head -n 6 "$C" >"$T/part-0.jsonl"
tail -n +7 "$C" >"$T/part-1.jsonl"
cat "$T/part-0.jsonl" "$T/part-1.jsonl" | sed 's/^{"lang"/{"id":"anon","lang"/' >"$T/all.jsonl"
sed -i 's/^{"lang"/{"id":"anon","lang"/' "$T/part-0.jsonl"
for s in 0 1; do
    pp dedup signatures "$T/part-$s.jsonl" >"$T/part-$s.sig" 2>/dev/null || fail "signatures $s exited $?"
done
pp dedup merge --ledger "$T/ledger.jsonl" "$T/part-0.sig" "$T/part-1.sig" >"$T/table.jsonl" 2>/dev/null \
    || fail "merge exited $?"
[ "$(grep -c '"pos"' "$T/table.jsonl")" -eq 6 ] || fail "table has $(grep -c '"pos"' "$T/table.jsonl") duplicate rows, not 6"
grep -q '^{"shard":"part-1.jsonl","records":[0-9]*}$' "$T/table.jsonl" || fail "no shard row for part-1"
grep -q '"shard":"part-1.jsonl","pos":2,"id":"th-2","dup_of":"th-1","kept_shard":"part-0.jsonl","kind":"near"' "$T/table.jsonl" \
    || fail "table row for th-2: $(cat "$T/table.jsonl")"
for mode in "" "--mark"; do
    : >"$T/sharded.jsonl"
    for s in 0 1; do
        pp dedup apply $mode --table "$T/table.jsonl" "$T/part-$s.jsonl" >>"$T/sharded.jsonl" 2>/dev/null \
            || fail "apply $s exited $?"
    done
    pp dedup $mode --quiet "$T/all.jsonl" >"$T/single.jsonl" 2>/dev/null
    cmp -s "$T/sharded.jsonl" "$T/single.jsonl" || fail "two-phase ($mode) differs from one process"
done
grep -q '"stage":"dedup","step":"dedup","lang":"en","metric":"removed","value":0.5,"n":6' "$T/ledger.jsonl" \
    || fail "ledger row for en: $(head -n 1 "$T/ledger.jsonl")"
grep -q '"lang":"und","metric":"removed"' "$T/ledger.jsonl" || fail "no und ledger row"

# compressed signature files work too
pp dedup signatures -o "$T/p0.sig.zst" "$T/part-0.jsonl" 2>/dev/null || fail "signatures .zst"
pp dedup merge "$T/p0.sig.zst" "$T/part-1.sig" >"$T/table2.jsonl" 2>/dev/null || fail "merge .zst"
cmp -s "$T/table.jsonl" "$T/table2.jsonl" || fail "table from .zst signatures differs"

# merge refuses signatures made with other parameters, the same shard twice,
# truncated and foreign files
pp dedup signatures --shingle word:5 "$T/part-1.jsonl" >"$T/other.sig" 2>/dev/null
pp dedup merge "$T/part-0.sig" "$T/other.sig" >/dev/null 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q 'other shingles' "$T/err" || fail "incompatible signatures: rc=$rc $(cat "$T/err")"
pp dedup merge "$T/part-0.sig" "$T/part-0.sig" >/dev/null 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q 'appears twice' "$T/err" || fail "same shard twice: rc=$rc"
head -c 300 "$T/part-0.sig" >"$T/trunc.sig"
pp dedup merge "$T/trunc.sig" >/dev/null 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q 'truncated' "$T/err" || fail "truncated signatures: rc=$rc $(cat "$T/err")"
pp dedup merge "$C" >/dev/null 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q 'not a polyphony dedup signature file' "$T/err" || fail "foreign file: rc=$rc"
pp dedup apply "$T/part-0.jsonl" >/dev/null 2>&1; [ $? -eq 2 ] || fail "apply without --table"
echo '{"shard":"part-0.jsonl","pos":99,"dup_of":"x"}' >"$T/badtable.jsonl"
pp dedup apply --table "$T/badtable.jsonl" "$T/part-0.jsonl" >/dev/null 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q 'past its last record' "$T/err" || fail "table naming a missing line: rc=$rc"

# bad input: malformed JSON, invalid UTF-8, a record without text
{
    head -n 2 "$C"
    echo '{"id":"broken","text":"no closing brace"'
    printf '{"id":"latin1","lang":"fr","text":"caf\351"}\n'
    echo '{"id":"notext","lang":"en"}'
    tail -n 2 "$C"
} >"$T/bad.jsonl"
pp dedup "$T/bad.jsonl" >"$T/o" 2>"$T/err"; rc=$?
[ $rc -eq 1 ] || fail "malformed line: exit $rc, expected 1"
grep -q "bad.jsonl:3:" "$T/err" || fail "no file:line for the malformed line: $(cat "$T/err")"
[ -s "$T/o" ] && fail "output written despite the error"
pp dedup --rejects "$T/rej.jsonl" "$T/bad.jsonl" >"$T/o" 2>"$T/err"; rc=$?
[ $rc -eq 0 ] || fail "--rejects: exit $rc"
[ "$(wc -l <"$T/rej.jsonl")" -eq 3 ] || fail "rejects: $(cat "$T/rej.jsonl")"
grep -q '"line":4,.*UTF-8' "$T/rej.jsonl" || fail "invalid UTF-8 not rejected with a reason"
grep -q '"line":5,"reason":"record has no string \\"text\\""' "$T/rej.jsonl" || fail "missing text reason: $(sed -n 3p "$T/rej.jsonl")"
[ "$(wc -l <"$T/o")" -eq 4 ] || fail "--rejects output has $(wc -l <"$T/o") records, not 4"
grep -q '3 bad lines written' "$T/err" || fail "no count of rejected lines"
pp dedup --strict --rejects "$T/rej2.jsonl" "$T/bad.jsonl" >/dev/null 2>&1; [ $? -eq 1 ] || fail "--strict"
pp dedup signatures "$T/bad.jsonl" >/dev/null 2>"$T/err"; [ $? -eq 1 ] || fail "signatures on bad input"
pp dedup "$T/missing.jsonl" >/dev/null 2>"$T/err"; [ $? -eq 1 ] || fail "missing file"

# usage errors
pp dedup --threshold 2 "$C" >/dev/null 2>&1; [ $? -eq 2 ] || fail "--threshold 2"
pp dedup --shingle bytes:3 "$C" >/dev/null 2>&1; [ $? -eq 2 ] || fail "--shingle bytes:3"
pp dedup --bands 100 --rows 100 "$C" >/dev/null 2>&1; [ $? -eq 2 ] || fail "too many permutations"
pp dedup signatures "$T/part-0.jsonl" "$T/part-1.jsonl" >/dev/null 2>&1; [ $? -eq 2 ] || fail "two shards to signatures"
pp dedup --help | grep -q 'Usage: polyphony dedup' || fail "--help"
pp help dedup | grep -q 'dedup merge' || fail "help dedup"

[ $fails -eq 0 ] && echo "dedup.sh: all passed"
exit $((fails > 0))
