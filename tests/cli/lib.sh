# lib.sh — helpers for the CLI tests (sourced). Every polyphony call goes
# through pp so that `make check-valgrind` can wrap it ($PP_WRAP).
set -u
: "${POLYPHONY:?run through make check}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pp-cli-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fails=0
checks=0

pp() { ${PP_WRAP:-} "$POLYPHONY" "$@"; }

# expect_status WANT CMD...: run, capture stdout/stderr in $TMP/out, $TMP/err.
expect_status() {
    want=$1; shift
    checks=$((checks + 1))
    "$@" >"$TMP/out" 2>"$TMP/err"
    got=$?
    if [ "$got" != "$want" ]; then
        echo "FAIL: '$*' exited $got, expected $want" >&2
        sed 's/^/  stderr: /' "$TMP/err" | head -5 >&2
        fails=$((fails + 1))
    fi
}

# expect_grep PATTERN FILE: FILE contains PATTERN (grep -E).
expect_grep() {
    checks=$((checks + 1))
    if ! grep -Eq -- "$1" "$2"; then
        echo "FAIL: '$1' not found in $(basename "$2")" >&2
        head -5 "$2" | sed 's/^/  /' >&2
        fails=$((fails + 1))
    fi
}

# expect_eq GOT WANT MESSAGE
expect_eq() {
    checks=$((checks + 1))
    if [ "$1" != "$2" ]; then
        echo "FAIL: $3: got '$1', expected '$2'" >&2
        fails=$((fails + 1))
    fi
}

finish() {
    echo "$((checks - fails)) passed, $fails failed"
    [ "$fails" = 0 ]
    exit $?
}
