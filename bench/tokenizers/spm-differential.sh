#!/bin/sh
# bench/tokenizers/spm-differential.sh MODEL JSONL... — the ids of
# `polyphony tokenizer encode` computed in C (the default for SentencePiece
# unigram models) against the SentencePiece library's (PP_SPM_NATIVE=0), line
# by line, for every JSONL given (records with a "text" string, .gz/.zst
# allowed). Prints, per file, the lines and the lines whose ids differ (with
# the first few of them); exits 1 when any differ.
# Environment: POLYPHONY (default ./polyphony), WORK (scratch directory;
# default a new temporary one).
set -eu
[ $# -ge 2 ] || { echo "usage: $0 MODEL JSONL..." >&2; exit 2; }
top=$(cd "$(dirname "$0")/../.." && pwd)
P=${POLYPHONY:-$top/polyphony}
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
model=$1
shift
status=0
for f in "$@"; do
    PP_SPM_NATIVE=0 "$P" tokenizer encode -m "$model" "$f" >"$work/library.jsonl"
    "$P" tokenizer encode -m "$model" "$f" >"$work/c.jsonl"
    lines=$(wc -l <"$work/library.jsonl")
    if cmp -s "$work/library.jsonl" "$work/c.jsonl"; then
        echo "$(basename "$model") $(basename "$f"): $lines lines, ids identical"
    else
        status=1
        differ=$(paste -d '\n' "$work/library.jsonl" "$work/c.jsonl" |
            awk 'NR % 2 { a = $0; next } a != $0 { n++ } END { print n + 0 }')
        echo "$(basename "$model") $(basename "$f"): $lines lines, $differ DIFFER; first ones:"
        paste -d '\n' "$work/library.jsonl" "$work/c.jsonl" |
            awk 'NR % 2 { a = $0; next } a != $0 && n++ < 3 { print "  library: " a; print "  C:       " $0 }'
    fi
done
exit $status
