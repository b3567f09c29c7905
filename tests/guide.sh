#!/bin/sh
# tests/guide.sh — runs every command of the user guide (docs/guide/*.md) and
# compares what it prints with what the guide shows, so the guide cannot drift.
#
# The convention (docs/guide/README.md, "How the sessions are checked"):
# - only ```console blocks are run; in them a line starting "$ " is a command,
#   continued on the next line while it ends with a backslash;
# - the lines after a command, up to the next command or the end of the
#   block, are its whole output (standard output and error together);
# - "…" stands for what the guide leaves out: a line that is only "…"
#   matches any number of lines, and "…" inside a line any characters;
# - a command ending in "# not run: REASON" is shown to readers but not run
#   (it needs root, a network or minutes).
# Every command must exit 0. Each page runs in its own directory, in page
# order, with links to the source tree's tests/, eval-sets/, langs/, debian/,
# src/ and configure and to the build tree's .libs, and `polyphony` (the built
# one, bounded like every CLI test's calls, but not under valgrind) first in
# PATH. GUIDE_KEEP=DIR keeps the directories and each command's output in DIR
# (to write or update a page).
. "$top_srcdir/tests/cli/lib.sh"
require_cmd bash bash
require_cmd jq jq
require_cmd zstd zstd

guide=$top_srcdir/docs/guide
[ -d "$guide" ] || stop "no docs/guide in $top_srcdir"

# The polyphony every guide command runs: the built one. Not under $PP_WRAP:
# this test checks what the guide shows, the CLI tests check memory under
# valgrind, and the guide's training would take many minutes there.
PP_WRAP=
time_limit 120
mkdir -p "$TMP/bin"
cat >"$TMP/bin/polyphony" <<'EOF'
#!/bin/sh
exec "$POLYPHONY" "$@"
EOF
chmod +x "$TMP/bin/polyphony"
PATH=$TMP/bin:$PATH
export PATH

# extract PAGE DIR: one NNN.cmd file per command and NNN.want with its output.
extract() {
    awk -v dir="$2" '
        function flush() { if (n) close(dir "/" sprintf("%03d", n) ".want") }
        /^```console[ \t]*$/ && !inblock { inblock = 1; next }
        /^```/ && inblock { flush(); inblock = 0; cmd = 0; next }
        !inblock { next }
        cont { print >> (dir "/" sprintf("%03d", n) ".cmd"); cont = /\\$/; next }
        /^\$ / {
            flush(); n++
            f = dir "/" sprintf("%03d", n)
            printf "" > (f ".want")
            print substr($0, 3) > (f ".cmd")
            cont = /\\$/; cmd = 1; next
        }
        cmd { print >> (dir "/" sprintf("%03d", n) ".want") }
        END { if (inblock) { print "unclosed console block" > "/dev/stderr"; exit 1 } }
    ' "$1"
}

# matches WANT GOT: GOT is what WANT shows, "…" standing for what it leaves out.
matches() {
    awk '
        function rstrip(s) { sub(/[ \t\r]+$/, "", s); return s }
        function line_ok(w, g,    k, p, i, pos, rest) {
            if (index(w, "…") == 0) return w == g
            k = split(w, p, "…")
            if (substr(g, 1, length(p[1])) != p[1]) return 0
            rest = substr(g, length(p[1]) + 1)
            for (i = 2; i < k; i++) {
                pos = index(rest, p[i]); if (pos == 0) return 0
                rest = substr(rest, pos + length(p[i]))
            }
            return length(rest) >= length(p[k]) && substr(rest, length(rest) - length(p[k]) + 1) == p[k]
        }
        # m(i, j): want lines i.. match got lines j..
        function m(i, j,    k) {
            if (i > nw) return j > ng
            if (w[i] == "…") {
                for (k = j; k <= ng + 1; k++) if (m(i + 1, k)) return 1
                return 0
            }
            return j <= ng && line_ok(w[i], g[j]) && m(i + 1, j + 1)
        }
        FNR == NR { w[++nw] = rstrip($0); next }
        { g[++ng] = rstrip($0) }
        END { exit m(1, 1) ? 0 : 1 }
    ' "$1" "$2"
}

# The matcher itself, on cases whose answer is known: a matcher that accepted
# anything would let the guide drift silently.
# expect_match yes|no WANT GOT (lines separated by |)
expect_match() {
    printf '%s\n' "$2" | tr '|' '\n' >"$TMP/m.want"
    printf '%s\n' "$3" | tr '|' '\n' >"$TMP/m.got"
    [ "$3" = "" ] && : >"$TMP/m.got"
    [ "$2" = "" ] && : >"$TMP/m.want"
    if matches "$TMP/m.want" "$TMP/m.got"; then _r=yes; else _r=no; fi
    expect_eq "$_r" "$1" "matcher: '$2' against '$3'"
}
expect_match yes 'a|b' 'a|b'
expect_match no 'a|b' 'a|c'
expect_match no 'a|b' 'a|b|c'
expect_match yes 'a|…|d' 'a|b|c|d'
expect_match yes 'a|…|d' 'a|d'
expect_match no 'a|…|d' 'a|b|c'
expect_match yes 'x 1.2… s' 'x 1.234 s'
expect_match no 'x 1.2… s' 'x 1.334 s'
expect_match yes '…: done' 'polyphony: done'
expect_match no '' 'something'
expect_match yes '' ''
expect_match yes 'a' 'a   '

pages=$(ls "$guide"/*.md)
for page in $pages; do
    name=$(basename "$page" .md)
    steps=$TMP/steps/$name
    mkdir -p "$steps"
    extract "$page" "$steps" || { fail "$name.md: cannot read its console blocks"; continue; }
    work=$TMP/work/$name
    mkdir -p "$work"
    for f in tests eval-sets langs debian src configure; do
        ln -s "$top_srcdir/$f" "$work/$f"
    done
    ln -s "$top_builddir/.libs" "$work/.libs"
    for c in "$steps"/*.cmd; do
        [ -e "$c" ] || continue
        n=$(basename "$c" .cmd)
        line=$(head -n 1 "$c")
        case $(tail -n 1 "$c") in
            *"# not run: "*) echo "not run: $name.md: $line"; continue ;;
        esac
        (cd "$work" && bounded bash -c "$(cat "$c")") >"$steps/$n.got" 2>&1
        st=$?
        checks=$((checks + 1))
        if [ "$st" != 0 ]; then
            _failed "$name.md: '$line' exited $st" "$steps/$n.got"
        elif ! matches "$steps/$n.want" "$steps/$n.got"; then
            _failed "$name.md: '$line' does not print what the guide shows; it printed:" "$steps/$n.got"
        fi
    done
done

if [ -n "${GUIDE_KEEP:-}" ]; then
    rm -rf "$GUIDE_KEEP" && mkdir -p "$GUIDE_KEEP" && cp -a "$TMP/steps" "$TMP/work" "$GUIDE_KEEP/"
fi
finish
