#!/usr/bin/python3
"""PyTorch CPU peer of train_bench: the same Llama configuration (the reference
implementation in tests/data/model/regenerate.py, float32), the same step
(forward, backward, clip_grad_norm_, AdamW), the same batch; prints one JSON line.

usage: torch_bench.py THREADS STEPS [B T V C L NH NKV I]
"""
import importlib.util
import json
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

threads, steps = int(sys.argv[1]), int(sys.argv[2])
B, T, V, C, L, NH, NKV, I = (list(map(int, sys.argv[3:11])) if len(sys.argv) > 3
                             else [8, 256, 8000, 384, 6, 6, 2, 1024])
torch.set_num_threads(threads)
cfg = dict(ref.CONFIG, vocab_size=V, hidden_size=C, num_hidden_layers=L,
           num_attention_heads=NH, num_key_value_heads=NKV, head_dim=C // NH,
           intermediate_size=I, max_position_embeddings=2048)
gen = torch.Generator().manual_seed(1)
P = {n: (torch.ones(s) if len(s) == 1 else 0.02 * torch.randn(s, generator=gen)).requires_grad_(True)
     for n, s in ref.shapes(cfg).items()}
params = list(P.values())
opt = torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1)
total, losses = 0.0, []
for step in range(steps + 1):  # step 0 warms up, untimed
    ids = torch.randint(0, V, (B, T + 1), generator=gen)
    t0 = time.perf_counter()
    opt.zero_grad(set_to_none=True)
    loss = ref.loss_of(ref.forward(cfg, P, ids[:, :T]), ids[:, 1:])
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
    dt = time.perf_counter() - t0
    if step > 0:
        total += dt
        losses.append(float(loss))
print(json.dumps({"impl": "pytorch", "version": torch.__version__, "threads": threads,
                  "step_s": round(total / steps, 4), "tokens_per_s": round(B * T * steps / total, 1),
                  "mean_loss": round(sum(losses) / steps, 4),
                  "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
