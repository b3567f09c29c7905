#!/bin/sh
# regenerate.sh POLYPHONY — remakes mt-outputs.jsonl, the "model outputs" of
# the researcher's walkthrough (docs/guide/researcher.md). They are made up,
# not a model's: each output is the reference of a UDHR translation prompt
# damaged in one way per language, so that the gaps the audit finds are known
# in advance:
#   yo  the reference without its tone marks (NFD, combining acute, grave and
#       macron removed, NFC again; the dots below stay)
#   sw  every 6th word dropped
#   zu  every 3rd word dropped
#   qu  every 2nd word dropped
#   am  the English source copied untranslated
# Run from the top of the source tree: tests/data/guide/regenerate.sh ./polyphony
set -eu
pp=${1:?usage: regenerate.sh POLYPHONY}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
zstd -dc eval-sets/udhr/udhr.jsonl.zst |
    jq -c 'select(.meta.udhr_code | IN("yor","swh","amh","zul","quz","eng"))' >"$tmp/udhr.jsonl"
POLYPHONY_DATA=. "$pp" eval-sets build translation --udhr "$tmp/udhr.jsonl" \
    --pairs en-yo,en-sw,en-am,en-zu,en-qu -o "$tmp/mt.jsonl"
python3 - "$tmp/mt.jsonl" >tests/data/guide/mt-outputs.jsonl <<'PY'
import json, sys, unicodedata

def drop(text, k):
    return " ".join(w for i, w in enumerate(text.split(" ")) if (i + 1) % k)

def untone(text):
    d = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in d if c not in "\u0300\u0301\u0304"))

for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    out = {"yo": lambda: untone(r["reference"]),
           "sw": lambda: drop(r["reference"], 6),
           "zu": lambda: drop(r["reference"], 3),
           "qu": lambda: drop(r["reference"], 2)}.get(r["lang"], lambda: r["source"])()
    print(json.dumps({"id": r["id"], "output": out}, ensure_ascii=False))
PY
