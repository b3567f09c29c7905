#!/usr/bin/python3
"""PyTorch CPU peer of `polyphony train --lora-rank` in bench/lora/speed.sh: the same
Llama configuration (the reference implementation of tests/data/model/regenerate.py,
float32, its LoRA path), the base frozen, rank-R adapters on all seven linear modules,
the same step (forward, backward, clip_grad_norm_ over the adapters, AdamW on them), the
same batch; prints one JSON line.

usage: torch_lora.py THREADS STEPS R [B T V C L NH NKV I]
"""
import importlib.util
import json
import math
import os
import resource
import sys
import time

import torch

top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
spec = importlib.util.spec_from_file_location(
    "reference", os.path.join(top, "tests", "data", "model", "regenerate.py"))
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)

threads, steps, r = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
B, T, V, C, L, NH, NKV, I = (list(map(int, sys.argv[4:12])) if len(sys.argv) > 4
                             else [8, 256, 8000, 384, 6, 6, 2, 1024])
torch.set_num_threads(threads)
cfg = dict(ref.CONFIG, vocab_size=V, hidden_size=C, num_hidden_layers=L,
           num_attention_heads=NH, num_key_value_heads=NKV, head_dim=C // NH,
           intermediate_size=I, max_position_embeddings=2048)
gen = torch.Generator().manual_seed(1)
P = {n: (torch.ones(s) if len(s) == 1 else 0.02 * torch.randn(s, generator=gen))
     for n, s in ref.shapes(cfg).items()}  # frozen: no requires_grad
W = {}
for n, s in ref.lora_names(cfg, ref.LORA["target_modules"], r):
    if ".lora_A." in n:  # PEFT's initialization: kaiming-uniform(a=sqrt(5)), B = 0
        W[n] = ((torch.rand(s, generator=gen) * 2 - 1) / math.sqrt(s[1])).requires_grad_(True)
    else:
        W[n] = torch.zeros(s).requires_grad_(True)
params = list(W.values())
opt = torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1)
lora = (2.0, W)  # alpha / r = 2
total, losses = 0.0, []
for step in range(steps + 1):  # step 0 warms up, untimed
    ids = torch.randint(0, V, (B, T + 1), generator=gen)
    t0 = time.perf_counter()
    opt.zero_grad(set_to_none=True)
    loss = ref.loss_of(ref.forward(cfg, P, ids[:, :T], lora), ids[:, 1:])
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
    dt = time.perf_counter() - t0
    if step > 0:
        total += dt
        losses.append(float(loss))
print(json.dumps({"impl": "pytorch-lora", "version": torch.__version__, "threads": threads,
                  "rank": r, "step_s": round(total / steps, 4),
                  "tokens_per_s": round(B * T * steps / total, 1),
                  "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
