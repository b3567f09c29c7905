#!/bin/sh
# bench/tokenizers/spm-speed.sh — SentencePiece encoding speed of
# `polyphony tokenizer encode` (JSONL in, JSONL records with ids out) against
# Debian's `spm_encode --output_format=id` (text in, ids out), same model,
# same texts, as paired runs (bench/paired.sh), on short and long lines.
#
# Usage: bench/tokenizers/spm-speed.sh [JSONL]...
#   With no file: the bundled UDHR (eval-sets/udhr/udhr.jsonl.zst; 30,788
#   paragraphs in ~500 declarations, 219 characters on average) as "short"
#   lines, and the same paragraphs joined eight at a time within a
#   declaration as "long" lines (~1,750 characters). Each JSONL given
#   (records with a "text" string, .gz/.zst allowed) is measured as well.
# Environment: POLYPHONY (default ./polyphony), PAIRS (default 5), WORK (a
# directory kept between runs for the model; default a new temporary one),
# MODEL (an existing .model to use instead of training one on the UDHR).
# Before timing, the ids of every line are compared with spm_encode's.
# PP_SPM_NATIVE=0 measures polyphony with the library's ids instead of the C
# unigram encoder's (the default).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
P=${POLYPHONY:-$top/polyphony}
pairs=${PAIRS:-5}
for c in spm_encode spm_train jq zstd bc; do
    command -v $c >/dev/null || { echo "$0: $c not found" >&2; exit 1; }
done
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"

zstd -dc "$top/eval-sets/udhr/udhr.jsonl.zst" | jq -c '{id, text, lang}' >"$work/short.jsonl"
jq -r '[(.id | sub("-a[0-9]+-p[0-9]+$"; "")), .text] | @tsv' "$work/short.jsonl" |
    awk -F '\t' '{ if ($1 != d || n == 8) { if (n) print t; d = $1; t = $2; n = 1 }
                   else { t = t " " $2; n++ } } END { if (n) print t }' |
    jq -R -c '{text: .}' >"$work/long.jsonl"

model=${MODEL:-$work/udhr-32k.model}
if [ ! -f "$model" ]; then
    jq -r .text "$work/short.jsonl" >"$work/train.txt"
    spm_train --input="$work/train.txt" --model_prefix="${model%.model}" --vocab_size=32000 \
        --character_coverage=0.9995 --input_sentence_size=200000 --shuffle_input_sentence=true \
        --minloglevel=2 --num_threads=2 >/dev/null 2>&1
fi
echo "model: $(basename "$model"); $pairs pairs per comparison"

measure() { # NAME JSONL
    name=$1 in=$2
    # one text per line for spm_encode (texts with line breaks left out of both)
    jq -c 'select(.text | test("[\n\r]") | not)' "$in" >"$work/$name.in.jsonl"
    jq -r .text "$work/$name.in.jsonl" >"$work/$name.txt"
    spm_encode --model="$model" --output_format=id <"$work/$name.txt" >"$work/$name.spm"
    "$P" tokenizer encode -m "$model" "$work/$name.in.jsonl" |
        jq -r '.tokens | map(tostring) | join(" ")' >"$work/$name.pp"
    if cmp -s "$work/$name.spm" "$work/$name.pp"; then same="ids identical"; else same="ids DIFFER"; fi
    echo "== $name: $(wc -l <"$work/$name.txt") lines, $(wc -c <"$work/$name.txt") bytes of text, $same"
    sh "$top/bench/paired.sh" "$pairs" "polyphony tokenizer encode" \
        "'$P' tokenizer encode -m '$model' '$work/$name.in.jsonl'" \
        "spm_encode --output_format=id" \
        "spm_encode --model='$model' --output_format=id < '$work/$name.txt'"
}
measure short "$work/short.jsonl"
measure long "$work/long.jsonl"
for f in "$@"; do
    case $f in
    *.zst) zstd -dc "$f" >"$work/given.jsonl" ;;
    *.gz) gzip -dc "$f" >"$work/given.jsonl" ;;
    *) cp "$f" "$work/given.jsonl" ;;
    esac
    measure "$(basename "$f")" "$work/given.jsonl"
done
