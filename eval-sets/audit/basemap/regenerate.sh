#!/bin/sh
# eval-sets/audit/basemap/regenerate.sh — rebuild land-110m.path (the audit
# report's basemap) from the npm package world-atlas (Natural Earth land,
# 1:110m, as TopoJSON). Needs npm and node; run by hand when the package
# changes, then update SOURCE.md (version, checksums).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
version=${1:-2.0.2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "world-atlas@$version" >/dev/null && tar xzf "world-atlas-$version.tgz")
sha256sum "$tmp/world-atlas-$version.tgz" "$tmp/package/land-110m.json"
node "$here/topo2path.mjs" "$tmp/package/land-110m.json" >"$here/land-110m.path.tmp"
mv "$here/land-110m.path.tmp" "$here/land-110m.path"
echo "wrote $here/land-110m.path ($(wc -c <"$here/land-110m.path") bytes)"
