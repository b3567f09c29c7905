#!/usr/bin/python3
"""Reference fixtures for the model stage (tests/check_model.c), from PyTorch.

The Llama architecture is written here from scratch with Hugging Face
LlamaForCausalLM semantics (RMSNorm, rotate-half RoPE with rope_theta, grouped
key/value heads repeated as repeat_kv does, SwiGLU, untied head), in float64 so the
fixtures are the exact values the float32 C code approximates. No transformers,
no safetensors package: the safetensors files are written and read by the little
functions below.

  regenerate.py                 write tiny/ (a checkpoint), tiny-bf16/ (the same in
                                bfloat16) and fixtures.safetensors
  regenerate.py --verify-adapter DIR   check an adapter polyphony wrote (names,
                                shapes, adapter_config.json keys) as PEFT reads it;
                                base_model_name_or_path must lead to its base; with
                                DIR/score.jsonl (polyphony score --adapter DIR
                                --input-format ids) also compare the scores
  regenerate.py --verify DIR    load a checkpoint polyphony wrote (DIR/config.json,
                                DIR/model.safetensors) and compare the log-probabilities
                                it gives with DIR/logprobs.json (written beside it by
                                the C side: {"ids": [...], "logprobs": [...]})

Needs Debian's python3-torch (CPU).
"""
import json
import math
import os
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))

CONFIG = {
    "architectures": ["LlamaForCausalLM"],
    "model_type": "llama",
    "vocab_size": 64,
    "hidden_size": 32,
    "intermediate_size": 48,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "head_dim": 8,
    "max_position_embeddings": 64,
    "rms_norm_eps": 1e-5,
    "rope_theta": 10000.0,
    "rope_scaling": None,
    "hidden_act": "silu",
    "tie_word_embeddings": False,
    "bos_token_id": 1,
    "eos_token_id": 2,
    "torch_dtype": "float32",
}
B, T = 2, 8
ROPE_CASES = [
    ("linear", {"rope_type": "linear", "factor": 2.0}),
    ("llama3", {"rope_type": "llama3", "factor": 4.0, "low_freq_factor": 1.0,
                "high_freq_factor": 4.0, "original_max_position_embeddings": 64}),
]
STEPS = 10
ADAMW = dict(lr=1e-2, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1)
CLIP = 1.0


# ---- safetensors, written and read by hand ----

def st_write(path, tensors, dtype="F32"):
    """tensors: list of (name, tensor); written as F32 (or BF16) in that order."""
    header, blobs, off = {}, [], 0
    for name, t in tensors:
        if dtype == "BF16":
            data = t.detach().to(torch.bfloat16).contiguous().view(torch.int16).numpy().astype("<i2").tobytes()
        else:
            data = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [off, off + len(data)]}
        blobs.append(data)
        off += len(data)
    header["__metadata__"] = {"format": "pt"}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def st_read(path):
    import numpy as np
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        assert e["dtype"] == "F32", (name, e["dtype"])
        a, b = e["data_offsets"]
        arr = np.frombuffer(raw[8 + n + a:8 + n + b], dtype="<f4").reshape(e["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out


# ---- the model ----

def param_names(cfg):
    names = ["model.embed_tokens.weight"]
    for l in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % l
        names += [p + "input_layernorm.weight", p + "self_attn.q_proj.weight",
                  p + "self_attn.k_proj.weight", p + "self_attn.v_proj.weight",
                  p + "self_attn.o_proj.weight", p + "post_attention_layernorm.weight",
                  p + "mlp.gate_proj.weight", p + "mlp.up_proj.weight", p + "mlp.down_proj.weight"]
    names.append("model.norm.weight")
    if not cfg.get("tie_word_embeddings", False):
        names.append("lm_head.weight")
    return names


def shapes(cfg):
    C, V, I = cfg["hidden_size"], cfg["vocab_size"], cfg["intermediate_size"]
    HD = cfg.get("head_dim") or C // cfg["num_attention_heads"]
    QD, KVD = cfg["num_attention_heads"] * HD, cfg["num_key_value_heads"] * HD
    s = {}
    for n in param_names(cfg):
        if n.endswith("layernorm.weight") or n == "model.norm.weight":
            s[n] = (C,)
        elif "q_proj" in n:
            s[n] = (QD, C)
        elif "k_proj" in n or "v_proj" in n:
            s[n] = (KVD, C)
        elif "o_proj" in n:
            s[n] = (C, QD)
        elif "gate_proj" in n or "up_proj" in n:
            s[n] = (I, C)
        elif "down_proj" in n:
            s[n] = (C, I)
        else:
            s[n] = (V, C)
    return s


def rmsnorm(x, w, eps):
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def rope_inv_freq(cfg, HD):
    """The rotary frequencies in float32, with rope_scaling "linear" or "llama3"."""
    inv = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, HD, 2, dtype=torch.int64).float() / HD))
    rs = cfg.get("rope_scaling") or {}
    kind = rs.get("rope_type", rs.get("type", "default"))
    if kind == "linear":
        return inv / rs["factor"]
    if kind == "llama3":
        # Llama 3.1: long wavelengths (beyond old/low) slowed down by factor, short ones
        # (below old/high) kept, a linear blend in 1/wavelength in between
        factor, lo, hi = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"]
        old = rs["original_max_position_embeddings"]
        wavelen = 2 * math.pi / inv
        scaled = torch.where(wavelen > old / lo, inv / factor, inv)
        w = (old / wavelen - lo) / (hi - lo)
        blend = (1 - w) * scaled / factor + w * scaled
        middle = (wavelen >= old / hi) & (wavelen <= old / lo)
        return torch.where(middle, blend, scaled)
    assert kind == "default", kind
    return inv


def rope_tables(cfg, T, dtype):
    HD = cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]
    # as Hugging Face: inv_freq and the angles in float32, then cast
    inv_freq = rope_inv_freq(cfg, HD)
    freqs = torch.outer(torch.arange(T, dtype=torch.float32), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos().to(dtype), emb.sin().to(dtype)


def lin(P, name, h, lora=None):
    """h @ W^T for the linear layer `name` (without ".weight"), plus the LoRA update
    scale * (h @ A^T) @ B^T when lora = (scale, {PEFT name: tensor}) adapts it"""
    y = h @ P[name + ".weight"].T
    if lora is not None and "base_model.model." + name + ".lora_A.weight" in lora[1]:
        A = lora[1]["base_model.model." + name + ".lora_A.weight"]
        B = lora[1]["base_model.model." + name + ".lora_B.weight"]
        y = y + lora[0] * ((h @ A.T) @ B.T)
    return y


def forward(cfg, P, ids, lora=None):
    """ids (B,T) -> logits (B,T,V)"""
    Bn, Tn = ids.shape
    NH, NKV = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    HD = cfg.get("head_dim") or cfg["hidden_size"] // NH
    eps = cfg["rms_norm_eps"]
    x = P["model.embed_tokens.weight"][ids]
    cos, sin = rope_tables(cfg, Tn, x.dtype)
    mask = torch.full((Tn, Tn), float("-inf"), dtype=x.dtype).triu(1)
    for l in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % l
        h = rmsnorm(x, P[p + "input_layernorm.weight"], eps)
        q = lin(P, p + "self_attn.q_proj", h, lora).view(Bn, Tn, NH, HD).transpose(1, 2)
        k = lin(P, p + "self_attn.k_proj", h, lora).view(Bn, Tn, NKV, HD).transpose(1, 2)
        v = lin(P, p + "self_attn.v_proj", h, lora).view(Bn, Tn, NKV, HD).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(NH // NKV, dim=1)  # repeat_kv
        v = v.repeat_interleave(NH // NKV, dim=1)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(HD) + mask, dim=-1)
        y = (att @ v).transpose(1, 2).reshape(Bn, Tn, NH * HD)
        x = x + lin(P, p + "self_attn.o_proj", y, lora)
        h = rmsnorm(x, P[p + "post_attention_layernorm.weight"], eps)
        g = torch.nn.functional.silu(lin(P, p + "mlp.gate_proj", h, lora))
        x = x + lin(P, p + "mlp.down_proj", g * lin(P, p + "mlp.up_proj", h, lora), lora)
    x = rmsnorm(x, P["model.norm.weight"], eps)
    head = P["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings") else P["lm_head.weight"]
    return x @ head.T


def loss_of(logits, targets):
    """mean cross-entropy over targets >= 0"""
    V = logits.shape[-1]
    t = targets.reshape(-1).clone()
    t[t < 0] = -100
    return torch.nn.functional.cross_entropy(logits.reshape(-1, V), t, ignore_index=-100)


def make_params(cfg, gen):
    P = {}
    for n, s in shapes(cfg).items():
        if len(s) == 1:
            P[n] = 1.0 + 0.1 * torch.randn(s, generator=gen)
        else:
            P[n] = 0.2 * torch.randn(s, generator=gen)
    return P


def regenerate():
    gen = torch.Generator().manual_seed(1234)
    cfg = CONFIG
    V = cfg["vocab_size"]
    P32 = make_params(cfg, gen)  # float32 values: the checkpoint holds exactly these
    ids = torch.randint(0, V, (B, T), generator=gen)
    targets = torch.randint(0, V, (B, T), generator=gen)
    targets[0, 0] = -1  # ignored positions (the SFT mask)
    targets[1, 5] = -1

    P = {n: t.double().requires_grad_(True) for n, t in P32.items()}
    logits = forward(cfg, P, ids)
    loss = loss_of(logits, targets)
    loss.backward()

    out = [("inputs", ids.float()), ("targets", targets.float()),
           ("logits", logits.detach()), ("loss", loss.detach().reshape(1))]
    out += [("grad." + n, P[n].grad) for n in param_names(cfg)]

    # log-probabilities of one sequence (what scoring returns): row 0 of ids
    lp = torch.log_softmax(forward(cfg, {n: t.double() for n, t in P32.items()}, ids[:1]), -1)
    out.append(("logprobs", lp[0, :-1].gather(-1, ids[0, 1:, None])[:, 0].detach()))
    # the same from the weights rounded to bfloat16 (the checkpoint in tiny-bf16/)
    Pbf = {n: t.to(torch.bfloat16).double() for n, t in P32.items()}
    lp = torch.log_softmax(forward(cfg, Pbf, ids[:1]), -1)
    out.append(("logprobs.bf16", lp[0, :-1].gather(-1, ids[0, 1:, None])[:, 0].detach()))

    # 10 AdamW steps on a token stream: row r of step s reads
    # stream[(s*B + r)*T : (s*B + r)*T + T + 1], inputs the first T, targets the last T
    stream = torch.randint(0, V, (STEPS * B * T + 1,), generator=gen)
    W = {n: t.double().clone().requires_grad_(True) for n, t in P32.items()}
    opt = torch.optim.AdamW([W[n] for n in param_names(cfg)], **ADAMW)
    losses, norms = [], []
    for s in range(STEPS):
        rows = [stream[(s * B + r) * T:(s * B + r) * T + T + 1] for r in range(B)]
        x = torch.stack([r[:T] for r in rows])
        y = torch.stack([r[1:] for r in rows])
        opt.zero_grad()
        l = loss_of(forward(cfg, W, x), y)
        l.backward()
        norms.append(float(torch.nn.utils.clip_grad_norm_([W[n] for n in param_names(cfg)], CLIP)))
        opt.step()
        losses.append(float(l))
    out += [("stream", stream.float()), ("train.losses", torch.tensor(losses)),
            ("train.grad_norms", torch.tensor(norms))]
    out += [("train.final." + n, W[n].detach()) for n in param_names(cfg)]

    # rope_scaling: a 48-token sequence scored with each kind (head_dim 8 gives the
    # wavelengths 6.3, 63, 628 and 6283: with original_max_position_embeddings 64,
    # llama3 keeps the first, blends the second and slows down the other two)
    rope_ids = torch.randint(0, V, (1, 48), generator=gen)
    out.append(("rope.ids", rope_ids[0].float()))
    for kind, rs in ROPE_CASES:
        c = dict(cfg, rope_scaling=rs)
        lp = torch.log_softmax(forward(c, {n: t.double() for n, t in P32.items()}, rope_ids), -1)
        out.append(("logprobs.rope_" + kind, lp[0, :-1].gather(-1, rope_ids[0, 1:, None])[:, 0].detach()))

    tiny = os.path.join(HERE, "tiny")
    os.makedirs(tiny, exist_ok=True)
    with open(os.path.join(tiny, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    st_write(os.path.join(tiny, "model.safetensors"), [(n, P32[n]) for n in param_names(cfg)])
    tiny = os.path.join(HERE, "tiny-bf16")
    os.makedirs(tiny, exist_ok=True)
    with open(os.path.join(tiny, "config.json"), "w") as f:
        json.dump(dict(cfg, torch_dtype="bfloat16"), f, indent=2)
        f.write("\n")
    st_write(os.path.join(tiny, "model.safetensors"), [(n, P32[n]) for n in param_names(cfg)], "BF16")
    st_write(os.path.join(HERE, "fixtures.safetensors"), out)
    print("loss %.6f, training losses %s" % (float(loss), " ".join("%.4f" % x for x in losses)))
    regenerate_lora()


# ---- LoRA (PEFT layout) on the tiny checkpoint ----

LORA = {"r": 4, "lora_alpha": 8, "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj",
                                                    "gate_proj", "up_proj", "down_proj"]}


def lora_names(cfg, targets, r):
    """PEFT tensor names and shapes: lora_A (r, in), lora_B (out, r)"""
    s, out = shapes(cfg), []
    for l in range(cfg["num_hidden_layers"]):
        for mod in targets:
            part = "mlp." if mod in ("gate_proj", "up_proj", "down_proj") else "self_attn."
            name = "model.layers.%d.%s%s" % (l, part, mod)
            o, i = s[name + ".weight"]
            out.append(("base_model.model." + name + ".lora_A.weight", (r, i)))
            out.append(("base_model.model." + name + ".lora_B.weight", (o, r)))
    return out


def regenerate_lora():
    """tiny-lora/ (an adapter as PEFT writes it) and lora-fixtures.safetensors: the
    loss, log-probabilities and the gradient of every adapter tensor (dropout 0).
    B is random here (PEFT starts it at 0) so that every gradient is exercised."""
    gen = torch.Generator().manual_seed(4321)
    cfg = CONFIG
    P = {n: t.double() for n, t in st_read(os.path.join(HERE, "tiny", "model.safetensors")).items()}
    names = lora_names(cfg, LORA["target_modules"], LORA["r"])
    W32 = {n: 0.3 * torch.randn(s, generator=gen) for n, s in names}
    W = {n: t.double().requires_grad_(True) for n, t in W32.items()}
    scale = LORA["lora_alpha"] / LORA["r"]
    ids = torch.randint(0, cfg["vocab_size"], (B, T), generator=gen)
    targets = torch.randint(0, cfg["vocab_size"], (B, T), generator=gen)
    targets[1, 2] = -1
    loss = loss_of(forward(cfg, P, ids, (scale, W)), targets)
    loss.backward()
    lp = torch.log_softmax(forward(cfg, P, ids[:1], (scale, W)), -1)
    out = [("inputs", ids.float()), ("targets", targets.float()), ("loss", loss.detach().reshape(1)),
           ("logprobs", lp[0, :-1].gather(-1, ids[0, 1:, None])[:, 0].detach())]
    out += [("grad." + n, W[n].grad) for n, _ in names]
    st_write(os.path.join(HERE, "lora-fixtures.safetensors"), out)
    d = os.path.join(HERE, "tiny-lora")
    os.makedirs(d, exist_ok=True)
    conf = {"peft_type": "LORA", "task_type": "CAUSAL_LM", "base_model_name_or_path": "../tiny",
            "r": LORA["r"], "lora_alpha": LORA["lora_alpha"], "lora_dropout": 0.0,
            "target_modules": LORA["target_modules"], "bias": "none", "fan_in_fan_out": False,
            "inference_mode": True, "init_lora_weights": True, "modules_to_save": None,
            "layers_to_transform": None, "layers_pattern": None, "rank_pattern": {},
            "alpha_pattern": {}, "revision": None, "use_rslora": False, "use_dora": False}
    with open(os.path.join(d, "adapter_config.json"), "w") as f:
        json.dump(conf, f, indent=2, sort_keys=True)
        f.write("\n")
    st_write(os.path.join(d, "adapter_model.safetensors"), [(n, W32[n]) for n, _ in names])
    print("LoRA loss %.6f" % float(loss))


def verify_adapter(d):
    """An adapter polyphony wrote, read back as PEFT reads it: the config keys PEFT's
    LoraConfig needs, the tensor names PEFT maps onto a LlamaForCausalLM, the shapes."""
    with open(os.path.join(d, "adapter_config.json")) as f:
        conf = json.load(f)
    assert conf["peft_type"] == "LORA" and conf["task_type"] == "CAUSAL_LM", conf
    for k in ("r", "lora_alpha", "lora_dropout", "target_modules", "base_model_name_or_path",
              "bias", "fan_in_fan_out"):
        assert k in conf, k
    base = os.path.join(d, conf["base_model_name_or_path"])
    with open(os.path.join(base, "config.json")) as f:
        cfg = json.load(f)
    W = st_read(os.path.join(d, "adapter_model.safetensors"))
    names = lora_names(cfg, conf["target_modules"], conf["r"])
    assert sorted(W) == sorted(n for n, _ in names), sorted(W)
    r = conf["r"]
    s = shapes(cfg)
    for n, t in W.items():
        mod = n[len("base_model.model."):].rsplit(".lora_", 1)[0]
        o, i = s[mod + ".weight"]
        assert tuple(t.shape) == ((r, i) if ".lora_A." in n else (o, r)), (n, t.shape)
    print("%d adapter tensors, names, shapes and config keys as PEFT expects" % len(W))
    # DIR/score.jsonl (polyphony score --adapter DIR --input-format ids output): the
    # summed log-probability of each record with the adapter applied here
    sp = os.path.join(d, "score.jsonl")
    if not os.path.exists(sp):
        return 0
    P = {n: t.double() for n, t in st_read(os.path.join(base, "model.safetensors")).items()}
    lora = (conf["lora_alpha"] / r, {n: t.double() for n, t in W.items()})
    worst = 0.0
    with open(sp) as f:
        for line in f:
            rec = json.loads(line)
            ids = torch.tensor([rec["ids"]])
            lp = torch.log_softmax(forward(cfg, P, ids, lora), -1)[0, :-1]
            lp = float(lp.gather(-1, ids[0, 1:, None]).sum())
            worst = max(worst, abs(lp - rec["logprob"]))
    print("scores with the adapter: largest difference %.3g" % worst)
    return 0 if worst < 1e-3 else 1


def verify(d):
    with open(os.path.join(d, "config.json")) as f:
        cfg = json.load(f)
    P = {n: t.double() for n, t in st_read(os.path.join(d, "model.safetensors")).items()}
    for n, s in shapes(cfg).items():
        assert tuple(P[n].shape) == s, (n, P[n].shape, s)
    with open(os.path.join(d, "logprobs.json")) as f:
        ref = json.load(f)
    ids = torch.tensor([ref["ids"]])
    lp = torch.log_softmax(forward(cfg, P, ids), -1)[0, :-1].gather(-1, ids[0, 1:, None])[:, 0]
    diff = (lp - torch.tensor(ref["logprobs"], dtype=torch.float64)).abs().max().item()
    print("%d log-probabilities, largest difference %.3g" % (len(ref["logprobs"]), diff))
    return 0 if diff < 1e-4 else 1


if __name__ == "__main__":
    torch.manual_seed(0)
    if len(sys.argv) == 3 and sys.argv[1] == "--verify":
        sys.exit(verify(sys.argv[2]))
    if len(sys.argv) == 3 and sys.argv[1] == "--verify-adapter":
        sys.exit(verify_adapter(sys.argv[2]))
    if len(sys.argv) != 1:
        sys.exit(__doc__)
    regenerate()
