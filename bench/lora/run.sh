#!/bin/sh
# bench/lora/run.sh — LoRA fine-tuning of a 0.5B-parameter Llama-architecture model
# on one machine: peak resident memory (/usr/bin/time -v) beside polyphony's memory
# plan, and tokens/s. The model is randomly initialized (train --steps 0) with
#   vocabulary 80000 (untied head), hidden 896, 24 layers, 14 heads, 2 KV heads,
#   head_dim 64, intermediate 4864: 501 M parameters;
# the adapter is rank 16 on all seven linear modules, the base BF16 (and, for
# comparison, F32; and BF16 with --recompute), batch B x T of random tokens, a few steps.
# Needs: a configured build tree (run from it or set BUILD), ~3 GB in $TMPDIR.
# Usage: [VARIANTS="bf16 f32 bf16-recompute"] bench/lora/run.sh [THREADS [STEPS [B [T]]]]
set -eu
build=${BUILD:-$(pwd)}
threads=${1:-2}
steps=${2:-2}
B=${3:-1}
T=${4:-256}
pp=$build/polyphony
work=$(mktemp -d "${TMPDIR:-/tmp}/pp-lora-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cat >"$work/config.json" <<JSON
{"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 80000,
 "hidden_size": 896, "intermediate_size": 4864, "num_hidden_layers": 24,
 "num_attention_heads": 14, "num_key_value_heads": 2, "head_dim": 64,
 "max_position_embeddings": 2048, "rms_norm_eps": 1e-6, "rope_theta": 10000.0,
 "hidden_act": "silu", "tie_word_embeddings": false, "bos_token_id": 1, "eos_token_id": 2}
JSON
perl -e 'srand(7); print pack("V*", map { 3 + int(rand(79990)) } 1 .. 65536)' >"$work/tokens.bin"
"$pp" train --config "$work/config.json" --out "$work/base" --steps 0 --threads "$threads" -q
"$pp" model info "$work/base" --lora-rank 16 --base-dtype bf16 -b "$B" -T "$T" | sed -n '3p'
# VARIANTS: the base dtype, "-recompute" for gradient checkpointing
for v in ${VARIANTS:-bf16 f32 bf16-recompute}; do
    dtype=${v%%-*}
    rc=; [ "$v" = "${v%-recompute}" ] || rc=--recompute
    echo "== LoRA rank 16, $dtype base${rc:+, $rc}, batch $B x $T, $steps steps, $threads threads"
    /usr/bin/time -v "$build/polyphony" train --init "$work/base" --out "$work/adapter-$v" \
        --lora-rank 16 --lora-alpha 32 --base-dtype "$dtype" $rc --data-format tokens \
        --data "$work/tokens.bin" --steps "$steps" --batch-size "$B" --seq-len "$T" \
        --threads "$threads" --log-json "$work/log-$v.jsonl" 2>"$work/err-$v"
    sed -n '/^memory plan/,/total/p' "$work/err-$v"
    grep -E 'Maximum resident set size|Elapsed \(wall' "$work/err-$v" | sed 's/^[[:space:]]*//'
    # the first step also pages the weights in: report the later ones
    tail -n +2 "$work/log-$v.jsonl" | sed 's/.*"tokens_per_s":\([0-9.]*\).*/tokens_per_s \1/'
done
