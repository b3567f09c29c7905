#!/bin/sh
# bench/lora/speed.sh — LoRA training tokens/s against PyTorch CPU doing the same LoRA
# computation, in the same run: the configuration of bench/train (vocabulary 8000,
# hidden 384, 6 layers, 6 heads, 2 KV heads, intermediate 1024), batch 8 x 256, rank R
# on all seven linear modules, the base frozen (F32); one step = forward + backward +
# clipping + AdamW on the adapters. polyphony runs `polyphony train --lora-rank`
# (tokens/s of its steps after the first, from --log-json); PyTorch runs
# bench/lora/torch_lora.py. Prints both and the ratio.
# Needs: a configured build tree (run from it or set BUILD), python3-torch.
# Usage: bench/lora/speed.sh [THREADS [STEPS [R]]]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$(pwd)}
threads=${1:-2}
steps=${2:-5}
r=${3:-16}
PY=${PYTHON:-/usr/bin/python3}
work=$(mktemp -d "${TMPDIR:-/tmp}/pp-lora-speed.XXXXXX")
trap 'rm -rf "$work"' EXIT
cat >"$work/config.json" <<JSON
{"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 8000,
 "hidden_size": 384, "intermediate_size": 1024, "num_hidden_layers": 6,
 "num_attention_heads": 6, "num_key_value_heads": 2, "head_dim": 64,
 "max_position_embeddings": 2048, "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
 "hidden_act": "silu", "tie_word_embeddings": false, "bos_token_id": 1, "eos_token_id": 2}
JSON
perl -e 'srand(3); print pack("V*", map { int(rand(8000)) } 1 .. 8 * 257 * 64)' >"$work/tokens.bin"
export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads OMP_WAIT_POLICY=passive
"$build/polyphony" train --config "$work/config.json" --out "$work/base" --steps 0 -q
"$build/polyphony" train --init "$work/base" --out "$work/adapter" --lora-rank "$r" \
    --lora-alpha $((2 * r)) --data-format tokens --data "$work/tokens.bin" \
    --steps $((steps + 1)) --batch-size 8 --seq-len 256 --threads "$threads" --schedule constant \
    --lr 1e-3 --log-json "$work/log.jsonl" -q
a=$(tail -n +2 "$work/log.jsonl" | sed 's/.*"tokens_per_s":\([0-9.]*\).*/\1/' |
    awk '{ s += 1 / $1; n++ } END { printf "%.1f", n / s }')
echo "{\"impl\":\"polyphony-lora\",\"threads\":$threads,\"rank\":$r,\"tokens_per_s\":$a}"
pt=$("$PY" "$top/bench/lora/torch_lora.py" "$threads" "$steps" "$r")
echo "$pt"
b=$(echo "$pt" | sed 's/.*"tokens_per_s": \([0-9.]*\).*/\1/')
echo "polyphony / pytorch LoRA tokens/s: $(echo "scale=2; $a / $b" | bc -l)"
