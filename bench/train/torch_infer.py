#!/usr/bin/python3
"""PyTorch CPU peer of train_bench's inference figures: the same Llama configuration in
float32 (the reference implementation of tests/data/model/regenerate.py for scoring, and
a key/value-cache decoding loop written here with the same layers), the same threads;
prints one JSON line with decode_tokens_per_s (T tokens fed one at a time through the
cache, each giving the next token's logits) and score_tokens_per_s (log-probabilities
of a T-token sequence by one forward pass, as `polyphony score` computes them).

usage: torch_infer.py THREADS [T V C L NH NKV I]
"""
import importlib.util
import json
import math
import os
import sys
import time

import torch

top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
spec = importlib.util.spec_from_file_location(
    "reference", os.path.join(top, "tests", "data", "model", "regenerate.py"))
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)

threads = int(sys.argv[1])
T, V, C, L, NH, NKV, I = (list(map(int, sys.argv[2:9])) if len(sys.argv) > 2
                          else [256, 8000, 384, 6, 6, 2, 1024])
torch.set_num_threads(threads)
HD = C // NH
cfg = dict(ref.CONFIG, vocab_size=V, hidden_size=C, num_hidden_layers=L,
           num_attention_heads=NH, num_key_value_heads=NKV, head_dim=HD,
           intermediate_size=I, max_position_embeddings=2048)
gen = torch.Generator().manual_seed(1)
P = {n: (torch.ones(s) if len(s) == 1 else 0.02 * torch.randn(s, generator=gen))
     for n, s in ref.shapes(cfg).items()}
ids = torch.randint(0, V, (T,), generator=gen)
eps = cfg["rms_norm_eps"]
cos, sin = ref.rope_tables(cfg, T, torch.float32)


def decode(tokens):
    """one token at a time; K and V of the positions before are kept, as a KV cache"""
    K = torch.zeros(L, NKV, T, HD)
    Vc = torch.zeros(L, NKV, T, HD)
    for pos, tok in enumerate(tokens.tolist()):
        x = P["model.embed_tokens.weight"][tok]
        c, s = cos[pos], sin[pos]
        for l in range(L):
            p = "model.layers.%d." % l
            h = ref.rmsnorm(x, P[p + "input_layernorm.weight"], eps)
            q = (P[p + "self_attn.q_proj.weight"] @ h).view(NH, HD)
            k = (P[p + "self_attn.k_proj.weight"] @ h).view(NKV, HD)
            v = (P[p + "self_attn.v_proj.weight"] @ h).view(NKV, HD)
            q = q * c + ref.rotate_half(q) * s
            K[l, :, pos] = k * c + ref.rotate_half(k) * s
            Vc[l, :, pos] = v
            kk = K[l, :, :pos + 1].repeat_interleave(NH // NKV, dim=0)  # (NH, S, HD)
            vv = Vc[l, :, :pos + 1].repeat_interleave(NH // NKV, dim=0)
            att = torch.softmax((kk @ q[:, :, None])[:, :, 0] / math.sqrt(HD), dim=-1)
            y = (att[:, None, :] @ vv)[:, 0].reshape(NH * HD)
            x = x + P[p + "self_attn.o_proj.weight"] @ y
            h = ref.rmsnorm(x, P[p + "post_attention_layernorm.weight"], eps)
            g = torch.nn.functional.silu(P[p + "mlp.gate_proj.weight"] @ h)
            x = x + P[p + "mlp.down_proj.weight"] @ (g * (P[p + "mlp.up_proj.weight"] @ h))
        x = ref.rmsnorm(x, P["model.norm.weight"], eps)
        logits = P["lm_head.weight"] @ x
    return logits


def score(tokens):
    lp = torch.log_softmax(ref.forward(cfg, P, tokens[None]), -1)[0, :-1]
    return lp.gather(-1, tokens[1:, None])[:, 0]


with torch.no_grad():
    decode(ids[:8])  # warm up
    t0 = time.perf_counter()
    decode(ids)
    decode_s = time.perf_counter() - t0
    score(ids)
    t0, reps = time.perf_counter(), 0
    while True:
        score(ids)
        reps += 1
        if time.perf_counter() - t0 >= 1.0:
            break
    score_s = (time.perf_counter() - t0) / reps
print(json.dumps({"impl": "pytorch", "version": torch.__version__, "threads": threads,
                  "decode_tokens_per_s": round(T / decode_s, 1),
                  "score_tokens_per_s": round((T - 1) / score_s, 1)}))
