#!/bin/sh
# tests/cli/pii.sh — polyphony pii: spans, redaction, types, ledger, bad input.
set -u
: "${POLYPHONY:?}" "${TESTDATA:?}"
PP_WRAP=${PP_WRAP:-}
T=$(mktemp -d "${TMPDIR:-/tmp}/pp-pii-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
pp() { $PP_WRAP "$POLYPHONY" "$@"; }
R="$TESTDATA/pii/records.jsonl"

pp pii "$R" >"$T/spans.jsonl" 2>"$T/err" || fail "pii exited $?"
[ "$(wc -l <"$T/spans.jsonl")" -eq 10 ] || fail "records lost"
grep -q '"id":"1".*"pii":\[{"type":"email","start":9,"end":32},{"type":"phone","start":41,"end":58}\]' "$T/spans.jsonl" \
    || fail "spans of record 1: $(head -n 1 "$T/spans.jsonl")"
grep -q '"id":"6".*"pii":\[\]' "$T/spans.jsonl" || fail "dates/verses/prices flagged: $(sed -n 6p "$T/spans.jsonl")"
grep -q '"id":"10".*"pii":\[\]' "$T/spans.jsonl" || fail "Yoruba date/verse/price flagged"
grep -q '10 records, 8 with PII: 7 email, 5 phone, 2 ip, 1 iban, 1 card' "$T/err" || fail "summary: $(cat "$T/err")"
grep -q '1 record without "lang".*und' "$T/err" || fail "no note about records without lang"

pp pii --redact --ledger "$T/ledger.jsonl" "$R" >"$T/red.jsonl" 2>/dev/null || fail "--redact exited $?"
grep -q '"text":"请发邮件到<EMAIL>联系我们，电话<PHONE>。"' "$T/red.jsonl" || fail "Chinese redaction: $(sed -n 2p "$T/red.jsonl")"
grep -q '"text":"ติดต่อ<EMAIL>ขอบคุณ โทร <PHONE>"' "$T/red.jsonl" || fail "Thai redaction"
grep -q '"text":"اتصل بنا على <PHONE> أو راسلنا"' "$T/red.jsonl" || fail "Arabic-Indic phone"
grep -q '"text":"फ़ोन <PHONE> ईमेल <EMAIL> पर"' "$T/red.jsonl" || fail "Devanagari phone / IDN email"
grep -q '"text":"IBAN <IBAN>, card <CARD>, server <IP> and <IP>."' "$T/red.jsonl" || fail "iban/card/ip"
grep -q '"pii_redacted":{"email":1,"phone":1}' "$T/red.jsonl" || fail "pii_redacted counts"
grep -c '@' "$T/red.jsonl" | grep -q '^0$' || fail "an address survived redaction"
grep -q '"stage":"pii","step":"redact","lang":"zh","metric":"records_with_pii","value":1\(\.0\)\?,"n":1' "$T/ledger.jsonl" \
    || fail "ledger: $(head -n 2 "$T/ledger.jsonl")"
grep -q '"lang":"und","metric":"email","value":1\(\.0\)\?,"n":1' "$T/ledger.jsonl" || fail "und ledger row"

# --types restricts; stdin works
pp pii --redact --types phone <"$R" 2>/dev/null | grep -q 'Write to amina.bello@example.com or call <PHONE>.' \
    || fail "--types phone on stdin"
pp pii --types phone,nope "$R" >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown type is a usage error"
pp pii --bogus "$R" >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown option"

# bad input
{
    head -n 1 "$R"
    echo 'not json at all'
    printf '{"id":"x","lang":"fr","text":"caf\351 a@example.com"}\n'
    echo '{"id":"y","lang":"en","text":42}'
    tail -n 1 "$R"
} >"$T/bad.jsonl"
pp pii "$T/bad.jsonl" >"$T/o" 2>"$T/err"; rc=$?
[ $rc -eq 1 ] || fail "malformed line: exit $rc"
grep -q 'bad.jsonl:2:' "$T/err" || fail "no file:line: $(cat "$T/err")"
[ -s "$T/o" ] && fail "partial output on error"
pp pii --redact --rejects "$T/rej.jsonl" "$T/bad.jsonl" >"$T/o" 2>"$T/err" || fail "--rejects exit $?"
[ "$(wc -l <"$T/rej.jsonl")" -eq 3 ] || fail "rejects: $(cat "$T/rej.jsonl")"
grep -q '"line":3,.*UTF-8' "$T/rej.jsonl" || fail "invalid UTF-8 reason"
grep -q '"line":4,"reason":"record has no string \\"text\\""' "$T/rej.jsonl" || fail "non-string text reason"
[ "$(wc -l <"$T/o")" -eq 2 ] || fail "--rejects output"
pp pii --strict --rejects "$T/rej2.jsonl" "$T/bad.jsonl" >/dev/null 2>&1; [ $? -eq 1 ] || fail "--strict"
pp pii "$T/missing.jsonl" >/dev/null 2>&1; [ $? -eq 1 ] || fail "missing file"
pp pii --help | grep -q 'Usage: polyphony pii' || fail "--help"

[ $fails -eq 0 ] && echo "pii.sh: all passed"
exit $((fails > 0))
