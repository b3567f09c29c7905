#!/bin/sh
# bench/lid/udhr-test.sh — accuracy of a LID model on the held-out UDHR test
# articles (5, 10, 15, 20, 25, 30), paragraph by paragraph, over the languages
# the model covers.
# Usage: bench/lid/udhr-test.sh [MODEL]   (default: the bundled model)
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
POLYPHONY=${POLYPHONY:-$top/polyphony}
MODEL=${1:-$top/langs/models/udhr-lid.ftz}
WORK=${WORK:-/tmp/pp-bench-lid}
mkdir -p "$WORK"
"$POLYPHONY" lid labels --model "$MODEL" | cut -f3 | sort -u | paste -sd, > "$WORK/udhr.langs"
zstd -dc "$top/eval-sets/udhr/udhr.jsonl.zst" |
    jq -c 'select(.meta.split == "test") | {id, text, gold: .meta.iso639_3}' > "$WORK/udhr-test.jsonl"
echo "UDHR test paragraphs: $(wc -l < "$WORK/udhr-test.jsonl") records"
echo "command: $POLYPHONY lid eval --gold gold --model $MODEL ${LID_OPTS:+$LID_OPTS }--only <model languages> $WORK/udhr-test.jsonl"
# LID_OPTS: more options for the identifier (e.g. --letter-check 0 --sister-margin 0)
# shellcheck disable=SC2086
"$POLYPHONY" lid eval --gold gold --model "$MODEL" ${LID_OPTS:-} --only "$(cat "$WORK/udhr.langs")" \
    "$WORK/udhr-test.jsonl" > "$WORK/udhr-test.txt"
grep -E '^(macro|accuracy)' "$WORK/udhr-test.txt"
sed -n '/most confused/,$p' "$WORK/udhr-test.txt" | head -8
# The same at the macrolanguage level (gold and predicted codes folded into
# their macrolanguage: srp, hrv and the sisters rule's hbs are one class).
# shellcheck disable=SC2086
"$POLYPHONY" lid eval --gold gold --model "$MODEL" ${LID_OPTS:-} --level macrolanguage \
    --only "$(cat "$WORK/udhr.langs")" "$WORK/udhr-test.jsonl" > "$WORK/udhr-test-macro.txt"
echo "at the macrolanguage level (--level macrolanguage):"
grep -E '^(macro|accuracy)' "$WORK/udhr-test-macro.txt"
