#!/bin/sh
# tests/cli/stream-bytes.sh — the exact bytes of the streaming commands'
# output on committed data: `tokenizer encode` with two SentencePiece models
# (nmt_nfkc with user-defined symbols; identity with byte fallback), with and
# without --pieces, on JSONL and plain text, and `ingest --format jsonl` with
# its rejects. The input has JSON escapes, \u surrogate pairs, numbers that
# jansson re-prints, nested meta, a duplicate key, a NUL, invalid UTF-8,
# padding, CRLF and many scripts; the expected files were written before the
# encode and record paths were made faster, and any change to them must be
# deliberate (see tests/data/stream/SOURCE.md).
. "$top_srcdir/tests/cli/lib.sh"
D=$TESTDATA/stream

for m in nfkc bytes; do
    check "encode ($m)" pp tokenizer encode -m "$D/tiny-$m.model.zst" "$D/records.jsonl" > "$TMP/enc"
    expect_same "$TMP/enc" "$D/encode-$m.expected" "encode with tiny-$m"
    check "encode --pieces ($m)" pp tokenizer encode --pieces -m "$D/tiny-$m.model.zst" \
        "$D/records.jsonl" > "$TMP/encp"
    expect_same "$TMP/encp" "$D/encode-pieces-$m.expected" "encode --pieces with tiny-$m"
    check "encode plain text ($m)" pp tokenizer encode -m "$D/tiny-$m.model.zst" < "$D/plain.txt" > "$TMP/encl"
    expect_same "$TMP/encl" "$D/encode-plain-$m.expected" "encode of plain text with tiny-$m"
done

# ingest reads and rewrites the records; the bad lines go to the rejects
# with the same reasons as before
cp "$D/records.jsonl" "$D/bad-lines.jsonl" "$TMP/"
(cd "$TMP" && "$POLYPHONY" ingest -q -f jsonl --rejects rej.jsonl records.jsonl bad-lines.jsonl > ing.jsonl)
expect_eq "$?" 0 "ingest exit status"
expect_same "$TMP/ing.jsonl" "$D/ingest.expected" "ingest -f jsonl output"
expect_same "$TMP/rej.jsonl" "$D/ingest-rejects.expected" "ingest -f jsonl rejects"

# the same through jansson trees (the path of --segment and of lines the
# fast parser leaves to jansson) and on the cases where the two parsers
# could differ
(cd "$TMP" && PP_INGEST_TREE=1 "$POLYPHONY" ingest -q -f jsonl --rejects rej2.jsonl \
    records.jsonl bad-lines.jsonl > ing2.jsonl)
expect_same "$TMP/ing2.jsonl" "$D/ingest.expected" "ingest -f jsonl output through trees"
expect_same "$TMP/rej2.jsonl" "$D/ingest-rejects.expected" "ingest -f jsonl rejects through trees"
cp "$D/view-cases.jsonl" "$TMP/"
for tree in "" 1; do
    (cd "$TMP" && PP_INGEST_TREE=$tree "$POLYPHONY" ingest -q -f jsonl --rejects rej3.jsonl \
        view-cases.jsonl > ing3.jsonl)
    expect_eq "$?" 0 "ingest exit status (view cases${tree:+, trees})"
    expect_same "$TMP/ing3.jsonl" "$D/ingest-view.expected" "ingest of the view cases${tree:+ through trees}"
    expect_same "$TMP/rej3.jsonl" "$D/ingest-view-rejects.expected" "rejects of the view cases${tree:+ through trees}"
done

# a duplicate key or a NUL stops encode with the line named
expect_status 1 pp tokenizer encode -m "$D/tiny-bytes.model.zst" "$D/bad-lines.jsonl"
expect_grep 'bad-lines.jsonl:1:.*duplicate' "$TMP/err"

# encode on records of every JSON type (reals are written with jansson's
# default 17 digits, not the 15 of the other commands), escaped keys,
# "pieces" and "tokens" already in the record, a byte order mark, nesting
# that the fast parser leaves to jansson; plain text with control
# characters and a NUL
check "encode cases --pieces" pp tokenizer encode --pieces -m "$D/tiny-nfkc.model.zst" \
    "$D/encode-cases.jsonl" > "$TMP/encc"
expect_same "$TMP/encc" "$D/encode-cases-nfkc.expected" "encode --pieces of the cases"
check "encode cases" pp tokenizer encode -m "$D/tiny-bytes.model.zst" "$D/encode-cases.jsonl" > "$TMP/encc"
expect_same "$TMP/encc" "$D/encode-cases-bytes.expected" "encode of the cases"
check "encode plain cases" pp tokenizer encode --pieces -m "$D/tiny-bytes.model.zst" \
    < "$D/encode-plain-cases.txt" > "$TMP/encc"
expect_same "$TMP/encc" "$D/encode-plain-cases-bytes.expected" "encode --pieces of plain text cases"

# each bad line alone: the status and message encode gave before
n=$(wc -l < "$D/encode-bad-lines.jsonl")
i=1
while [ "$i" -le "$n" ]; do
    sed -n "${i}p" "$D/encode-bad-lines.jsonl" > "$TMP/line.jsonl"
    (cd "$TMP" && "$POLYPHONY" tokenizer encode -m "$D/tiny-bytes.model.zst" line.jsonl \
        > /dev/null 2> err; echo "$? $(cat err)")
    i=$((i + 1))
done > "$TMP/bad.msgs"
expect_same "$TMP/bad.msgs" "$D/encode-bad-lines.expected" "encode's messages on bad lines"
printf 'ok\nbad \303 here\n' > "$TMP/bad.txt"
expect_status 1 pp tokenizer encode -m "$D/tiny-bytes.model.zst" "$TMP/bad.txt"
expect_grep 'bad.txt:2: invalid UTF-8 at byte 4$' "$TMP/err"
expect_lines 1 "$TMP/out"
finish
