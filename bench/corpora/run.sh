#!/bin/sh
# bench/corpora/run.sh — throughput and peak memory of the corpus stream
# commands (filter when this build has it, dedup, pii) on a corpus of a
# gigabyte or more, built by concatenating the bundled UDHR and, when given,
# the Bible corpus (CES XML, converted with `polyphony ingest -f ces`) with
# varied ids. Run by hand:
#
#   bench/corpora/run.sh [BIBLE_CORPUS_DIR]
#
# Environment: POLYPHONY (binary; default ./polyphony of this tree),
# BENCH_WORK (work directory; default $TMPDIR/polyphony-bench-corpora),
# BENCH_BYTES (corpus size to reach; default 1000000000), BENCH_JOBS (GNU
# parallel jobs for the sharded dedup; default 2), BENCH_ONLY=peer (only the
# peer comparison).
#
# Peer: phone detection is compared with Google's libphonenumber
# (PhoneNumberMatcher of python3-phonenumbers, Debian) on the same sample,
# when it is installed. No MinHash deduplicator is packaged for Debian, so
# dedup has no peer here.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
POLYPHONY=${POLYPHONY:-$top/polyphony}
WORK=${BENCH_WORK:-${TMPDIR:-/tmp}/polyphony-bench-corpora}
BYTES=${BENCH_BYTES:-1000000000}
JOBS=${BENCH_JOBS:-2}
BIBLE=${1:-${POLYPHONY_BIBLE:-}}
TIME=/usr/bin/time
[ -x "$POLYPHONY" ] || { echo "no polyphony binary at $POLYPHONY (build first)" >&2; exit 1; }
[ -x "$TIME" ] || { echo "GNU time (/usr/bin/time) is needed for peak memory" >&2; exit 1; }
mkdir -p "$WORK"
export POLYPHONY_DATA=${POLYPHONY_DATA:-$top}

# 1. the base: UDHR + Bible verses as corpus records
base="$WORK/base.jsonl"
if [ ! -s "$base" ]; then
    zstd -dc "$top/eval-sets/udhr/udhr.jsonl.zst" >"$base.tmp"
    if [ -n "$BIBLE" ] && [ -d "$BIBLE/bibles" ]; then
        "$POLYPHONY" ingest -f ces --license CC0-1.0 -q "$BIBLE"/bibles/*.xml >>"$base.tmp"
    fi
    mv "$base.tmp" "$base"
fi
base_docs=$(wc -l <"$base")
base_bytes=$(wc -c <"$base")
echo "base: $base_docs records, $base_bytes bytes (UDHR$( [ -n "$BIBLE" ] && echo ' + Bible'))"

# 2. the corpus: copies of the base with varied ids until BYTES is reached
corpus="$WORK/corpus.jsonl"
if [ ! -s "$corpus" ] || [ "$(wc -c <"$corpus")" -lt "$BYTES" ]; then
    : >"$corpus.tmp"
    k=0
    while [ "$(wc -c <"$corpus.tmp")" -lt "$BYTES" ]; do
        sed "s/^{\"id\":\"/{\"id\":\"r$k-/" "$base" >>"$corpus.tmp"
        k=$((k + 1))
    done
    mv "$corpus.tmp" "$corpus"
fi
docs=$(wc -l <"$corpus")
bytes=$(wc -c <"$corpus")
echo "corpus: $docs records, $bytes bytes ($(awk "BEGIN{printf \"%.2f\", $bytes/1e9}") GB) in $corpus"
echo

# run NAME COMMAND...: time a command (stdout to $WORK/NAME.out), print
# records/s, MB/s and peak RSS
row() { printf '%-36s %8s %8s %11s %11s %8s %9s\n' "$@"; }
row "command" "wall s" "cpu s" "records/s" "rec/cpu-s" "MB/s" "peak MiB"
run() {
    name=$1
    n=$2
    b=$3
    shift 3
    if ! $TIME -v -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"; then
        echo "$name failed:" >&2
        cat "$WORK/$name.err" >&2
        return 1
    fi
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$WORK/$name.time")
    kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/$name.time")
    cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$WORK/$name.time")
    row "$name" "$secs" "$cpu" "$(awk "BEGIN{printf \"%.0f\", $n/$secs}")" \
        "$(awk "BEGIN{printf \"%.0f\", $n/($cpu > 0 ? $cpu : 0.01)}")" \
        "$(awk "BEGIN{printf \"%.1f\", $b/$secs/1e6}")" "$(awk "BEGIN{printf \"%.0f\", $kb/1024}")"
    echo "$kb" >"$WORK/$name.kb"
}

if [ "${BENCH_ONLY:-}" != peer ]; then
if "$POLYPHONY" help filter >/dev/null 2>&1; then
    run "filter" "$docs" "$bytes" "$POLYPHONY" filter --quiet "$corpus"
else
    row "filter (not in this build: skipped)" "-" "-" "-" "-" "-" "-"
fi
run "dedup (one process)" "$docs" "$bytes" "$POLYPHONY" dedup --quiet "$corpus"
run "dedup (base, distinct records)" "$base_docs" "$base_bytes" "$POLYPHONY" dedup --quiet "$base"
run "pii (mark spans)" "$docs" "$bytes" "$POLYPHONY" pii --quiet "$corpus"
run "pii --redact (base)" "$base_docs" "$base_bytes" "$POLYPHONY" pii --quiet --redact "$base"

# dedup through its two-phase mode on 4 shards with GNU parallel
if command -v parallel >/dev/null 2>&1; then
    rm -rf "$WORK/shards"
    mkdir "$WORK/shards"
    split -n l/4 -d -a 1 --additional-suffix=.jsonl "$corpus" "$WORK/shards/part-"
    run "dedup signatures (4 shards, -j$JOBS)" "$docs" "$bytes" parallel --will-cite -j "$JOBS" \
        "$POLYPHONY dedup signatures --quiet {} -o {.}.sig" ::: "$WORK"/shards/part-*.jsonl
    run "dedup merge" "$docs" "$bytes" "$POLYPHONY" dedup merge --quiet "$WORK"/shards/part-0.sig \
        "$WORK"/shards/part-1.sig "$WORK"/shards/part-2.sig "$WORK"/shards/part-3.sig
    cp "$WORK/dedup merge.out" "$WORK/table.jsonl"
    run "dedup apply (4 shards, -j$JOBS)" "$docs" "$bytes" parallel --will-cite -k -j "$JOBS" \
        "$POLYPHONY dedup apply --quiet --table $WORK/table.jsonl {}" ::: "$WORK"/shards/part-*.jsonl
    if cmp -s "$WORK/dedup apply (4 shards, -j$JOBS).out" "$WORK/dedup (one process).out"; then
        echo "two-phase result (4 shards) = one-process result: yes"
    else
        echo "two-phase result (4 shards) = one-process result: NO" >&2
    fi
    sig_bytes=$(cat "$WORK"/shards/part-*.sig | wc -c)
    echo "signature files: $sig_bytes bytes ($(awk "BEGIN{printf \"%.0f\", $sig_bytes/$docs}") bytes/record)"
fi

# memory per document: the distinct-record run against a tiny run's baseline
head -n 10 "$base" >"$WORK/tiny.jsonl"
$TIME -v -o "$WORK/tiny.time" "$POLYPHONY" dedup --quiet "$WORK/tiny.jsonl" >/dev/null 2>&1
tiny=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/tiny.time")
big=$(cat "$WORK/dedup (base, distinct records).kb")
echo "dedup memory: $(awk "BEGIN{printf \"%.0f\", ($big-$tiny)*1024/$base_docs}") bytes per distinct record" \
     "= $(awk "BEGIN{printf \"%.0f\", ($big-$tiny)*1024/$base_docs*1e6/1048576}") MiB per million distinct records" \
     "(peak RSS $((big / 1024)) MiB - baseline $((tiny / 1024)) MiB, $base_docs records)"
full=$(cat "$WORK/dedup (one process).kb")
echo "dedup memory on the corpus: $(awk "BEGIN{printf \"%.0f\", ($full-$tiny)*1024/$docs}") bytes per record" \
     "(copies are exact duplicates and keep no MinHash)"
fi

# peer: phone numbers with libphonenumber on a sample
PEER_PY=
for py in python3 /usr/bin/python3; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import phonenumbers' 2>/dev/null; then
        PEER_PY=$py
        break
    fi
done
if [ -n "$PEER_PY" ]; then
    head -n 100000 "$base" >"$WORK/sample.jsonl"
    sdocs=$(wc -l <"$WORK/sample.jsonl")
    sbytes=$(wc -c <"$WORK/sample.jsonl")
    echo
    row "phones on a $sdocs-record sample" "wall s" "cpu s" "records/s" "rec/cpu-s" "MB/s" "peak MiB"
    run "polyphony pii --types phone" "$sdocs" "$sbytes" "$POLYPHONY" pii --quiet --types phone "$WORK/sample.jsonl"
    run "libphonenumber (Leniency.VALID)" "$sdocs" "$sbytes" "$PEER_PY" "$here/peer-phonenumbers.py" "$WORK/sample.jsonl"
    ours=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$WORK/polyphony pii --types phone.time")
    peer=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$WORK/libphonenumber (Leniency.VALID).time")
    echo "speed ratio polyphony/libphonenumber (CPU time): $(awk "BEGIN{printf \"%.1f\", $peer/($ours > 0 ? $ours : 0.01)}")x"
    echo "phones found: polyphony $(grep -o '"type":"phone"' "$WORK/polyphony pii --types phone.out" | wc -l)," \
         "libphonenumber $(cat "$WORK/libphonenumber (Leniency.VALID).out")"
else
    echo "python3-phonenumbers not installed: no peer run (apt-get install python3-phonenumbers)"
fi
