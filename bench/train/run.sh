#!/bin/sh
# bench/train/run.sh — training speed of the Llama model against PyTorch CPU, same
# configuration, same batch, same threads, in the same run:
#   vocabulary 8000, hidden 384, 6 layers, 6 heads, 2 KV heads, intermediate 1024,
#   batch 8 x 256; one step = forward + backward + gradient clipping + AdamW.
# Prints each side's JSON line (tokens/s; for polyphony also the achieved FLOP/s,
# this machine's cblas_sgemm FLOP/s measured in the same run, the memory plan
# against the peak RSS) and the ratio polyphony / PyTorch (target >= 1).
# Then inference, each side the same way: decode_tokens_per_s (256 tokens fed one at
# a time through a key/value cache, each giving the next token's logits, as
# `polyphony generate` does) and score_tokens_per_s (the log-probabilities of a
# 256-token sequence by one forward pass, as `polyphony score` does); PyTorch's
# side is bench/train/torch_infer.py, with the ratios.
# Last, the same for LoRA training (bench/lora/speed.sh).
#
# Both sides run twice: with OpenMP's default wait policy and with
# OMP_WAIT_POLICY=passive. With Debian's pthreads OpenBLAS, OpenMP threads that
# spin after a parallel loop take the cores from the BLAS threads; passive waiting
# helps both programs (see align/README.md).
# Needs: a configured build tree (run from it or set BUILD), python3-torch.
# Usage: bench/train/run.sh [THREADS [STEPS]]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$(pwd)}
threads=${1:-2}
steps=${2:-5}
PY=${PYTHON:-/usr/bin/python3}
make -C "$build" -s bench/train/train_bench >/dev/null
export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads
for policy in default passive; do
    if [ $policy = passive ]; then export OMP_WAIT_POLICY=passive; fi
    echo "== OMP wait policy: $policy, $threads threads, $steps steps"
    pp=$("$build/bench/train/train_bench" --steps "$steps" 2>/dev/null)
    echo "$pp"
    pt=$("$PY" "$top/bench/train/torch_bench.py" "$threads" "$steps")
    echo "$pt"
    a=$(echo "$pp" | sed 's/.*"tokens_per_s":\([0-9.]*\).*/\1/')
    b=$(echo "$pt" | sed 's/.*"tokens_per_s": \([0-9.]*\).*/\1/')
    echo "polyphony / pytorch tokens/s: $(echo "scale=2; $a / $b" | bc -l)"
    pi=$("$PY" "$top/bench/train/torch_infer.py" "$threads")
    echo "$pi"
    for k in decode score; do
        a=$(echo "$pp" | sed "s/.*\"${k}_tokens_per_s\":\([0-9.]*\).*/\1/")
        b=$(echo "$pi" | sed "s/.*\"${k}_tokens_per_s\": \([0-9.]*\).*/\1/")
        echo "polyphony / pytorch $k tokens/s: $(echo "scale=2; $a / $b" | bc -l)"
    done
done
"$build/bench/train/train_bench" --steps 0 2>&1 >/dev/null | sed 's/^/polyphony /'
# LoRA: the same configuration and batch, a rank-16 adapter on a frozen base, both sides
"$top/bench/lora/speed.sh" "$threads" "$steps" 16
