#!/bin/sh
# tests/cli/eval-sets.sh — `polyphony eval-sets` over the bundled UDHR:
# list, build every task, baselines, the join of answers into eval input,
# and bad input (unknown task or language, missing and unknown answers).
set -u
: "${POLYPHONY:?}" "${TESTDATA:?}"
PP_WRAP=${PP_WRAP:-}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
fails=0

pp() { $PP_WRAP "$POLYPHONY" "$@"; }
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
expect() {
    want=$1; what=$2; shift 3
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    [ "$got" = "$want" ] || { fail "$what: exit $got, expected $want"; cat "$T/err" >&2; }
}
has() { grep -q -- "$2" "$1" || { fail "$3: '$2' not in $(basename "$1")"; head -c 2000 "$1" >&2; }; }
count() { wc -l <"$1" | tr -d ' '; }

expect 0 "--help" -- pp eval-sets --help
has "$T/out" "translation" "--help lists tasks"
expect 2 "no subcommand" -- pp eval-sets
expect 2 "unknown task" -- pp eval-sets build poetry
has "$T/err" "lm, cloze, lid or translation" "unknown task message"

expect 0 "list" -- pp eval-sets list --langs yo,en
has "$T/out" "^lm  *bits_per_byte  *12 " "list: lm items for yo and en"
expect 0 "languages" -- pp eval-sets list --languages
has "$T/out" "^yo  *yor  *9  *Yoruba" "languages: yo"

expect 1 "unknown language" -- pp eval-sets build lm --langs yo,tlh
has "$T/err" "'tlh' has no UDHR declaration" "unknown language message"
expect 1 "bad pair" -- pp eval-sets build translation --pairs yo
has "$T/err" "is not SRC-TGT" "bad pair message"

# Every task, only test-split articles
for t in lm cloze lid translation; do
    expect 0 "build $t" -- pp eval-sets build "$t" --langs yo,ha,en -o "$T/$t.jsonl"
    grep -v -E -- '-a(5|10|15|20|25|30)(-p[0-9]+)?"' "$T/$t.jsonl" | grep -q . &&
        fail "$t: an item outside the test articles 5,10,15,20,25,30"
done
[ "$(count "$T/lm.jsonl")" = 18 ] || fail "lm: $(count "$T/lm.jsonl") items, expected 18"
has "$T/cloze.jsonl" '"prompt":"Fill in the blank (____)' "cloze prompt"
has "$T/lid.jsonl" '"references":\["Yoruba","yo","yor"\]' "lid references"
# translation, default en-*: en-yo and en-ha, 9 paragraphs each
[ "$(count "$T/translation.jsonl")" = 18 ] || fail "translation: $(count "$T/translation.jsonl") items, expected 18"
expect 0 "all pairs" -- pp eval-sets build translation --langs yo,ha,en --pairs '*-*' -o "$T/all.jsonl"
[ "$(count "$T/all.jsonl")" = 54 ] || fail "all pairs: $(count "$T/all.jsonl") items, expected 54"
expect 0 "pairs" -- pp eval-sets build translation --pairs 'en-yo,*-ha' -o "$T/pairs.jsonl"
has "$T/pairs.jsonl" '"source_lang":"en"' "pairs en-yo"
grep -q '"lang":"en"' "$T/pairs.jsonl" && fail "pairs: a target other than yo or ha"

# Baselines and the join into eval input
for t in lm cloze lid translation; do
    expect 0 "baseline $t" -- pp eval-sets baseline "$t" "$T/$t.jsonl" -o "$T/$t.out"
    expect 0 "score $t" -- pp eval-sets score "$t" "$T/$t.jsonl" "$T/$t.out" -o "$T/$t.eval"
done
expect 0 "eval lid" -- pp eval --metric exact_match --json "$T/lid.eval"
# the trigram baseline chooses among all 471 languages; English is never missed
tr -d ' \n' <"$T/out" | grep -q '"lang":"en","n":9,"value":1.0' || fail "lid baseline accuracy on en"
expect 0 "eval lm" -- pp eval --metric bits_per_byte "$T/lm.eval"
has "$T/out" "^yo  *6 " "bits per byte of yo"
expect 0 "eval translation" -- pp eval --metric chrf "$T/translation.eval"
expect 0 "eval cloze" -- pp eval --metric exact_match "$T/cloze.eval"

# Answers: missing, unknown id, wrong task
head -n 3 "$T/translation.out" >"$T/some.out"
expect 1 "missing answers" -- pp eval-sets score translation "$T/translation.jsonl" "$T/some.out"
has "$T/err" "15 prompt(s) of .* have no answer" "missing answers message"
expect 0 "allow missing" -- pp eval-sets score translation --allow-missing "$T/translation.jsonl" "$T/some.out"
has "$T/err" "15 prompt(s) without an answer scored as empty" "allow-missing note"
{ cat "$T/translation.out"; printf '{"id":"nope","output":"x"}\n'; } >"$T/extra.out"
expect 1 "unknown answer id" -- pp eval-sets score translation "$T/translation.jsonl" "$T/extra.out"
has "$T/err" "extra.out:19: answer id 'nope' is not a prompt" "unknown id message"
expect 1 "wrong task" -- pp eval-sets score lm "$T/translation.jsonl" "$T/translation.out"
has "$T/err" "translation.jsonl:1: not a 'lm' prompt" "wrong task message"

exit $((fails > 0))
