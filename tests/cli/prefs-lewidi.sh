#!/bin/sh
# tests/cli/prefs-lewidi.sh — `polyphony prefs import|validate|stats --format
# lewidi` (LeWiDi items and annotator metadata) and `prefs synth --variants`
# (orthography preference sets from the bundled UDHR).
. "$top_srcdir/tests/cli/lib.sh"
require_cmd jq
L="$TESTDATA/prefs/lewidi"

# usage: --group-by goes with --format lewidi, and the reverse
expect_status 2 pp prefs import --format lewidi --annotators "$L/mp_annotators_meta.json" "$L/mp_items.json"
expect_status 2 pp prefs import --annotators "$L/mp_annotators_meta.json" --group-by Gender "$L/mp_items.json"
expect_status 2 pp prefs import --format csv --annotators "$L/mp_annotators_meta.json" "$L/mp_items.json"
# a group-by field no annotator has
expect_status 1 pp prefs import --format lewidi --annotators "$L/mp_annotators_meta.json" --group-by Religion \
    "$L/mp_items.json"
expect_grep 'no annotator has the field "Religion"' "$TMP/err"

# 2025 form (MultiPico-like, five languages): per-annotator labels in an
# object, metadata keyed without the "Ann" prefix, soft_label keys "0.0"/"1.0"
check "import mp" pp prefs import --format lewidi --annotators "$L/mp_annotators_meta.json" \
    --group-by Nationality --out "$TMP/mp.jsonl" "$L/mp_items.json" 2>"$TMP/mp.err"
expect_lines 11 "$TMP/mp.jsonl"
expect_grep '6 items, 11 preference records by Nationality; 1 item-group pair tied' "$TMP/mp.err"
expect_jq_slurp 'all(.[]; has("id") and has("prompt") and has("chosen") and has("rejected") and has("group") and has("lang") and has("p_chosen"))' "$TMP/mp.jsonl"
expect_jq_slurp '[.[].lang] | unique == ["ar","de","en","es","pt"]' "$TMP/mp.jsonl"
# the groups' opposed readings of m1 and m2, with the shares
expect_jq_slurp '.[] | select(.id == "m1/United States") | .chosen == "1" and .rejected == "0" and .p_chosen == 1 and .n_annotators == 3' "$TMP/mp.jsonl"
expect_jq_slurp '.[] | select(.id == "m1/United Kingdom") | .chosen == "0" and (.p_chosen - 2/3 | fabs) < 1e-9 and (.p_rejected - 1/3 | fabs) < 1e-9' "$TMP/mp.jsonl"
expect_jq_slurp '.[] | select(.id == "m2/United Kingdom") | .chosen == "1" and .lang == "es" and .annotations == {"Ann3":"1","Ann4":"1"}' "$TMP/mp.jsonl"
expect_jq_slurp '[.[] | select(.source_id == "m5")] | length == 1' "$TMP/mp.jsonl"
# ties go to --rejects with their reason
check "import mp --rejects" pp prefs import --format lewidi --annotators "$L/mp_annotators_meta.json" \
    --group-by Nationality --out "$TMP/mp2.jsonl" --rejects "$TMP/mp-rej.jsonl" "$L/mp_items.json" 2>/dev/null
expect_lines 1 "$TMP/mp-rej.jsonl"
expect_grep 'item m5: group Nationality=United States: no single preferred label' "$TMP/mp-rej.jsonl"
# Several item files (the splits of one data set number their own items): a
# key found in two of them becomes FILE:KEY in both, the others stay as they are.
sed '/"m1": {/,/^  },/s/The bus came on time today/The tram was late again/' "$L/mp_items.json" |
    sed 's/"m6"/"m7"/' >"$TMP/mp_dev.json"
check "import mp, two files" pp prefs import --format lewidi --annotators "$L/mp_annotators_meta.json" \
    --group-by Nationality --out "$TMP/mp2f.jsonl" "$L/mp_items.json" "$TMP/mp_dev.json" 2>/dev/null
expect_jq_slurp '[.[].id] | length == (unique | length)' "$TMP/mp2f.jsonl"
expect_jq_slurp 'any(.[]; .id == "mp_items.json:m1/United States" and .source_id == "mp_items.json:m1")' "$TMP/mp2f.jsonl"
expect_jq_slurp 'any(.[]; .id == "mp_dev.json:m1/United States" and (.prompt | test("tram")))' "$TMP/mp2f.jsonl"
expect_jq_slurp 'any(.[]; .id == "m6/United States") and any(.[]; .id == "m7/United States")' "$TMP/mp2f.jsonl"
# two fields: the group joins their values
check "import by two fields" pp prefs import --format lewidi --annotators "$L/mp_annotators_meta.json" \
    --group-by Nationality,Gender --out "$TMP/mp3.jsonl" "$L/mp_items.json" 2>/dev/null
expect_jq_slurp 'any(.[]; .group == "United States/Female" and .group_by == "Nationality/Gender")' "$TMP/mp3.jsonl"

# bad judgements: file and item named, exit 1; or set aside with --rejects
expect_status 1 pp prefs import --format lewidi --annotators "$L/mp_annotators_meta.json" --group-by Nationality \
    "$L/bad_items.json"
expect_grep 'bad_items.json: item b1: unknown annotator Ann9' "$TMP/err"
expect_grep 'bad_items.json: item b2: annotator Ann3 gives label "7", not one of the declared labels' "$TMP/err"
expect_grep 'bad_items.json: item b3: annotator Ann6 has no "Nationality"' "$TMP/err"
expect_grep 'bad_items.json: item b4: 3 annotators but 2 annotations' "$TMP/err"
expect_status 1 pp prefs validate --format lewidi --annotators "$L/mp_annotators_meta.json" --group-by Nationality \
    "$L/bad_items.json"
expect_status 1 pp prefs stats --format lewidi --annotators "$L/mp_annotators_meta.json" --group-by Nationality \
    "$L/bad_items.json"
check "bad items with --rejects" pp prefs import --format lewidi --annotators "$L/mp_annotators_meta.json" \
    --group-by Nationality --rejects "$TMP/bad-rej.jsonl" --out "$TMP/bad.jsonl" "$L/bad_items.json" 2>/dev/null
expect_lines 4 "$TMP/bad-rej.jsonl"
expect_jq_slurp '[.[].record.kind] == ["judgement","judgement","judgement","item"]' "$TMP/bad-rej.jsonl"
expect_jq_slurp '[.[].source_id] == ["b1","b2","b3","b5","b5"]' "$TMP/bad.jsonl"
expect_status 0 pp prefs validate --format lewidi --annotators "$L/mp_annotators_meta.json" --group-by Nationality \
    "$L/mp_items.json"

# 2023 form (HS-Brexit-like): comma-separated annotators and annotations
check "import brexit" pp prefs import --format lewidi --annotators "$L/brexit_annotators.json" --group-by group \
    --out "$TMP/hs.jsonl" "$L/brexit_items.json" 2>/dev/null
expect_lines 8 "$TMP/hs.jsonl"
expect_jq_slurp '.[] | select(.id == "2/target") | .chosen == "1" and .p_chosen == 1' "$TMP/hs.jsonl"
expect_jq_slurp '.[] | select(.id == "2/control") | .chosen == "0" and (.p_chosen - 2/3 | fabs) < 1e-9' "$TMP/hs.jsonl"

# ConvAbuse-like: turns in a JSON string, annotations on -3..1 but soft
# labels 0/1, metadata as an array with Annotator_id: --labels names the scale
expect_status 1 pp prefs import --format lewidi --annotators "$L/conv_annotators.json" --group-by Background \
    "$L/conv_items.json"
expect_grep 'item c1: annotator Ann1 gives label "-1", not one of the declared labels \["0","1"\]' "$TMP/err"
check "import conv --labels" pp prefs import --format lewidi --annotators "$L/conv_annotators.json" \
    --group-by Background --labels=-3,-2,-1,0,1 --out "$TMP/conv.jsonl" "$L/conv_items.json" 2>/dev/null
expect_jq_slurp '.[] | select(.id == "c2/linguistics") | .chosen == "0" and .rejected == "-1" and .p_rejected == 0 and (.prompt | test("\nuser: none of your business\nLabel \\(-3, -2, -1, 0, 1\\):$"))' "$TMP/conv.jsonl"
expect_jq_slurp '.[] | select(.id == "c2/gender studies") | .chosen == "-1" and .p_chosen == 1' "$TMP/conv.jsonl"
expect_status 2 pp prefs import --labels=0,1 --annotators "$L/conv_annotators.json" "$L/conv_items.json"
expect_status 1 pp prefs import --format lewidi --annotators "$L/conv_annotators.json" --group-by Background \
    --labels=0 "$L/conv_items.json"

# VariErrNLI-like multi-label answers count once for each label
check "import nli" pp prefs import --format lewidi --annotators "$L/nli_annotators_meta.json" --group-by Nationality \
    --out "$TMP/nli.jsonl" "$L/nli_items.json" 2>/dev/null
expect_jq_slurp '.[] | select(.id == "n1/Germany") | .chosen == "contradiction" and .rejected == "neutral" and .p_chosen == 1 and .p_rejected == 0.5' "$TMP/nli.jsonl"
# its metadata has commas before closing braces (as the published file does)
# and a value with a comma and quotes
check "import nli by Education" pp prefs import --format lewidi --annotators "$L/nli_annotators_meta.json" \
    --group-by Education --out "$TMP/nli2.jsonl" "$L/nli_items.json" 2>/dev/null
expect_jq_slurp '[.[].group] | unique == ["Master, \"NLP\"", "PhD"]' "$TMP/nli2.jsonl"

# stats: Krippendorff's alpha pooled and per group, agreement within and
# across groups, against the independent reference (alpha_reference.py)
for c in "mp mp_items.json mp_annotators_meta.json Nationality" \
         "brexit brexit_items.json brexit_annotators.json group" \
         "nli nli_items.json nli_annotators_meta.json Nationality"; do
    set -- $c
    check "stats $1" pp prefs stats --json --format lewidi --annotators "$L/$3" --group-by "$4" "$L/$2" \
        > "$TMP/st-$1.json"
    jq -n --slurpfile got "$TMP/st-$1.json" --slurpfile want "$L/alpha_expected.json" --arg c "$1" '
        def close(a; b): (a == null and b == null) or (a != null and b != null and ((a - b) | fabs) < 1e-6);
        $got[0] as $g | $want[0][$c] as $w | $g.dimensions[0] as $d |
        close($g.alpha_overall.alpha; $w.alpha) and $g.alpha_overall.pairable == $w.pairable and
        close($d.between.agreement_within; $w.agreement_within) and
        close($d.between.agreement_across; $w.agreement_across) and
        ($d.groups | length) == ($w.groups | length) and
        all($d.groups[]; close(.alpha; $w.groups[.group].alpha))' > "$TMP/cmp-$1"
    expect_eq "$(cat "$TMP/cmp-$1")" true "alpha of $1 against the reference"
done
expect_status 0 pp prefs stats --format lewidi --annotators "$L/mp_annotators_meta.json" --group-by Nationality \
    "$L/mp_items.json"
expect_grep 'prompts where the groups. preferences differ: 3 of 6' "$TMP/out"
check "stats --ledger" pp prefs stats --format lewidi --annotators "$L/mp_annotators_meta.json" --group-by Nationality \
    --ledger "$TMP/ledger.jsonl" "$L/mp_items.json" > /dev/null
expect_grep '"step":"Nationality=United Kingdom","lang":"de","metric":"alpha"' "$TMP/ledger.jsonl"
# two fields: each alone is a dimension too
expect_status 0 pp prefs stats --format lewidi --annotators "$L/mp_annotators_meta.json" --group-by Nationality,Gender \
    --by Gender "$L/mp_items.json"
expect_grep '^by Gender:' "$TMP/out"
# the pairs --aggregate writes are preference records too
check "stats --aggregate per-group" pp prefs stats --format lewidi --annotators "$L/mp_annotators_meta.json" \
    --group-by Nationality --aggregate per-group --out "$TMP/agg.jsonl" "$L/mp_items.json" > /dev/null
expect_jq_slurp 'length > 0 and all(.[]; has("group") and has("lang") and .p_chosen > 0.5)' "$TMP/agg.jsonl"

# prefs synth --variants: the same UDHR paragraphs in two orthographies
V="--variants lin,lin_tones"
check "synth variants" pp prefs synth $V --seed 7 --out "$TMP/v.jsonl" --eval-out "$TMP/ve.jsonl" 2>"$TMP/v.err"
expect_grep 'lin vs lin_tones: 39 training pairs \(27 lin-convention, 12 lin_tones-convention\), 16 evaluation' "$TMP/v.err"
expect_lines 39 "$TMP/v.jsonl"
expect_lines 32 "$TMP/ve.jsonl"
expect_jq_slurp 'all(.[]; .lang == "ln" and .split == "train" and .chosen != .rejected and (.prompt | test("Universal Declaration of Human Rights in Lingala")))' "$TMP/v.jsonl"
expect_jq_slurp 'all(.[]; (.group == "lin-convention" and .p_chosen == 0.7 and .variants.chosen == "lin") or (.group == "lin_tones-convention" and (.p_chosen - 0.3 | fabs) < 1e-9 and .variants.chosen == "lin_tones"))' "$TMP/v.jsonl"
# every evaluation paragraph has both groups' pairs, opposed
expect_jq_slurp 'group_by(.source_id) | all(.[]; length == 2 and .[0].chosen == .[1].rejected and .[0].group != .[1].group)' "$TMP/ve.jsonl"
expect_jq_slurp '[.[].source_id] as $t | [.[].article] | all(. != 3 and . != 5 and . != 30)' "$TMP/v.jsonl"
pp prefs synth $V --seed 7 --out "$TMP/v2.jsonl" --eval-out "$TMP/ve2.jsonl" 2>/dev/null
expect_same "$TMP/v.jsonl" "$TMP/v2.jsonl" "synth --variants not reproducible"
pp prefs synth $V --seed 8 --out "$TMP/v3.jsonl" --eval-out "$TMP/ve3.jsonl" 2>/dev/null
expect_differ "$TMP/v.jsonl" "$TMP/v3.jsonl" "another seed, another draw"
expect_same "$TMP/ve.jsonl" "$TMP/ve3.jsonl" "the evaluation pairs do not depend on the seed"
# without --eval-out both splits in one file; --majority; --max-chars; --udhr
check "synth one file" pp prefs synth --variants ron_1953,ron_1993 --majority 0.8 --max-chars 300 \
    --udhr "$top_srcdir/eval-sets/udhr/udhr.jsonl.zst" --out "$TMP/r.jsonl" 2>"$TMP/r.err"
expect_grep 'identical and [0-9]+ too long left out' "$TMP/r.err"
expect_jq_slurp '(map(select(.split == "train")) | (map(select(.group == "ron_1953-convention")) | length) / length | . > 0.75 and . < 0.85) and any(.[]; .split == "eval")' "$TMP/r.jsonl"
expect_jq_slurp 'all(.[]; (.chosen | length) <= 300 and (.rejected | length) <= 300)' "$TMP/r.jsonl"
# --split-by annotators: both groups judge every training paragraph, 7:3 copies
check "synth split by annotators" pp prefs synth $V --split-by annotators --seed 7 --out "$TMP/va.jsonl" \
    --eval-out "$TMP/vae.jsonl" 2>"$TMP/va.err"
expect_grep '39 training paragraphs judged by both groups, 390 records \(273 lin-convention, 117 lin_tones-convention: 7:3 a paragraph\)' "$TMP/va.err"
expect_lines 390 "$TMP/va.jsonl"
expect_same "$TMP/ve.jsonl" "$TMP/vae.jsonl" "the evaluation pairs do not depend on the design"
expect_jq_slurp 'group_by(.source_id) | length == 39 and all(.[]; (map(select(.group == "lin-convention" and .p_chosen == 0.7 and .variants.chosen == "lin")) | length) == 7 and (map(select(.group == "lin_tones-convention" and (.p_chosen - 0.3 | fabs) < 1e-9 and .variants.chosen == "lin_tones")) | length) == 3)' "$TMP/va.jsonl"
expect_jq_slurp '(map(.id) | unique | length) == 390' "$TMP/va.jsonl"
# the same paragraphs as the pairs design (10 records + 1 each)
cat "$TMP/va.jsonl" "$TMP/v.jsonl" >"$TMP/vboth.jsonl"
expect_jq_slurp 'group_by(.source_id) | length == 39 and all(.[]; length == 11)' "$TMP/vboth.jsonl"
check "split-by pairs is the default" pp prefs synth $V --split-by pairs --seed 7 --out "$TMP/vp.jsonl" \
    --eval-out "$TMP/vpe.jsonl" 2>/dev/null
expect_same "$TMP/v.jsonl" "$TMP/vp.jsonl" "--split-by pairs is not the default design"
expect_status 2 pp prefs synth $V --split-by prompts --out "$TMP/x.jsonl"
expect_grep 'pairs or annotators' "$TMP/err"
# a minority share the pairs design cannot give (0 of 39 paragraphs) is 99:1 here
check "split by annotators, majority 0.99" pp prefs synth $V --split-by annotators --majority 0.99 \
    --out "$TMP/x.jsonl" 2>"$TMP/x.err"
expect_grep '3900 records \(3861 lin-convention, 39 lin_tones-convention: 99:1 a paragraph\)' "$TMP/x.err"
expect_status 1 pp prefs synth $V --majority 0.99 --out "$TMP/x.jsonl"
expect_status 2 pp prefs synth --split-by annotators --out "$TMP/x.jsonl" --annotators-out "$TMP/a"
# bad requests
expect_status 1 pp prefs synth --variants ron_1953,xx_nope --out "$TMP/x.jsonl"
expect_grep 'no declaration with code "xx_nope"' "$TMP/err"
expect_status 1 pp prefs synth --variants ron_1953,lin --out "$TMP/x.jsonl"
expect_grep 'not variants of one language' "$TMP/err"
expect_status 2 pp prefs synth --variants ron_1953 --out "$TMP/x.jsonl"
expect_status 2 pp prefs synth --variants lin,lin_tones --majority 1 --out "$TMP/x.jsonl"
expect_status 2 pp prefs synth --variants lin,lin_tones --annotators-out "$TMP/a" --out "$TMP/x.jsonl"
expect_status 2 pp prefs synth --majority 0.6 --out "$TMP/x.jsonl" --annotators-out "$TMP/a"
finish
