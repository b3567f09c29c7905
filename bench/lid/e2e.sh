#!/bin/sh
# bench/lid/e2e.sh — language identification end to end on one core (taskset
# -c 0): process start to last record written, model and profile loading and
# JSON in and out included, for polyphony (bundled model) and franc-all (node,
# the whole `node franc.mjs` process). Short inputs are single Bible verses
# (held-out dev books, as bible2jsonl.mjs reads by default),
# long ones four consecutive verses of one book joined; startup is one
# one-line record. Each figure is the best of RUNS wall-clock times, and the
# best of RUNS CPU times (user + sys: steadier when the machine is loaded).
#
# Usage: bench/lid/e2e.sh BIBLE_CORPUS_DIR [RECORDS]   (default 16000)
#   Environment: POLYPHONY (binary, default ./polyphony), ALSO (more polyphony
#   command lines to time in the same run, separated by ';', e.g.
#   'POLYPHONY lid --quiet --letter-check 0; env LD_LIBRARY_PATH=OLD/.libs
#   OLD/.libs/polyphony lid --quiet'; runs alternate between them), WORK (scratch dir,
#   default /tmp/pp-bench-lid), RUNS (default 3), FRANC_RUNS (franc-all's
#   runs, default RUNS: it takes minutes on the long input). Needs node/npm (installs
#   franc-all@7 in $WORK), jq, taskset, GNU time (/usr/bin/time).
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
corpus=${1:-${BIBLE_CORPUS:-}}
n=${2:-16000}
POLYPHONY=${POLYPHONY:-$top/polyphony}
WORK=${WORK:-/tmp/pp-bench-lid}
RUNS=${RUNS:-3}
FRANC_RUNS=${FRANC_RUNS:-$RUNS}
if [ -z "$corpus" ] || [ ! -d "$corpus/bibles" ]; then
    echo "usage: $0 BIBLE_CORPUS_DIR [RECORDS]" >&2
    exit 2
fi
mkdir -p "$WORK"
if [ ! -d "$WORK/node_modules/franc-all" ]; then
    (cd "$WORK" && npm init -y >/dev/null 2>&1 && npm install --silent franc-all@7 >/dev/null 2>&1)
fi
langs=$(node "$here/bible2jsonl.mjs" "$corpus" 1 | wc -l)
per=$(( (n + langs - 1) / langs ))
node "$here/bible2jsonl.mjs" "$corpus" "$per" | head -n "$n" > "$WORK/e2e-short.jsonl"
node "$here/bible2jsonl.mjs" "$corpus" $((per * 4)) |
    jq -c -s 'group_by(.gold)[] |
        [range(0; length - 3; 4) as $i | .[$i:$i + 4]] | .[] |
        {id: .[0].id, text: (map(.text) | join(" ")), gold: .[0].gold}' |
    head -n "$n" > "$WORK/e2e-long.jsonl"
echo '{"text":"Ein kurzer Satz, um die Ladezeit zu messen."}' > "$WORK/e2e-one.jsonl"

# best wall-clock and best CPU (user + sys) seconds of N runs of
# "$@" < IN > /dev/null, as "WALL CPU" (GNU time). Usage: best N IN CMD...
best() {
    runs=$1
    in=$2
    shift 2
    i=0
    : > "$WORK/e2e-times"
    while [ "$i" -lt "$runs" ]; do
        /usr/bin/time -f '%e %U %S' -a -o "$WORK/e2e-times" taskset -c 0 "$@" < "$in" > /dev/null 2>&1
        i=$((i + 1))
    done
    awk 'NR == 1 || $1 < w { w = $1 } NR == 1 || $2 + $3 < c { c = $2 + $3 }
         END { printf "%.3f %.3f\n", w, c }' "$WORK/e2e-times"
}

"$POLYPHONY" lid --quiet < "$WORK/e2e-one.jsonl" > /dev/null ||
    { echo "$0: $POLYPHONY lid fails (set POLYPHONY_DATA?)" >&2; exit 1; }
cmds="$POLYPHONY lid --quiet"
# (a command of ALSO may start with the word POLYPHONY: the binary above)
[ -z "${ALSO:-}" ] ||
    cmds="$cmds;$(printf '%s\n' "$ALSO" | sed "s|^ *POLYPHONY |$POLYPHONY |; s|; *POLYPHONY |;$POLYPHONY |g")"
echo "polyphony: as each row says (default: $POLYPHONY lid --quiet, bundled model); franc-all: node $here/franc.mjs"
echo "best of $RUNS runs ($FRANC_RUNS for franc-all) on one core (taskset -c 0): wall clock, and CPU time (user + sys)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-28s %10s %10s %7s %10s %10s %7s  %s\n' input polyphony franc-all ratio 'pp CPU' 'franc CPU' ratio command
for kind in one short long; do
    f=$WORK/e2e-$kind.jsonl
    fr=$(best "$FRANC_RUNS" "$f" node "$here/franc.mjs" "$WORK/node_modules")
    # the polyphony commands, their runs interleaved (the load moves with time)
    n=$(echo "$cmds" | awk -F';' '{ print NF }')
    j=1
    while [ "$j" -le "$n" ]; do : > "$WORK/e2e-times.$j"; j=$((j + 1)); done
    i=0
    while [ "$i" -lt "$RUNS" ]; do
        j=1
        while [ "$j" -le "$n" ]; do
            cmd=$(echo "$cmds" | cut -d';' -f"$j")
            # shellcheck disable=SC2086 # a command line, split into words
            /usr/bin/time -f '%e %U %S' -a -o "$WORK/e2e-times.$j" taskset -c 0 $cmd < "$f" > /dev/null 2>&1
            j=$((j + 1))
        done
        i=$((i + 1))
    done
    words=$(jq -r '.text' "$f" | wc -w)
    label="$kind ($(wc -l < "$f") rec, $((words / $(wc -l < "$f"))) w/rec)"
    j=1
    while [ "$j" -le "$n" ]; do
        cmd=$(echo "$cmds" | cut -d';' -f"$j" | sed 's/^ *//')
        p=$(awk 'NR == 1 || $1 < w { w = $1 } NR == 1 || $2 + $3 < c { c = $2 + $3 }
                 END { printf "%.3f %.3f\n", w, c }' "$WORK/e2e-times.$j")
        echo "$p $fr" | awk -v l="$label" -v c="$cmd" '{
            printf "%-28s %9.3fs %9.3fs %6.1fx %9.3fs %9.3fs %6.1fx  %s\n", l, $1, $3, $3 / $1, $2, $4, $4 / $2, c }'
        j=$((j + 1))
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
