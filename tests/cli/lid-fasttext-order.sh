#!/bin/sh
# tests/cli/lid-fasttext-order.sh — `polyphony lid --preprocess none -k K`
# gives the K labels of `fasttext predict-prob MODEL - K`, in fastText's order,
# with its probabilities. The models are trained here by fastText itself:
# softmax trained so little that its probabilities nearly tie (their order is
# the one fastText's heap gives, which the shim's own forward pass must
# reproduce), and hierarchical softmax (fastText's own tree search), each also
# quantized. The script rule is off (--script-min-letters 0): it moves a label
# that cannot be written in the text's script behind one that can.
. "$top_srcdir/tests/cli/lib.sh"
: "${POLYPHONY_DATA:?run through make check}"
require_cmd jq jq
require_cmd fasttext fasttext
train="$TESTDATA/lid/train.jsonl"

jq -r '"__label__" + .lang + " " + .text' "$train" > "$TMP/train.txt"
{
    jq -r .text "$train"
    cat "$TESTDATA/lid/raw-lines.txt"
} > "$TMP/text.txt"
jq -cR '{text: .}' "$TMP/text.txt" > "$TMP/text.jsonl"
n=$(wc -l < "$TMP/text.txt")

ft_train() { # NAME fastText-options...: NAME.bin and NAME.ftz
    _name=$1
    shift
    fasttext supervised -input "$TMP/train.txt" -output "$TMP/$_name" -dim 8 -minn 1 -maxn 3 \
        -bucket 5000 -thread 1 -verbose 0 "$@" > /dev/null &&
        fasttext quantize -input "$TMP/train.txt" -output "$TMP/$_name" -qnorm -cutoff 0 \
            > /dev/null 2>&1
}

# same_as_fasttext MODEL K: labels in the same order, probabilities within
# fastText's 6 printed digits (polyphony clamps a rounded-up 1.00001 to 1)
same_as_fasttext() {
    fasttext predict-prob "$TMP/$1" "$TMP/text.txt" "$2" > "$TMP/ft.out"
    expect_lines "$n" "$TMP/ft.out"
    check "lid $1 -k $2" pp lid --model "$TMP/$1" --preprocess none --threshold 0 --rerank 0 \
        --script-min-letters 0 -k "$2" "$TMP/text.jsonl" > "$TMP/pp.out"
    awk '{ s = ""; for (i = 1; i <= NF; i += 2) s = s (i > 1 ? " " : "") $i; print s }' \
        "$TMP/ft.out" > "$TMP/ft.labels"
    jq -r '[(.lid_top // [])[] | "__label__" + .label] | join(" ")' "$TMP/pp.out" > "$TMP/pp.labels"
    expect_same "$TMP/ft.labels" "$TMP/pp.labels" "labels or their order differ from fasttext on $1 -k $2"
    jq -R -s 'split("\n")[:-1] | map(split(" ") | [range(1; length; 2) as $i | .[$i] | tonumber])' \
        "$TMP/ft.out" > "$TMP/ft.p"
    jq -s '[.[] | [(.lid_top // [])[].score]]' "$TMP/pp.out" > "$TMP/pp.p"
    expect_eq "$(jq -n --slurpfile a "$TMP/ft.p" --slurpfile b "$TMP/pp.p" \
        '[$a[0], $b[0]] | transpose | map(transpose | map((.[0] - .[1]) | fabs)) | flatten | max < 1e-4')" \
        true "probabilities differ from fasttext on $1 -k $2"
}

# softmax, hardly trained: most lines have labels whose keys tie
ft_train soft -lr 0.01 -epoch 1 || stop "fasttext supervised (softmax) failed"
# hierarchical softmax, hardly and well trained
ft_train hs -loss hs -lr 0.01 -epoch 1 || stop "fasttext supervised -loss hs failed"
ft_train hs20 -loss hs -lr 0.5 -epoch 20 || stop "fasttext supervised -loss hs failed"
for m in soft.bin soft.ftz hs.bin hs.ftz hs20.bin hs20.ftz; do
    expect_file "$TMP/$m"
    for k in 1 2 4; do
        same_as_fasttext "$m" "$k"
    done
done
# fastText's own predict path (PP_FASTTEXT_SLOW) gives the same answers
PP_FASTTEXT_SLOW=1 check "lid soft.ftz (fastText path)" pp lid --model "$TMP/soft.ftz" \
    --preprocess none --threshold 0 --rerank 0 --script-min-letters 0 -k 4 "$TMP/text.jsonl" |
    jq -c '[.lid_top[].label]' > "$TMP/slow.labels"
check "lid soft.ftz" pp lid --model "$TMP/soft.ftz" \
    --preprocess none --threshold 0 --rerank 0 --script-min-letters 0 -k 4 "$TMP/text.jsonl" |
    jq -c '[.lid_top[].label]' > "$TMP/fast.labels"
expect_lines "$n" "$TMP/fast.labels"
expect_same "$TMP/slow.labels" "$TMP/fast.labels" "fast path differs from fastText's own on soft.ftz"
finish
