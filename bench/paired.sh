#!/bin/sh
# bench/paired.sh — time two command lines side by side: PAIRS pairs, the two
# runs of a pair back to back (the order alternating from pair to pair, so a
# change in the machine's load falls on both), output to /dev/null.
#
# Usage: bench/paired.sh PAIRS LABEL_A 'COMMAND A' LABEL_B 'COMMAND B'
#
# Prints, for each command, the median wall time and its min–max, the median
# CPU time (user + system) when GNU time is installed, and the speed ratio
# B time / A time (≥ 1: A is faster) as the median of the per-pair ratios
# with their min–max. The last line is machine-readable:
#   ratio MEDIAN MIN MAX [cpu-ratio MEDIAN]
# shellcheck disable=SC2046 # figures are split into words on purpose
set -eu
[ $# -eq 5 ] || { echo "usage: $0 PAIRS LABEL_A 'COMMAND A' LABEL_B 'COMMAND B'" >&2; exit 2; }
pairs=$1 la=$2 ca=$3 lb=$4 cb=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
gtime=
[ -x /usr/bin/time ] && /usr/bin/time -f %U true >/dev/null 2>&1 && gtime=/usr/bin/time

# one run: wall seconds to $2, CPU seconds (or "-") to $3
run() {
    if [ -n "$gtime" ]; then
        s=$(date +%s.%N)
        "$gtime" -o "$tmp/cpu" -f '%U %S' sh -c "$1" >/dev/null
        e=$(date +%s.%N)
        awk '{ print $1 + $2 }' "$tmp/cpu" >>"$3"
    else
        s=$(date +%s.%N)
        sh -c "$1" >/dev/null
        e=$(date +%s.%N)
    fi
    echo "$e - $s" | bc -l >>"$2"
}

i=0
while [ $i -lt "$pairs" ]; do
    if [ $((i % 2)) -eq 0 ]; then
        run "$ca" "$tmp/a" "$tmp/ca"; run "$cb" "$tmp/b" "$tmp/cb"
    else
        run "$cb" "$tmp/b" "$tmp/cb"; run "$ca" "$tmp/a" "$tmp/ca"
    fi
    i=$((i + 1))
done
paste "$tmp/a" "$tmp/b" | awk '{ printf "%.6f\n", ($1 > 0 ? $2 / $1 : 0) }' >"$tmp/r"

# median, min and max of a column of numbers
stats() { sort -g "$1" | awk '{ v[NR] = $1 } END {
    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.3f %.3f %.3f\n", m, v[1], v[NR] }'; }

set -- $(stats "$tmp/a"); printf '%-34s wall median %7.3f s (min %.3f, max %.3f)' "$la" "$1" "$2" "$3"
[ -s "$tmp/ca" ] && printf '  cpu median %7.3f s' "$(stats "$tmp/ca" | cut -d' ' -f1)"
echo
set -- $(stats "$tmp/b"); printf '%-34s wall median %7.3f s (min %.3f, max %.3f)' "$lb" "$1" "$2" "$3"
[ -s "$tmp/cb" ] && printf '  cpu median %7.3f s' "$(stats "$tmp/cb" | cut -d' ' -f1)"
echo
set -- $(stats "$tmp/r")
line="ratio $1 $2 $3"
if [ -s "$tmp/ca" ]; then
    paste "$tmp/ca" "$tmp/cb" | awk '{ printf "%.6f\n", ($1 > 0 ? $2 / $1 : 0) }' >"$tmp/cr"
    line="$line cpu-ratio $(stats "$tmp/cr" | cut -d' ' -f1)"
fi
printf '%s speed / %s speed over %s pairs: median %.2f (min %.2f, max %.2f)\n' "$la" "$lb" "$pairs" "$1" "$2" "$3"
echo "$line"
