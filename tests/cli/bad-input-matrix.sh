#!/bin/sh
# bad-input-matrix.sh — every record-reading command against the same
# malformed inputs: a truncated .gz and a corrupt .zst end the run (exit 1,
# FILE:LINE), a NUL, a wrong type or a line that is not an object is a bad
# line (exit 1 without --rejects, FILE:LINE named), a byte order mark and an
# empty file are fine; an output that is an input is refused, and a full
# standard output fails the run. Every call is bounded (lib.sh).
. "$top_srcdir/tests/cli/lib.sh"
D="$TESTDATA/bad-inputs"
CL="$TESTDATA/tokenizers/cl100k_base.tiktoken.zst"
time_limit 20

cd "$TMP" || stop "no temporary directory"
printf '%s\n' '{"id":"1","lang":"en","text":"The quick brown fox jumps over the lazy dog."}' \
    '{"id":"2","lang":"yo","text":"Gbogbo eniyan ni a bi ni ominira."}' > good.jsonl
gzip -c good.jsonl | head -c 40 > trunc.jsonl.gz
cp "$D/stream-loop-bitflip.jsonl.zst" corrupt.jsonl.zst
{ head -n 1 good.jsonl; echo '{"id":"n","lang":"en","text":"a\u0000b"}'; } > nul.jsonl
{ printf '\357\273\277'; cat good.jsonl; } > bom.jsonl
{ head -n 1 good.jsonl; echo '{"id":"t","lang":"en","text":42}'; } > wrongtype.jsonl
{ head -n 1 good.jsonl; echo '[1,2]'; } > notobject.jsonl
: > empty.jsonl

# command | status on: trunc corrupt nul bom wrongtype notobject empty
while IFS='|' read -r cmd want; do
    set -- $want
    for f in trunc.jsonl.gz corrupt.jsonl.zst nul.jsonl bom.jsonl wrongtype.jsonl notobject.jsonl \
        empty.jsonl; do
        # shellcheck disable=SC2086
        expect_status "$1" pp $cmd "$f"
        if [ "$1" = 1 ] && [ "$f" != empty.jsonl ]; then
            expect_grep "$f:[0-9]+: " "$TMP/err"
        fi
        shift
    done
done <<EOT
stats|1 1 1 0 1 1 0
lid -m $D/small.ftz|1 1 1 0 1 1 0
discover -m $D/small.ftz|1 1 1 0 1 1 0
pii|1 1 1 0 1 1 0
dedup|1 1 1 0 1 1 0
filter -q -p gopher|1 1 1 0 1 1 0
filter -q -p c4|1 1 1 0 1 1 0
sample -q -s unimax -b 2|1 1 1 0 1 1 1
datasheet|1 1 1 0 1 1 0
ingest -f jsonl|1 1 1 0 1 1 0
tokenizer encode -m $CL|1 1 1 0 1 1 0
EOT

# The same commands may not write over their input (-o, or --rejects).
for cmd in "lid -m $D/small.ftz -o" "pii -o" "pii --rejects" "dedup -o" "filter -q -p gopher -o" \
    "filter -q -p gopher --rejects" "sample -q -s unimax -b 2 -o" "ingest -f jsonl -o"; do
    cp good.jsonl same.jsonl
    # shellcheck disable=SC2086
    expect_status 1 pp $cmd same.jsonl same.jsonl
    expect_grep "same.jsonl: this file is also an input" "$TMP/err"
    expect_same good.jsonl same.jsonl "input kept by '$cmd'"
done

# A standard output that cannot be written fails the run (filter is not in
# the list: both records of good.jsonl are too short for its presets, so it
# writes nothing).
if [ -w /dev/full ]; then
    for cmd in "stats" "lid -m $D/small.ftz" "discover -m $D/small.ftz" "pii" "dedup" \
        "sample -q -s unimax -b 2" "datasheet" "ingest -f jsonl" \
        "tokenizer encode -m $CL"; do
        checks=$((checks + 1))
        # shellcheck disable=SC2086
        pp $cmd good.jsonl > /dev/full 2> "$TMP/err"
        st=$?
        [ "$st" = 1 ] && grep -q "write" "$TMP/err" || _failed "'$cmd > /dev/full' exited $st" "$TMP/err"
    done
fi
finish
