#!/usr/bin/env python3
"""Krippendorff's alpha (nominal) and agreement within/across groups for the
LeWiDi fixtures of this folder, computed independently of polyphony from the
published definition (Krippendorff, "Computing Krippendorff's Alpha-
Reliability", 2011): coincidences o_ck = sum_u sum_{i!=j} [v_iu=c][v_ju=k] /
(m_u - 1) over units with m_u >= 2 values, n_c = sum_k o_ck, n = sum_c n_c,
alpha = 1 - (n - 1) * sum_{c!=k} o_ck / sum_{c!=k} n_c n_k.

A unit is an item, a value is the annotator's label (a multi-label answer is
one value: its labels sorted and joined with "+"). Labels that are numbers
compare as numbers ("1.0" == "1"). Writes alpha_expected.json next to this
script; tests/cli/prefs.sh compares `polyphony prefs stats --json` with it.
Run: python3 tests/data/prefs/lewidi/alpha_reference.py
"""
import itertools
import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = [  # name, items, metadata, group-by fields
    ("mp", "mp_items.json", "mp_annotators_meta.json", ["Nationality"]),
    ("brexit", "brexit_items.json", "brexit_annotators.json", ["group"]),
    ("nli", "nli_items.json", "nli_annotators_meta.json", ["Nationality"]),
]


def canon(label):
    label = label.strip()
    try:
        v = float(label)
        return "%g" % v if v != 0 else "0"
    except ValueError:
        return label


def judgements(items, meta, fields):
    """[(item, annotator, value, group)]"""
    out = []
    for iid, it in items.items():
        ann = it["annotations"]
        if isinstance(ann, dict):
            pairs = [(a, "+".join(sorted({canon(x) for x in v.split(",")}))) for a, v in ann.items()]
        else:
            pairs = list(zip(it["annotators"].split(","), [canon(x) for x in ann.split(",")]))
        for a, v in pairs:
            m = meta.get(a) or meta.get(a[3:] if a.startswith("Ann") else a)
            group = "/".join(str(m[f]) for f in fields)
            out.append((iid, a, v, group))
    return out


def alpha(units):
    """units: list of lists of values; nominal alpha, None when undefined."""
    o = {}
    for vals in units:
        m = len(vals)
        if m < 2:
            continue
        for i, j in itertools.permutations(range(m), 2):
            key = (vals[i], vals[j])
            o[key] = o.get(key, 0.0) + 1.0 / (m - 1)
    n_c = {}
    for (c, _k), w in o.items():
        n_c[c] = n_c.get(c, 0.0) + w
    n = sum(n_c.values())
    d_o = sum(w for (c, k), w in o.items() if c != k)
    d_e = sum(n_c[c] * n_c[k] for c in n_c for k in n_c if c != k)
    if n == 0 or d_e == 0:
        return None, n
    return 1.0 - (n - 1) * d_o / d_e, n


def main():
    result = {}
    for name, items_f, meta_f, fields in CASES:
        with open(os.path.join(HERE, items_f), encoding="utf-8") as f:
            items = json.load(f)
        with open(os.path.join(HERE, meta_f), encoding="utf-8") as f:
            # the VariErrNLI-like metadata has commas before closing braces
            meta = json.loads(re.sub(r",(\s*[}\]])", r"\1", f.read()))
        js = judgements(items, meta, fields)
        by_item = {}
        for iid, _a, v, g in js:
            by_item.setdefault(iid, []).append((v, g))
        pooled, n = alpha([[v for v, _g in vs] for vs in by_item.values()])
        groups = {}
        for g in sorted({g for *_x, g in js}):
            a, gn = alpha([[v for v, gg in vs if gg == g] for vs in by_item.values()])
            groups[g] = {"alpha": a, "pairable": int(round(gn))}
        same = [0, 0]
        diff = [0, 0]
        for vs in by_item.values():
            for (v1, g1), (v2, g2) in itertools.combinations(vs, 2):
                bucket = same if g1 == g2 else diff
                bucket[0] += v1 == v2
                bucket[1] += 1
        result[name] = {
            "group_by": "/".join(fields),
            "alpha": pooled,
            "pairable": int(round(n)),
            "groups": groups,
            "agreement_within": same[0] / same[1] if same[1] else None,
            "agreement_across": diff[0] / diff[1] if diff[1] else None,
        }
    with open(os.path.join(HERE, "alpha_expected.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
