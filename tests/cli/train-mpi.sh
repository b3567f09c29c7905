#!/bin/sh
# tests/cli/train-mpi.sh — polyphony train over 2 MPI ranks (a --with-mpi build):
# with the same global batch, the loss log of 2 ranks is the one of 1 rank to
# float rounding, and the checkpoint rank 0 writes scores like the 1-rank one.
. "$top_srcdir/tests/cli/lib.sh"
require_cmd jq jq
require_cmd perl perl
require_cmd mpirun openmpi-bin
# Open MPI refuses to run as root unless told (CI runs as root).
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_ALLOW_RUN_AS_ROOT OMPI_ALLOW_RUN_AS_ROOT_CONFIRM OMPI_MCA_rmaps_base_oversubscribe
TINY=$TESTDATA/model/tiny/config.json
perl -e 'print pack("V*", map { ($_ * 7 + int($_ / 13)) % 61 + 3 } 0 .. 4095)' >"$TMP/stream.bin"
ARGS="--config $TINY --data-format tokens --data $TMP/stream.bin --batch-size 4 --seq-len 16 \
      --grad-accum 2 --steps 8 --lr 1e-2 --warmup 2 --threads 1 -q"

expect_status 0 pp train $ARGS --out "$TMP/one" --log-json "$TMP/one.log"
expect_status 0 bounded mpirun -np 2 "$POLYPHONY" train $ARGS --out "$TMP/two" --log-json "$TMP/two.log"
expect_lines 8 "$TMP/two.log"
# one log line per step: rank 1 writes nothing
check "2 ranks give 1 rank's losses and gradient norms (relative 1e-5)" \
    jq -e -s --slurpfile a "$TMP/one.log" '. as $b | [range(0; 8)] |
        all(($a[.].loss - $b[.].loss | fabs) <= 1e-5 * $a[.].loss and
            ($a[.].grad_norm - $b[.].grad_norm | fabs) <= 1e-4 * $a[.].grad_norm and
            $a[.].lr == $b[.].lr)' "$TMP/two.log" >/dev/null
expect_file "$TMP/two/model.safetensors"
expect_file "$TMP/two/training_state.bin"
# a batch that does not split over the ranks is a usage error
expect_status 2 bounded mpirun -np 2 "$POLYPHONY" train $ARGS --batch-size 3 --out "$TMP/x"
expect_grep 'does not split over 2 ranks' "$TMP/err"
finish
