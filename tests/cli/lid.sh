#!/bin/sh
# tests/cli/lid.sh — `polyphony lid`, `lid train`, `lid eval`, `lid labels`,
# `polyphony discover`, with tiny models trained here (both label styles).
. "$top_srcdir/tests/cli/lib.sh"
: "${POLYPHONY_DATA:?run through make check}"
require_cmd jq jq
train="$TESTDATA/lid/train.jsonl"
small="--dim 16 --bucket 5000 --epoch 100 --lr 1.0 --maxn 3 --quiet"

# train: GlotLID-style labels (default) and lid.176-style labels
expect_status 0 pp lid train --input "$train" --output "$TMP/g.ftz" --split train --dev-split dev $small ||
    stop "no model: every later check needs it"
# the model and its sidecars
expect_file "$TMP/g.ftz"
expect_file "$TMP/g.ftz.thresholds.json"
expect_file "$TMP/g.ftz.profiles.tsv.zst"
zstd -dc "$TMP/g.ftz.profiles.tsv.zst" > "$TMP/g.profiles.tsv"
expect_grep '^eng_Latn	 th	[0-9]*$' "$TMP/g.profiles.tsv"
expect_jq '.labels.eng_Latn.scripts == "Latn" and .labels.rus_Cyrl.scripts == "Cyrl"
       and (.labels.eng_Latn.threshold | type) == "number"' "$TMP/g.ftz.thresholds.json"
check "train --bcp47-labels" pp lid train --input "$train" --output "$TMP/b.ftz" --split train --dev-split dev \
    --bcp47-labels $small
pp lid labels --model "$TMP/g.ftz" > "$TMP/labels.g"
expect_grep '^eng_Latn	en	eng	Latn	' "$TMP/labels.g"
pp lid labels --model "$TMP/b.ftz" > "$TMP/labels.b"
expect_grep '^en	en	eng	Latn	' "$TMP/labels.b"
# a bare label without a sidecar: scripts from the registry (sr: Cyrillic and Latin)
sed 's/"lang": "ru"/"lang": "sr"/' "$train" > "$TMP/sr.jsonl"
check "train sr" pp lid train --input "$TMP/sr.jsonl" --output "$TMP/sr.ftz" --bcp47-labels $small
rm -f "$TMP/sr.ftz.thresholds.json"
pp lid labels --model "$TMP/sr.ftz" > "$TMP/labels.sr"
expect_grep '^sr	sr	srp	Cyrl Latn	' "$TMP/labels.sr"
# --max-per-source: at most N examples per label from each source (the
# records' "source"; none counts as one source); whole records only here, so
# examples are records: English split between sources "a" and "b" (at least
# 4 records each), other languages without a source
jq -c 'select(.meta.split=="train") |
    if .lang == "en" then . + {source: (if (.id | ltrimstr("en-") | tonumber) % 2 == 0 then "a" else "b" end)}
    else . end' "$train" > "$TMP/src.jsonl"
check "train --max-per-source" pp lid train --input "$TMP/src.jsonl" --output "$TMP/cap.ftz" \
    --no-sentences --max-per-source 3 --profile-top 0 $small
expect_jq '.labels.eng_Latn.train_examples == 6 and .labels.rus_Cyrl.train_examples == 3' \
    "$TMP/cap.ftz.thresholds.json"
check "train without cap" pp lid train --input "$TMP/src.jsonl" --output "$TMP/nocap.ftz" \
    --no-sentences --profile-top 0 $small
expect_jq '.labels.eng_Latn.train_examples > 6' "$TMP/nocap.ftz.thresholds.json"
expect_status 2 pp lid train --input "$train" --output "$TMP/x.ftz" --max-per-source -1
# a bad model name; no --output
expect_status 1 pp lid train --input "$train" --output "$TMP/x.model"
expect_status 2 pp lid train --input "$train"

# identify: both label styles give the same fields
cat > "$TMP/in.jsonl" <<'JSON'
{"id":"1","text":"The river is very cold this morning."}
{"id":"2","text":"Сегодня очень холодный ветер."}
{"id":"3","text":""}
{"id":"4","text":"1234 !!"}
{"id":"5","text":"ᏣᎳᎩ ᎦᏬᏂᎯᏍᏗ ᏗᏕᎶᏆᏍᏗ"}
{"id":"6","text":"Schule"}
{"id":"7","text":"Каждое утро дети идут в школу вдоль реки, ok"}
JSON
for m in g b; do
    check "lid with model $m" pp lid --model "$TMP/$m.ftz" --top 2 "$TMP/in.jsonl" > "$TMP/out.$m"
    expect_lines 7 "$TMP/out.$m"
    # an English sentence, a Russian one
    expect_jq_slurp '.[0].lang=="en" and .[0].iso639_3=="eng" and .[0].script=="Latn"
            and (.[0].lid_score > 0.5) and (.[0].lid_top|length)==2' "$TMP/out.$m"
    expect_jq_slurp '.[1].lang=="ru" and .[1].iso639_3=="rus" and .[1].script=="Cyrl"' "$TMP/out.$m"
    # empty and letterless input
    expect_jq_slurp '.[2].lang=="und_Zyyy" and .[3].lang=="und_Zyyy"' "$TMP/out.$m"
    # a script no label has
    expect_jq_slurp '.[4].lang=="und_Cher" and .[4].iso639_3=="und" and .[4].script=="Cher"' "$TMP/out.$m"
    # one word; mixed script
    expect_jq_slurp '.[5].lang | type == "string"' "$TMP/out.$m"
    expect_jq_slurp '.[6].lang=="ru" and .[6].script=="Cyrl"' "$TMP/out.$m"
done
jq -c '{lang, iso639_3, script}' "$TMP/out.g" > "$TMP/f.g"
jq -c '{lang, iso639_3, script}' "$TMP/out.b" > "$TMP/f.b"
expect_same "$TMP/f.g" "$TMP/f.b" "label styles map to different fields"
# --preprocess none: the model reads the text as fastText's own predict
# reads a line, so lid_top gives fastText's labels and probabilities
if command -v fasttext >/dev/null 2>&1; then
    head -n 6 "$TESTDATA/lid/raw-lines.txt" > "$TMP/raw.txt"
    jq -cR '{text: .}' "$TMP/raw.txt" > "$TMP/raw.jsonl"
    fasttext predict-prob "$TMP/g.ftz" - 1 < "$TMP/raw.txt" > "$TMP/ft.out"
    expect_lines 6 "$TMP/ft.out"
    check "--preprocess none" pp lid --model "$TMP/g.ftz" --preprocess none --threshold 0 --rerank 0 \
        --script-min-letters 0 --top 1 "$TMP/raw.jsonl" > "$TMP/none.out"
    jq -r '"__label__" + .lid_top[0].label' "$TMP/none.out" > "$TMP/none.labels"
    cut -d' ' -f1 "$TMP/ft.out" > "$TMP/ft.labels"
    expect_same "$TMP/ft.labels" "$TMP/none.labels" "--preprocess none differs from fasttext predict"
    # the same probabilities (fastText prints 5 significant digits)
    cut -d' ' -f2 "$TMP/ft.out" | paste - "$TMP/none.out" | jq -R -s '
        split("\n") | map(select(length > 0) | split("\t") |
        ((.[0] | tonumber) - (.[1] | fromjson | .lid_top[0].score)) | fabs) | max < 1e-4' > "$TMP/close"
    expect_eq "$(cat "$TMP/close")" true "probabilities of --preprocess none and fasttext predict"
    expect_jq_slurp 'all(.lid_preprocess == "none")' "$TMP/none.out"
    # the default preprocessing gives the model other input: other probabilities
    pp lid --model "$TMP/g.ftz" --threshold 0 --rerank 0 --top 1 "$TMP/raw.jsonl" > "$TMP/poly.out"
    expect_jq_slurp 'all(has("lid_preprocess") | not)' "$TMP/poly.out"
    cut -d' ' -f2 "$TMP/ft.out" | paste - "$TMP/poly.out" | jq -R -s '
        split("\n") | map(select(length > 0) | split("\t") |
        ((.[0] | tonumber) - (.[1] | fromjson | .lid_top[0].score)) | fabs) | max > 1e-3' > "$TMP/far"
    expect_eq "$(cat "$TMP/far")" true "the default preprocessing changes nothing"
    expect_status 2 pp lid --preprocess lower "$TMP/raw.jsonl"
fi
# --calibrate: thresholds per writing system for the decision taken
cat > "$TMP/cal.jsonl" <<'JSON'
{"gold":"en","text":"The children walk to the river every morning."}
{"gold":"en","text":"My brother keeps a small boat near the old bridge."}
{"gold":"de","text":"Die Kinder gehen jeden Morgen zum Fluss."}
{"gold":"fr","text":"Les enfants vont à la rivière chaque matin."}
{"gold":"und","text":"Ndakanaka kuona vana vachienda kurwizi mangwanani."}
{"gold":"smn","text":"Párnááh mennih jyehi iđedist juuvân kuávlun."}
{"gold":"ru","text":"Дети каждое утро ходят к реке."}
JSON
check "eval --calibrate" pp lid eval --model "$TMP/g.ftz" --gold gold --calibrate "$TMP/cal.json" \
    --calibrate-min 2 "$TMP/cal.jsonl" > /dev/null
expect_jq '(.writing_systems.Latn.threshold | type) == "number" and .writing_systems.Latn.items == 6
       and (.writing_systems | has("Cyrl") | not) and .labels.eng_Latn.scripts == "Latn"
       and .writing_systems.Latn.accuracy >= .writing_systems.Latn.accuracy_at_0
       and .writing_systems_source == "cal.jsonl"' "$TMP/cal.json"
check "lid --thresholds calibrated" pp lid --model "$TMP/g.ftz" --thresholds "$TMP/cal.json" "$TMP/cal.jsonl" > /dev/null
expect_status 2 pp lid eval --gold gold --pred gold --calibrate "$TMP/x.json" "$TMP/cal.jsonl"
expect_status 2 pp lid eval --gold gold --threshold 0.5 --calibrate "$TMP/x.json" "$TMP/cal.jsonl"
# abstention under the threshold keeps the script
pp lid --model "$TMP/g.ftz" --threshold 1 "$TMP/in.jsonl" > "$TMP/thr"
head -1 "$TMP/thr" > "$TMP/thr1"
expect_jq '.lang=="und_Latn" and .iso639_3=="und"' "$TMP/thr1"
# stdin, ledger
check "lid on stdin" pp lid --model "$TMP/g.ftz" --ledger "$TMP/ledger" < "$TMP/in.jsonl" > /dev/null
expect_jq_slurp 'map(select(.stage=="lid" and .lang=="en" and .metric=="share"))|length==1' "$TMP/ledger"

# bad input: file:line, exit 1; --rejects keeps going
printf '{"text":"hello there"}\nnot json\n{"id":"x"}\n' > "$TMP/bad.jsonl"
expect_status 1 pp lid --model "$TMP/g.ftz" "$TMP/bad.jsonl"
expect_grep 'bad.jsonl:2' "$TMP/err"
check "--rejects" pp lid --model "$TMP/g.ftz" --rejects "$TMP/rej" "$TMP/bad.jsonl" > "$TMP/ok"
expect_lines 1 "$TMP/ok"
expect_lines 2 "$TMP/rej"

# corrupt, truncated and missing models: exit 1, clear message
head -c 200 "$TMP/g.ftz" > "$TMP/trunc.ftz"
expect_status 1 pp lid --model "$TMP/trunc.ftz" "$TMP/in.jsonl"
expect_grep 'not a valid fastText model' "$TMP/err"
echo "garbage" > "$TMP/junk.ftz"
expect_status 1 pp lid --model "$TMP/junk.ftz" "$TMP/in.jsonl"
expect_grep 'junk.ftz.*not a valid fastText model' "$TMP/err"
# hierarchical-softmax counts that fastText would build a looping tree from
# (it then grows a path until memory runs out): refused at load
expect_status 1 pp lid --model "$TESTDATA/../fuzz/regressions/fuzz_fasttext/hs-counts-make-a-parent-loop.ftz" \
    "$TMP/in.jsonl"
expect_grep 'do not make a hierarchical-softmax tree' "$TMP/err"
expect_status 1 pp lid --model "$TMP/none.ftz" "$TMP/in.jsonl"
# a bad thresholds sidecar; bad profiles
echo '{' > "$TMP/g2.ftz.thresholds.json"; cp "$TMP/g.ftz" "$TMP/g2.ftz"
expect_status 1 pp lid --model "$TMP/g2.ftz" "$TMP/in.jsonl"
cp "$TMP/g.ftz" "$TMP/g3.ftz"; printf 'eng_Latn\tabc\n' > "$TMP/g3.ftz.profiles.tsv"
expect_status 1 pp lid --model "$TMP/g3.ftz" "$TMP/in.jsonl"
expect_grep 'g3.ftz.profiles.tsv:1' "$TMP/err"
# re-ranking off gives the same clear answers
pp lid --model "$TMP/g.ftz" --rerank 0 "$TMP/in.jsonl" > "$TMP/rerank0"
jq -c '{lang}' "$TMP/rerank0" | head -2 > "$TMP/r0"
jq -c '{lang}' "$TMP/out.g" | head -2 > "$TMP/g0"
expect_same "$TMP/g0" "$TMP/r0" "--rerank 0"
# profiles for a model from other records
check "profiles" pp lid profiles --input "$train" --model "$TMP/b.ftz" --bcp47-labels --top 50
expect_eq "$(zstd -dc "$TMP/b.ftz.profiles.tsv.zst" | grep -c '^en	')" 50 "profiles --top 50 rows of en"
# --per-source: a profile per label and source, the source as a fourth
# column (English of sources a and b, one after the other; Russian has none)
check "profiles --per-source" pp lid profiles --input "$TMP/src.jsonl" --model "$TMP/b.ftz" \
    --bcp47-labels --top 50 --per-source
zstd -dc "$TMP/b.ftz.profiles.tsv.zst" > "$TMP/ps.tsv"
expect_eq "$(grep -c '^en	[^	]*	[0-9]*	a$' "$TMP/ps.tsv")" 50 "profile of en from source a"
expect_eq "$(grep -c '^en	[^	]*	[0-9]*	b$' "$TMP/ps.tsv")" 50 "profile of en from source b"
expect_eq "$(grep -c '^ru	[^	]*	[0-9]*$' "$TMP/ps.tsv")" 50 "profile of ru without a source"
expect_eq "$(cut -f1 "$TMP/ps.tsv" | grep -v '^#' | uniq | grep -c '^en$')" 1 "en's profiles together"
check "lid with per-source profiles" pp lid --model "$TMP/b.ftz" "$TMP/in.jsonl" > "$TMP/ps.out"
# lid train --profile-per-source writes the same columns
check "train --profile-per-source" pp lid train --input "$TMP/src.jsonl" --output "$TMP/pps.ftz" \
    --no-sentences --profile-per-source --profile-top 20 $small
zstd -dc "$TMP/pps.ftz.profiles.tsv.zst" > "$TMP/pps.tsv"
expect_eq "$(grep -c '^eng_Latn	[^	]*	[0-9]*	[ab]$' "$TMP/pps.tsv")" 40 "train: en's two profiles"
# a source that is not a string is not a domain
jq -c 'if .lang == "en" then .source = 7 else . end' "$TMP/src.jsonl" > "$TMP/src7.jsonl"
expect_status 1 pp lid profiles --input "$TMP/src7.jsonl" --model "$TMP/b.ftz" --bcp47-labels --per-source
expect_grep 'src7.jsonl:[0-9]*: "source" is not usable as a profile domain' "$TMP/err"
# a label's similarity is that of its closest profile: eng_Latn's own
# profile plus one of junk trigrams (first or last) changes nothing; the
# junk one alone does
# (--min-similarity: every line is compared, however sure the model is)
cp "$TMP/g.ftz" "$TMP/d.ftz"
pp lid --model "$TMP/g.ftz" --min-similarity 0.001 "$TMP/in.jsonl" > "$TMP/gs.out"
jq -c '{id, "s": (.lid_similarity // -1 | . * 1000 | round)}' "$TMP/gs.out" > "$TMP/g.sims"
grep '^eng_Latn	' "$TMP/g.profiles.tsv" | sed 's/$/	own/' > "$TMP/own"
printf 'eng_Latn\tzq \t9\tjunk\neng_Latn\t zq\t9\tjunk\n' > "$TMP/junk"
grep -v '^eng_Latn	' "$TMP/g.profiles.tsv" > "$TMP/rest"
for order in "own junk" "junk own"; do
    set -- $order
    cat "$TMP/$1" "$TMP/$2" "$TMP/rest" > "$TMP/d.ftz.profiles.tsv"
    check "profiles: $order" pp lid --model "$TMP/d.ftz" --min-similarity 0.001 "$TMP/in.jsonl" \
        > "$TMP/d.out"
    jq -c '{id, "s": (.lid_similarity // -1 | . * 1000 | round)}' "$TMP/d.out" > "$TMP/d.sims"
    expect_same "$TMP/g.sims" "$TMP/d.sims" "closest profile ($order)"
done
# one profile however the file orders its lines: eng_Latn's own lines split
# in two by another label's (one the model has, one it does not) are one
# profile, not two halves
n_own=$(wc -l < "$TMP/own")
head -n $((n_own / 2)) "$TMP/own" > "$TMP/own1"
tail -n +$((n_own / 2 + 1)) "$TMP/own" > "$TMP/own2"
printf 'zzz_Latn\tabc\t3\townn\n' > "$TMP/alien"
grep '^rus_Cyrl	' "$TMP/g.profiles.tsv" | sed 's/$/	own/' > "$TMP/rus"
grep -v '^eng_Latn	\|^rus_Cyrl	' "$TMP/g.profiles.tsv" > "$TMP/rest2"
cat "$TMP/own1" "$TMP/alien" "$TMP/rus" "$TMP/own2" "$TMP/rest2" > "$TMP/d.ftz.profiles.tsv"
check "profiles: a label's lines apart" pp lid --model "$TMP/d.ftz" --min-similarity 0.001 \
    "$TMP/in.jsonl" > "$TMP/d.out"
jq -c '{id, "s": (.lid_similarity // -1 | . * 1000 | round)}' "$TMP/d.out" > "$TMP/d.sims"
expect_same "$TMP/g.sims" "$TMP/d.sims" "a label's lines apart make one profile"
# a domain of 63 bytes is one
sed "s/	own\$/	$(printf '%063d' 0)/" "$TMP/own" > "$TMP/own63"
cat "$TMP/own63" "$TMP/rest" > "$TMP/d.ftz.profiles.tsv"
check "profiles: a 63-byte domain" pp lid --model "$TMP/d.ftz" --min-similarity 0.001 \
    "$TMP/in.jsonl" > "$TMP/d.out"
jq -c '{id, "s": (.lid_similarity // -1 | . * 1000 | round)}' "$TMP/d.out" > "$TMP/d.sims"
expect_same "$TMP/g.sims" "$TMP/d.sims" "a 63-byte domain"
cat "$TMP/junk" "$TMP/rest" > "$TMP/d.ftz.profiles.tsv"
check "profiles: junk alone" pp lid --model "$TMP/d.ftz" --min-similarity 0.001 "$TMP/in.jsonl" \
    > "$TMP/d.out"
jq -c '{id, "s": (.lid_similarity // -1 | . * 1000 | round)}' "$TMP/d.out" > "$TMP/d.sims"
expect_differ "$TMP/g.sims" "$TMP/d.sims" "eng_Latn's junk profile alone"
# bad domain columns: empty, a fifth column, 64 bytes
for bad in 'eng_Latn\t th\t3\t' 'eng_Latn\t th\t3\ta\tb' \
    "eng_Latn\\t th\\t3\\t$(printf '%064d' 0)"; do
    printf "$bad\\n" > "$TMP/d.ftz.profiles.tsv"
    expect_status 1 pp lid --model "$TMP/d.ftz" "$TMP/in.jsonl"
    expect_grep 'd.ftz.profiles.tsv:1: bad profile line' "$TMP/err"
done
expect_status 2 pp lid --top 0 "$TMP/in.jsonl"
expect_status 2 pp lid --bogus

# the bundled default model (found through POLYPHONY_DATA)
if [ -f "$POLYPHONY_DATA/langs/models/udhr-lid.ftz" ]; then
    printf '%s\n' '{"text":"Le vent est très froid ce soir et les enfants restent à la maison."}' \
        '{"text":"Каждое утро дети идут в школу вдоль реки."}' > "$TMP/def.in"
    check "default model" pp lid --top 3 < "$TMP/def.in" > "$TMP/def"
    expect_jq_slurp '.[0].lang=="fr" and .[1].lang=="ru" and (.[0].lid_top|length)==3' "$TMP/def"
    # the script rule: with every threshold at 1 (the model never sure enough),
    # a language alone in its script is still chosen; Han text goes to Chinese
    # (its macrolanguage: several Chinese languages are labels) or, with
    # kana, to Japanese; a Latin text, with many languages, is abstained on
    printf '%s\n' '{"text":"วันนี้อากาศหนาวมาก เด็กๆ จึงอยู่ในบ้าน"}' \
        '{"text":"今日はとても寒いので、子供たちは家にいます。"}' \
        '{"text":"今天天气很冷，孩子们都待在家里。"}' \
        '{"text":"오늘은 날씨가 매우 추워서 아이들이 집에 있습니다."}' \
        '{"text":"The wind is very cold tonight."}' '{"text":"ไทย"}' > "$TMP/sr.in"
    check "script rule" pp lid --threshold 1 < "$TMP/sr.in" > "$TMP/sr.out"
    expect_jq_slurp '.[0].iso639_3=="tha" and .[0].lid_rule=="script" and .[0].script=="Thai"
        and .[1].iso639_3=="jpn" and .[1].lid_rule=="script"
        and .[2].lang=="zh" and .[2].iso639_3=="zho" and .[2].lid_rule=="macrolanguage"
        and .[3].iso639_3=="kor" and .[3].lid_rule=="script"
        and .[4].lang=="und_Latn" and (.[4]|has("lid_rule")|not)
        and .[5].lang=="und_Thai"' "$TMP/sr.out"
    check "script rule off" pp lid --threshold 1 --script-min-letters 0 < "$TMP/sr.in" > "$TMP/sr0.out"
    expect_jq_slurp 'map(.iso639_3)==["und","und","und","und","und","und"]' "$TMP/sr0.out"
    expect_status 2 pp lid --script-min-letters x < "$TMP/sr.in"
    # --keep: a macrolanguage keeps its individual languages (sw: swh);
    # the caller's lang stays as lang_in
    printf '%s\n' '{"lang":"yo","text":"Kiswahili ni lugha inayozungumzwa na watu wengi katika Afrika Mashariki."}' \
        '{"text":"Le vent est très froid ce soir et les enfants restent à la maison."}' \
        '{"text":"Habari za asubuhi, watoto wanakwenda shuleni kila siku."}' > "$TMP/keep.in"
    check "--keep sw" pp lid --keep sw < "$TMP/keep.in" > "$TMP/keep.out"
    expect_jq_slurp 'length == 2 and all(.iso639_3 == "swh")
        and .[0].lang_in == "yo" and (.[1] | has("lang_in") | not)' "$TMP/keep.out"
    check "--keep fr --keep yo" pp lid --keep fr --keep yo < "$TMP/keep.in" > "$TMP/keep2.out"
    expect_jq_slurp 'length == 1 and .[0].lang == "fr"' "$TMP/keep2.out"
    expect_status 2 pp lid --keep 'x!' < "$TMP/keep.in"
    # the letter check: Yoruba written with its dotted letters and tone marks,
    # which the model alone (--rerank 0: no profile re-ranking) gives to
    # languages that do not use those letters (Lamnso', Manx); the check
    # gives each line to Yoruba and keeps the model's candidates
    printf '%s\n' '{"text":"Ìròyìn: owó epo rọ̀bì lọ sókè"}' \
        '{"text":"Eré ìdárayá: ẹgbẹ́ Shooting Stars borí"}' > "$TMP/yo.in"
    check "letter check" pp lid --rerank 0 < "$TMP/yo.in" > "$TMP/yo.out"
    expect_jq_slurp 'length == 2 and all(.iso639_3 == "yor" and .lid_rule == "letters"
        and .lid_candidates[0].label != "yor_Latn" and .lid_foreign > 0.1)' "$TMP/yo.out"
    check "letter check off" pp lid --rerank 0 --letter-check 0 < "$TMP/yo.in" > "$TMP/yo0.out"
    expect_jq_slurp 'all(.iso639_3 != "yor" and (has("lid_rule") | not))' "$TMP/yo0.out"
    expect_status 2 pp lid --letter-check 2 < "$TMP/yo.in"
    # sisters: Serbo-Croatian in Latin letters, which the model spreads over
    # Croatian, Bosnian, Serbian and Montenegrin (close in score), gets the
    # macrolanguage instead of one sister the evidence cannot pick
    printf '%s\n' '{"text":"Svako ima pravo na život, slobodu i osobnu sigurnost."}' \
        '{"text":"Djeca svako jutro idu u školu uz rijeku."}' > "$TMP/sh.in"
    check "sisters" pp lid < "$TMP/sh.in" > "$TMP/sh.out"
    expect_jq_slurp 'all(.iso639_3 == "hbs" and .lid_rule == "sisters"
        and (.lid_candidates | length) == 2)' "$TMP/sh.out"
    check "sisters off" pp lid --sister-margin 0 < "$TMP/sh.in" > "$TMP/sh0.out"
    expect_jq_slurp 'all(.iso639_3 != "hbs" and (has("lid_rule") | not))' "$TMP/sh0.out"
    expect_status 2 pp lid --sister-margin x < "$TMP/sh.in"
    # --rerank-weight alone weighs the model's probability in the profile
    # re-ranking of the default 10 candidates (it was once ignored unless
    # --rerank was given too): Turkish UI strings the profiles give to South
    # Azerbaijani and Gagauz go back to the model's order
    printf '%s\n' '{"text":"Komut bulunamadı, geçerli komutlar şunlardır:"}' \
        '{"text":"Türkiye\u0027nin başkenti Ankara\u0027dır ve en kalabalık şehri İstanbul\u0027dur."}' \
        > "$TMP/rrw.in"
    check "--rerank-weight" pp lid --rerank-weight 1000 < "$TMP/rrw.in" > "$TMP/rrw.out"
    check "--rerank 10 --rerank-weight" pp lid --rerank 10 --rerank-weight 1000 < "$TMP/rrw.in" \
        > "$TMP/rrw10.out"
    check "--rerank 0" pp lid --rerank 0 < "$TMP/rrw.in" > "$TMP/rrw0.out"
    check "--rerank-weight 0" pp lid --rerank-weight 0 < "$TMP/rrw.in" > "$TMP/rrwz.out"
    expect_same "$TMP/rrw10.out" "$TMP/rrw.out" "--rerank-weight alone"
    jq -c .lang "$TMP/rrw0.out" > "$TMP/rrw0.lang"
    jq -c .lang "$TMP/rrw.out" > "$TMP/rrw.lang"
    jq -c .lang "$TMP/rrwz.out" > "$TMP/rrwz.lang"
    expect_same "$TMP/rrw0.lang" "$TMP/rrw.lang" "--rerank-weight 1000: the model's order"
    expect_differ "$TMP/rrwz.lang" "$TMP/rrw.lang" "--rerank-weight 0 and 1000"
    # --rerank-skip 0: no text is re-ranked, as with --rerank 0
    check "--rerank-skip 0" pp lid --rerank-skip 0 < "$TMP/rrw.in" > "$TMP/rrs.out"
    jq -c .lang "$TMP/rrs.out" > "$TMP/rrs.lang"
    expect_same "$TMP/rrw0.lang" "$TMP/rrs.lang" "--rerank-skip 0"
    expect_status 2 pp lid --rerank-skip 2.5 < "$TMP/rrw.in"
    # groups: Turkish the model cannot tell from the Declaration's South
    # Azerbaijani (no common macrolanguage, both Turkic) gets the ISO 639-5
    # group with --group-margin; sisters go first (Serbo-Croatian stays hbs);
    # off by default; lid eval counts a group as an abstention
    printf '%s\n' '{"text":"Komut bulunamadı, geçerli komutlar şunlardır:","gold":"tur"}' \
        '{"text":"Svako ima pravo na život, slobodu i osobnu sigurnost.","gold":"hrv"}' > "$TMP/gr.in"
    check "--group-margin" pp lid --group-margin 1 < "$TMP/gr.in" > "$TMP/gr.out"
    expect_jq_slurp '.[0].lang == "trk" and .[0].iso639_5 == "trk" and (.[0] | has("iso639_3") | not)
        and .[0].lid_rule == "group" and (.[0].lid_candidates | length) == 2
        and .[1].lang == "hbs" and .[1].lid_rule == "sisters" and (.[1] | has("iso639_5") | not)' \
        "$TMP/gr.out"
    # languages of one macrolanguage are sisters, never a group, even when
    # the sisters rule is off
    check "groups: no sisters" pp lid --sister-margin 0 --group-margin 1 < "$TMP/sh.in" > "$TMP/grs.out"
    expect_jq_slurp 'all(.lid_rule != "group" and (.iso639_3 | IN("hrv", "srp", "bos", "cnr")))' \
        "$TMP/grs.out"
    check "groups off" pp lid < "$TMP/gr.in" > "$TMP/gr0.out"
    expect_jq_slurp 'all(.lid_rule != "group" and (has("iso639_5") | not))' "$TMP/gr0.out"
    check "eval --group-margin" pp lid eval --gold gold --group-margin 1 "$TMP/gr.in" > "$TMP/gr.eval"
    expect_grep '^tur  *1 .* 1$' "$TMP/gr.eval"
    expect_status 2 pp lid --group-margin 2 < "$TMP/gr.in"
fi

# eval on a hand-checkable set: gold a a a b b c, predicted a a b b und a
cat > "$TMP/ev.jsonl" <<'JSON'
{"gold":"eng","pred":"eng"}
{"gold":"en","pred":"eng_Latn"}
{"gold":"eng","pred":"fra"}
{"gold":"fra","pred":"fr"}
{"gold":"fra","pred":"und_Latn"}
{"gold":"deu","pred":"eng"}
JSON
check "eval" pp lid eval --gold gold --pred pred --json "$TMP/ev.jsonl" > "$TMP/ev.json"
expect_jq '.items==6 and .languages==3 and (.accuracy==0.5)
       and ((.macro.f1 - 0.388889)|fabs) < 1e-5
       and (.classes[] | select(.lang=="eng") | .tp==2 and .fp==1 and ((.fpr - 0.333333)|fabs) < 1e-5)
       and (.classes[] | select(.lang=="fra") | .abstained==1 and .precision==0.5)
       and (.confusions|map(.gold+">"+.pred))==["deu>eng","eng>fra"]' "$TMP/ev.json"
check "eval text" pp lid eval --gold gold --pred pred --ledger "$TMP/evl" "$TMP/ev.jsonl" > "$TMP/ev.txt"
# the macro row and a confusion
expect_grep '^macro ' "$TMP/ev.txt"
expect_grep 'eng -> fra  1' "$TMP/ev.txt"
expect_jq_slurp 'map(select(.stage=="lid" and .step=="eval" and .metric=="f1"))|length==3' "$TMP/evl"
pp lid eval --gold gold --pred pred --only eng,deu --json "$TMP/ev.jsonl" > "$TMP/only.json"
expect_jq '.items==4' "$TMP/only.json"
printf 'fra eng\n' > "$TMP/fold"
pp lid eval --gold gold --pred pred --fold "$TMP/fold" --json "$TMP/ev.jsonl" > "$TMP/fold.json"
expect_jq '.languages==2' "$TMP/fold.json"
# gold und: the identifier should abstain (not a class; a correct abstention
# counts in the accuracy); abstention rate and precision reported apart
printf '%s\n' '{"gold":"und","pred":"und_Copt"}' '{"gold":"und","pred":"eng"}' \
    '{"gold":"eng","pred":"und_Latn"}' '{"gold":"eng","pred":"eng"}' > "$TMP/und.jsonl"
check "eval gold und" pp lid eval --gold gold --pred pred --json "$TMP/und.jsonl" > "$TMP/und.json"
expect_jq '.items==4 and .languages==1 and .accuracy==0.5
       and .abstention.abstained==2 and .abstention.gold_und==2 and .abstention.correct==1
       and .abstention.rate==0.5 and .abstention.precision==0.5
       and (.classes[0] | .lang=="eng" and .fp==1 and .tp==1)' "$TMP/und.json"
pp lid eval --gold gold --pred pred "$TMP/und.jsonl" > "$TMP/und.txt"
expect_grep '^abstained 2 .rate 0.5000.; gold und 2: 1 abstained on .precision 0.5000, recall 0.5000.$' "$TMP/und.txt"
# a missing gold field; no --gold
expect_status 1 pp lid eval --gold lang --pred pred "$TMP/ev.jsonl"
expect_grep 'ev.jsonl:1' "$TMP/err"
expect_status 2 pp lid eval --pred pred "$TMP/ev.jsonl"
# eval with the model on the dev split of the training data
jq -c 'select(.meta.split=="dev")' "$train" > "$TMP/dev.jsonl"
pp lid eval --gold lang --model "$TMP/g.ftz" --json "$TMP/dev.jsonl" > "$TMP/dev.json"
expect_jq '.items==16 and .languages==4' "$TMP/dev.json"

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
} > "$TMP/corpus.jsonl"
check "discover" pp discover --model "$TMP/g.ftz" --json --ledger "$TMP/dl" "$TMP/corpus.jsonl" > "$TMP/disc.json"
expect_jq '.documents==56
       and (.inventory[] | select(.lang=="und_Grek") | .documents==8)
       and (.inventory[] | select(.lang=="ru") | .documents==12 and .script=="Cyrl")
       and .unidentified.documents==8 and (.unidentified.clusters|length)==2
       and (.unidentified.clusters|map(.documents)|sort)==[4,4]
       and (.unidentified.clusters[0].examples|length)==3
       and (.unidentified.clusters[0].nearest|length)>=1
       and (.confusable_groups|type)=="array"' "$TMP/disc.json"
# the two clusters hold the two varieties (members by first syllable family)
expect_jq '[.unidentified.clusters[] | [.examples[] | test("^[καλομιτν ]")] | unique | length] == [1,1]' \
    "$TMP/disc.json"
check "discover text" pp discover --model "$TMP/g.ftz" "$TMP/corpus.jsonl" > "$TMP/disc.txt"
# the text report: clusters and the inventory
expect_grep 'candidate clusters' "$TMP/disc.txt"
expect_grep '^en ' "$TMP/disc.txt"
expect_jq_slurp 'map(select(.stage=="discover"))|length>0' "$TMP/dl"
pp discover --model "$TMP/g.ftz" --json "$TMP/corpus.jsonl" > "$TMP/disc2.json"
expect_same "$TMP/disc2.json" "$TMP/disc.json" "discover not deterministic"
# a corrupt model; a bad --similarity
expect_status 1 pp discover --model "$TMP/junk.ftz" "$TMP/corpus.jsonl"
expect_status 2 pp discover --similarity 2 "$TMP/corpus.jsonl"
# eval: an individual language counts for its gold macrolanguage (sw <- swh)
printf '%s\n' '{"id":"1","text":"x","lang":"sw","p":"swh"}' \
    '{"id":"2","text":"y","lang":"sw","p":"swh"}' '{"id":"3","text":"z","lang":"en","p":"swh"}' \
    > "$TMP/macro.jsonl"
pp lid eval --gold lang --pred p "$TMP/macro.jsonl" > "$TMP/macro.txt"
expect_grep '^swa +2 +1\.0000 +1\.0000' "$TMP/macro.txt"
# --no-macro-fold does not fold
pp lid eval --no-macro-fold --gold lang --pred p "$TMP/macro.jsonl" > "$TMP/nofold.txt"
expect_grep '^swa +2 +0\.0000' "$TMP/nofold.txt"
# --level macrolanguage: Serbian, Croatian and hbs are one class; --only srp
# still scores the Serbian records (folded to hbs); a bad level is a usage error
printf '%s\n' '{"id":"1","text":"x","lang":"srp","p":"hbs"}' \
    '{"id":"2","text":"y","lang":"hrv","p":"srp"}' '{"id":"3","text":"z","lang":"en","p":"hrv"}' \
    > "$TMP/level.jsonl"
pp lid eval --gold lang --pred p "$TMP/level.jsonl" > "$TMP/level0.txt"
expect_grep '^srp +1 +0\.0000' "$TMP/level0.txt"
check "eval --level macrolanguage" pp lid eval --level macrolanguage --gold lang --pred p \
    "$TMP/level.jsonl" > "$TMP/level1.txt"
expect_grep '^hbs +2 +0\.6667 +1\.0000' "$TMP/level1.txt"
pp lid eval --level macrolanguage --only srp --gold lang --pred p "$TMP/level.jsonl" > "$TMP/level2.txt"
expect_grep '^hbs +2 ' "$TMP/level2.txt"
expect_status 2 pp lid eval --level dialect --gold lang --pred p "$TMP/level.jsonl"
# The shim's own forward pass gives fastText's predictLine answers
# (PP_FASTTEXT_SLOW=1), quantized and not, with and without profiles.
check "train --no-quantize" pp lid train --input "$train" --output "$TMP/nq.bin" --split train --dev-split dev $small \
    --no-quantize
strip() { sed 's/"\(score\|lid_score\|lid_similarity\)":[-0-9.e]*//g' "$1"; }
for m in g.ftz b.ftz nq.bin; do
    check "lid $m" pp lid --quiet -k 5 --model "$TMP/$m" "$train" > "$TMP/fast.out"
    PP_FASTTEXT_SLOW=1 check "lid $m (fastText path)" pp lid --quiet -k 5 --model "$TMP/$m" "$train" > "$TMP/slow.out"
    expect_file "$TMP/fast.out"
    strip "$TMP/fast.out" > "$TMP/fast.s"
    strip "$TMP/slow.out" > "$TMP/slow.s"
    expect_same "$TMP/fast.s" "$TMP/slow.s" "fast path differs from fastText's on $m"
done
# A model that cannot be mapped (a pipe) is read into memory: the same labels
# (no profile sidecar next to a pipe, hence no lid_similarity).
mkfifo "$TMP/pipe.ftz"
cat "$TMP/g.ftz" > "$TMP/pipe.ftz" &
check "lid, model from a pipe" pp lid --quiet -k 5 --rerank 0 --model "$TMP/pipe.ftz" "$train" > "$TMP/pipe.out"
wait
check "lid --rerank 0" pp lid --quiet -k 5 --rerank 0 --model "$TMP/g.ftz" "$train" > "$TMP/file.out"
expect_file "$TMP/pipe.out"
expect_same "$TMP/pipe.out" "$TMP/file.out" "a model read from a pipe labels differently"
echo '{"text":"x"}' > "$TMP/x.jsonl"
expect_status 2 pp lid --model "$TMP/g.ftz" --rerank-min-prob 2 < "$TMP/x.jsonl"
check "--rerank-min-prob 0" pp lid --quiet -k 5 --model "$TMP/g.ftz" --rerank-min-prob 0 "$train" > "$TMP/all.out"
# discover: a malformed line is an error naming file and line
printf '%s\n' '{"id":"1","text":"hello there friend","lang":"en"}' '{"id":"2","text":"trunc' \
    > "$TMP/trunc.jsonl"
expect_status 1 pp discover --model "$TMP/g.ftz" "$TMP/trunc.jsonl"
expect_grep 'trunc.jsonl:2:' "$TMP/err"
finish
