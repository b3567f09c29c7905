#!/bin/sh
# tests/cli/pii.sh — polyphony pii: spans, redaction, types, ledger, bad input.
. "$top_srcdir/tests/cli/lib.sh"
R="$TESTDATA/pii/records.jsonl"

expect_status 0 pp pii "$R"
cp "$TMP/out" "$TMP/spans.jsonl"
# no record lost
expect_lines 10 "$TMP/spans.jsonl"
expect_grep '"id":"1".*"pii":\[\{"type":"email","start":9,"end":32\},\{"type":"phone","start":41,"end":58\}\]' "$TMP/spans.jsonl"
# dates, verses and prices (Yoruba ones too) are not flagged
expect_grep '"id":"6".*"pii":\[\]' "$TMP/spans.jsonl"
expect_grep '"id":"10".*"pii":\[\]' "$TMP/spans.jsonl"
expect_grep '10 records, 8 with PII: 7 email, 5 phone, 2 ip, 1 iban, 1 card' "$TMP/err"
expect_grep '1 record without "lang".*und' "$TMP/err"

expect_status 0 pp pii --redact --ledger "$TMP/ledger.jsonl" "$R"
cp "$TMP/out" "$TMP/red.jsonl"
expect_grep '"text":"请发邮件到<EMAIL>联系我们，电话<PHONE>。"' "$TMP/red.jsonl"
expect_grep '"text":"ติดต่อ<EMAIL>ขอบคุณ โทร <PHONE>"' "$TMP/red.jsonl"
# Arabic-Indic phone; Devanagari phone and an IDN email; iban, card, ip
expect_grep '"text":"اتصل بنا على <PHONE> أو راسلنا"' "$TMP/red.jsonl"
expect_grep '"text":"फ़ोन <PHONE> ईमेल <EMAIL> पर"' "$TMP/red.jsonl"
expect_grep '"text":"IBAN <IBAN>, card <CARD>, server <IP> and <IP>."' "$TMP/red.jsonl"
expect_grep '"pii_redacted":\{"email":1,"phone":1\}' "$TMP/red.jsonl"
# no address survived redaction
expect_no_grep '@' "$TMP/red.jsonl"
expect_grep '"stage":"pii","step":"redact","lang":"zh","metric":"records_with_pii","value":1(\.0)?,"n":1' "$TMP/ledger.jsonl"
expect_grep '"lang":"und","metric":"email","value":1(\.0)?,"n":1' "$TMP/ledger.jsonl"

# --types restricts; stdin works
expect_status 0 pp pii --redact --types phone <"$R"
expect_grep 'Write to amina.bello@example.com or call <PHONE>.' "$TMP/out"
# an unknown type is a usage error
expect_status 2 pp pii --types phone,nope "$R"
expect_status 2 pp pii --bogus "$R"

# bad input
{
    head -n 1 "$R"
    echo 'not json at all'
    printf '{"id":"x","lang":"fr","text":"caf\351 a@example.com"}\n'
    echo '{"id":"y","lang":"en","text":42}'
    tail -n 1 "$R"
} >"$TMP/bad.jsonl"
expect_status 1 pp pii "$TMP/bad.jsonl"
expect_grep 'bad.jsonl:2:' "$TMP/err"
# no partial output on error
expect_empty "$TMP/out"
expect_status 0 pp pii --redact --rejects "$TMP/rej.jsonl" "$TMP/bad.jsonl"
expect_lines 3 "$TMP/rej.jsonl"
expect_grep '"line":3,.*UTF-8' "$TMP/rej.jsonl"
expect_grep '"line":4,"reason":"record has no \\"text\\" string"' "$TMP/rej.jsonl"
expect_lines 2 "$TMP/out"
expect_status 1 pp pii --strict --rejects "$TMP/rej2.jsonl" "$TMP/bad.jsonl"
expect_status 1 pp pii "$TMP/missing.jsonl"
expect_status 0 pp pii --help
expect_grep 'Usage: polyphony pii' "$TMP/out"

finish
