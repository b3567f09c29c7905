#!/bin/sh
# tests/cli/lid.sh — `polyphony lid`, `lid train`, `lid eval`, `lid labels`,
# `polyphony discover`, with tiny models trained here (both label styles).
set -u
: "${POLYPHONY:?}" "${POLYPHONY_DATA:?}" "${TESTDATA:?}"
PP_WRAP=${PP_WRAP:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
run() { $PP_WRAP "$POLYPHONY" "$@"; }
train="$TESTDATA/lid/train.jsonl"
small="--dim 16 --bucket 5000 --epoch 100 --lr 1.0 --maxn 3 --quiet"

# train: GlotLID-style labels (default) and lid.176-style labels
run lid train --input "$train" --output "$tmp/g.ftz" --split train --dev-split dev $small \
    || fail "train"
[ -s "$tmp/g.ftz" ] && [ -s "$tmp/g.ftz.thresholds.json" ] && [ -s "$tmp/g.ftz.profiles.tsv.zst" ] \
    || fail "model or sidecars missing"
zstd -dc "$tmp/g.ftz.profiles.tsv.zst" | grep -q '^eng_Latn	 th	[0-9]*$' || fail "profile content"
jq -e '.labels.eng_Latn.scripts == "Latn" and .labels.rus_Cyrl.scripts == "Cyrl"
       and (.labels.eng_Latn.threshold | type) == "number"' "$tmp/g.ftz.thresholds.json" \
    > /dev/null || fail "sidecar content"
run lid train --input "$train" --output "$tmp/b.ftz" --split train --dev-split dev \
    --bcp47-labels $small || fail "train --bcp47-labels"
run lid labels --model "$tmp/g.ftz" | grep -q '^eng_Latn	en	eng	Latn	' || fail "labels glot"
run lid labels --model "$tmp/b.ftz" | grep -q '^en	en	eng	Latn	' || fail "labels bcp47"
# a bare label without a sidecar: scripts from the registry (sr: Cyrillic and Latin)
sed 's/"lang": "ru"/"lang": "sr"/' "$train" > "$tmp/sr.jsonl"
run lid train --input "$tmp/sr.jsonl" --output "$tmp/sr.ftz" --bcp47-labels $small || fail "sr"
rm -f "$tmp/sr.ftz.thresholds.json"
run lid labels --model "$tmp/sr.ftz" | grep -q '^sr	sr	srp	Cyrl Latn	' || fail "registry scripts"
run lid train --input "$train" --output "$tmp/x.model" > /dev/null 2>&1
[ $? -eq 1 ] || fail "bad model name not exit 1"
run lid train --input "$train" > /dev/null 2>&1; [ $? -eq 2 ] || fail "no --output not exit 2"

# identify: both label styles give the same fields
cat > "$tmp/in.jsonl" <<'JSON'
{"id":"1","text":"The river is very cold this morning."}
{"id":"2","text":"Сегодня очень холодный ветер."}
{"id":"3","text":""}
{"id":"4","text":"1234 !!"}
{"id":"5","text":"ᏣᎳᎩ ᎦᏬᏂᎯᏍᏗ ᏗᏕᎶᏆᏍᏗ"}
{"id":"6","text":"Schule"}
{"id":"7","text":"Каждое утро дети идут в школу вдоль реки, ok"}
JSON
for m in g b; do
    run lid --model "$tmp/$m.ftz" --top 2 "$tmp/in.jsonl" > "$tmp/out.$m" || fail "lid $m"
    [ "$(wc -l < "$tmp/out.$m")" -eq 7 ] || fail "lid $m: line count"
    jq -se '.[0].lang=="en" and .[0].iso639_3=="eng" and .[0].script=="Latn"
            and (.[0].lid_score > 0.5) and (.[0].lid_top|length)==2' "$tmp/out.$m" > /dev/null \
        || fail "lid $m: English sentence"
    jq -se '.[1].lang=="ru" and .[1].iso639_3=="rus" and .[1].script=="Cyrl"' "$tmp/out.$m" \
        > /dev/null || fail "lid $m: Russian sentence"
    jq -se '.[2].lang=="und_Zyyy" and .[3].lang=="und_Zyyy"' "$tmp/out.$m" > /dev/null \
        || fail "lid $m: empty / letterless input"
    jq -se '.[4].lang=="und_Cher" and .[4].iso639_3=="und" and .[4].script=="Cher"' \
        "$tmp/out.$m" > /dev/null || fail "lid $m: unknown script not und_Cher"
    jq -se '.[5].lang | type == "string"' "$tmp/out.$m" > /dev/null || fail "lid $m: one word"
    jq -se '.[6].lang=="ru" and .[6].script=="Cyrl"' "$tmp/out.$m" > /dev/null \
        || fail "lid $m: mixed script"
done
jq -c '{lang, iso639_3, script}' "$tmp/out.g" > "$tmp/f.g"
jq -c '{lang, iso639_3, script}' "$tmp/out.b" > "$tmp/f.b"
cmp -s "$tmp/f.g" "$tmp/f.b" || fail "label styles map to different fields"
# abstention under the threshold keeps the script
run lid --model "$tmp/g.ftz" --threshold 1 "$tmp/in.jsonl" | head -1 |
    jq -e '.lang=="und_Latn" and .iso639_3=="und"' > /dev/null || fail "threshold 1 not und_Latn"
# stdin, ledger
run lid --model "$tmp/g.ftz" --ledger "$tmp/ledger" < "$tmp/in.jsonl" > /dev/null || fail "stdin"
jq -se 'map(select(.stage=="lid" and .lang=="en" and .metric=="share"))|length==1' \
    "$tmp/ledger" > /dev/null || fail "identify ledger"

# bad input: file:line, exit 1; --rejects keeps going
printf '{"text":"hello there"}\nnot json\n{"id":"x"}\n' > "$tmp/bad.jsonl"
run lid --model "$tmp/g.ftz" "$tmp/bad.jsonl" > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] || fail "bad JSON not exit 1"
grep -q 'bad.jsonl:2' "$tmp/err" || fail "bad JSON message lacks file:line"
run lid --model "$tmp/g.ftz" --rejects "$tmp/rej" "$tmp/bad.jsonl" > "$tmp/ok" \
    || fail "--rejects"
[ "$(wc -l < "$tmp/ok")" -eq 1 ] && [ "$(wc -l < "$tmp/rej")" -eq 2 ] || fail "--rejects counts"

# corrupt, truncated and missing models: exit 1, clear message
head -c 200 "$tmp/g.ftz" > "$tmp/trunc.ftz"
run lid --model "$tmp/trunc.ftz" "$tmp/in.jsonl" > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] || fail "truncated model not exit 1"
grep -q 'not a valid fastText model' "$tmp/err" || fail "truncated model message"
echo "garbage" > "$tmp/junk.ftz"
run lid --model "$tmp/junk.ftz" "$tmp/in.jsonl" > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] || fail "junk model not exit 1"
grep -q 'junk.ftz.*not a valid fastText model' "$tmp/err" || fail "junk model message"
run lid --model "$tmp/none.ftz" "$tmp/in.jsonl" > /dev/null 2>&1
[ $? -eq 1 ] || fail "missing model not exit 1"
echo '{' > "$tmp/g2.ftz.thresholds.json"; cp "$tmp/g.ftz" "$tmp/g2.ftz"
run lid --model "$tmp/g2.ftz" "$tmp/in.jsonl" > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] || fail "bad sidecar not exit 1"
cp "$tmp/g.ftz" "$tmp/g3.ftz"; printf 'eng_Latn\tabc\n' > "$tmp/g3.ftz.profiles.tsv"
run lid --model "$tmp/g3.ftz" "$tmp/in.jsonl" > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] || fail "bad profiles not exit 1"
grep -q 'g3.ftz.profiles.tsv:1' "$tmp/err" || fail "bad profiles message"
# re-ranking off gives the same clear answers
run lid --model "$tmp/g.ftz" --rerank 0 "$tmp/in.jsonl" | jq -c '{lang}' | head -2 > "$tmp/r0"
jq -c '{lang}' "$tmp/out.g" | head -2 | cmp -s - "$tmp/r0" || fail "--rerank 0"
# profiles for a model from other records
run lid profiles --input "$train" --model "$tmp/b.ftz" --bcp47-labels --top 50 || fail "profiles"
[ "$(zstd -dc "$tmp/b.ftz.profiles.tsv.zst" | grep -c '^en	')" -eq 50 ] || fail "profiles --top"
run lid --top 0 "$tmp/in.jsonl" > /dev/null 2>&1; [ $? -eq 2 ] || fail "--top 0 not exit 2"
run lid --bogus > /dev/null 2>&1; [ $? -eq 2 ] || fail "unknown option not exit 2"

# the bundled default model (found through POLYPHONY_DATA)
if [ -f "$POLYPHONY_DATA/langs/models/udhr-lid.ftz" ]; then
    printf '%s\n' '{"text":"Le vent est très froid ce soir et les enfants restent à la maison."}' \
        '{"text":"Каждое утро дети идут в школу вдоль реки."}' |
        run lid --top 3 > "$tmp/def" || fail "default model"
    jq -se '.[0].lang=="fr" and .[1].lang=="ru" and (.[0].lid_top|length)==3' "$tmp/def" \
        > /dev/null || fail "default model answers"
fi

# eval on a hand-checkable set: gold a a a b b c, predicted a a b b und a
cat > "$tmp/ev.jsonl" <<'JSON'
{"gold":"eng","pred":"eng"}
{"gold":"en","pred":"eng_Latn"}
{"gold":"eng","pred":"fra"}
{"gold":"fra","pred":"fr"}
{"gold":"fra","pred":"und_Latn"}
{"gold":"deu","pred":"eng"}
JSON
run lid eval --gold gold --pred pred --json "$tmp/ev.jsonl" > "$tmp/ev.json" || fail "eval"
jq -e '.items==6 and .languages==3 and (.accuracy==0.5)
       and ((.macro.f1 - 0.388889)|fabs) < 1e-5
       and (.classes[] | select(.lang=="eng") | .tp==2 and .fp==1 and ((.fpr - 0.333333)|fabs) < 1e-5)
       and (.classes[] | select(.lang=="fra") | .abstained==1 and .precision==0.5)
       and (.confusions|map(.gold+">"+.pred))==["deu>eng","eng>fra"]' "$tmp/ev.json" \
    > /dev/null || fail "eval numbers"
run lid eval --gold gold --pred pred --ledger "$tmp/evl" "$tmp/ev.jsonl" > "$tmp/ev.txt" \
    || fail "eval text"
grep -q '^macro ' "$tmp/ev.txt" || fail "eval text lacks macro row"
grep -q 'eng -> fra  1' "$tmp/ev.txt" || fail "eval text lacks confusion"
jq -se 'map(select(.stage=="lid" and .step=="eval" and .metric=="f1"))|length==3' "$tmp/evl" \
    > /dev/null || fail "eval ledger"
run lid eval --gold gold --pred pred --only eng,deu --json "$tmp/ev.jsonl" |
    jq -e '.items==4' > /dev/null || fail "eval --only"
printf 'fra eng\n' > "$tmp/fold"
run lid eval --gold gold --pred pred --fold "$tmp/fold" --json "$tmp/ev.jsonl" |
    jq -e '.languages==2' > /dev/null || fail "eval --fold"
run lid eval --gold lang --pred pred "$tmp/ev.jsonl" > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] || fail "missing gold field not exit 1"
grep -q 'ev.jsonl:1' "$tmp/err" || fail "missing gold field message"
run lid eval --pred pred "$tmp/ev.jsonl" > /dev/null 2>&1; [ $? -eq 2 ] || fail "eval no --gold"
# eval with the model on the dev split of the training data
jq -c 'select(.meta.split=="dev")' "$train" > "$tmp/dev.jsonl"
run lid eval --gold lang --model "$tmp/g.ftz" --json "$tmp/dev.jsonl" |
    jq -e '.items==16 and .languages==4' > /dev/null || fail "eval --model"

# discover: known languages, plus two invented Greek-script varieties the
# model cannot name; they must come out as two clusters.
{
    jq -c 'select(.meta.split=="train")' "$train"
    for s in "καλομι τανακι λομικα μιτα καλο" "μιτακα λομι καναλο ταμικο καλομι" \
             "κανάμι τολακι μικαλο λομι τανα" "λομικα καλο μιτακα τανακι"; do
        printf '{"text":"%s"}\n' "$s"
    done
    for s in "ζυρβεξ δροζβυ ξεβρυ βυζδρο" "δρυβεξ ζοβρυξ βεξδρυ ζυρδο ξεβρυ" \
             "βυξδρο ζυρβεξ δροβυ ξεβρυ" "ζυρβεξ βεξδρυ δροβυ"; do
        printf '{"text":"%s"}\n' "$s"
    done
} > "$tmp/corpus.jsonl"
run discover --model "$tmp/g.ftz" --json --ledger "$tmp/dl" "$tmp/corpus.jsonl" \
    > "$tmp/disc.json" || fail "discover"
jq -e '.documents==56
       and (.inventory[] | select(.lang=="und_Grek") | .documents==8)
       and (.inventory[] | select(.lang=="ru") | .documents==12 and .script=="Cyrl")
       and .unidentified.documents==8 and (.unidentified.clusters|length)==2
       and (.unidentified.clusters|map(.documents)|sort)==[4,4]
       and (.unidentified.clusters[0].examples|length)==3
       and (.unidentified.clusters[0].nearest|length)>=1
       and (.confusable_groups|type)=="array"' "$tmp/disc.json" > /dev/null \
    || fail "discover report"
# the two clusters hold the two varieties (members by first syllable family)
jq -e '[.unidentified.clusters[] | [.examples[] | test("^[καλομιτν ]")] | unique | length] == [1,1]' \
    "$tmp/disc.json" > /dev/null || fail "discover clusters mix varieties"
run discover --model "$tmp/g.ftz" "$tmp/corpus.jsonl" > "$tmp/disc.txt" || fail "discover text"
grep -q 'candidate clusters' "$tmp/disc.txt" || fail "discover text report"
grep -q '^en ' "$tmp/disc.txt" || fail "discover text inventory"
jq -se 'map(select(.stage=="discover"))|length>0' "$tmp/dl" > /dev/null || fail "discover ledger"
run discover --model "$tmp/g.ftz" --json "$tmp/corpus.jsonl" | cmp -s - "$tmp/disc.json" \
    || fail "discover not deterministic"
run discover --model "$tmp/junk.ftz" "$tmp/corpus.jsonl" > /dev/null 2>&1
[ $? -eq 1 ] || fail "discover with a corrupt model not exit 1"
run discover --similarity 2 "$tmp/corpus.jsonl" > /dev/null 2>&1
[ $? -eq 2 ] || fail "discover bad --similarity not exit 2"
# eval: an individual language counts for its gold macrolanguage (sw <- swh)
printf '%s\n' '{"id":"1","text":"x","lang":"sw","p":"swh"}' \
    '{"id":"2","text":"y","lang":"sw","p":"swh"}' '{"id":"3","text":"z","lang":"en","p":"swh"}' \
    > "$tmp/macro.jsonl"
run lid eval --gold lang --pred p "$tmp/macro.jsonl" | grep -Eq '^swa +2 +1\.0000 +1\.0000' \
    || fail "eval: swh not counted for gold sw"
run lid eval --no-macro-fold --gold lang --pred p "$tmp/macro.jsonl" | grep -Eq '^swa +2 +0\.0000' \
    || fail "eval --no-macro-fold still folds"
# The shim's own forward pass gives fastText's predictLine answers
# (PP_FASTTEXT_SLOW=1), quantized and not, with and without profiles.
run lid train --input "$train" --output "$tmp/nq.bin" --split train --dev-split dev $small \
    --no-quantize || fail "train --no-quantize"
strip() { sed 's/"\(score\|lid_score\|lid_similarity\)":[-0-9.e]*//g' "$1"; }
for m in g.ftz b.ftz nq.bin; do
    run lid --quiet -k 5 --model "$tmp/$m" "$train" > "$tmp/fast.out" || fail "lid $m"
    PP_FASTTEXT_SLOW=1 run lid --quiet -k 5 --model "$tmp/$m" "$train" > "$tmp/slow.out" \
        || fail "lid $m (fastText path)"
    [ -s "$tmp/fast.out" ] || fail "no output $m"
    strip "$tmp/fast.out" > "$tmp/fast.s"
    strip "$tmp/slow.out" > "$tmp/slow.s"
    cmp -s "$tmp/fast.s" "$tmp/slow.s" || fail "fast path differs from fastText's on $m"
done
echo '{"text":"x"}' | run lid --model "$tmp/g.ftz" --rerank-min-prob 2 >/dev/null 2>&1
[ $? -eq 2 ] || fail "--rerank-min-prob 2 accepted"
run lid --quiet -k 5 --model "$tmp/g.ftz" --rerank-min-prob 0 "$train" > "$tmp/all.out" \
    || fail "--rerank-min-prob 0"
# discover: a malformed line is an error naming file and line
printf '%s\n' '{"id":"1","text":"hello there friend","lang":"en"}' '{"id":"2","text":"trunc' \
    > "$tmp/trunc.jsonl"
run discover --model "$tmp/g.ftz" "$tmp/trunc.jsonl" > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] || fail "discover on a malformed line not exit 1"
grep -q 'trunc.jsonl:2:' "$tmp/err" || fail "discover message without file:line"
exit 0
