#!/usr/bin/python3
"""Reference fixtures for the preference objectives (tests/check_pref.c), from PyTorch.

The policy is the tiny checkpoint in tiny/ (written by regenerate.py, whose
model code this script reuses). Four synthetic pairs of token ids, each a
prompt and two completions; a sequence's log-probability is the sum of the
log-probabilities of its completion tokens given what precedes them. The
reference log-probabilities are the policy's plus fixed noise (so the
log-ratios are not zero). For every objective the batch loss and its
gradient with respect to every parameter are written, in float64:

  dpo             -log sigmoid(b*D), D = (pc - pr) - (qc - qr)
  ipo             (D' - 1/(2b))^2, D' from log-probs divided by the completion length
  cdpo            -(1-e) log sigmoid(b*D) - e log sigmoid(-b*D)
  distributional  cdpo with e = 1 - p_chosen of each pair
  grdpo           group-robust DPO: group weights w <- w*exp(eta*mean group loss),
                  normalized; loss = sum_g w_g * mean group loss (weights constant)

  regenerate_prefs.py      write prefs.safetensors beside this script

Needs Debian's python3-torch (CPU).
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import regenerate as R  # noqa: E402

BETA, EPS, ETA = 0.5, 0.2, 0.3
NPAIRS, NGROUPS = 4, 2


def seq_logp(cfg, P, ids, start):
    """summed log p(ids[j] | ids[:j]) for j >= start"""
    lp = torch.log_softmax(R.forward(cfg, P, ids[None]), -1)[0, :-1]
    tok = lp.gather(-1, ids[1:, None])[:, 0]
    return tok[start - 1:].sum()


def main():
    cfg = R.CONFIG
    P32 = R.st_read(os.path.join(R.HERE, "tiny", "model.safetensors"))
    gen = torch.Generator().manual_seed(4321)
    V = cfg["vocab_size"]
    seqs, starts = [], []
    for i in range(NPAIRS):
        prompt = torch.randint(3, V, (2 + i % 2,), generator=gen)
        prompt = torch.cat([torch.tensor([cfg["bos_token_id"]]), prompt])
        for k in range(2):
            comp = torch.randint(3, V, (2 + (i + k) % 3,), generator=gen)
            seqs.append(torch.cat([prompt, comp]))
            starts.append(len(prompt))
    p_chosen = torch.tensor([1.0, 0.7, 0.3, 0.55], dtype=torch.float64)
    group = torch.tensor([0, 0, 1, 0])
    lens = torch.tensor([len(s) - st for s, st in zip(seqs, starts)], dtype=torch.float64)

    with torch.no_grad():
        P0 = {n: t.double() for n, t in P32.items()}
        pol0 = torch.stack([seq_logp(cfg, P0, s, st) for s, st in zip(seqs, starts)])
    ref = pol0 + 0.5 * torch.randn(2 * NPAIRS, generator=gen, dtype=torch.float64)

    out = []
    for i, (s, st) in enumerate(zip(seqs, starts)):
        out += [("seq.%d" % i, s.float()), ("seq.%d.start" % i, torch.tensor([float(st)]))]
    out += [("ref", ref), ("policy", pol0), ("p_chosen", p_chosen), ("group", group.double()),
            ("params", torch.tensor([BETA, EPS, ETA]))]

    for obj in ("dpo", "ipo", "cdpo", "distributional", "grdpo"):
        P = {n: t.double().requires_grad_(True) for n, t in P32.items()}
        pol = torch.stack([seq_logp(cfg, P, s, st) for s, st in zip(seqs, starts)])
        pc, pr, qc, qr = pol[0::2], pol[1::2], ref[0::2], ref[1::2]
        if obj == "ipo":
            lc, lr = lens[0::2], lens[1::2]
            h = (pc - qc) / lc - (pr - qr) / lr
            losses = (h - 1 / (2 * BETA)) ** 2
        else:
            z = BETA * ((pc - pr) - (qc - qr))
            eps = {"cdpo": torch.full_like(z, EPS), "distributional": 1 - p_chosen}.get(
                obj, torch.zeros_like(z))
            losses = -(1 - eps) * torch.nn.functional.logsigmoid(z) \
                - eps * torch.nn.functional.logsigmoid(-z)
        if obj == "grdpo":
            gl = torch.stack([losses[group == g].mean() if (group == g).any()
                              else torch.zeros((), dtype=torch.float64)
                              for g in range(NGROUPS)])
            w = torch.full((NGROUPS,), 1.0 / NGROUPS, dtype=torch.float64)
            w = w * torch.exp(ETA * gl.detach())
            w = w / w.sum()
            loss = (w * gl).sum()
            out.append(("grdpo.weights", w))
        else:
            loss = losses.mean()
        loss.backward()
        out.append((obj + ".loss", loss.detach().reshape(1)))
        out += [("%s.grad.%s" % (obj, n), P[n].grad) for n in R.param_names(cfg)]
        print("%-14s loss %.6f" % (obj, float(loss)))
    R.st_write(os.path.join(R.HERE, "prefs.safetensors"), out)


if __name__ == "__main__":
    if len(sys.argv) != 1:
        sys.exit(__doc__)
    main()
