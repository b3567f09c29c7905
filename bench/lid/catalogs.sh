#!/bin/sh
# bench/lid/catalogs.sh — language identification of short user-interface
# strings: up to PER translated strings per language from the message
# catalogs installed on this system (catalogs2jsonl.py; the 100 locales of
# ui-locales.txt, as calibrate.sh), without the catalogs the bundled model is
# trained on nor any string of its training file
# (langs/models/data/catalog-train.jsonl.zst), scored over the languages the model names (individual
# languages folded into their macrolanguage), with the model's own thresholds.
#
# Usage: bench/lid/catalogs.sh
#   Environment: POLYPHONY (default ./polyphony), MODEL (default: bundled),
#   LOCALES (LOCALE=CODE pairs, default those of ui-locales.txt; e.g. the
#   languages the UI strings add to the model: 'as=asm or=ory ckb=ckb an=arg
#   li=lim be@latin=bel'; per-language figures are in WORK/ui.txt),
#   PER (default 200), WORK (default /tmp/pp-bench-lid), LID_OPTS (more options
#   for polyphony lid). Needs python3, jq.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
POLYPHONY=${POLYPHONY:-$top/polyphony}
MODEL=${MODEL:-$top/langs/models/udhr-lid.ftz}
WORK=${WORK:-/tmp/pp-bench-lid}
PER=${PER:-200}
mkdir -p "$WORK"
# shellcheck disable=SC2046
python3 "$here/catalogs2jsonl.py" \
    --exclude-train "$top/langs/models/data/catalog-train.jsonl.zst" --per "$PER" ${LOCALES:-$(grep -v '^#' "$here/ui-locales.txt")} \
    > "$WORK/ui.jsonl"
"$POLYPHONY" lid labels --model "$MODEL" | cut -f3 | sort -u | paste -sd, > "$WORK/ui.langs"
# LID_OPTS: more options for the identifier (e.g. --rerank-skip 0.95)
# shellcheck disable=SC2086
"$POLYPHONY" lid --quiet --model "$MODEL" ${LID_OPTS:-} "$WORK/ui.jsonl" > "$WORK/ui.lid.jsonl"
echo "UI strings: $(wc -l < "$WORK/ui.jsonl") from the installed message catalogs"
echo "command: $POLYPHONY lid eval --gold gold --pred iso639_3 --fold $here/macro-fold.tsv --only <model languages> $WORK/ui.lid.jsonl"
"$POLYPHONY" lid eval --gold gold --pred iso639_3 --fold "$here/macro-fold.tsv" \
    --only "$(cat "$WORK/ui.langs")" "$WORK/ui.lid.jsonl" > "$WORK/ui.txt"
grep -E '^(macro|accuracy|abstained)' "$WORK/ui.txt"
sed -n '/most confused/,$p' "$WORK/ui.txt" | head -8
# fastText's lid.176 on the same strings (`fasttext predict`), over the gold
# languages both models name (skipped without the fasttext command).
if command -v fasttext >/dev/null 2>&1; then
    . "$here/lid176.sh"
    lid176_model
    lid176_predict "$WORK/ui.lid.jsonl" "$WORK/ui.both.jsonl"
    "$POLYPHONY" lid labels --model "$MODEL" | cut -f3 > "$WORK/ui.pp.codes"
    "$POLYPHONY" lid labels --model "$LID176" | cut -f1 > "$WORK/ui.ft176.codes"
    jq -r .gold "$WORK/ui.jsonl" | sort -u > "$WORK/ui.gold.codes"
    for s in pp ft176 gold; do
        folded_codes "$WORK/ui.$s.codes" > "$WORK/ui.$s.iso"
    done
    comm -12 "$WORK/ui.gold.iso" "$WORK/ui.pp.iso" | comm -12 - "$WORK/ui.ft176.iso" |
        paste -sd, > "$WORK/ui.both.list"
    echo "lid.176 on the same strings, over the $(tr ',' '\n' < "$WORK/ui.both.list" | grep -c .) languages both name:"
    lid176_compare "$WORK/ui.both.jsonl" "$(cat "$WORK/ui.both.list")"
fi
