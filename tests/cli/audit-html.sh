#!/bin/sh
# tests/cli/audit-html.sh — render the HTML report of `polyphony audit` in
# headless Chromium (Debian package `chromium`): the charts must be in the
# DOM and the page's script must have run without an error. Skipped (77)
# when Chromium is not installed.
. "$top_srcdir/tests/cli/lib.sh"
D=$TESTDATA/eval
CHROMIUM=
for c in chromium chromium-browser google-chrome; do
    if command -v "$c" >/dev/null 2>&1; then CHROMIUM=$c; break; fi
done
[ -n "$CHROMIUM" ] || skip "chromium not found (apt-get install chromium): no HTML rendering test"

expect_status 0 pp audit --speakers "$D/speakers.tsv" --html "$TMP/report.html" "$D/audit_ledger.jsonl" ||
    stop "no report to render"

# Render with the network off; keep the DOM after scripts ran and the console.
timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$TMP/profile" \
    --enable-logging=stderr --v=0 --dump-dom "file://$TMP/report.html" >"$TMP/dom.html" 2>"$TMP/console.log"
rc=$?
expect_eq "$rc" 0 "chromium's exit status (124: timed out after 120 s)" || tail -20 "$TMP/console.log" >&2

# The script writes this marker only when it runs to the end.
expect_grep 'data-status="report-script-ok"' "$TMP/dom.html"
# Charts: 5 metrics x (bars + map) + 6 community funnels
expect_eq "$(grep -o '<svg class="chart' "$TMP/dom.html" | wc -l | tr -d ' ')" 16 "charts in the rendered DOM"
# the script counted the same number of charts
expect_grep "charts: 16" "$TMP/dom.html"
# points on the map, interval whiskers
expect_grep '<circle' "$TMP/dom.html"
expect_grep '<path d="M' "$TMP/dom.html"
# no script errors in the console
expect_no_grep 'Uncaught|SyntaxError|ReferenceError|TypeError' "$TMP/console.log"
finish
