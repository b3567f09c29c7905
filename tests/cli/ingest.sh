#!/bin/sh
# tests/cli/ingest.sh — `polyphony ingest` from the command line: formats,
# exit statuses, --rejects, --strict, malformed input, compressed input and
# output, stable ids.
set -u
: "${POLYPHONY:?}" "${TESTDATA:?}"
PP_WRAP=${PP_WRAP:-}
D=$TESTDATA/ingest
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
fails=0

pp() { $PP_WRAP "$POLYPHONY" "$@"; }
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
# expect STATUS DESCRIPTION -- command...: run, keep stdout/stderr in $T/out, $T/err
expect() {
    want=$1; what=$2; shift 3
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    [ "$got" = "$want" ] || { fail "$what: exit $got, expected $want"; cat "$T/err" >&2; }
}
lines() { wc -l <"$1" | tr -d ' '; }

# --help, usage errors
expect 0 "--help" -- pp ingest --help
grep -q -- '--format' "$T/out" || fail "--help does not list --format"
expect 2 "unknown format" -- pp ingest --format docx "$D/paragraphs.txt"
grep -q "unknown format 'docx'" "$T/err" || fail "unknown format message"
expect 2 "unknown segmentation" -- pp ingest --segment words "$D/paragraphs.txt"
expect 2 "bad --lang" -- pp ingest --lang 'not a tag!' "$D/paragraphs.txt"
expect 2 "unknown option" -- pp ingest --frobnicate
expect 1 "missing file" -- pp ingest "$T/no-such-file.txt"
grep -q "no-such-file.txt" "$T/err" || fail "missing file not named"

# every format on its fixture
expect 0 "udhr" -- pp ingest --format udhr --meta "$D/udhr-meta.jsonl" "$D/udhr-yor.html"
[ "$(lines "$T/out")" = 6 ] || fail "udhr: $(lines "$T/out") records, expected 6"
grep -q '"id":"udhr-yor-a5-p1".*"lang":"yo".*"split":"test","stage":4' "$T/out" ||
    fail "udhr record shape"
expect 0 "ces" -- pp ingest --format ces "$D/ces-basque.xml"
[ "$(lines "$T/out")" = 3 ] || fail "ces: expected 3 records"
grep -q '^{"id":"b.MAT.1.1","text":"IESVS' "$T/out" || fail "ces: verse id"
expect 0 "tmx" -- pp ingest --format tmx "$D/memory.tmx"
[ "$(lines "$T/out")" = 4 ] || fail "tmx: expected 4 records"
grep -q 'memory.tmx:[0-9]*: rejected: empty text' "$T/err" || fail "tmx: reject warning"
expect 0 "tei" -- pp ingest --format tei "$D/play.tei.xml"
[ "$(lines "$T/out")" = 5 ] || fail "tei: expected 5 records"
expect 0 "html paragraphs" -- pp ingest --format html --segment paragraphs "$D/page.html"
[ "$(lines "$T/out")" = 7 ] || fail "html: expected 7 paragraphs"
expect 0 "txt paragraphs" -- pp ingest --segment paragraphs --lang yor "$D/paragraphs.txt"
[ "$(lines "$T/out")" = 3 ] || fail "txt: expected 3 paragraphs"
grep -q '"lang":"yo"' "$T/out" || fail "txt: --lang not canonicalized"

# stdin, -o and compressed output
expect 0 "stdin" -- sh -c "$PP_WRAP \"$POLYPHONY\" ingest --lang en <\"$D/paragraphs.txt\""
grep -q '"id":"stdin-l1"' "$T/out" || fail "stdin id"
expect 0 "-o .zst" -- pp ingest --format ces -o "$T/ces.jsonl.zst" "$D/ces-basque.xml"
[ "$(zstd -dc "$T/ces.jsonl.zst" | wc -l | tr -d ' ')" = 3 ] || fail "-o .zst content"

# .gz and .zst input give the same records as plain input (same ids too)
pp ingest --segment paragraphs "$D/paragraphs.txt" >"$T/plain.jsonl"
gzip -c "$D/paragraphs.txt" >"$T/paragraphs.txt.gz"
zstd -q -c "$D/paragraphs.txt" >"$T/paragraphs.txt.zst"
pp ingest --segment paragraphs "$T/paragraphs.txt.gz" >"$T/gz.jsonl" || fail ".gz input"
pp ingest --segment paragraphs "$T/paragraphs.txt.zst" >"$T/zst.jsonl" || fail ".zst input"
cmp -s "$T/plain.jsonl" "$T/gz.jsonl" || fail ".gz input differs from plain"
cmp -s "$T/plain.jsonl" "$T/zst.jsonl" || fail ".zst input differs from plain"
gzip -c "$D/memory.tmx" >"$T/memory.tmx.gz"
expect 0 "tmx.gz" -- pp ingest --format tmx "$T/memory.tmx.gz"
[ "$(lines "$T/out")" = 4 ] || fail "tmx.gz: expected 4 records"

# stable ids (and records) across runs
pp ingest --format udhr -s sentences "$D/udhr-yor.html" >"$T/run1.jsonl"
pp ingest --format udhr -s sentences "$D/udhr-yor.html" >"$T/run2.jsonl"
cmp -s "$T/run1.jsonl" "$T/run2.jsonl" || fail "two runs differ"

# --rejects keeps bad items with a reason; --strict makes them an error
expect 0 "jsonl --rejects" -- pp ingest --format jsonl --text-field content \
    --lang-field language --id-field doc_id --rejects "$T/rej.jsonl" "$D/mapped.jsonl"
[ "$(lines "$T/out")" = 3 ] || fail "jsonl: expected 3 records"
[ "$(lines "$T/rej.jsonl")" = 3 ] || fail "jsonl: expected 3 rejects"
grep -q '"line":5,"reason":"bad language tag' "$T/rej.jsonl" || fail "jsonl: bad tag reason"
[ -s "$T/err" ] && fail "jsonl: warnings printed although --rejects was given"
expect 1 "jsonl --strict" -- pp ingest --format jsonl --text-field content \
    --lang-field language --strict "$D/mapped.jsonl"
grep -q "mapped.jsonl:4: empty text" "$T/err" || fail "--strict message: $(cat "$T/err")"

# a truncated JSONL line: named by its line; reject, or exit 1 under --strict
printf '{"text":"one","lang":"en"}\n{"text":"tw\n{"text":"three","lang":"en"}\n' >"$T/trunc.jsonl"
expect 0 "truncated jsonl" -- pp ingest --format jsonl --rejects "$T/trej.jsonl" "$T/trunc.jsonl"
[ "$(lines "$T/out")" = 2 ] || fail "truncated jsonl: expected 2 records"
grep -q '"line":2,"reason":"malformed JSON' "$T/trej.jsonl" || fail "truncated jsonl: reject"
expect 1 "truncated jsonl --strict" -- pp ingest --format jsonl --strict "$T/trunc.jsonl"
grep -q "trunc.jsonl:2: malformed JSON" "$T/err" || fail "truncated --strict message"
[ -s "$T/out" ] && fail "--strict failure wrote records to stdout"
expect 1 "truncated jsonl -o --strict" -- pp ingest --format jsonl --strict -o "$T/never.jsonl" \
    "$T/trunc.jsonl"
[ -e "$T/never.jsonl" ] && fail "a failed run left its output file"

# invalid UTF-8 is rejected with a reason
printf 'good\nbad \377 byte\n' >"$T/bad.txt"
expect 0 "invalid utf-8" -- pp ingest --rejects "$T/urej.jsonl" "$T/bad.txt"
[ "$(lines "$T/out")" = 1 ] || fail "invalid utf-8: expected 1 record"
grep -q '"line":2,"reason":"invalid UTF-8 at byte 5' "$T/urej.jsonl" || fail "utf-8 reason"
expect 1 "invalid utf-8 --strict" -- pp ingest --strict "$T/bad.txt"
grep -q "bad.txt:2: invalid UTF-8" "$T/err" || fail "utf-8 --strict message"

# malformed XML: exit 1 with file and line, never a crash
printf '<?xml version="1.0"?>\n<TEI>\n<text>\n<body>\n<p>open\n</body>\n</text>\n</TEI>\n' \
    >"$T/broken.xml"
expect 1 "malformed xml" -- pp ingest --format tei "$T/broken.xml"
grep -q "broken.xml:6: malformed XML" "$T/err" || fail "malformed xml message: $(cat "$T/err")"
printf '\000\001\002 not xml at all' >"$T/binary.xml"
expect 1 "binary xml" -- pp ingest --format ces "$T/binary.xml"
expect 1 "wrong root" -- pp ingest --format tmx "$D/play.tei.xml"
grep -q "not a TMX document" "$T/err" || fail "wrong root message"

# --ledger: per-language rows of records and characters
expect 0 "--ledger" -- pp ingest --format tmx -q --ledger "$T/ledger.jsonl" "$D/memory.tmx"
[ "$(lines "$T/ledger.jsonl")" = 8 ] || fail "--ledger: expected 8 rows"
grep -q '"stage":"ingest","step":"tmx","lang":"yo","metric":"records","value":1.0,"n":1' \
    "$T/ledger.jsonl" || fail "--ledger: yo records row"
grep -q '"lang":"fr","metric":"characters","value":75.0' "$T/ledger.jsonl" ||
    fail "--ledger: fr characters row"

# The bundled UDHR: its size, unique ids, and records that are a fixed point
# of ingest (already NFC, canonical tags, right scripts).
B=$POLYPHONY_DATA/eval-sets/udhr/udhr.jsonl.zst
if [ -n "${POLYPHONY_DATA:-}" ] && [ -f "$B" ] && command -v jq >/dev/null; then
    zstd -dc "$B" >"$T/udhr.jsonl"
    decls=$(jq -r .meta.udhr_code "$T/udhr.jsonl" | sort -u | wc -l | tr -d ' ')
    tags=$(jq -r .lang "$T/udhr.jsonl" | sort -u | wc -l | tr -d ' ')
    [ "$decls" -ge 500 ] || fail "bundle: $decls declarations, expected >= 500"
    [ "$tags" -ge 450 ] || fail "bundle: $tags lang values, expected >= 450"
    [ -z "$(jq -r .id "$T/udhr.jsonl" | sort | uniq -d | head -1)" ] || fail "bundle: duplicate ids"
    [ "$(jq -c 'select(.meta.article == 5) | .meta.split' "$T/udhr.jsonl" | sort -u)" = '"test"' ] ||
        fail "bundle: article 5 not all test"
    head -n 2000 "$T/udhr.jsonl" >"$T/udhr-head.jsonl"
    pp ingest --format jsonl "$T/udhr-head.jsonl" >"$T/again.jsonl" || fail "bundle: re-ingest"
    cmp -s "$T/udhr-head.jsonl" "$T/again.jsonl" || fail "bundle: not a fixed point of ingest"
fi

[ "$fails" = 0 ] || { echo "$fails failure(s)" >&2; exit 1; }
exit 0
