#!/bin/sh
# bench/ingest/run.sh — JSONL read-and-write throughput of `polyphony ingest
# --format jsonl` against `jq -c .` (the strongest JSONL rewriter that runs
# here), on the same file in the same run.
#
# Usage: bench/ingest/run.sh [POLYPHONY] [MEGABYTES]
#   POLYPHONY  binary to measure (default: ./polyphony)
#   MEGABYTES  approximate size of the test file (default 200)
#
# The file repeats the bundled UDHR records (eval-sets/udhr/udhr.jsonl.zst)
# until it reaches the size. Both tools read the file and write every record
# back (polyphony also re-checks UTF-8, NFC-normalizes, canonicalizes the
# language tag and recomputes the script of each record); output goes to
# /dev/null. Each tool runs RUNS times (default 3) and the best time counts.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
polyphony=${1:-./polyphony}
mb=${2:-200}
runs=${RUNS:-3}
command -v jq >/dev/null || { echo "run.sh: jq not found (apt-get install jq)" >&2; exit 1; }
[ -x "$polyphony" ] || command -v "$polyphony" >/dev/null ||
    { echo "run.sh: $polyphony not found; build first or pass the binary" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
zstd -dc "$top/eval-sets/udhr/udhr.jsonl.zst" >"$tmp/one.jsonl"
target=$((mb * 1000000))
: >"$tmp/bench.jsonl"
while [ "$(wc -c <"$tmp/bench.jsonl")" -lt "$target" ]; do
    cat "$tmp/one.jsonl" >>"$tmp/bench.jsonl"
done
bytes=$(wc -c <"$tmp/bench.jsonl")
lines=$(wc -l <"$tmp/bench.jsonl")

# best wall time in seconds of `"$@" FILE >/dev/null` over $runs runs
best() {
    b=
    i=0
    while [ $i -lt "$runs" ]; do
        s=$(date +%s.%N)
        "$@" "$tmp/bench.jsonl" >/dev/null
        e=$(date +%s.%N)
        t=$(echo "$e - $s" | bc -l)
        if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
        i=$((i + 1))
    done
    echo "$b"
}

# Outputs must agree on the number of records.
n_pp=$("$polyphony" ingest --format jsonl "$tmp/bench.jsonl" | wc -l)
n_jq=$(jq -c . "$tmp/bench.jsonl" | wc -l)
[ "$n_pp" = "$lines" ] && [ "$n_jq" = "$lines" ] ||
    { echo "run.sh: record counts differ: input $lines, polyphony $n_pp, jq $n_jq" >&2; exit 1; }

t_pp=$(best "$polyphony" ingest --format jsonl)
t_jq=$(best jq -c .)
mbs_pp=$(echo "$bytes / 1000000 / $t_pp" | bc -l)
mbs_jq=$(echo "$bytes / 1000000 / $t_jq" | bc -l)
printf 'input: %s records, %.1f MB (bundled UDHR repeated); best of %s runs\n' \
    "$lines" "$(echo "$bytes / 1000000" | bc -l)" "$runs"
printf '%-40s %8.2f s %8.1f MB/s\n' "polyphony ingest --format jsonl" "$t_pp" "$mbs_pp"
printf '%-40s %8.2f s %8.1f MB/s\n' "jq -c ." "$t_jq" "$mbs_jq"
printf 'ratio (polyphony / jq throughput): %.2f\n' "$(echo "$mbs_pp / $mbs_jq" | bc -l)"
