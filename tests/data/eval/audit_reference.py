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
  w_l(tau) = s_l^tau / sum_k s_k^tau; a language without a speaker count
         gets the smallest count known among the metric's languages
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
        known = [speakers[l] for l in langs if speakers.get(l, 0) > 0]
        fill = min(known) if known else 1.0
        s = [speakers[l] if speakers.get(l, 0) > 0 else fill for l in langs]

        def weights(tau):
            raw = [1.0 if tau == 0 else x ** tau for x in s]
            t = sum(raw)
            return [x / t for x in raw]

        w1, w0, wh = weights(1.0), weights(0.0), weights(0.5)
        mean = sum(a) / n
        gini = 0.0 if mean == 0 else sum(abs(x - y) for x in a for y in a) / (2 * n * n * mean)
        out[key] = {
            "gini": gini,
            "utility_demographic": sum(w * x for w, x in zip(w1, u)),
            "utility_linguistic": sum(w * x for w, x in zip(w0, u)),
            "utility_half": sum(w * x for w, x in zip(wh, u)),
            "languages": {l: {"value": v, "u": uu, "gap": g, "priority": w * (1 - uu),
                              "speakers_imputed": not speakers.get(l, 0) > 0}
                          for l, v, uu, g, w in zip(langs, a, u, gap, w1)},
        }
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        sys.exit(2)
    main(sys.argv[1], sys.argv[2])
