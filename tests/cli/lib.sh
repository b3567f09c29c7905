# lib.sh — the harness every CLI test sources (. "$top_srcdir/tests/cli/lib.sh").
#
# Each helper has one meaning:
#   pp ARGS...                run polyphony (wrapped by $PP_WRAP under valgrind),
#                             bounded in time and output size
#   bounded CMD...            run another command under the same bounds
#   expect_status N CMD...    CMD exits N; its stdout/stderr are kept in $TMP/out, $TMP/err
#   expect_grep RE FILE       FILE has a line matching the extended regex RE
#   expect_no_grep RE FILE    no line of FILE matches RE
#   expect_eq GOT WANT MSG    two strings are equal
#   expect_lines N FILE       FILE has N lines
#   expect_file FILE          FILE exists and is not empty
#   expect_no_file FILE       FILE does not exist
#   expect_empty FILE         FILE is empty or does not exist
#   expect_same A B MSG       files A and B are byte for byte equal
#   expect_differ A B MSG     files A and B differ
#   expect_jq FILTER FILE     jq -e: the filter's last output is true
#   expect_jq_slurp FILTER FILE   the same over the file read as one array (jq -s)
#   expect_jq_any FILTER FILE     one of the filter's outputs is true
#   check MSG CMD...          any other condition: CMD succeeds
#   check_not MSG CMD...      CMD fails
#   fail MSG                  count one failed check (the test goes on)
#   stop MSG                  count one failed check and end the test now
#   skip MSG                  the test cannot run here (exit 77)
#   require_cmd CMD [PKG]     skip unless CMD is installed
#   finish                    print "N passed, N failed" and exit
# Every expect_*/check returns non-zero when it failed, so a setup step can
# say `expect_status 0 pp ... || stop "why the rest cannot run"`.
#
# Bounds: each polyphony call gets PP_TIMEOUT seconds (default 60; times
# PP_WRAP_SLOWDOWN, default 20, when $PP_WRAP is set; times 5 in a sanitizer
# build, where make passes PP_SANITIZED) and may write at most
# PP_OUTPUT_LIMIT MB to any file (default 64). A call over either bound is a
# FAIL naming the command, so a loop fails the test instead of hanging CI or
# filling the disk. A test may change its time bound with `time_limit SECONDS`.
set -u
: "${POLYPHONY:?run through make check}" "${TESTDATA:?run through make check}"
PP_WRAP=${PP_WRAP:-}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pp-cli-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' HUP INT TERM
fails=0
checks=0
# fd 9: the test's own stderr. Every FAIL goes there, so a check may redirect
# its command's stderr (check MSG pp ... 2>"$TMP/err").
exec 9>&2

# time_limit SECONDS: the time bound of each later call (scaled under PP_WRAP).
time_limit() {
    pp_timeout=$1
    [ -z "$PP_WRAP" ] || pp_timeout=$(($1 * ${PP_WRAP_SLOWDOWN:-20}))
    [ -z "${PP_SANITIZED:-}" ] || pp_timeout=$((pp_timeout * 5))
}
time_limit "${PP_TIMEOUT:-60}"
# ulimit -f counts 512-byte blocks (POSIX).
pp_fsize=$((${PP_OUTPUT_LIMIT:-64} * 2048))

# A bound hit in a pipeline runs in a subshell: record it in a file that
# finish() counts.
over_bound() {
    echo "FAIL: $1" >&9
    echo "$1" >>"$TMP/.bounds"
}

# _bounded LABEL CMD...: run CMD under the bounds; LABEL names it in a FAIL.
_bounded() {
    _label=$1; shift
    (exec 9>&-; ulimit -f "$pp_fsize" 2>/dev/null; exec timeout -k 10 "$pp_timeout" "$@")
    _st=$?
    case $_st in
        124) over_bound "timed out after $pp_timeout s: $_label" ;;
        137) over_bound "killed (time bound $pp_timeout s, or out of memory): $_label" ;;
        153) over_bound "wrote more than ${PP_OUTPUT_LIMIT:-64} MB to a file: $_label" ;;
    esac
    return $_st
}

bounded() { _bounded "$*" "$@"; }
pp() { _bounded "polyphony $*" $PP_WRAP "$POLYPHONY" "$@"; }

# _failed MSG [FILE]: count a failed check, show up to 20 lines of FILE.
_failed() {
    echo "FAIL: $1" >&9
    if [ $# -gt 1 ] && [ -f "$2" ]; then head -n 20 "$2" | cut -c 1-300 | sed 's/^/  | /' >&9; fi
    fails=$((fails + 1))
    return 1
}

fail() { checks=$((checks + 1)); _failed "$1"; }
stop() { fail "$1"; echo "(stopping: the remaining checks depend on this one)" >&9; finish; }
skip() { echo "SKIP: $1"; exit 77; }
require_cmd() {
    command -v "$1" >/dev/null 2>&1 || skip "$1 not found${2:+ (apt-get install $2)}"
}

expect_status() {
    _want=$1; shift
    checks=$((checks + 1))
    "$@" >"$TMP/out" 2>"$TMP/err"
    _got=$?
    [ "$_got" = "$_want" ] || _failed "'$*' exited $_got, expected $_want" "$TMP/err"
}

expect_grep() {
    checks=$((checks + 1))
    grep -Eq -- "$1" "$2" || _failed "'$1' not found in $(basename "$2")" "$2"
}

expect_no_grep() {
    checks=$((checks + 1))
    ! grep -Eq -- "$1" "$2" || _failed "'$1' found in $(basename "$2"): $(grep -Em 1 -- "$1" "$2" | cut -c 1-300)"
}

expect_eq() {
    checks=$((checks + 1))
    [ "$1" = "$2" ] || _failed "$3: got '$1', expected '$2'"
}

expect_lines() {
    checks=$((checks + 1))
    _n=$(wc -l <"$2" 2>/dev/null | tr -d ' ')
    [ "$_n" = "$1" ] || _failed "$(basename "$2") has ${_n:-no} lines, expected $1" "$2"
}

expect_file() {
    checks=$((checks + 1))
    [ -s "$1" ] || _failed "$(basename "$1") is missing or empty"
}

expect_no_file() {
    checks=$((checks + 1))
    [ ! -e "$1" ] || _failed "$(basename "$1") exists"
}

expect_empty() {
    checks=$((checks + 1))
    [ ! -s "$1" ] || _failed "$(basename "$1") is not empty" "$1"
}

expect_same() {
    checks=$((checks + 1))
    cmp -s "$1" "$2" || _failed "$3: $(basename "$1") and $(basename "$2") differ"
}

expect_differ() {
    checks=$((checks + 1))
    ! cmp -s "$1" "$2" || _failed "$3: $(basename "$1") and $(basename "$2") are identical"
}

expect_jq() {
    checks=$((checks + 1))
    jq -e "$1" "$2" >/dev/null 2>"$TMP/jq.err" || _failed "jq -e '$1' is not true on $(basename "$2")" "$TMP/jq.err"
}

expect_jq_slurp() {
    checks=$((checks + 1))
    jq -se "$1" "$2" >/dev/null 2>"$TMP/jq.err" || _failed "jq -se '$1' is not true on $(basename "$2")" "$TMP/jq.err"
}

expect_jq_any() {
    checks=$((checks + 1))
    jq "$1" "$2" 2>"$TMP/jq.err" | grep -qx true || _failed "jq '$1' gives no true on $(basename "$2")" "$TMP/jq.err"
}

check() {
    _msg=$1; shift
    checks=$((checks + 1))
    "$@" || _failed "$_msg"
}

check_not() {
    _msg=$1; shift
    checks=$((checks + 1))
    ! "$@" || _failed "$_msg"
}

finish() {
    if [ -s "$TMP/.bounds" ]; then
        _n=$(wc -l <"$TMP/.bounds" | tr -d ' ')
        checks=$((checks + _n))
        fails=$((fails + _n))
    fi
    echo "$((checks - fails)) passed, $fails failed"
    [ "$fails" = 0 ] && exit 0
    exit 1
}
