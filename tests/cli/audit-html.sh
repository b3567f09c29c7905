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

render() { # render FILE.html into $TMP/dom.html, $TMP/console.log and $TMP/shot.png
    rm -f "$TMP/shot.png"
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --user-data-dir="$TMP/profile" \
        --enable-logging=stderr --v=0 --dump-dom "file://$1" >"$TMP/dom.html" 2>"$TMP/console.log"
    expect_eq "$?" 0 "chromium's exit status (124: timed out after 120 s)" || tail -20 "$TMP/console.log" >&2
    # the first screen, 1280 x 900, as a reader sees it
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --user-data-dir="$TMP/profile" \
        --hide-scrollbars --window-size=1280,900 --screenshot="$TMP/shot.png" "file://$1" \
        >/dev/null 2>&1
    expect_file "$TMP/shot.png"
}

# Render with the network off; keep the DOM after scripts ran and the console.
render "$TMP/report.html"
# The script writes this marker only when it runs to the end.
expect_grep 'data-status="report-script-ok"' "$TMP/dom.html"
# Charts: 5 metrics x (bars + map), each metric folded in a <details>
expect_eq "$(grep -o '<svg class="chart' "$TMP/dom.html" | wc -l | tr -d ' ')" 10 "charts in the rendered DOM"
expect_grep 'data-charts="10"' "$TMP/dom.html"
expect_eq "$(grep -o '<details class="metric"' "$TMP/dom.html" | wc -l | tr -d ' ')" 5 "metric sections"
# points on the map over the land outline, interval whiskers
expect_grep '<circle' "$TMP/dom.html"
expect_grep '<use href="#land"' "$TMP/dom.html"
expect_grep '<path d="M' "$TMP/dom.html"
# no debug text; axis ticks are 1, 2 or 5 x 10^k (0.2 steps on lid.f1)
expect_no_grep 'charts: ' "$TMP/dom.html"
expect_grep 'text-anchor="middle">0.6</text>' "$TMP/dom.html"
expect_no_grep '>5.89<|>11.8<|>17.7<' "$TMP/dom.html"
# the first screen names the worst-served community of every stage: the
# summary table comes before anything else and holds them (am for filter:
# survival 0.12 vs 0.71; am for tokenizers: premium 3.1 vs 1)
summary=$(sed -n '/<section id="summary">/,/<\/section>/p' "$TMP/dom.html")
check "summary holds the filter row with am worst" \
    sh -c 'printf "%s" "$1" | grep -q "stage-filter.*<b>am</b> Amharic 0.17"' _ "$summary"
check "summary holds the tokenizers row with am worst" \
    sh -c 'printf "%s" "$1" | grep -q "stage-tokenizers.*<b>am</b> Amharic 0.32"' _ "$summary"
# the screenshot: its size, land on the map is not what the first screen
# shows; the summary's red swatch (am, u 0.17 in filter) is
if command -v python3 >/dev/null 2>&1; then
    set -- $(python3 "$top_srcdir/tests/cli/png_colours.py" "$TMP/shot.png" ffffff e3714a)
    expect_eq "$1 $2" "1280 900" "screenshot size"
    check "the first screen is mostly page background ($3)" awk "BEGIN{exit !($3 > 0.5)}"
    check "the first screen shows a red (worst-served) swatch ($4)" awk "BEGIN{exit !($4 > 0)}"
fi
# no script errors in the console
expect_no_grep 'Uncaught|SyntaxError|ReferenceError|TypeError' "$TMP/console.log"

# Readable at 100 languages x 10 metrics: the ledger is made from the first
# 100 registry languages with a speaker count and coordinates.
awk -F'\t' 'substr($1,1,1) != "#" && $8 > 0 && $12 != "" && $5 == "I" && n < 100 { n++; print $1 }' \
    "$POLYPHONY_DATA/langs/data/registry.tsv" >"$TMP/langs100"
expect_lines 100 "$TMP/langs100"
awk 'BEGIN { split("lid.eval.f1 filter.gopher.survival filter.gopher.removed tokenizer.train.premium tokenizer.train.fertility eval.mt.chrf eval.mt.bleu eval.mt.ter eval.qa.accuracy ingest.txt.characters", M, " ") }
     { for (m = 1; m <= 10; m++) { split(M[m], k, "."); v = ((NR * 37 + m * 11) % 97) / 97
         if (k[3] == "chrf" || k[3] == "bleu" || k[3] == "ter") v = v * 80
         if (k[3] == "premium" || k[3] == "fertility") v = 1 + 2 * v
         if (k[3] == "characters") v = 1000 * NR
         printf "{\"stage\":\"%s\",\"step\":\"%s\",\"lang\":\"%s\",\"metric\":\"%s\",\"value\":%s,\"n\":50}\n", k[1], k[2], $1, k[3], v } }' \
    "$TMP/langs100" >"$TMP/ledger100.jsonl"
expect_lines 1000 "$TMP/ledger100.jsonl"
expect_status 0 pp audit --html "$TMP/big.html" "$TMP/ledger100.jsonl" || stop "no large report"
check "the large report stays small ($(wc -c <"$TMP/big.html") bytes)" test "$(wc -c <"$TMP/big.html")" -lt 1500000
render "$TMP/big.html"
expect_grep 'data-status="report-script-ok"' "$TMP/dom.html"
# inventory (characters) is context, not a ranked metric: 9 metric sections
expect_eq "$(grep -o '<details class="metric"' "$TMP/dom.html" | wc -l | tr -d ' ')" 9 "metric sections (large)"
expect_grep 'Context: 1 inventory metric' "$TMP/dom.html"
# the path table shows 25 communities, the others fold
expect_grep '<summary>75 more communities</summary>' "$TMP/dom.html"
# map names never overlap: at most 24 per map
expect_eq "$(grep -o 'class="mlab"' "$TMP/dom.html" | wc -l | tr -d ' ')" "$(( $(grep -c 'class="chart map"' "$TMP/dom.html") * 24 ))" "map names (24 per map)"
if command -v python3 >/dev/null 2>&1; then
    set -- $(python3 "$top_srcdir/tests/cli/png_colours.py" "$TMP/shot.png" ffffff)
    expect_eq "$1 $2" "1280 900" "screenshot size (large)"
fi
expect_no_grep 'Uncaught|SyntaxError|ReferenceError|TypeError' "$TMP/console.log"
finish
