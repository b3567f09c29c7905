#!/usr/bin/env python3
"""Independent reference implementation of chrF / chrF++ (plain Python 3).

Written from the published definition (Popovic 2015, 2017) with the
conventions sacreBLEU 2.x documents for its CHRF metric:

  * character n-grams of order 1..6 over the segment with all white space
    removed (white space = what Python's str.split() splits on);
  * chrF++ adds word unigrams and bigrams (word order 2); words are the
    white-space separated tokens, where a token longer than one character
    that ends in an ASCII punctuation mark is split into the word and the
    mark, else one that starts with such a mark is split into the mark and
    the rest;
  * per order: hypothesis n-gram count (0 when the reference has no n-gram
    of that order), reference n-gram count, clipped matches;
  * several references: the one with the best sentence-level score is used
    (the first one on ties);
  * corpus score: the statistics are summed over all segments first, then
    precision and recall are averaged over the orders where both the
    hypothesis and the reference counts are positive ("effective order"),
    and F_beta (beta = 2) is computed from the averages; 0 when nothing is
    left.  The eps-smoothing variant (sacreBLEU's eps_smoothing=True) is
    implemented too, only to check against published values.

Usage:
  chrf_reference.py --selftest
  chrf_reference.py PREDICTIONS.jsonl > EXPECTED.jsonl
The second form reads eval input records (id, lang, prediction, reference or
references) and writes, per language, the corpus chrF and chrF++ (0-100) and
the sentence-level scores of every segment.
"""
import json
import sys
from collections import Counter

PUNCT = set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~')


def char_ngrams(text, n):
    s = "".join(text.split())
    return Counter(s[i:i + n] for i in range(len(s) - n + 1))


def words(text):
    out = []
    for w in text.split():
        if len(w) > 1 and w[-1] in PUNCT:
            out.extend([w[:-1], w[-1]])
        elif len(w) > 1 and w[0] in PUNCT:
            out.extend([w[0], w[1:]])
        else:
            out.append(w)
    return out


def word_ngrams(tokens, n):
    return Counter(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def all_ngrams(text, char_order, word_order):
    grams = [char_ngrams(text, n) for n in range(1, char_order + 1)]
    if word_order:
        toks = words(text)
        grams += [word_ngrams(toks, n) for n in range(1, word_order + 1)]
    return grams


def pair_stats(hyp_grams, ref_grams):
    stats = []
    for h, r in zip(hyp_grams, ref_grams):
        hyp_total = sum(h.values())
        ref_total = sum(r.values())
        match = sum(min(c, r[g]) for g, c in h.items() if g in r)
        stats += [hyp_total if ref_total else 0, ref_total, match]
    return stats


def f_score(stats, beta=2.0, eps_smoothing=False):
    order = len(stats) // 3
    b2 = beta * beta
    eps = 1e-16
    if eps_smoothing:
        total = 0.0
        for i in range(order):
            h, r, m = stats[3 * i:3 * i + 3]
            p = m / h if h > 0 else eps
            c = m / r if r > 0 else eps
            d = b2 * p + c
            total += (1 + b2) * p * c / d if d > 0 else eps
        return 100.0 * total / order
    sp = sr = 0.0
    eff = 0
    for i in range(order):
        h, r, m = stats[3 * i:3 * i + 3]
        if h > 0 and r > 0:
            sp += m / h
            sr += m / r
            eff += 1
    if eff == 0:
        return 0.0
    p, c = sp / eff, sr / eff
    if p + c == 0:
        return 0.0
    return 100.0 * (1 + b2) * p * c / (b2 * p + c)


def segment_stats(hyp, refs, char_order=6, word_order=0, beta=2.0, eps_smoothing=False):
    hg = all_ngrams(hyp, char_order, word_order)
    best, best_f = None, -1.0
    for ref in refs:
        st = pair_stats(hg, all_ngrams(ref, char_order, word_order))
        f = f_score(st, beta, eps_smoothing)
        if f > best_f:
            best, best_f = st, f
    return best


def corpus_chrf(hyps, refs_per_seg, char_order=6, word_order=0, beta=2.0, eps_smoothing=False):
    total = [0] * (3 * (char_order + word_order))
    for hyp, refs in zip(hyps, refs_per_seg):
        st = segment_stats(hyp, refs, char_order, word_order, beta, eps_smoothing)
        total = [a + b for a, b in zip(total, st)]
    return f_score(total, beta, eps_smoothing)


# Expected scores published with sacreBLEU (test/test_chrf.py) and with the
# chrF metric card of Hugging Face evaluate (which calls sacreBLEU).
# (hypotheses, references, char_order, word_order, beta, eps_smoothing, score)
PUBLISHED = [
    (["abcdefg"], ["hijklmnop"], 6, 0, 3, True, 0.0),
    (["aa"], ["ab"], 6, 0, 3, True, 8.3333),
    (["a", "b"], ["a", "c"], 6, 0, 3, True, 8.3333),
    (["a"], ["a"], 6, 0, 3, True, 16.6667),
    (["a b c"], ["abc"], 6, 0, 3, True, 50.0),
    ([" risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."],
     ["risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."],
     6, 0, 3, True, 63.361730),
    ([" Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. "],
     ["Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."], 6, 0, 3, True, 64.1302698),
    (["a"], ["a"], 6, 0, 3, False, 100.0),
    ([""], ["reference"], 6, 0, 3, False, 0.0),
    (["a b c"], ["abc"], 6, 0, 3, False, 100.0),
    (["a", "b"], ["a", "c"], 6, 0, 3, False, 50.0),
    (["aa"], ["ab"], 6, 0, 3, False, 25.0),
    (["Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře."],
     ["Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře."],
     6, 0, 2, True, 39.14078509),
    (["Lapali po dechu, jejich životy skončily dřív, než skutečně začaly."],
     ["Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli."],
     6, 0, 2, True, 57.15704367),
    (["The relationship between cats and dogs is not exactly friendly.",
      "a good bookshop is just a genteel black hole that knows how to read."],
     ["The relationship between dogs and cats is not exactly friendly.",
      "A good bookshop is just a genteel Black Hole that knows how to read."],
     6, 0, 2, False, 84.64214891738334),
    (["The relationship between cats and dogs is not exactly friendly.",
      "a good bookshop is just a genteel black hole that knows how to read."],
     ["The relationship between dogs and cats is not exactly friendly.",
      "A good bookshop is just a genteel Black Hole that knows how to read."],
     6, 2, 2, False, 82.87263732906315),
]


def selftest():
    bad = 0
    for hyps, refs, co, wo, beta, eps, want in PUBLISHED:
        got = corpus_chrf(hyps, [[r] for r in refs], co, wo, beta, eps)
        ok = abs(got - want) < 1e-4
        bad += not ok
        print("%s %.6f (published %.6f) %r" % ("ok  " if ok else "FAIL", got, want, hyps[0][:40]))
    return 1 if bad else 0


def main(argv):
    if len(argv) == 2 and argv[1] == "--selftest":
        return selftest()
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    by_lang = {}
    with open(argv[1], encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            refs = r["references"] if "references" in r else [r["reference"]]
            by_lang.setdefault(r["lang"], []).append((r["id"], r["prediction"], refs))
    for lang in sorted(by_lang):
        segs = by_lang[lang]
        hyps = [s[1] for s in segs]
        refs = [s[2] for s in segs]
        out = {"lang": lang, "n": len(segs),
               "chrf": corpus_chrf(hyps, refs, 6, 0),
               "chrf++": corpus_chrf(hyps, refs, 6, 2),
               "sentences": [{"id": s[0],
                              "chrf": corpus_chrf([s[1]], [s[2]], 6, 0),
                              "chrf++": corpus_chrf([s[1]], [s[2]], 6, 2)} for s in segs]}
        print(json.dumps(out, ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
