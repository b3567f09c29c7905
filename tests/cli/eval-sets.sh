#!/bin/sh
# tests/cli/eval-sets.sh — `polyphony eval-sets` over the bundled UDHR:
# list, build every task, baselines, the join of answers into eval input,
# and bad input (unknown task or language, missing and unknown answers).
. "$top_srcdir/tests/cli/lib.sh"

expect_status 0 pp eval-sets --help
expect_grep "translation" "$TMP/out"
expect_status 2 pp eval-sets
expect_status 2 pp eval-sets build poetry
expect_grep "lm, cloze, lid or translation" "$TMP/err"

expect_status 0 pp eval-sets list --langs yo,en
expect_grep "^lm  *bits_per_byte  *12 " "$TMP/out"
expect_status 0 pp eval-sets list --languages
expect_grep "^yo  *yor  *9  *Yoruba" "$TMP/out"

expect_status 1 pp eval-sets build lm --langs yo,tlh
expect_grep "'tlh' has no UDHR declaration" "$TMP/err"
expect_status 1 pp eval-sets build translation --pairs yo
expect_grep "is not SRC-TGT" "$TMP/err"

# Every task, only test-split articles (5, 10, 15, 20, 25, 30)
for t in lm cloze lid translation; do
    expect_status 0 pp eval-sets build "$t" --langs yo,ha,en -o "$TMP/$t.jsonl"
    grep -v -E -- '-a(5|10|15|20|25|30)(-p[0-9]+)?"' "$TMP/$t.jsonl" >"$TMP/outside-$t"
    expect_empty "$TMP/outside-$t"
done
expect_lines 18 "$TMP/lm.jsonl"
expect_grep '"prompt":"Fill in the blank \(____\)' "$TMP/cloze.jsonl"
expect_grep '"references":\["Yoruba","yo","yor"\]' "$TMP/lid.jsonl"
# translation, default en-*: en-yo and en-ha, 9 paragraphs each
expect_lines 18 "$TMP/translation.jsonl"
expect_status 0 pp eval-sets build translation --langs yo,ha,en --pairs '*-*' -o "$TMP/all.jsonl"
expect_lines 54 "$TMP/all.jsonl"
expect_status 0 pp eval-sets build translation --pairs 'en-yo,*-ha' -o "$TMP/pairs.jsonl"
expect_grep '"source_lang":"en"' "$TMP/pairs.jsonl"
# no target other than yo or ha
expect_no_grep '"lang":"en"' "$TMP/pairs.jsonl"

# Baselines and the join into eval input
for t in lm cloze lid translation; do
    expect_status 0 pp eval-sets baseline "$t" "$TMP/$t.jsonl" -o "$TMP/$t.out"
    expect_status 0 pp eval-sets score "$t" "$TMP/$t.jsonl" "$TMP/$t.out" -o "$TMP/$t.eval"
done
expect_status 0 pp eval --metric exact_match --json "$TMP/lid.eval"
# the trigram baseline chooses among all 471 languages; English is never missed
tr -d ' \n' <"$TMP/out" >"$TMP/flat"
expect_grep '"lang":"en","n":9,"value":1.0' "$TMP/flat"
expect_status 0 pp eval --metric bits_per_byte "$TMP/lm.eval"
expect_grep "^yo  *6 " "$TMP/out"
expect_status 0 pp eval --metric chrf "$TMP/translation.eval"
expect_status 0 pp eval --metric exact_match "$TMP/cloze.eval"

# Answers: missing, unknown id, wrong task
head -n 3 "$TMP/translation.out" >"$TMP/some.out"
expect_status 1 pp eval-sets score translation "$TMP/translation.jsonl" "$TMP/some.out"
expect_grep "15 prompts of .* have no answer" "$TMP/err"
expect_status 0 pp eval-sets score translation --allow-missing "$TMP/translation.jsonl" "$TMP/some.out"
expect_grep "15 prompts without an answer scored as empty" "$TMP/err"
{ cat "$TMP/translation.out"; printf '{"id":"nope","output":"x"}\n'; } >"$TMP/extra.out"
expect_status 1 pp eval-sets score translation "$TMP/translation.jsonl" "$TMP/extra.out"
expect_grep "extra.out:19: answer id 'nope' is not a prompt" "$TMP/err"
expect_status 1 pp eval-sets score lm "$TMP/translation.jsonl" "$TMP/translation.out"
expect_grep "translation.jsonl:1: not a 'lm' prompt" "$TMP/err"

finish
