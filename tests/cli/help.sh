#!/bin/sh
# help.sh — every command and sub-command listed by `polyphony help` answers
# --help and `polyphony help CMD SUB` with its own help, accepts -q, and is
# described in its manual page.
. "$top_srcdir/tests/cli/lib.sh"

fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

pp help | sed -n 's/^  \([a-z-]*\) .*/\1/p' > "$TMP/cmds"
[ "$(wc -l < "$TMP/cmds")" -ge 16 ] || fail "'polyphony help' lists $(wc -l < "$TMP/cmds") commands"

nsubs=0
while read -r c; do
    expect_status 0 pp "$c" --help
    [ -s "$TMP/out" ] || fail "'polyphony $c --help' printed nothing"
    cp "$TMP/out" "$TMP/cmd-help"
    expect_status 0 pp help "$c"
    cmp -s "$TMP/out" "$TMP/cmd-help" || fail "'polyphony help $c' differs from '$c --help'"
    # The sub-commands, as the command's help lists them.
    sed -n '/^Sub-commands (/,$ s/^  \([a-z-]*\) .*/\1/p' "$TMP/cmd-help" > "$TMP/subs"
    if [ -s "$TMP/subs" ]; then
        # -q before --help: rejected options exit 2. A command that is only
        # its sub-commands takes options after the sub-command.
        pp "$c" -q --help > /dev/null 2> "$TMP/err"
        st=$?
        checks=$((checks + 1))
        [ $st = 0 ] || grep -q "unknown sub-command '-q'" "$TMP/err" ||
            fail "'polyphony $c -q --help' exited $st"
    else
        expect_status 0 pp "$c" -q --help
        expect_status 0 pp "$c" --quiet --help
    fi
    man="$top_srcdir/docs/man/polyphony-$c.1"
    case $c in help | version) man="$top_srcdir/docs/man/polyphony.1" ;; esac
    checks=$((checks + 1))
    if [ ! -f "$man" ]; then
        fail "no manual page for $c"
    elif [ "$man" != "$top_srcdir/docs/man/polyphony.1" ]; then
        grep -q '^\.SH COMMON OPTIONS' "$man" || fail "$man has no COMMON OPTIONS section"
        [ ! -s "$TMP/subs" ] || grep -q '^\.SH SUBCOMMANDS' "$man" ||
            fail "$man has no SUBCOMMANDS section"
    fi
    while read -r s; do
        nsubs=$((nsubs + 1))
        expect_status 0 pp help "$c" "$s"
        expect_grep "^polyphony $c $s: " "$TMP/out"
        cp "$TMP/out" "$TMP/sub-help"
        # Below the summary line, the usage is the sub-command's own.
        expect_grep "^Usage: polyphony $c $s( |\$)" "$TMP/sub-help"
        checks=$((checks + 1))
        ! grep -q "^       polyphony $c " "$TMP/sub-help" ||
            fail "'polyphony help $c $s' shows the synopsis of other sub-commands"
        cmp -s "$TMP/sub-help" "$TMP/cmd-help" && fail "'polyphony help $c $s' prints $c's help"
        expect_status 0 pp "$c" "$s" --help
        cmp -s "$TMP/out" "$TMP/sub-help" || fail "'polyphony $c $s --help' differs from 'help $c $s'"
        expect_status 0 pp "$c" "$s" -q --help
        cmp -s "$TMP/out" "$TMP/sub-help" || fail "'polyphony $c $s -q --help' differs"
        expect_status 0 pp "$c" "$s" --quiet -h
        # The sub-command is named in the SUBCOMMANDS section of the page.
        sed -n '/^\.SH SUBCOMMANDS/,/^\.SH /p' "$man" > "$TMP/mansec"
        checks=$((checks + 1))
        grep -qx "\.B $s" "$TMP/mansec" ||
            fail "$man: sub-command $s is not in SUBCOMMANDS"
    done < "$TMP/subs"
    expect_status 2 pp help "$c" no-such-sub
done < "$TMP/cmds"
[ $nsubs -ge 24 ] || fail "only $nsubs sub-commands found"

# Sub-commands the help of lid names, run from the table.
expect_status 0 pp help lid eval
expect_grep '^Usage: polyphony lid eval ' "$TMP/out"
expect_status 2 pp help no-such-command eval
expect_status 2 pp langs
expect_grep "missing sub-command" "$TMP/err"
expect_status 2 pp langs no-such-sub
expect_grep "unknown sub-command 'no-such-sub'" "$TMP/err"

# -q on real runs of commands that refused it before.
printf '%s\n' '{"id":"a","lang":"en","text":"write to someone@example.org today"}' \
    '{"id":"b","lang":"en","text":"write to someone@example.org today"}' > "$TMP/in.jsonl"
expect_status 0 pp pii -q "$TMP/in.jsonl"
expect_grep '"a"' "$TMP/out"
expect_status 0 pp dedup -q "$TMP/in.jsonl"
expect_eq "$(wc -l < "$TMP/out" | tr -d ' ')" 1 "dedup -q keeps one of two duplicates"
expect_status 0 pp lid -q "$TMP/in.jsonl"
expect_grep '"lid_score"' "$TMP/out"
expect_status 0 pp langs show -q yo
expect_status 0 pp stats -q "$TMP/in.jsonl"
finish
