#!/bin/sh
# tests/cli/parallel.sh — a 4-shard run under GNU parallel gives the same
# result as one process: dedup through its two-phase mode (signatures per
# shard, one merge, apply per shard) and pii as a plain stream filter.
# Skipped (77) when GNU parallel is not installed.
. "$top_srcdir/tests/cli/lib.sh"
require_cmd parallel parallel
parallel --version 2>/dev/null | grep -q 'GNU parallel' || skip "not GNU parallel"
# The command each parallel job runs, bounded in time like pp (parallel's
# own run is bounded too: `bounded parallel ...`).
PP="timeout -k 10 $pp_timeout $PP_WRAP $POLYPHONY"
export PP

# A corpus with duplicates spread over every shard: eight copies of the dedup
# fixture with their own ids (a copy's text changes in one word every other
# round), then the PII fixture.
for i in 1 2 3 4 5 6 7 8; do
    if [ $((i % 2)) -eq 0 ]; then w=spirit; else w=mood; fi
    sed -e "s/^{\"lang\"/{\"id\":\"anon\",\"lang\"/" -e "s/\"id\":\"\([^\"]*\)\"/\"id\":\"\1-$i\"/" \
        -e "s/in a spirit of/in a $w of/" "$TESTDATA/dedup/corpus.jsonl"
done >"$TMP/all.jsonl"
cat "$TESTDATA/pii/records.jsonl" >>"$TMP/all.jsonl"
mkdir "$TMP/shards"
split -n l/4 -d -a 1 --additional-suffix=.jsonl "$TMP/all.jsonl" "$TMP/shards/part-"
expect_eq "$(ls "$TMP/shards" | wc -l | tr -d ' ')" 4 "shards"

# one process
check "single dedup" pp dedup --quiet --mark "$TMP/all.jsonl" >"$TMP/single-dedup.jsonl" 2>/dev/null
check "single pii" pp pii --quiet --redact "$TMP/all.jsonl" >"$TMP/single-pii.jsonl" 2>/dev/null

# four shards through GNU parallel (no cd: PP_WRAP may hold a relative path)
S="$TMP/shards"
check "parallel signatures" bounded parallel --will-cite -j 4 '$PP dedup signatures --quiet {} > {.}.sig' \
    ::: "$S"/part-*.jsonl 2>/dev/null
check "merge" pp dedup merge "$S/part-0.sig" "$S/part-1.sig" "$S/part-2.sig" "$S/part-3.sig" \
    >"$TMP/table.jsonl" 2>/dev/null
check "parallel apply" bounded parallel --will-cite -k -j 4 '$PP dedup apply --quiet --mark --table '"$TMP"'/table.jsonl {}' \
    ::: "$S"/part-*.jsonl >"$TMP/sharded-dedup.jsonl" 2>/dev/null
check "parallel pii" bounded parallel --will-cite -k -j 4 '$PP pii --quiet --redact {}' \
    ::: "$S"/part-*.jsonl >"$TMP/sharded-pii.jsonl" 2>/dev/null

n=$(grep -c '"dup_of"' "$TMP/single-dedup.jsonl")
check "only $n duplicates found in one process" [ "$n" -ge 80 ]
cross=$(grep -c '"kept_shard":"part-0.jsonl"' "$TMP/table.jsonl")
check "too few duplicates across shards ($cross)" [ "$cross" -ge 20 ]
expect_same "$TMP/single-dedup.jsonl" "$TMP/sharded-dedup.jsonl" "dedup: 4 shards differ from one process"
expect_same "$TMP/single-pii.jsonl" "$TMP/sharded-pii.jsonl" "pii: 4 shards differ from one process"

echo "($n duplicates, $cross kept in shard 0)"
finish
