#!/bin/sh
# tests/cli/parallel.sh — a 4-shard run under GNU parallel gives the same
# result as one process: dedup through its two-phase mode (signatures per
# shard, one merge, apply per shard) and pii as a plain stream filter.
# Skipped (77) when GNU parallel is not installed.
set -u
: "${POLYPHONY:?}" "${TESTDATA:?}"
PP_WRAP=${PP_WRAP:-}
command -v parallel >/dev/null 2>&1 || { echo "GNU parallel not found: skipped"; exit 77; }
parallel --version 2>/dev/null | grep -q 'GNU parallel' || { echo "not GNU parallel: skipped"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/pp-parallel-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
PP="$PP_WRAP $POLYPHONY"
export PP

# A corpus with duplicates spread over every shard: eight copies of the dedup
# fixture with their own ids (a copy's text changes in one word every other
# round), then the PII fixture.
for i in 1 2 3 4 5 6 7 8; do
    if [ $((i % 2)) -eq 0 ]; then w=spirit; else w=mood; fi
    sed -e "s/^{\"lang\"/{\"id\":\"anon\",\"lang\"/" -e "s/\"id\":\"\([^\"]*\)\"/\"id\":\"\1-$i\"/" \
        -e "s/in a spirit of/in a $w of/" "$TESTDATA/dedup/corpus.jsonl"
done >"$T/all.jsonl"
cat "$TESTDATA/pii/records.jsonl" >>"$T/all.jsonl"
mkdir "$T/shards"
split -n l/4 -d -a 1 --additional-suffix=.jsonl "$T/all.jsonl" "$T/shards/part-"
[ "$(ls "$T/shards" | wc -l)" -eq 4 ] || fail "expected 4 shards"

# one process
$PP dedup --quiet --mark "$T/all.jsonl" >"$T/single-dedup.jsonl" 2>/dev/null || fail "single dedup"
$PP pii --quiet --redact "$T/all.jsonl" >"$T/single-pii.jsonl" 2>/dev/null || fail "single pii"

# four shards through GNU parallel (no cd: PP_WRAP may hold a relative path)
S="$T/shards"
parallel --will-cite -j 4 '$PP dedup signatures --quiet {} > {.}.sig' ::: "$S"/part-*.jsonl 2>/dev/null \
    || fail "parallel signatures"
$PP dedup merge "$S/part-0.sig" "$S/part-1.sig" "$S/part-2.sig" "$S/part-3.sig" >"$T/table.jsonl" 2>/dev/null \
    || fail "merge"
parallel --will-cite -k -j 4 '$PP dedup apply --quiet --mark --table '"$T"'/table.jsonl {}' ::: "$S"/part-*.jsonl \
    >"$T/sharded-dedup.jsonl" 2>/dev/null || fail "parallel apply"
parallel --will-cite -k -j 4 '$PP pii --quiet --redact {}' ::: "$S"/part-*.jsonl \
    >"$T/sharded-pii.jsonl" 2>/dev/null || fail "parallel pii"

n=$(grep -c '"dup_of"' "$T/single-dedup.jsonl")
[ "$n" -ge 80 ] || fail "only $n duplicates found in one process"
cross=$(grep -c '"kept_shard":"part-0.jsonl"' "$T/table.jsonl")
[ "$cross" -ge 20 ] || fail "too few duplicates across shards ($cross)"
cmp -s "$T/single-dedup.jsonl" "$T/sharded-dedup.jsonl" || fail "dedup: 4 shards differ from one process"
cmp -s "$T/single-pii.jsonl" "$T/sharded-pii.jsonl" || fail "pii: 4 shards differ from one process"

[ $fails -eq 0 ] && echo "parallel.sh: all passed ($n duplicates, $cross kept in shard 0)"
exit $((fails > 0))
