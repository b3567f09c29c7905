#!/bin/sh
# tests/cli/ingest.sh — `polyphony ingest` from the command line: formats,
# exit statuses, --rejects, --strict, malformed input, compressed input and
# output, stable ids.
. "$top_srcdir/tests/cli/lib.sh"
D=$TESTDATA/ingest

# --help, usage errors
expect_status 0 pp ingest --help
expect_grep '--format' "$TMP/out"
expect_status 2 pp ingest --format docx "$D/paragraphs.txt"
expect_grep "unknown format 'docx'" "$TMP/err"
expect_status 2 pp ingest --segment words "$D/paragraphs.txt"
expect_status 2 pp ingest --lang 'not a tag!' "$D/paragraphs.txt"
expect_status 2 pp ingest --frobnicate
expect_status 1 pp ingest "$TMP/no-such-file.txt"
expect_grep "no-such-file.txt" "$TMP/err"

# every format on its fixture
expect_status 0 pp ingest --format udhr --meta "$D/udhr-meta.jsonl" "$D/udhr-yor.html"
expect_lines 6 "$TMP/out"
expect_grep '"id":"udhr-yor-a5-p1".*"lang":"yo".*"split":"test","stage":4' "$TMP/out"
expect_status 0 pp ingest --format ces "$D/ces-basque.xml"
expect_lines 3 "$TMP/out"
# the verse id
expect_grep '^\{"id":"b.MAT.1.1","text":"IESVS' "$TMP/out"
expect_status 0 pp ingest --format tmx "$D/memory.tmx"
expect_lines 4 "$TMP/out"
expect_grep 'memory.tmx:[0-9]*: rejected: empty text' "$TMP/err"
expect_status 0 pp ingest --format tei "$D/play.tei.xml"
expect_lines 5 "$TMP/out"
expect_status 0 pp ingest --format html --segment paragraphs "$D/page.html"
expect_lines 7 "$TMP/out"
expect_status 0 pp ingest --segment paragraphs --lang yor "$D/paragraphs.txt"
expect_lines 3 "$TMP/out"
# --lang is canonicalized
expect_grep '"lang":"yo"' "$TMP/out"

# stdin, -o and compressed output
expect_status 0 pp ingest --lang en <"$D/paragraphs.txt"
expect_grep '"id":"stdin-l1"' "$TMP/out"
expect_status 0 pp ingest --format ces -o "$TMP/ces.jsonl.zst" "$D/ces-basque.xml"
expect_eq "$(zstd -dc "$TMP/ces.jsonl.zst" | wc -l | tr -d ' ')" 3 "records in the -o .zst output"

# .gz and .zst input give the same records as plain input (same ids too)
check "plain input" pp ingest --segment paragraphs "$D/paragraphs.txt" >"$TMP/plain.jsonl"
gzip -c "$D/paragraphs.txt" >"$TMP/paragraphs.txt.gz"
zstd -q -c "$D/paragraphs.txt" >"$TMP/paragraphs.txt.zst"
check ".gz input" pp ingest --segment paragraphs "$TMP/paragraphs.txt.gz" >"$TMP/gz.jsonl"
check ".zst input" pp ingest --segment paragraphs "$TMP/paragraphs.txt.zst" >"$TMP/zst.jsonl"
expect_same "$TMP/plain.jsonl" "$TMP/gz.jsonl" ".gz input differs from plain"
expect_same "$TMP/plain.jsonl" "$TMP/zst.jsonl" ".zst input differs from plain"
gzip -c "$D/memory.tmx" >"$TMP/memory.tmx.gz"
expect_status 0 pp ingest --format tmx "$TMP/memory.tmx.gz"
expect_lines 4 "$TMP/out"

# stable ids (and records) across runs
pp ingest --format udhr -s sentences "$D/udhr-yor.html" >"$TMP/run1.jsonl"
pp ingest --format udhr -s sentences "$D/udhr-yor.html" >"$TMP/run2.jsonl"
expect_same "$TMP/run1.jsonl" "$TMP/run2.jsonl" "two runs differ"

# Ids stay unique across the files of one run: with --source they start with
# SOURCE/ and the file's name, two files of the same name are told apart by
# their paths; one file keeps <source>-p<n>, byte for byte.
ids() { sed 's/^{"id":"\([^"]*\)".*/\1/' "$1"; }
mkdir -p "$TMP/y2020" "$TMP/y2021"
cp "$D/paragraphs.txt" "$TMP/y2020/part.txt"
cp "$D/paragraphs.txt" "$TMP/y2021/part.txt"
check "one file" pp ingest -s paragraphs --source web "$D/paragraphs.txt" >"$TMP/one.jsonl"
expect_grep '^\{"id":"web-p1","text"' "$TMP/one.jsonl"
sed 's/"id":"web-/"id":"paragraphs.txt-/; s/"source":"web"/"source":"paragraphs.txt"/' \
    "$TMP/one.jsonl" >"$TMP/one-renamed.jsonl"
expect_same "$TMP/plain.jsonl" "$TMP/one-renamed.jsonl" "--source on one file"
expect_status 0 pp ingest -s paragraphs --source web "$D/paragraphs.txt" "$TMP/y2020/part.txt"
expect_grep '^\{"id":"web/paragraphs.txt-p1",.*"source":"web"' "$TMP/out"
expect_grep '^\{"id":"web/part.txt-p1",.*"source":"web"' "$TMP/out"
expect_eq "$(ids "$TMP/out" | sort | uniq -d | head -1)" "" "--source, two files: a duplicate id"
(cd "$TMP" && pp ingest -s paragraphs y2020/part.txt y2021/part.txt) >"$TMP/same-name.jsonl"
expect_grep '^\{"id":"y2020/part.txt-p1",.*"source":"part.txt"' "$TMP/same-name.jsonl"
expect_grep '^\{"id":"y2021/part.txt-p1",.*"source":"part.txt"' "$TMP/same-name.jsonl"
expect_eq "$(ids "$TMP/same-name.jsonl" | sort | uniq -d | head -1)" "" \
    "two files of one name: a duplicate id"
# without --source and with distinct names, ids are the file's as before
expect_status 0 pp ingest -s paragraphs "$D/paragraphs.txt" "$TMP/y2020/part.txt"
expect_grep '^\{"id":"paragraphs.txt-p1",.*"source":"paragraphs.txt"' "$TMP/out"
expect_grep '^\{"id":"part.txt-p1",.*"source":"part.txt"' "$TMP/out"
cp "$D/memory.tmx" "$TMP/memory.tmx"
(cd "$TMP" && pp ingest --format tmx --source tm memory.tmx memory.tmx.gz) >"$TMP/tm.jsonl"
expect_grep '^\{"id":"tm/memory.tmx-art1-v1"' "$TMP/tm.jsonl"
expect_grep '^\{"id":"tm/memory.tmx.gz-art1-v1"' "$TMP/tm.jsonl"
long=$(printf '%0250d' 0)
expect_status 1 pp ingest --source "$long" "$D/paragraphs.txt" "$TMP/y2020/part.txt"
expect_grep 'paragraphs.txt: the ids of this file would start with [0-9]+ bytes' "$TMP/err"

# --rejects keeps bad items with a reason; --strict makes them an error
expect_status 0 pp ingest --format jsonl --text-field content \
    --lang-field language --id-field doc_id --rejects "$TMP/rej.jsonl" "$D/mapped.jsonl"
expect_lines 3 "$TMP/out"
expect_lines 3 "$TMP/rej.jsonl"
expect_grep '"line":5,"reason":"bad language tag' "$TMP/rej.jsonl"
# no warnings printed, as --rejects was given
expect_empty "$TMP/err"
expect_status 1 pp ingest --format jsonl --text-field content \
    --lang-field language --strict "$D/mapped.jsonl"
expect_grep "mapped.jsonl:4: empty text" "$TMP/err"

# a truncated JSONL line: named by its line; reject, or exit 1 under --strict
printf '{"text":"one","lang":"en"}\n{"text":"tw\n{"text":"three","lang":"en"}\n' >"$TMP/trunc.jsonl"
expect_status 0 pp ingest --format jsonl --rejects "$TMP/trej.jsonl" "$TMP/trunc.jsonl"
expect_lines 2 "$TMP/out"
expect_grep '"line":2,"reason":"malformed JSON' "$TMP/trej.jsonl"
expect_status 1 pp ingest --format jsonl --strict "$TMP/trunc.jsonl"
expect_grep "trunc.jsonl:2: malformed JSON" "$TMP/err"
# the --strict failure wrote no records to stdout
expect_empty "$TMP/out"
expect_status 1 pp ingest --format jsonl --strict -o "$TMP/never.jsonl" "$TMP/trunc.jsonl"
# a failed run leaves no output file
expect_no_file "$TMP/never.jsonl"

# invalid UTF-8 is rejected with a reason
printf 'good\nbad \377 byte\n' >"$TMP/bad.txt"
expect_status 0 pp ingest --rejects "$TMP/urej.jsonl" "$TMP/bad.txt"
expect_lines 1 "$TMP/out"
expect_grep '"line":2,"reason":"invalid UTF-8 at byte 5' "$TMP/urej.jsonl"
expect_status 1 pp ingest --strict "$TMP/bad.txt"
expect_grep "bad.txt:2: invalid UTF-8" "$TMP/err"

# malformed XML: exit 1 with file and line, never a crash
printf '<?xml version="1.0"?>\n<TEI>\n<text>\n<body>\n<p>open\n</body>\n</text>\n</TEI>\n' \
    >"$TMP/broken.xml"
expect_status 1 pp ingest --format tei "$TMP/broken.xml"
expect_grep "broken.xml:6: malformed XML" "$TMP/err"
printf '\000\001\002 not xml at all' >"$TMP/binary.xml"
expect_status 1 pp ingest --format ces "$TMP/binary.xml"
expect_status 1 pp ingest --format tmx "$D/play.tei.xml"
expect_grep "not a TMX document" "$TMP/err"

# --ledger: per-language rows of records and characters
expect_status 0 pp ingest --format tmx -q --ledger "$TMP/ledger.jsonl" "$D/memory.tmx"
expect_lines 8 "$TMP/ledger.jsonl"
expect_grep '"stage":"ingest","step":"tmx","lang":"yo","metric":"records","value":1.0,"n":1' "$TMP/ledger.jsonl"
expect_grep '"lang":"fr","metric":"characters","value":75.0' "$TMP/ledger.jsonl"

# The bundled UDHR: its size, unique ids, and records that are a fixed point
# of ingest (already NFC, canonical tags, right scripts).
B=${POLYPHONY_DATA:-}/eval-sets/udhr/udhr.jsonl.zst
if [ -n "${POLYPHONY_DATA:-}" ] && [ -f "$B" ] && command -v jq >/dev/null; then
    zstd -dc "$B" >"$TMP/udhr.jsonl"
    decls=$(jq -r .meta.udhr_code "$TMP/udhr.jsonl" | sort -u | wc -l | tr -d ' ')
    tags=$(jq -r .lang "$TMP/udhr.jsonl" | sort -u | wc -l | tr -d ' ')
    check "bundle: $decls declarations, expected >= 500" [ "$decls" -ge 500 ]
    check "bundle: $tags lang values, expected >= 450" [ "$tags" -ge 450 ]
    expect_eq "$(jq -r .id "$TMP/udhr.jsonl" | sort | uniq -d | head -1)" "" "bundle: a duplicate id"
    expect_eq "$(jq -c 'select(.meta.article == 5) | .meta.split' "$TMP/udhr.jsonl" | sort -u)" '"test"' \
        "bundle: the splits of article 5"
    head -n 2000 "$TMP/udhr.jsonl" >"$TMP/udhr-head.jsonl"
    check "bundle: re-ingest" pp ingest --format jsonl "$TMP/udhr-head.jsonl" >"$TMP/again.jsonl"
    expect_same "$TMP/udhr-head.jsonl" "$TMP/again.jsonl" "bundle: not a fixed point of ingest"
fi

# -o naming a FIFO (or a device such as /dev/null) writes into it: a
# temporary file renamed over it replaced it with a regular file, and the
# reader waiting on the FIFO got nothing (as root, -o /dev/null replaced the
# system's /dev/null)
if mkfifo "$TMP/fifo" 2>/dev/null; then
    timeout 60 cat "$TMP/fifo" > "$TMP/fifo.out" & # (a failed run never opens it)
    reader=$!
    check "-o a FIFO" pp ingest -o "$TMP/fifo" "$D/paragraphs.txt"
    if [ -p "$TMP/fifo" ]; then
        wait "$reader"
        expect_grep '"text":' "$TMP/fifo.out"
    else
        kill "$reader" 2>/dev/null
        fail "-o a FIFO: the FIFO was replaced by a regular file"
    fi
fi

finish
