#!/usr/bin/env python3
"""Independent reference for the gap statistics of `polyphony audit`.

Plain Python 3. Reads a speakers TSV (lang, speakers[, latitude, longitude],
first line a header) and a ledger (JSONL rows with stage, step, lang, metric,
value); language tags in the fixture are already canonical. The last row of
each (stage, step, metric, lang) wins; rows whose value is null are left out.

For each metric (key stage[.step].metric), following the definitions in
docs/audit.md, computed directly (no shared code with the C version):
  u_l    a_l / max a  (higher is better)   or   min a / a_l  (lower is better)
  gap_l  max a - a_l                       or   a_l - min a
  w_l(tau) = s_l^tau / sum_k s_k^tau over the languages with a speaker
         count; a language without one has no weight when tau > 0 (null
         priority) and is left out of M_tau (tau > 0); nothing is imputed
  M_tau = sum_l w_l(tau) u_l   for tau = 1 (demographic), 0 (linguistic), 0.5
  Gini  = sum_i sum_j |a_i - a_j| / (2 N^2 mean)   (double loop)
  priority_l = w_l(1) (1 - u_l)
Writes one JSON object keyed by metric.
"""
import json
import sys

LOWER = {"bits_per_byte", "bpb", "perplexity", "loss", "cross_entropy", "premium",
         "token_premium", "fertility", "tokens_per_word", "tokens_per_char", "cer", "wer",
         "ter", "error_rate", "rejected", "rejection_rate", "pii_rate", "duplicate_rate",
         "dup_rate", "removed"}


def main(speakers_path, ledger_path):
    speakers = {}
    with open(speakers_path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            parts = line.rstrip("\n").split("\t")
            if i == 0 and parts[0] == "lang":
                continue
            speakers[parts[0]] = float(parts[1])
    rows = {}
    with open(ledger_path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            key = r["stage"] + "." + (r["step"] + "." if r.get("step") else "") + r["metric"]
            rows.setdefault(key, {})[r["lang"]] = r
    out = {}
    for key, by_lang in rows.items():
        metric = key.split(".")[-1]
        lower = metric in LOWER
        vals = {l: r["value"] for l, r in by_lang.items() if r["value"] is not None}
        langs = sorted(vals)
        a = [vals[l] for l in langs]
        n = len(a)
        best = min(a) if lower else max(a)
        u, gap = [], []
        for x in a:
            if lower:
                u.append(1.0 if x <= best else best / x)
                gap.append(x - best)
            else:
                u.append(min(1.0, max(0.0, x / best)))
                gap.append(best - x)
        s = [speakers[l] if speakers.get(l, 0) > 0 else None for l in langs]

        def weights(tau):
            raw = [1.0 if tau == 0 else (None if x is None else x ** tau) for x in s]
            t = sum(x for x in raw if x is not None)
            return [None if x is None else x / t for x in raw]

        def m(ws):
            return sum(w * x for w, x in zip(ws, u) if w is not None)

        w1, w0, wh = weights(1.0), weights(0.0), weights(0.5)
        mean = sum(a) / n
        gini = 0.0 if mean == 0 else sum(abs(x - y) for x in a for y in a) / (2 * n * n * mean)
        out[key] = {
            "gini": gini,
            "utility_demographic": m(w1),
            "utility_linguistic": m(w0),
            "utility_half": m(wh),
            "languages": {l: {"value": v, "u": uu, "gap": g,
                              "priority": None if w is None else w * (1 - uu),
                              "speakers_known": speakers.get(l, 0) > 0}
                          for l, v, uu, g, w in zip(langs, a, u, gap, w1)},
        }
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        sys.exit(2)
    main(sys.argv[1], sys.argv[2])
