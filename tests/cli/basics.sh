#!/bin/sh
# basics.sh — help, version and exit statuses of the polyphony command.
. "$top_srcdir/tests/cli/lib.sh"

expect_status 0 pp --help
expect_grep '^Usage: polyphony <command>' "$TMP/out"
expect_grep '^  help ' "$TMP/out"
expect_status 0 pp help
expect_grep 'Commands:' "$TMP/out"
expect_status 0 pp --version
expect_grep '^polyphony [0-9]+\.[0-9]+\.[0-9]+$' "$TMP/out"
expect_status 0 pp version
expect_status 2 pp
expect_status 2 pp no-such-command
expect_grep "unknown command 'no-such-command'" "$TMP/err"
expect_status 2 pp help no-such-command
# Every command listed in the overview answers --help with its usage.
pp help | sed -n 's/^  \([a-z-]*\) .*/\1/p' > "$TMP/cmds"
while read -r c; do
    expect_status 0 pp help "$c"
    check "'polyphony help $c' printed nothing" [ -s "$TMP/out" ]
done < "$TMP/cmds"
finish
