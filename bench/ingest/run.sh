#!/bin/sh
# bench/ingest/run.sh — JSONL read-and-write throughput of `polyphony ingest
# --format jsonl` against `jq -c .` (the strongest JSONL rewriter that runs
# here), on the same file, as paired runs (bench/paired.sh).
#
# Usage: bench/ingest/run.sh [POLYPHONY] [MEGABYTES] [JSONL]...
#   POLYPHONY  binary to measure (default: ./polyphony)
#   MEGABYTES  approximate size of the test files (default 200)
#   JSONL      further files to measure as they are (.gz/.zst allowed)
#
# "short": the bundled UDHR records (eval-sets/udhr/udhr.jsonl.zst, ~220
# characters of text each, with their meta) repeated until the size;
# "long": the same paragraphs joined eight at a time within a declaration
# (~1,750 characters), as {id, text, lang} records, repeated likewise.
# Both tools read the file and write every record back (polyphony also
# re-checks UTF-8, NFC-normalizes, canonicalizes the language tag and
# recomputes the script of each record); output goes to /dev/null.
# PAIRS (default 5) pairs per comparison.
# shellcheck disable=SC2046 # figures are split into words on purpose
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
polyphony=${1:-./polyphony}
mb=${2:-200}
[ $# -ge 2 ] && shift 2 || shift $#
pairs=${PAIRS:-5}
command -v jq >/dev/null || { echo "run.sh: jq not found (apt-get install jq)" >&2; exit 1; }
[ -x "$polyphony" ] || command -v "$polyphony" >/dev/null ||
    { echo "run.sh: $polyphony not found; build first or pass the binary" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
zstd -dc "$top/eval-sets/udhr/udhr.jsonl.zst" >"$tmp/short1.jsonl"
jq -r '[(.id | sub("-a[0-9]+-p[0-9]+$"; "")), .lang, .text] | @tsv' "$tmp/short1.jsonl" |
    awk -F '\t' '{ if ($1 != d || n == 8) { if (n) print d "\t" l "\t" t; d = $1; l = $2; t = $3; n = 1 }
                   else { t = t " " $3; n++ } } END { if (n) print d "\t" l "\t" t }' |
    jq -R -c 'split("\t") | {id: .[0], text: .[2], lang: .[1]}' >"$tmp/long1.jsonl"

target=$((mb * 1000000))
for k in short long; do
    : >"$tmp/$k.jsonl"
    while [ "$(wc -c <"$tmp/$k.jsonl")" -lt "$target" ]; do
        cat "$tmp/${k}1.jsonl" >>"$tmp/$k.jsonl"
    done
done

measure() { # NAME FILE
    bytes=$(wc -c <"$2")
    lines=$(wc -l <"$2")
    # Outputs must agree on the number of records.
    n_pp=$("$polyphony" ingest -q --format jsonl "$2" 2>/dev/null | wc -l)
    n_jq=$(jq -c . "$2" | wc -l)
    [ "$n_pp" = "$lines" ] && [ "$n_jq" = "$lines" ] ||
        { echo "run.sh: record counts differ: input $lines, polyphony $n_pp, jq $n_jq" >&2; exit 1; }
    printf '== %s: %s records, %.1f MB\n' "$1" "$lines" "$(echo "$bytes / 1000000" | bc -l)"
    sh "$top/bench/paired.sh" "$pairs" "polyphony ingest --format jsonl" \
        "'$polyphony' ingest -q --format jsonl '$2' 2>/dev/null" "jq -c ." "jq -c . '$2'" |
        tee "$tmp/out"
    set -- $(grep '^ratio ' "$tmp/out")
    printf 'throughput ratio (polyphony / jq): median %.2f, min %.2f, max %.2f\n' "$2" "$3" "$4"
}
measure "short lines (UDHR records repeated)" "$tmp/short.jsonl"
measure "long lines (UDHR paragraphs joined by 8, repeated)" "$tmp/long.jsonl"
for f in "$@"; do
    case $f in
    *.zst) zstd -dc "$f" >"$tmp/given.jsonl" ;;
    *.gz) gzip -dc "$f" >"$tmp/given.jsonl" ;;
    *) cp "$f" "$tmp/given.jsonl" ;;
    esac
    measure "$(basename "$f")" "$tmp/given.jsonl"
done
