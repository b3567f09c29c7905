#!/bin/sh
# tests/cli/audit-html.sh — render the HTML report of `polyphony audit` in
# headless Chromium (Debian package `chromium`): the charts must be in the
# DOM and the page's script must have run without an error. Skipped (77)
# when Chromium is not installed.
set -u
: "${POLYPHONY:?}" "${TESTDATA:?}"
PP_WRAP=${PP_WRAP:-}
D=$TESTDATA/eval
CHROMIUM=
for c in chromium chromium-browser google-chrome; do
    if command -v "$c" >/dev/null 2>&1; then CHROMIUM=$c; break; fi
done
if [ -z "$CHROMIUM" ]; then
    echo "chromium not found (apt-get install chromium): skipping the HTML rendering test"
    exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

$PP_WRAP "$POLYPHONY" audit --speakers "$D/speakers.tsv" --html "$T/report.html" \
    "$D/audit_ledger.jsonl" >/dev/null 2>"$T/audit.err" || { cat "$T/audit.err" >&2; exit 1; }

# Render with the network off; keep the DOM after scripts ran and the console.
timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$T/profile" \
    --enable-logging=stderr --v=0 --dump-dom "file://$T/report.html" >"$T/dom.html" 2>"$T/console.log"
rc=$?
[ "$rc" = 0 ] || { fail "chromium exited with $rc"; tail -20 "$T/console.log" >&2; }

# The script writes this marker only when it runs to the end.
grep -q 'data-status="report-script-ok"' "$T/dom.html" || fail "the report's script did not run"
# Charts: 5 metrics x (bars + map) + 6 community funnels
n=$(grep -o '<svg class="chart' "$T/dom.html" | wc -l | tr -d ' ')
[ "$n" = 16 ] || fail "$n charts in the rendered DOM, expected 16"
grep -q "charts: 16" "$T/dom.html" || fail "the script counted a different number of charts"
grep -q '<circle' "$T/dom.html" || fail "no points on the map"
grep -q '<path d="M' "$T/dom.html" || fail "no interval whiskers"
if grep -E 'Uncaught|SyntaxError|ReferenceError|TypeError' "$T/console.log" >&2; then
    fail "script errors in the console"
fi
exit $((fails > 0))
