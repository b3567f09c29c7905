#!/bin/sh
# bench/lid/calibrate.sh — per-writing-system abstention thresholds
# calibrated out of domain (lid eval --calibrate) and measured on other items,
# against the model's own sidecar and no threshold. Calibrated on Bible verses
# of the calibration books (Romans to Revelation) and half of the translated
# user-interface strings from the installed message catalogs; measured on
# verses of the dev books (Mark, John, Acts: langs/models/data/SOURCE.md) and
# the other half of the strings. Languages the model cannot name get gold
# "und" (the identifier should abstain).
#
# Usage: bench/lid/calibrate.sh BIBLE_CORPUS_DIR
#   Environment: POLYPHONY, MODEL, PER (default 200), WORK (default /tmp/pp-bench-lid).
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
POLYPHONY=${POLYPHONY:-$top/polyphony}
MODEL=${MODEL:-$top/langs/models/udhr-lid.ftz}
WORK=${WORK:-/tmp/pp-bench-lid}
PER=${PER:-200}
[ -d "${1:-}/bibles" ] || { echo "usage: $0 BIBLE_CORPUS_DIR" >&2; exit 2; }
mkdir -p "$WORK"
node "$here/bible2jsonl.mjs" "$1" "$PER" calibration > "$WORK/bcal.jsonl"
node "$here/bible2jsonl.mjs" "$1" "$PER" dev > "$WORK/bdev.jsonl"
# shellcheck disable=SC2046
python3 "$here/catalogs2jsonl.py" \
    --exclude-train "$top/langs/models/data/catalog-train.jsonl.zst" --per "$PER" $(grep -v '^#' "$here/ui-locales.txt") \
    > "$WORK/c.jsonl"
"$POLYPHONY" lid labels --model "$MODEL" | cut -f3 | sort -u > "$WORK/known.txt"
# gold und for the languages the model cannot name (after the macrolanguage fold)
python3 - "$WORK" "$here/macro-fold.tsv" <<'PY'
import json, sys
work, foldf = sys.argv[1], sys.argv[2]
fold = {}
for line in open(foldf):
    if line.strip() and not line.startswith('#'):
        a, b = line.split()[:2]
        fold[a] = b
known = {l.strip() for l in open(f'{work}/known.txt')}
known |= {fold[k] for k in list(known) if k in fold}
cat = open(f'{work}/c.jsonl').readlines()
for half, name, bible in ((1, 'calA', 'bcal'), (0, 'calB', 'bdev')):
    lines = open(f'{work}/{bible}.jsonl').readlines() + \
        [line for i, line in enumerate(cat, 1) if i % 2 == half]
    with open(f'{work}/{name}.jsonl', 'w') as o:
        for line in lines:
            r = json.loads(line)
            if r['gold'] not in known and fold.get(r['gold'], r['gold']) not in known:
                r['gold'] = 'und'
            o.write(json.dumps(r, ensure_ascii=False) + '\n')
PY
F="--fold $here/macro-fold.tsv"
"$POLYPHONY" lid eval --model "$MODEL" --gold gold $F --calibrate "$WORK/cal.json" \
    "$WORK/calA.jsonl" > /dev/null
echo "calibrated on $(wc -l < "$WORK/calA.jsonl") items; thresholds above 0:"
jq -r '.writing_systems | to_entries[] | select(.value.threshold > 0) |
    "  \(.key) \(.value.threshold) (\(.value.items) items)"' "$WORK/cal.json"
echo "measured on other items (dev books, other half of the strings), $(wc -l < "$WORK/calB.jsonl") items:"
for t in sidecar calibrated none; do
    case $t in
    sidecar) o= ;; calibrated) o="--thresholds $WORK/cal.json" ;; none) o="--threshold 0" ;;
    esac
    "$POLYPHONY" lid eval --model "$MODEL" --gold gold $F $o --json "$WORK/calB.jsonl" |
        jq -r --arg t "$t" '"  \($t): macro F1 \(.macro.f1), accuracy \(.accuracy), abstained \(.abstention.rate), abstention precision \(.abstention.precision) recall \(.abstention.recall)"'
done
