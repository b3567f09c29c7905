#!/bin/sh
# bench/lid/groups.sh — the group rule (--group-margin M) against the
# default: macro precision, recall and F1 (lid eval, individual codes,
# bench/lid/macro-fold.tsv; a group counts as an abstention), how many group
# answers there are, how many hold the gold language (its ISO 639-5 group in
# the registry), and what the default had given those items (right or wrong).
# Sets: UI strings of the 100 locales of ui-locales.txt (200 a language),
# the bundled UDHR's dev split, and Bible verses of the dev books (100 a
# language) when BIBLE_CORPUS_DIR is given. The figures of docs/lid.md,
# "Groups of close languages".
#
# Usage: bench/lid/groups.sh [BIBLE_CORPUS_DIR] [MARGIN]   (default 0.01)
#   Environment: POLYPHONY (default ./polyphony), WORK (default /tmp/pp-bench-lid).
#   Needs python3, jq, node (for the Bible).
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
POLYPHONY=${POLYPHONY:-$top/polyphony}
WORK=${WORK:-/tmp/pp-bench-lid}
corpus=${1:-}
margin=${2:-0.01}
mkdir -p "$WORK"
# shellcheck disable=SC2046
python3 "$here/catalogs2jsonl.py" \
    --exclude-train "$top/langs/models/data/catalog-train.jsonl.zst" --per 200 $(grep -v '^#' "$here/ui-locales.txt") \
    > "$WORK/gr.ui.jsonl"
zstd -dc "$top/eval-sets/udhr/udhr.jsonl.zst" |
    jq -c 'select(.meta.split == "dev") | {id, text, gold: .meta.iso639_3}' > "$WORK/gr.udhr-dev.jsonl"
sets="ui udhr-dev"
if [ -n "$corpus" ]; then
    node "$here/bible2jsonl.mjs" "$corpus" 100 > "$WORK/gr.bible.jsonl"
    sets="$sets bible"
fi
printf '%-9s %-8s %7s %7s %7s %7s %9s %7s %7s\n' set margin P R F1 groups "gold in" "right" "wrong"
for s in $sets; do
    for m in 0 "$margin"; do
        "$POLYPHONY" lid --quiet --group-margin "$m" "$WORK/gr.$s.jsonl" > "$WORK/gr.$s.$m.out"
        prf=$("$POLYPHONY" lid eval --gold gold --pred iso639_3 --fold "$here/macro-fold.tsv" \
            "$WORK/gr.$s.$m.out" | awk '/^macro/ { print $3, $4, $5 }')
        counts=$(python3 - "$top/langs/data/registry.tsv" "$here/macro-fold.tsv" \
            "$WORK/gr.$s.0.out" "$WORK/gr.$s.$m.out" <<'PY'
import json, sys
leaf = {}
for line in open(sys.argv[1]):
    if not line.startswith('#'):
        f = line.rstrip('\n').split('\t')
        leaf[f[0]] = f[10].split('/')[-1]
fold = {}
for line in open(sys.argv[2]):
    if line.strip() and not line.startswith('#'):
        a, b = line.split()[:2]
        fold[a] = b
n = inside = right = wrong = 0
for a, b in zip(open(sys.argv[3]), open(sys.argv[4])):
    before, after = json.loads(a), json.loads(b)
    if after.get('lid_rule') != 'group':
        continue
    n += 1
    gold = after['gold']
    inside += leaf.get(gold, '') == after['lang']
    p = before.get('iso639_3', 'und')
    if fold.get(p, p) == fold.get(gold, gold):
        right += 1
    else:
        wrong += 1
print(n, inside, right, wrong)
PY
)
        # shellcheck disable=SC2086
        printf '%-9s %-8s %7s %7s %7s %7s %9s %7s %7s\n' "$s" "$m" $prf $counts
    done
done
