#!/bin/sh
# bench/lid/e2e.sh — language identification end to end on one core (taskset
# -c 0): process start to last record written, model and profile loading and
# JSON in and out included, for polyphony (bundled model) and franc-all (node,
# the whole `node franc.mjs` process). Short inputs are single Bible verses
# (held-out dev books, as bible2jsonl.mjs reads by default),
# long ones four consecutive verses of one book joined; startup is one
# one-line record. Each figure is the best of RUNS wall-clock times.
#
# Usage: bench/lid/e2e.sh BIBLE_CORPUS_DIR [RECORDS]   (default 16000)
#   Environment: POLYPHONY (binary, default ./polyphony), WORK (scratch dir,
#   default /tmp/pp-bench-lid), RUNS (default 3). Needs node/npm (installs
#   franc-all@7 in $WORK), jq, taskset.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
corpus=${1:-${BIBLE_CORPUS:-}}
n=${2:-16000}
POLYPHONY=${POLYPHONY:-$top/polyphony}
WORK=${WORK:-/tmp/pp-bench-lid}
RUNS=${RUNS:-3}
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

# best wall-clock seconds of RUNS runs of "$@" < $in > /dev/null
best() {
    in=$1
    shift
    b=
    i=0
    while [ "$i" -lt "$RUNS" ]; do
        s=$(date +%s.%N)
        taskset -c 0 "$@" < "$in" > /dev/null 2>&1
        e=$(date +%s.%N)
        b=$(echo "$s $e ${b:-1e9}" | awk '{t = $2 - $1; print (t < $3 ? t : $3)}')
        i=$((i + 1))
    done
    echo "$b"
}

echo "polyphony: $POLYPHONY lid --quiet (bundled model); franc-all: node $here/franc.mjs"
printf '%-28s %10s %10s %8s\n' input polyphony franc-all ratio
for kind in one short long; do
    f=$WORK/e2e-$kind.jsonl
    p=$(best "$f" "$POLYPHONY" lid --quiet)
    fr=$(best "$f" node "$here/franc.mjs" "$WORK/node_modules")
    words=$(jq -r '.text' "$f" | wc -w)
    label="$kind ($(wc -l < "$f") rec, $((words / $(wc -l < "$f"))) w/rec)"
    printf '%-28s %9.3fs %9.3fs %7.1fx\n' "$label" "$p" "$fr" "$(echo "$fr $p" | awk '{print $1 / $2}')"
done
