#!/bin/sh
# tests/fuzz/replay.sh — make check: every fuzz target runs once over its seed
# corpus (tests/fuzz/seeds/TARGET/) and its regression inputs
# (tests/fuzz/regressions/TARGET/). Works with both builds: a libFuzzer
# target takes -runs=0 to run the inputs and stop, a plain one ignores it.
# A crash, a sanitizer report or a run over the time bound fails the test.
set -u
: "${top_srcdir:?}" "${top_builddir:?}" "${PP_FUZZ_TARGETS:?}"
limit=${PP_TIMEOUT:-120}
pass=0 failn=0
for t in $PP_FUZZ_TARGETS; do
    name=$(basename "$t")
    dirs=
    for d in seeds regressions; do
        [ -d "$top_srcdir/tests/fuzz/$d/$name" ] && dirs="$dirs $top_srcdir/tests/fuzz/$d/$name"
    done
    if [ -z "$dirs" ]; then
        echo "FAIL: $name has no seed corpus (tests/fuzz/seeds/$name)"
        failn=$((failn + 1))
        continue
    fi
    # shellcheck disable=SC2086
    if timeout "$limit" "$top_builddir/$t" -runs=0 $dirs >"$name.replay.log" 2>&1; then
        pass=$((pass + 1))
        echo "ok: $name ($(tail -n 1 "$name.replay.log"))"
        rm -f "$name.replay.log"
    else
        echo "FAIL: $name (status $?), last lines of $name.replay.log:"
        tail -n 30 "$name.replay.log"
        failn=$((failn + 1))
    fi
done
echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
