#!/bin/sh
# bench/streaming/before-after.sh — every streaming command of two polyphony
# binaries on the same inputs in the same run: is the output byte for byte
# the same, and how fast is the new binary against the old one.
#
# Usage: bench/streaming/before-after.sh OLD NEW
#   OLD, NEW  polyphony binaries (a build tree's libtool wrapper is run
#             through its .libs binary, so the wrapper's shell is not timed)
#
# Commands: ingest -f jsonl, stats, pii, dedup, sample, filter, instruct
# build, lid, discover, tokenizer encode (SentencePiece, tiktoken, tokenizer.json
# BPE) and decode. Inputs: "short", the bundled UDHR records (eval-sets/udhr/udhr.jsonl.zst,
# 30,788 paragraphs of ~220 characters with their meta), and "long", the
# same paragraphs joined eight at a time within a declaration (~1,750
# characters; {id, text, lang}). Commands whose per-record work is heavy
# (filter, lid, discover) read the first 6,000 short and 1,000 long records.
#
# For each command and input: stdout, stderr and the exit status of the two
# binaries are compared (cmp), then PAIRS (default 5) paired runs
# (bench/paired.sh) give NEW's speed over OLD's, wall time median (min–max)
# and CPU time (user + system) median, and each one's median CPU seconds.
#
# Environment: PAIRS; WORK (a directory kept between runs for the inputs and
# the SentencePiece model; default a new temporary one); MODEL (a
# SentencePiece .model instead of the 32k unigram model trained on the UDHR
# short lines); OLD_DATA, NEW_DATA (POLYPHONY_DATA of each binary, for lid and
# discover; default the binary's build tree when it has langs/models);
# LID_MODEL (a fastText model both binaries use: default OLD_DATA's bundled
# one, so that the two runs of lid differ only by their code); ONLY (a
# regular expression: only the commands whose label matches).
# shellcheck disable=SC2046 # figures are split into words on purpose
set -eu
[ $# -eq 2 ] || { echo "usage: $0 OLD NEW" >&2; exit 2; }
top=$(cd "$(dirname "$0")/../.." && pwd)
pairs=${PAIRS:-5}
for c in jq zstd bc spm_train; do
    command -v $c >/dev/null || { echo "$0: $c not found" >&2; exit 1; }
done

# a binary as a command line; its build tree (for its data) on stdout too
resolve() { # BINARY VAR
    b=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
    [ -x "$b" ] || { echo "$0: $1 is not an executable" >&2; exit 1; }
    d=$(dirname "$b")
    if [ -x "$d/.libs/$(basename "$b")" ] && head -c 4096 "$b" | grep -q libtool; then
        eval "$2=\"env LD_LIBRARY_PATH='$d/.libs' '$d/.libs/$(basename "$b")'\""
    else
        eval "$2=\"'$b'\""
    fi
    eval "${2}_TREE='$d'"
}
resolve "$1" OLD
resolve "$2" NEW
[ -f "$OLD_TREE/langs/models/udhr-lid.ftz" ] && : "${OLD_DATA:=$OLD_TREE}"
[ -f "$NEW_TREE/langs/models/udhr-lid.ftz" ] && : "${NEW_DATA:=$NEW_TREE}"
OLD_DATA=${OLD_DATA:-} NEW_DATA=${NEW_DATA:-}
LID_MODEL=${LID_MODEL:-${OLD_DATA:+$OLD_DATA/langs/models/udhr-lid.ftz}}

work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
cmpdir=$(mktemp -d)
trap 'rm -rf "$cmpdir"' EXIT INT TERM

if [ ! -s "$work/short.jsonl" ]; then
    zstd -dc "$top/eval-sets/udhr/udhr.jsonl.zst" >"$work/short.jsonl"
fi
if [ ! -s "$work/long.jsonl" ]; then
    jq -r '[(.id | sub("-a[0-9]+-p[0-9]+$"; "")), .lang, .text] | @tsv' "$work/short.jsonl" |
        awk -F '\t' '{ if ($1 != d || n == 8) { if (n) print d "\t" l "\t" t; d = $1; l = $2; t = $3; n = 1 }
                       else { t = t " " $3; n++ } } END { if (n) print d "\t" l "\t" t }' |
        jq -R -c 'split("\t") | {id: .[0], text: .[2], lang: .[1]}' >"$work/long.jsonl"
fi
head -n 6000 "$work/short.jsonl" >"$work/short-head.jsonl"
head -n 1000 "$work/long.jsonl" >"$work/long-head.jsonl"
model=${MODEL:-$work/udhr-32k.model}
if [ ! -f "$model" ]; then
    jq -r .text "$work/short.jsonl" >"$work/train.txt"
    spm_train --input="$work/train.txt" --model_prefix="${model%.model}" --vocab_size=32000 \
        --character_coverage=0.9995 --input_sentence_size=200000 --shuffle_input_sentence=true \
        --minloglevel=2 --num_threads=2 >/dev/null 2>&1
fi
T=$top/tests/data
# ids to decode: the 32k model's encoding of each input
for k in short long; do
    [ -s "$work/$k.ids.jsonl" ] ||
        sh -c "$NEW tokenizer encode -m '$model' '$work/$k.jsonl'" >"$work/$k.ids.jsonl"
done

echo "OLD: $1"
echo "NEW: $2"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
echo "$pairs pairs per row; speed = OLD time / NEW time (> 1: NEW is faster)"
echo
printf '| %s | %s | %s | %s | %s | %s |\n' command input output \
    "speed, wall: median (min–max)" "speed, CPU" "CPU s old → new"
echo "|---|---|---|---|---|---|"

row() { # LABEL INPUT-NAME ENV ARGS (the input file is part of ARGS)
    label=$1 iname=$2 envs=$3 args=$4
    if [ -n "${ONLY:-}" ] && ! printf '%s\n' "$label" | grep -Eq -- "$ONLY"; then return 0; fi
    o="env $envs ${OLD_DATA:+POLYPHONY_DATA='$OLD_DATA'} $OLD $args"
    n="env $envs ${NEW_DATA:+POLYPHONY_DATA='$NEW_DATA'} $NEW $args"
    (cd "$cmpdir" && sh -c "$o" >o.out 2>o.err; echo $? >o.st)
    (cd "$cmpdir" && sh -c "$n" >n.out 2>n.err; echo $? >n.st)
    same=identical
    cmp -s "$cmpdir/o.out" "$cmpdir/n.out" || same="stdout DIFFERS"
    cmp -s "$cmpdir/o.err" "$cmpdir/n.err" || same="$same, stderr differs"
    cmp -s "$cmpdir/o.st" "$cmpdir/n.st" || same="$same, status differs"
    [ "$(cat "$cmpdir/n.st")" = 0 ] || same="$same (exit $(cat "$cmpdir/n.st"))"
    sh "$top/bench/paired.sh" "$pairs" new "$n 2>/dev/null" old "$o 2>/dev/null" >"$cmpdir/p"
    cn=$(sed -n 1p "$cmpdir/p" | sed -n 's/.*cpu median *\([0-9.]*\) s.*/\1/p')
    co=$(sed -n 2p "$cmpdir/p" | sed -n 's/.*cpu median *\([0-9.]*\) s.*/\1/p')
    set -- $(grep '^ratio ' "$cmpdir/p")
    printf '| %s | %s | %s | %.2f (%.2f–%.2f) | %s | %s → %s |\n' "$label" "$iname" "$same" \
        "$2" "$3" "$4" "${6:--}" "${co:--}" "${cn:--}"
}

for k in short long; do
    in="'$work/$k.jsonl'" head="'$work/$k-head.jsonl'"
    row "ingest -f jsonl" "$k" "" "ingest -q -f jsonl $in"
    row "stats" "$k" "" "stats $in"
    row "pii" "$k" "" "pii $in"
    row "dedup" "$k" "" "dedup $in"
    row "sample (temperature, 20,000 docs)" "$k" "" "sample -q -s temperature -b 20000 $in"
    row "filter" "$k-head" "" "filter $head"
    row "instruct build (the bundled templates)" "$k" "" "instruct build --quiet --data $in"
    if [ -n "$LID_MODEL" ]; then
        row "lid (one model for both)" "$k-head" "" "lid -m '$LID_MODEL' $head"
        row "discover (one model for both)" "$k-head" "" "discover -m '$LID_MODEL' $head"
    fi
    row "tokenizer encode, SentencePiece 32k" "$k" "" "tokenizer encode -m '$model' $in"
    row "tokenizer encode --pieces, SentencePiece 32k" "$k" "" \
        "tokenizer encode --pieces -m '$model' $in"
    row "tokenizer encode, SentencePiece library ids" "$k" "PP_SPM_NATIVE=0" \
        "tokenizer encode -m '$model' $in"
    row "tokenizer encode, tiny SentencePiece (bytes)" "$k" "" \
        "tokenizer encode -m '$T/stream/tiny-bytes.model.zst' $in"
    row "tokenizer encode, tiktoken cl100k_base" "$k" "" \
        "tokenizer encode -m '$T/tokenizers/cl100k_base.tiktoken.zst' $in"
    row "tokenizer encode, tokenizer.json BPE (llama3-small)" "$k" "" \
        "tokenizer encode -m '$T/tokenizers/llama3-small.tokenizer.json' $in"
    row "tokenizer decode, SentencePiece 32k" "$k" "" \
        "tokenizer decode -m '$model' '$work/$k.ids.jsonl'"
done
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
