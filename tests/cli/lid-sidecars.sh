#!/bin/sh
# tests/cli/lid-sidecars.sh — how strictly `polyphony lid` reads a model's
# sidecars: the trigram profiles (MODEL.profiles.tsv: CR LF line ends, UTF-8,
# counts as `lid profiles` writes them) and the thresholds (MODEL.thresholds.json:
# thresholds from 0 to 1, any number of writing systems), next to the fixed
# model tests/data/lid/tiny.ftz; and --rerank-skip in lid and lid eval.
. "$top_srcdir/tests/cli/lib.sh"
: "${POLYPHONY_DATA:?run through make check}"
require_cmd jq jq
require_cmd zstd zstd

# The model, its profiles as lid profiles writes them (three and four
# columns), and texts in its languages.
cp "$TESTDATA/lid/tiny.ftz" "$TMP/m.ftz"
jq -c -f "$TESTDATA/lid/tiny.jq" "$TESTDATA/lid/train.jsonl" > "$TMP/train.jsonl"
expect_status 0 pp lid profiles --input "$TMP/train.jsonl" --model "$TMP/m.ftz" --top 25 ||
    stop "no profiles: every later check needs them"
zstd -qdc "$TMP/m.ftz.profiles.tsv.zst" > "$TMP/p3.tsv"
pp lid profiles --input "$TMP/train.jsonl" --model "$TMP/m.ftz" --top 12 --per-source
zstd -qdc "$TMP/m.ftz.profiles.tsv.zst" > "$TMP/p4.tsv"
rm -f "$TMP/m.ftz.profiles.tsv.zst"
expect_grep '^deu_Latn	[^	]+	[0-9]+$' "$TMP/p3.tsv"
expect_grep '^deu_Latn	[^	]+	[0-9]+	a$' "$TMP/p4.tsv"
printf '%s\n' '{"text":"Die Kinder gehen jeden Morgen zur Schule."}' \
    '{"text":"Сегодня очень холодный ветер."}' \
    '{"text":"Les enfants vont à l école chaque matin."}' \
    '{"text":"The river is very cold this morning."}' > "$TMP/in.jsonl"
prof="$TMP/m.ftz.profiles.tsv"
thr="$TMP/m.ftz.thresholds.json"
# lid with every text compared with the profiles (its similarity written)
lid_sims() { pp lid --model "$TMP/m.ftz" --min-similarity 0.001 --top 3 "$TMP/in.jsonl"; }

# --- 1. CR LF line ends: the same profiles, the same answers (comments and
# empty lines too); only one CR is a line end
for cols in 3 4; do
    cp "$TMP/p$cols.tsv" "$prof"
    lid_sims > "$TMP/lf.out" || fail "profiles of $cols columns (LF)"
    expect_jq 'has("lid_similarity")' "$TMP/lf.out"
    { printf '# a comment\r\n\r\n'; sed 's/$/\r/' "$TMP/p$cols.tsv"; } > "$prof"
    expect_status 0 lid_sims
    expect_same "$TMP/lf.out" "$TMP/out" "profiles of $cols columns with CR LF"
done
printf 'deu_Latn\tsch\t4\r\r\n' > "$prof"
expect_status 1 pp lid --model "$TMP/m.ftz" "$TMP/in.jsonl"
expect_grep 'm.ftz.profiles.tsv:1: bad profile line: the count' "$TMP/err"
for dom in 'a\r\r' 'a\rb'; do # (lid profiles refuses such a source)
    printf "deu_Latn\\tsch\\t4\\t$dom\\n" > "$prof"
    expect_status 1 pp lid --model "$TMP/m.ftz" "$TMP/in.jsonl"
    expect_grep 'm.ftz.profiles.tsv:1: bad profile line: the domain has a carriage return' \
        "$TMP/err"
done

# --- 2. a trigram or a domain that is not UTF-8 (whatever the label, and a
# line of a label the model does not have too)
bad_profile() { # bad_profile LINE REGEX: LINE (printf) after a good line is refused
    { head -n 5 "$TMP/p4.tsv"; printf "$1\\n"; } > "$prof"
    expect_status 1 pp lid --model "$TMP/m.ftz" "$TMP/in.jsonl"
    expect_grep "m.ftz.profiles.tsv:6: bad profile line: $2" "$TMP/err"
}
bad_profile 'deu_Latn\t\377ch\t4\ta' 'the trigram is not valid UTF-8 \(byte 1 of it\)'
bad_profile 'deu_Latn\tsc\303\t4\ta' 'the trigram is not valid UTF-8'
bad_profile 'xxx_Zzzz\t\355\240\200ab\t4' 'the trigram is not valid UTF-8' # a surrogate
bad_profile 'deu_Latn\tsch\t4\ta\351' 'the domain is not valid UTF-8 \(byte 2 of it\)'
# valid UTF-8 beyond ASCII is fine
{ cat "$TMP/p4.tsv"; printf 'deu_Latn\tße \t3\tQuelle ü\n'; } > "$prof"
expect_status 0 pp lid --model "$TMP/m.ftz" "$TMP/in.jsonl"

# --- 3. counts are what lid profiles writes: decimal digits, 0 to 2^32 - 1
for c in 0x10 0x1p3 inf nan 1e308 1e3 -1 +3 1.5 ' 3' '3 ' 4294967296 99999999999 ''; do
    bad_profile "deu_Latn\\tsch\\t$c\\ta" 'the count is not a whole number in decimal digits'
done
for c in 0 007 4294967295; do
    { cat "$TMP/p3.tsv"; printf 'deu_Latn\tqqq\t%s\n' "$c"; } > "$prof"
    expect_status 0 pp lid --model "$TMP/m.ftz" "$TMP/in.jsonl"
done
# the other bad lines still say what is wrong
bad_profile 'deu_Latn\tsch' 'fewer than three'
bad_profile 'deu_Latn\tsch\t3\ta\tb' 'more than four'
bad_profile 'deu_Latn\t\t3' 'the trigram is empty'
bad_profile 'deu_Latn\tsch\t3\t' 'the domain \(fourth column\) is empty'
rm -f "$prof"

# --- 4. thresholds per writing system: as many as the file has (the 65th
# used to be dropped); Latin text abstains under a threshold of 1
ws_file() { # ws_file FIRST LAST: 64 other writing systems between them
    jq -n --argjson first "$1" --argjson last "$2" '{labels: {}, writing_systems:
        ($first + ([range(64)] | map({key: ("Q\(1000 + .)"), value: {threshold: 0}})
                  | from_entries) + $last)}' > "$thr"
}
pp lid --model "$TMP/m.ftz" --quiet "$TMP/in.jsonl" > "$TMP/none.out"
expect_jq_slurp 'map(.lang | startswith("und")) | length == 4 and (any | not)' "$TMP/none.out"
for order in first last; do
    if [ $order = first ]; then
        ws_file '{"Latn": {"threshold": 1}}' '{}'
    else
        ws_file '{}' '{"Latn": {"threshold": 1}}'
    fi
    expect_eq "$(jq '.writing_systems | length' "$thr")" 65 "65 writing systems"
    expect_status 0 pp lid --model "$TMP/m.ftz" "$TMP/in.jsonl"
    expect_jq_slurp 'map(select(.script == "Latn") | .lang | startswith("und")) | length == 3 and all' \
        "$TMP/out"
    expect_jq_slurp 'map(select(.script == "Cyrl") | .lang) == ["ru"]' "$TMP/out"
done

# --- 5. thresholds outside [0, 1] are refused, naming the file and the key
bad_thr() { # bad_thr JSON REGEX
    printf '%s\n' "$1" > "$thr"
    expect_status 1 pp lid --model "$TMP/m.ftz" "$TMP/in.jsonl"
    expect_grep "m.ftz.thresholds.json: bad thresholds file: $2" "$TMP/err"
}
bad_thr '{"default": -0.1, "labels": {}}' '"default" is -0.1, not a threshold from 0 to 1'
bad_thr '{"default": 1.5, "labels": {}}' '"default" is 1.5, not a threshold from 0 to 1'
bad_thr '{"labels": {"deu_Latn": {"threshold": 2}}}' \
    "label 'deu_Latn' has a threshold that is not from 0 to 1"
bad_thr '{"labels": {"xxx_Zzzz": {"threshold": -1}}}' \
    "label 'xxx_Zzzz' has a threshold that is not from 0 to 1"
bad_thr '{"labels": {}, "writing_systems": {"Cyrl": {"threshold": 1.01}}}' \
    "writing system 'Cyrl' has a threshold that is not from 0 to 1"
bad_thr '{"labels": {}, "writing_systems": {"Latn": {"threshold": -1e-9}}}' \
    "writing system 'Latn' has a threshold that is not from 0 to 1"
# 0 and 1 are thresholds
printf '%s\n' '{"default": 0, "labels": {"deu_Latn": {"threshold": 1}, "rus_Cyrl": {"threshold": 0}},
    "writing_systems": {"Cyrl": {"threshold": 0}}}' > "$thr"
expect_status 0 pp lid --model "$TMP/m.ftz" "$TMP/in.jsonl"
expect_jq_slurp 'map(.lang) | .[1] == "ru"' "$TMP/out"
rm -f "$thr"

# --- 6. --rerank-skip in lid eval as in lid: 0 never re-ranks, above 1 (up
# to 2) re-ranks every text, however sure the model is; outside 0..2 a usage error
for sub in "" "eval --gold g"; do
    for p in 2.5 -0.1 x; do
        expect_status 2 pp lid $sub --model "$TMP/m.ftz" --rerank-skip $p "$TMP/in.jsonl"
        expect_grep "rerank-skip expects a number from 0 to 2, not '$p'" "$TMP/err"
    done
done
expect_status 0 pp lid eval --help
expect_grep ' --rerank-skip P' "$TMP/out"
expect_status 0 pp lid --help
expect_grep 'above 1: every text' "$TMP/out"
# with the tiny model: every text compared under 2, none under 0
cp "$TMP/p3.tsv" "$prof"
expect_status 0 pp lid --model "$TMP/m.ftz" --rerank-skip 2 "$TMP/in.jsonl"
expect_jq_slurp 'map(has("lid_similarity")) | length == 4 and all' "$TMP/out"
expect_status 0 pp lid --model "$TMP/m.ftz" --rerank-skip 0 "$TMP/in.jsonl"
expect_jq_slurp 'map(has("lid_similarity")) | any | not' "$TMP/out"
# lid eval with --rerank-skip P scores what lid --rerank-skip P decides
jq -c '. + {gold: (if (.text | test("Kinder")) then "deu" elif (.text | test("ветер"))
    then "rus" elif (.text | test("école")) then "fra" else "eng" end)}' "$TMP/in.jsonl" \
    > "$TMP/gold.jsonl"
for p in 0 0.5 2; do
    pp lid --model "$TMP/m.ftz" --rerank-skip $p "$TMP/gold.jsonl" > "$TMP/lid.$p"
    pp lid eval --gold gold --pred lang --json "$TMP/lid.$p" > "$TMP/pred.$p"
    expect_status 0 pp lid eval --model "$TMP/m.ftz" --rerank-skip $p --gold gold --json \
        "$TMP/gold.jsonl"
    expect_same "$TMP/pred.$p" "$TMP/out" "lid eval --rerank-skip $p"
    cp "$TMP/out" "$TMP/eval.$p"
done
# the bundled model: two lines of Turkish it re-ranks to different answers
if [ -f "$POLYPHONY_DATA/langs/models/udhr-lid.ftz" ]; then
    printf '%s\n' '{"text":"Komut bulunamadı, geçerli komutlar şunlardır:","gold":"tur"}' \
        '{"text":"Türkiye\u0027nin başkenti Ankara\u0027dır ve en kalabalık şehri İstanbul\u0027dur.","gold":"tur"}' \
        '{"text":"Svako ima pravo na život, slobodu i osobnu sigurnost.","gold":"hrv"}' \
        > "$TMP/tur.jsonl"
    for p in 0 2; do
        pp lid --rerank-skip $p "$TMP/tur.jsonl" > "$TMP/tlid.$p"
        pp lid eval --gold gold --pred lang --json "$TMP/tlid.$p" > "$TMP/tpred.$p"
        expect_status 0 pp lid eval --rerank-skip $p --gold gold --json "$TMP/tur.jsonl"
        expect_same "$TMP/tpred.$p" "$TMP/out" "bundled model: lid eval --rerank-skip $p"
        cp "$TMP/out" "$TMP/teval.$p"
    done
    expect_jq_slurp 'map(has("lid_similarity")) | length == 3 and all' "$TMP/tlid.2"
    expect_differ "$TMP/teval.0" "$TMP/teval.2" "bundled model: lid eval --rerank-skip 0 and 2"
    expect_status 0 pp lid eval --rerank 0 --gold gold --json "$TMP/tur.jsonl"
    expect_same "$TMP/teval.0" "$TMP/out" "lid eval --rerank-skip 0 is --rerank 0"
fi
finish
