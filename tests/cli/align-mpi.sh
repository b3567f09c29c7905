#!/bin/sh
# tests/cli/align-mpi.sh — polyphony align over 2 MPI ranks (a --with-mpi build):
# with the same global batch the loss log of 2 ranks, group weights included, is
# the one of 1 rank to float rounding; rank 0 alone writes the checkpoint and the
# rejects.
. "$top_srcdir/tests/cli/lib.sh"
require_cmd jq jq
require_cmd mpirun openmpi-bin
# Open MPI refuses to run as root unless told (CI runs as root).
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_ALLOW_RUN_AS_ROOT OMPI_ALLOW_RUN_AS_ROOT_CONFIRM OMPI_MCA_rmaps_base_oversubscribe
TRAIN=$TESTDATA/align/yo-tones-train.jsonl
expect_status 0 pp tokenizer train -q --lang yo --vocab-size 400 --no-exemplars --chat-markers \
    -i "$TESTDATA/tokenizers/yo-udhr-train.jsonl" -o "$TMP/yo" || stop "tokenizer training failed"
expect_status 0 pp train --config "$TESTDATA/model/train/config.json" --tokenizer "$TMP/yo.model" \
    --out "$TMP/sft" --steps 5 --batch-size 4 --seq-len 64 --lr 1e-2 --threads 1 -q \
    --data "$TESTDATA/tokenizers/yo-udhr-train.jsonl" || stop "the starting model failed"
printf '%s\n' '{"prompt":"Kọ: a","chosen":"á","group":"tonal","lang":"yo"}' | cat - "$TRAIN" >"$TMP/prefs.jsonl"
ARGS="--objective group-robust --group-step 0.5 --init $TMP/sft --prefs $TMP/prefs.jsonl --batch-size 4
      --steps 4 --lr 1e-2 --beta 0.5 --threads 1 -q"

expect_status 0 pp align $ARGS --out "$TMP/one" --log-json "$TMP/one.log" --rejects "$TMP/one.rej"
expect_status 0 bounded mpirun -np 2 "$POLYPHONY" align $ARGS --out "$TMP/two" --log-json "$TMP/two.log" \
    --rejects "$TMP/two.rej"
expect_lines 4 "$TMP/two.log"
expect_lines 1 "$TMP/two.rej"
check "2 ranks give 1 rank's losses, gradient norms and group weights (relative 1e-5)" \
    jq -e -s --slurpfile a "$TMP/one.log" '. as $b | [range(0; 4)] |
        all(($a[.].loss - $b[.].loss | fabs) <= 1e-5 * $a[.].loss and
            ($a[.].grad_norm - $b[.].grad_norm | fabs) <= 1e-4 * $a[.].grad_norm and
            ($a[.].group_weights.plain - $b[.].group_weights.plain | fabs) <= 1e-6)' "$TMP/two.log" >/dev/null
expect_file "$TMP/two/model.safetensors"
expect_file "$TMP/two/polyphony_alignment.json"

# LoRA with dropout: the adapter's gradients are summed over the ranks, a pair's masks
# do not depend on the rank that scores it
LARGS="--objective dpo --init $TMP/sft --prefs $TRAIN --batch-size 4 --steps 4 --lr 2e-2 --beta 0.5
       --threads 1 -q --lora-rank 4 --lora-dropout 0.1"
expect_status 0 pp align $LARGS --out "$TMP/lone" --log-json "$TMP/lone.log"
expect_status 0 bounded mpirun -np 2 "$POLYPHONY" align $LARGS --out "$TMP/ltwo" --log-json "$TMP/ltwo.log"
check "LoRA: 2 ranks give 1 rank's losses and gradient norms (relative 1e-4)" \
    jq -e -s --slurpfile a "$TMP/lone.log" '. as $b | [range(0; 4)] |
        all(($a[.].loss - $b[.].loss | fabs) <= 1e-4 * $a[.].loss and
            ($a[.].grad_norm - $b[.].grad_norm | fabs) <= 1e-4 * $a[.].grad_norm)' "$TMP/ltwo.log" >/dev/null
expect_file "$TMP/ltwo/adapter_model.safetensors"
expect_status 2 bounded mpirun -np 2 "$POLYPHONY" align $ARGS --batch-size 3 --out "$TMP/x"
expect_grep 'does not split over 2 ranks' "$TMP/err"
finish
