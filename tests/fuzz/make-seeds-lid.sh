#!/bin/sh
# tests/fuzz/make-seeds-lid.sh DIR — (re)make the seeds of fuzz_lid_sidecars in
# DIR (make-seeds.sh runs it): the sidecars of the fixed model
# tests/data/lid/tiny.ftz (tests/data/lid/SOURCE.md), real ones and broken
# variants. A seed is a first byte choosing the sidecar(s) (see
# fuzz_lid_sidecars.c: 0 profiles.tsv, 1 profiles.tsv.zst, 2 thresholds.json,
# 3 both, 4 both compressed; +5 gives the model the text unchanged), then the
# file(s), the thresholds first, then a line "-8<-", then the profiles.
# Needs jq, zstd and POLYPHONY (the program), POLYPHONY_DATA.
set -eu
out=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
: "${POLYPHONY:=$top/polyphony}"
TD=$top/tests/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

# The model's training records (SOURCE.md), their sources "a" and "b".
jq -c -f "$TD/lid/tiny.jq" "$TD/lid/train.jsonl" >"$tmp/train.jsonl"
cp "$TD/lid/tiny.ftz" "$tmp/m.ftz"
"$POLYPHONY" lid profiles --input "$tmp/train.jsonl" --model "$tmp/m.ftz" --top 25
zstd -qdc "$tmp/m.ftz.profiles.tsv.zst" >"$tmp/p3.tsv"
"$POLYPHONY" lid profiles --input "$tmp/train.jsonl" --model "$tmp/m.ftz" --top 12 --per-source
zstd -qdc "$tmp/m.ftz.profiles.tsv.zst" >"$tmp/p4.tsv"
# The thresholds as lid train writes them, some raised, and per writing system.
"$POLYPHONY" lid train --input "$tmp/train.jsonl" --output "$tmp/t.ftz" --dim 4 --bucket 200 \
    --epoch 2 --profile-top 0 --threads 1 --quiet
jq '.labels.eng_Latn.threshold = 0.4 | .labels.nob_Latn.threshold = 0.9
    | .writing_systems = {"Latn": {"threshold": 0.3}, "Cyrl": {"threshold": 0.05}}' \
    "$tmp/t.ftz.thresholds.json" >"$tmp/thr.json"

seed() { # seed NAME MODE-BYTE [THRESHOLDS] [PROFILES]
    name=$1 b=$2
    {
        printf "\\$(printf '%03o' "$b")"
        case $((b % 5)) in
        0 | 1 | 2) cat "$3" ;;
        *) cat "$3"; printf '\n-8<-\n'; cat "$4" ;;
        esac
    } >"$out/$name"
}
seed profiles-3col 0 "$tmp/p3.tsv"
seed profiles-4col-zst 1 "$tmp/p4.tsv"
seed thresholds 2 "$tmp/thr.json"
seed both-4col 3 "$tmp/thr.json" "$tmp/p4.tsv"
seed both-3col-zst-raw 9 "$tmp/thr.json" "$tmp/p3.tsv"

# Broken profiles: a count that is not a finite number >= 0, too few or too
# many columns, an empty domain, a label or domain too long, bytes that are
# not UTF-8, CR LF line ends, a label the model does not have, comments.
bad() { # bad NAME LINES: the real 3-column profile with LINES inserted
    { head -n 20 "$tmp/p3.tsv"; printf '%b' "$2"; tail -n 20 "$tmp/p3.tsv"; } >"$tmp/$1"
    seed "$1" 0 "$tmp/$1"
}
bad count-nan 'eng_Latn\t th\tnan\n'
bad count-inf 'eng_Latn\t th\tinf\n'
bad count-negative 'eng_Latn\t th\t-3\n'
bad count-hex-exp 'eng_Latn\t th\t0x1p3\nrus_Cyrl\tвет\t1e308\n'
bad two-columns 'eng_Latn\t th\n'
bad five-columns 'eng_Latn\t th\t3\ta\tb\n'
bad empty-domain 'eng_Latn\t th\t3\t\n'
bad empty-trigram 'eng_Latn\t\t3\n'
bad long-label 'eng_Latn_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\t th\t3\n'
bad not-utf8 'fra_Latn\t\xc3\xa9\xff\t3\ta\xe9\n\xff\xfe\t\xc3\t1\n'
bad crlf 'deu_Latn\tsch\t4\r\ndeu_Latn\tchu\t2\tb\r\n'
bad unknown-label-comment '# a comment\nxxx_Zzzz\tabc\t9\n\n#\tx\t\nnno_Latn\tabc\t0\n'
bad nul-in-label 'eng_Latn\0x\tabc\t2\n'
printf 'eng_Latn\tabc\t1\n' >"$tmp/one.tsv"
seed empty-profiles 0 /dev/null
seed one-line-zst 1 "$tmp/one.tsv"

# Broken thresholds: not JSON, "labels" not an object, a threshold that is
# not a number, a writing system without one, a label's entry that is not an
# object, scripts that are not a string, writing systems not an object.
printf '{"labels": {"eng_Latn": {"threshold": 0.5}' >"$tmp/t1"
seed thresholds-truncated 2 "$tmp/t1"
printf '{"labels": [1, 2]}' >"$tmp/t2"
seed thresholds-labels-array 2 "$tmp/t2"
printf '{"default": "x", "labels": {"eng_Latn": {"threshold": "0.5", "scripts": "Latn"}}}' >"$tmp/t3"
seed thresholds-string 2 "$tmp/t3"
printf '{"labels": {}, "writing_systems": {"Latn": {"t": 1}, "Cyrl": 3}}' >"$tmp/t4"
seed thresholds-writing-system 2 "$tmp/t4"
printf '{"labels": {"eng_Latn": 0.5}}' >"$tmp/t5"
seed thresholds-label-number 2 "$tmp/t5"
printf '{"default": 0.1, "labels": {"rus_Cyrl": {"scripts": ["Cyrl"]}}}' >"$tmp/t6"
seed thresholds-scripts-array 2 "$tmp/t6"
printf '{"labels": {}, "writing_systems": [1]}' >"$tmp/t7"
seed thresholds-writing-systems-array 2 "$tmp/t7"
# Odd: scripts a label is not written in, none, spaces; a label the model
# does not have; Han writing systems (all valid); thresholds out of [0, 1]
# (refused since this seed was made, which the seed now reaches).
printf '{"default": null, "labels": {"deu_Latn": {"scripts": "Cyrl Hani Jpan Kore"}, "eng_Latn": {"scripts": ""}, "rus_Cyrl": {"scripts": " Cyrl  Latn ", "threshold": -1}, "nob_Latn": {"threshold": 2}, "xxx_Zzzz": {}}, "writing_systems": {"Hani": {"threshold": 0}, "Jpan": {"threshold": 1e-300}}}' >"$tmp/t8"
seed thresholds-odd-scripts 3 "$tmp/t8" "$tmp/p3.tsv"
# A label's lines alternating between two domains: a profile run per line.
awk 'BEGIN { for (i = 0; i < 200; i++) printf "eng_Latn\tab%d\t3\t%s\n", i % 7, i % 2 ? "a" : "b" }' \
    >"$tmp/alt.tsv"
seed alternating-domains 0 "$tmp/alt.tsv"
# More writing systems than a fixed table of 64 held, Latin the last.
jq -n '{labels: {}, writing_systems: (([range(70)] | map({key: "W\(100 + .)",
    value: {threshold: 0.1}}) | from_entries) + {Latn: {threshold: 0.3}})}' >"$tmp/t9"
seed thresholds-71-writing-systems 2 "$tmp/t9"
# A domain with a CR in it, and CR LF line ends around it.
bad domain-cr 'deu_Latn\tsch\t4\ta\rb\r\ndeu_Latn\tchu\t2\ta\r\r\n'
