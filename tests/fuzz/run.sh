#!/bin/sh
# tests/fuzz/run.sh SECONDS — fuzz every target for SECONDS (default 50) in a
# --enable-fuzzing build (make fuzz-run runs it from the build directory).
#
# Each target starts from a copy of its seeds and regressions in
# fuzz-corpus/TARGET/ (kept between runs, so later runs go deeper). libFuzzer
# runs in fork mode and goes on after a crash, a timeout or running out of
# memory; every input it saved (fuzz-artifacts/TARGET/) is then run again
# alone and its report matched against tests/fuzz/known.tsv: a known bug
# (fixed elsewhere) is listed, anything else fails the run.
#
# SECONDS 0 only runs the saved inputs again (after a fix, say).
# Environment: PP_FUZZ_TARGETS (the programs, relative to the build
# directory), FUZZ_JOBS (targets run at the same time, default 1).
set -u
secs=${1:-50}
: "${top_srcdir:?}" "${PP_FUZZ_TARGETS:?}"
top_builddir=${top_builddir:-.}
jobs=${FUZZ_JOBS:-1}
known=$top_srcdir/tests/fuzz/known.tsv
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Longest input per target: a little above the largest seed.
max_len() {
    case $1 in
    fuzz_fasttext) echo 40000 ;;
    fuzz_hf) echo 32768 ;;
    fuzz_spm | fuzz_tiktoken) echo 16384 ;;
    fuzz_safetensors) echo 24576 ;;
    *) echo 8192 ;;
    esac
}

# Dictionary of tokens the mutations may insert (tests/fuzz/dicts/).
dict() {
    case $1 in
    fuzz_jsonl* | fuzz_hf | fuzz_ledger | fuzz_safetensors | fuzz_*_config) echo "-dict=$top_srcdir/tests/fuzz/dicts/json.dict" ;;
    fuzz_profile | fuzz_template | fuzz_ingest_*) echo "-dict=$top_srcdir/tests/fuzz/dicts/xml.dict" ;;
    fuzz_tok_records) echo "-dict=$top_srcdir/tests/fuzz/dicts/records.dict" ;;
    fuzz_lid_sidecars) echo "-dict=$top_srcdir/tests/fuzz/dicts/lid-sidecars.dict" ;;
    esac
}

fuzz_one() {
    t=$1
    name=$(basename "$t")
    corpus=fuzz-corpus/$name
    art=fuzz-artifacts/$name
    mkdir -p "$corpus" "$art"
    for d in seeds regressions; do
        [ -d "$top_srcdir/tests/fuzz/$d/$name" ] && cp -n "$top_srcdir/tests/fuzz/$d/$name"/* "$corpus"/ 2>/dev/null
    done
    # shellcheck disable=SC2046
    "$top_builddir/$t" "$corpus" $(dict "$name") -max_total_time="$secs" -max_len="$(max_len "$name")" \
        -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 -fork=1 -ignore_crashes=1 \
        -ignore_timeouts=1 -ignore_ooms=1 -artifact_prefix="$art/" \
        >"fuzz-$name.log" 2>&1
    # fork mode's status lines: "#RUNS: cov: EDGES ft: FEATURES corp: N ..."
    last=$(grep '^#[0-9]*: cov:' "fuzz-$name.log" | tail -n 1)
    runs=$(echo "$last" | sed -n 's/^#\([0-9]*\):.*/\1/p')
    cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    echo "fuzzed $name for $secs s: ${runs:-?} runs, ${cov:-?} edges, corpus $(ls "$corpus" | wc -l) inputs"
}

# Run one saved input alone; print "known ID" or "NEW".
classify() {
    t=$1 f=$2
    name=$(basename "$t")
    timeout 60 "$top_builddir/$t" -runs=1 -timeout=10 -rss_limit_mb=2048 "$f" >"$f.log" 2>&1
    case $? in 0) echo "gone"; return ;; esac
    # One line, so that a row can ask for a kind of report and a frame in it.
    tr '\n' ' ' <"$f.log" >"$f.line"
    while IFS='	' read -r kt kid kre; do
        case $kt in '#'* | '') continue ;; esac
        [ "$kt" = "$name" ] || continue
        if grep -Eq "$kre" "$f.line"; then
            echo "known $kid"
            return
        fi
    done <"$known"
    echo "NEW"
}

mkdir -p fuzz-corpus fuzz-artifacts
# The targets' scratch files, in one directory removed at the end: an input
# that crashes or times out ends its process before it can clean up.
base=${TMPDIR:-/tmp}
[ -n "${TMPDIR:-}" ] || [ ! -w /dev/shm ] || base=/dev/shm
TMPDIR=$(mktemp -d "$base/pp-fuzz-run.XXXXXX") || exit 1
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
lane=1
[ "$secs" -gt 0 ] || lane=$((jobs + 1))
while [ "$lane" -le "$jobs" ]; do
    (
        n=0
        for t in $PP_FUZZ_TARGETS; do
            [ $((n % jobs + 1)) -eq "$lane" ] && fuzz_one "$t"
            n=$((n + 1))
        done
    ) &
    lane=$((lane + 1))
done
wait

new=0
for t in $PP_FUZZ_TARGETS; do
    name=$(basename "$t")
    for f in fuzz-artifacts/"$name"/*; do
        [ -f "$f" ] || continue
        case $f in *.log | *.line) continue ;; esac
        verdict=$(classify "$t" "$f")
        echo "$name: $(basename "$f"): $verdict"
        if [ "$verdict" = NEW ]; then
            new=$((new + 1))
            sed -n '/ERROR\|runtime error\|SUMMARY\|#[0-9]* /p' "$f.log" | head -n 25
        fi
    done
done
echo "fuzzing: $new new finding(s)"
[ "$new" -eq 0 ]
