#!/usr/bin/env python3
"""Planted near-duplicate evaluation of `polyphony dedup`.

Takes a base corpus (the bundled UDHR, plus any extra JSONL given), removes the
duplicates the tool itself finds there (so every remaining pair the tool
reports is an error or a planted pair), then plants edited copies of randomly
chosen records: about --edit (default 10%) of the words are inserted, deleted
or substituted (words drawn from other records of the same language; for
scripts written without spaces a "word" is a run of two characters). Copies go
to random positions. `polyphony dedup --mark` is run on the result and each
reported pair (record, dup_of) is scored:

  recall    = planted pairs reported / planted pairs
  precision = reported pairs that are planted pairs / reported pairs

Usage: eval-dedup.py [--polyphony BIN] [--copies N] [--edit F] [--min-words N]
                     [--seed S] [--extra FILE.jsonl[.zst]]... [-- dedup options]
"""
import argparse, io, json, os, random, subprocess, sys, tempfile

SPACELESS = {"Thai", "Laoo", "Khmr", "Mymr", "Tibt", "Hani", "Hira", "Kana", "Jpan", "Bali", "Java"}


def read_jsonl(path):
    if path.endswith(".zst"):
        data = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
        return [json.loads(l) for l in data.decode("utf-8").splitlines() if l.strip()]
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def units(rec):
    t = rec["text"]
    if rec.get("script") in SPACELESS:
        return [t[i:i + 2] for i in range(0, len(t), 2)], ""
    return t.split(), " "


def edit(rec, pool, frac, rng):
    u, sep = units(rec)
    k = max(1, round(frac * len(u)))
    for _ in range(k):
        op = rng.choice(("ins", "del", "sub"))
        i = rng.randrange(len(u))
        if op == "del" and len(u) > 2:
            del u[i]
        elif op == "ins":
            u.insert(i, rng.choice(pool))
        else:
            u[i] = rng.choice(pool)
    return sep.join(u)


def run_dedup(binary, recs, args, mark):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
        name = f.name
    try:
        cmd = [binary, "dedup", "--quiet"] + (["--mark"] if mark else []) + args + [name]
        p = subprocess.run(cmd, check=True, capture_output=True)
        sys.stderr.write(p.stderr.decode())
        return [json.loads(l) for l in p.stdout.decode("utf-8").splitlines()]
    finally:
        os.unlink(name)


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    top = os.path.dirname(os.path.dirname(here))
    ap.add_argument("--polyphony", default=os.path.join(top, "polyphony"))
    ap.add_argument("--udhr", default=os.path.join(top, "eval-sets/udhr/udhr.jsonl.zst"))
    ap.add_argument("--extra", action="append", default=[])
    ap.add_argument("--copies", type=int, default=2000)
    ap.add_argument("--edit", type=float, default=0.10)
    ap.add_argument("--min-words", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("dedup_args", nargs="*")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    base = read_jsonl(a.udhr)
    for x in a.extra:
        base += read_jsonl(x)
    for i, r in enumerate(base):
        r["id"] = "%s#%d" % (r.get("id", "rec"), i)
    base = run_dedup(a.polyphony, base, a.dedup_args, False)
    bylang = {}
    for r in base:
        bylang.setdefault(r.get("lang", "und"), []).append(r)
    pools = {l: [w for r in rs[:200] for w in units(r)[0]] for l, rs in bylang.items()}
    eligible = [r for r in base if len(units(r)[0]) >= a.min_words]
    chosen = rng.sample(eligible, min(a.copies, len(eligible)))
    planted = set()
    corpus = list(base)
    for r in chosen:
        c = dict(r)
        c["id"] = r["id"] + "/copy"
        c["text"] = edit(r, pools[r.get("lang", "und")], a.edit, rng)
        corpus.insert(rng.randrange(len(corpus) + 1), c)
        planted.add(frozenset((r["id"], c["id"])))
    out = run_dedup(a.polyphony, corpus, a.dedup_args, True)
    reported = [frozenset((r["id"], r["dup_of"])) for r in out if "dup_of" in r]
    tp = sum(1 for p in reported if p in planted)
    found = len(planted & set(reported))
    rec = found / len(planted) if planted else 0.0
    prec = tp / len(reported) if reported else 1.0
    print("base records %d (after removing their own duplicates), eligible (>= %d words) %d"
          % (len(base), a.min_words, len(eligible)))
    print("planted %d copies with %.0f%% word edits; reported pairs %d" % (len(planted), 100 * a.edit, len(reported)))
    print("recall    %.4f (%d/%d)" % (rec, found, len(planted)))
    print("precision %.4f (%d/%d)" % (prec, tp, len(reported)))
    print("dedup options: %s" % (" ".join(a.dedup_args) or "(defaults)"))


if __name__ == "__main__":
    main()
