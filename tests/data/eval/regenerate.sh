#!/bin/sh
# Regenerate the reference fixtures of tests/check_eval.c and
# tests/check_audit.c with the independent Python implementations beside
# this script (plain Python 3, no packages). Run from anywhere:
#   sh tests/data/eval/regenerate.sh
set -e
here=$(cd "$(dirname "$0")" && pwd)
python3 "$here/chrf_reference.py" --selftest
python3 "$here/chrf_reference.py" "$here/chrf_input.jsonl" > "$here/chrf_expected.jsonl.tmp"
mv "$here/chrf_expected.jsonl.tmp" "$here/chrf_expected.jsonl"
python3 "$here/bleu_ter_reference.py" --self-test
python3 "$here/bleu_ter_reference.py" --jsonl "$here/chrf_input.jsonl" > "$here/bleu_ter_expected.jsonl.tmp"
mv "$here/bleu_ter_expected.jsonl.tmp" "$here/bleu_ter_expected.jsonl"
if [ -f "$here/audit_reference.py" ]; then
    python3 "$here/audit_reference.py" "$here/speakers.tsv" "$here/audit_ledger.jsonl" \
        > "$here/audit_expected.json.tmp"
    mv "$here/audit_expected.json.tmp" "$here/audit_expected.json"
fi
echo "fixtures regenerated in $here"
