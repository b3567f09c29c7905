#!/usr/bin/env python3
"""Independent reference for BLEU and TER as sacreBLEU 2.x defines them.

Plain Python 3, written from the published definitions, no code shared with
the C implementation (eval-sets/metrics/pp_bleu.c, pp_ter.c):

BLEU (Papineni et al. 2002) at corpus level: n-gram orders 1..4, clipped
matches against the per-n-gram maximum over the references, the reference
length closest to the hypothesis length (the shorter on ties), brevity
penalty exp(1 - r/c) when c < r, sacreBLEU's default smoothing 'exp' (each
order without a match gets precision 100 / (2^k * total), k counting such
orders), score 0 when no unigram matches. Tokenizers:
  13a   mteval-v13a: drop "<skipped>", join "-\\n", unescape &quot; &amp;
        &lt; &gt;, then four regular expressions (ASCII punctuation split
        off; period and comma split unless both sides are digits; a dash
        after a digit split off)
  intl  mteval-v14 international: punctuation (Unicode P*) split off unless
        preceded/followed by a digit, symbols (S*) always
  char  every character a token (white space dropped)
  none  white space only
TER (Snover et al. 2006) as sacreBLEU's default (lower-cased, white-space
tokens, no normalization): edits = shifts + edit distance (substitution,
insertion, deletion 1 each) after greedy shifts (phrases up to 10 words,
at most 50 positions away, candidates ranked by gain, then length, then the
earliest start and target; at most 1000 candidates per sentence), the edit
distance computed in sacreBLEU's beam of 25 around the diagonal; the
minimum over references, divided by the average reference length; corpus
score 100 * sum edits / sum average reference lengths.

Usage:
  bleu_ter_reference.py --self-test
  bleu_ter_reference.py bleu|ter TOKENIZE HYP.txt REF.txt [REF2.txt...]
  bleu_ter_reference.py --jsonl INPUT.jsonl   per language: corpus BLEU (13a,
      intl, char) and TER, and every item's statistics (JSON lines)
"""
import json
import math
import re
import sys
import unicodedata

# ------------------------------------------------------------ tokenizers


def tok_13a(line):
    line = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ")
    if "&" in line:
        line = (line.replace("&quot;", '"').replace("&amp;", "&")
                .replace("&lt;", "<").replace("&gt;", ">"))
    line = " " + line + " "
    # ASCII punctuation: { | } ~  [ \ ] ^ _ `  space ! " # $ % &  ( ) * +  : ; < = > ? @  /
    line = re.sub(r"([\{-\~\[-\` -\&\(-\+\:-\@\/])", r" \1 ", line)
    line = re.sub(r"([^0-9])([\.,])", r"\1 \2 ", line)
    line = re.sub(r"([\.,])([^0-9])", r" \1 \2", line)
    line = re.sub(r"([0-9])(-)", r"\1 \2 ", line)
    return line.split()


def _cat(c):
    return unicodedata.category(c)


def tok_intl(line):
    # (\P{N})(\p{P}) -> \1 \2 ; (\p{P})(\P{N}) -> \1 \2 ; (\p{S}) -> \1
    def sub_pairs(s, first, second, repl):
        out, i = [], 0
        while i < len(s):
            if i + 1 < len(s) and first(s[i]) and second(s[i + 1]):
                out.append(repl(s[i], s[i + 1]))
                i += 2
            else:
                out.append(s[i])
                i += 1
        return "".join(out)

    def isN(c):
        return _cat(c).startswith("N")

    def isP(c):
        return _cat(c).startswith("P")

    line = sub_pairs(line, lambda c: not isN(c), isP, lambda a, b: a + " " + b + " ")
    line = sub_pairs(line, isP, lambda c: not isN(c), lambda a, b: " " + a + " " + b)
    line = "".join(" " + c + " " if _cat(c).startswith("S") else c for c in line)
    return line.split()


def tok_char(line):
    return [c for c in line if not c.isspace()]


TOKENIZERS = {"13a": tok_13a, "intl": tok_intl, "char": tok_char, "none": str.split}

# ------------------------------------------------------------ BLEU


def ngrams(toks, n):
    out = {}
    for i in range(len(toks) - n + 1):
        g = tuple(toks[i:i + n])
        out[g] = out.get(g, 0) + 1
    return out


def bleu_stats(hyp, refs, tok):
    h = TOKENIZERS[tok](hyp)
    rs = [TOKENIZERS[tok](r) for r in refs]
    # closest reference length, the shorter one on ties
    best = None
    for r in rs:
        d = abs(len(r) - len(h))
        if best is None or d < best[0] or (d == best[0] and len(r) < best[1]):
            best = (d, len(r))
    stats = [len(h), best[1]]
    correct, total = [], []
    for n in range(1, 5):
        hc = ngrams(h, n)
        maxref = {}
        for r in rs:
            for g, c in ngrams(r, n).items():
                maxref[g] = max(maxref.get(g, 0), c)
        correct.append(sum(min(c, maxref.get(g, 0)) for g, c in hc.items()))
        total.append(max(0, len(h) - n + 1))
    return stats + correct + total


def bleu_score(s):
    sys_len, ref_len, correct, total = s[0], s[1], s[2:6], s[6:10]
    if correct[0] == 0:
        return 0.0
    prec = [0.0] * 4
    smooth = 1.0
    for n in range(4):
        if total[n] == 0:
            break
        if correct[n] == 0:
            smooth *= 2
            prec[n] = 100.0 / (smooth * total[n])
        else:
            prec[n] = 100.0 * correct[n] / total[n]
    bp = 1.0
    if sys_len < ref_len:
        bp = math.exp(1 - ref_len / sys_len) if sys_len > 0 else 0.0
    logs = [math.log(p) if p > 0 else -9999999999 for p in prec]
    return bp * math.exp(sum(logs) / 4)


# ------------------------------------------------------------ TER

NOP, SUB, INS, DEL = "nop", "sub", "ins", "del"
BEAM, MAX_SHIFT_SIZE, MAX_SHIFT_DIST, MAX_CANDIDATES = 25, 10, 50, 1000


def edit_distance(hyp, ref):
    """Levenshtein distance of hyp to ref in sacreBLEU's beam, with the trace.
    Rows are hypothesis positions; ties prefer no-op/substitution, then the
    deletion of a hypothesis word, then the insertion of a reference word."""
    nh, nr = len(hyp), len(ref)
    INF = float("inf")
    ratio = nr / nh if nh else 1.0
    beam = math.ceil(ratio / 2 + BEAM) if ratio / 2 > BEAM else BEAM
    cost = [[INF] * (nr + 1) for _ in range(nh + 1)]
    op = [[None] * (nr + 1) for _ in range(nh + 1)]
    for j in range(nr + 1):
        cost[0][j] = j
        op[0][j] = INS
    for i in range(1, nh + 1):
        diag = math.floor(i * ratio)
        lo = max(0, diag - beam)
        hi = nr + 1 if i == nh else min(nr + 1, diag + beam)
        for j in range(lo, hi):
            if j == 0:
                cost[i][0] = cost[i - 1][0] + 1
                op[i][0] = DEL
                continue
            same = hyp[i - 1] == ref[j - 1]
            for c, o in ((cost[i - 1][j - 1] + (0 if same else 1), NOP if same else SUB),
                         (cost[i - 1][j] + 1, DEL),
                         (cost[i][j - 1] + 1, INS)):
                if cost[i][j] > c:
                    cost[i][j], op[i][j] = c, o
    trace = []
    i, j = nh, nr
    while i > 0 or j > 0:
        o = op[i][j]
        trace.append(o)
        if o in (NOP, SUB):
            i, j = i - 1, j - 1
        elif o == DEL:
            i -= 1
        else:
            j -= 1
    trace.reverse()
    return cost[nh][nr], trace


def alignment(trace):
    """From the trace of rewriting the reference into the hypothesis: which
    hypothesis position each reference position faces, and which positions
    are in error on either side."""
    ph = pr = -1
    align, ref_err, hyp_err = {}, [], []
    for o in trace:
        if o in (NOP, SUB):
            ph += 1
            pr += 1
            align[pr] = ph
            e = 0 if o == NOP else 1
            hyp_err.append(e)
            ref_err.append(e)
        elif o == INS:  # a hypothesis word with no reference word
            ph += 1
            hyp_err.append(1)
        else:  # a reference word with no hypothesis word
            pr += 1
            align[pr] = ph
            ref_err.append(1)
    return align, ref_err, hyp_err


def move(words, start, length, pos):
    block = words[start:start + length]
    if pos < start:
        return words[:pos] + block + words[pos:start] + words[start + length:]
    if pos > start + length:
        return words[:start] + words[start + length:pos] + block + words[pos:]
    return (words[:start] + words[start + length:length + pos] + block
            + words[length + pos:])


def best_shift(hyp, ref, checked):
    score, trace = edit_distance(hyp, ref)
    flipped = [{INS: DEL, DEL: INS}.get(o, o) for o in trace]
    align, ref_err, hyp_err = alignment(flipped)
    best = None
    for sh in range(len(hyp)):
        for sr in range(len(ref)):
            if abs(sr - sh) > MAX_SHIFT_DIST:
                continue
            length = 0
            while hyp[sh + length] == ref[sr + length] and length < MAX_SHIFT_SIZE:
                length += 1
                if (sum(hyp_err[sh:sh + length]) and sum(ref_err[sr:sr + length])
                        and not sh <= align[sr] < sh + length):
                    prev = -1
                    for off in range(-1, length):
                        if sr + off == -1:
                            idx = 0
                        elif sr + off in align:
                            idx = align[sr + off] + 1
                        else:
                            break
                        if idx == prev:
                            continue
                        prev = idx
                        moved = move(hyp, sh, length, idx)
                        cand = (score - edit_distance(moved, ref)[0], length, -sh, -idx, moved)
                        checked += 1
                        if best is None or cand[:4] > best[:4]:
                            best = cand
                    if checked >= MAX_CANDIDATES:
                        break
                if len(hyp) == sh + length or len(ref) == sr + length:
                    break
            if checked >= MAX_CANDIDATES:
                break
        if checked >= MAX_CANDIDATES:
            break
    if best is None:
        return 0, hyp, checked
    return best[0], best[4], checked


def ter_edits(hyp, ref):
    if not ref:
        return len(hyp)
    shifts, checked = 0, 0
    while True:
        gain, moved, checked = best_shift(hyp, ref, checked)
        if checked >= MAX_CANDIDATES or gain <= 0:
            break
        shifts += 1
        hyp = moved
    return shifts + edit_distance(hyp, ref)[0]


def ter_stats(hyp, refs):
    h = hyp.lower().split()
    best, total = None, 0
    for r in refs:
        rw = r.lower().split()
        e = ter_edits(h, rw)
        total += len(rw)
        best = e if best is None else min(best, e)
    return [best, total / len(refs)]


def ter_score(s):
    if s[1] > 0:
        return 100.0 * s[0] / s[1]
    return 100.0 if s[0] > 0 else 0.0


# ------------------------------------------------------------ corpus


def corpus(metric, tok, hyps, refsets):
    k = 10 if metric == "bleu" else 2
    sums = [0.0] * k
    for i, h in enumerate(hyps):
        refs = [rs[i] for rs in refsets]
        st = bleu_stats(h, refs, tok) if metric == "bleu" else ter_stats(h, refs)
        sums = [a + b for a, b in zip(sums, st)]
    return bleu_score(sums) if metric == "bleu" else ter_score(sums)


# WMT 2019 dev data (German), the realistic case of sacreBLEU's TER tests
WMT_HYP = [
    'wählen Sie " Bild neu berechnen , " um beim Ändern der Bildgröße Pixel hinzuzufügen oder zu entfernen , damit das Bild ungefähr dieselbe Größe aufweist wie die andere Größe .',
    'wenn Sie alle Aufgaben im aktuellen Dokument aktualisieren möchten , wählen Sie im Menü des Aufgabenbedienfelds die Option " Alle Aufgaben aktualisieren . "',
    'klicken Sie auf der Registerkarte " Optionen " auf die Schaltfläche " Benutzerdefiniert " und geben Sie Werte für " Fehlerkorrektur-Level " und " Y / X-Verhältnis " ein .',
    'Sie können beispielsweise ein Dokument erstellen , das ein Auto über die Bühne enthält .',
    'wählen Sie im Dialogfeld " Neu aus Vorlage " eine Vorlage aus und klicken Sie auf " Neu . "',
]
WMT_REF = [
    'wählen Sie " Bild neu berechnen , " um beim Ändern der Bildgröße Pixel hinzuzufügen oder zu entfernen , damit die Darstellung des Bildes in einer anderen Größe beibehalten wird .',
    'wenn Sie alle Aufgaben im aktuellen Dokument aktualisieren möchten , wählen Sie im Menü des Aufgabenbedienfelds die Option " Alle Aufgaben aktualisieren . "',
    'klicken Sie auf der Registerkarte " Optionen " auf die Schaltfläche " Benutzerdefiniert " und geben Sie für " Fehlerkorrektur-Level " und " Y / X-Verhältnis " niedrigere Werte ein .',
    'Sie können beispielsweise ein Dokument erstellen , das ein Auto enthalt , das sich über die Bühne bewegt .',
    'wählen Sie im Dialogfeld " Neu aus Vorlage " eine Vorlage aus und klicken Sie auf " Neu . "',
]


def self_test():
    """Scores published in sacreBLEU's test suite (test_bleu.py, test_ter.py)."""
    refs = [["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
            ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."]]
    hyps = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."]
    cases = [("bleu", "13a", hyps, refs, 48.530827), ("bleu", "none", hyps, refs, 49.1919566),
             ("bleu", "intl", hyps, refs, 43.91623493), ("bleu", "13a", ["", "", ""], refs, 0.0),
             ("ter", None, ["aaaa bbbb cccc dddd"], [["aaaa bbbb cccc dddd"]], 0.0),
             ("ter", None, ["dddd eeee ffff"], [["aaaa bbbb cccc"]], 100.0),
             ("ter", None, [""], [["a"]], 100.0),
             ("ter", None, ["d e f g h a b c"], [["a b c d e f g h"]], 12.5),
             ("ter", None, WMT_HYP, [WMT_REF], 13.6)]
    bad = 0
    for metric, tok, h, r, want in cases:
        got = corpus(metric, tok, h, r)
        ok = abs(got - want) < 1e-3
        bad += not ok
        print("%s %-4s %-5s %.6f (published %.6f)" % ("ok  " if ok else "FAIL", metric, tok, got,
                                                        want))
    return bad


def jsonl(path):
    recs = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    langs = sorted({r["lang"] for r in recs})
    for lang in langs:
        out = {"lang": lang, "items": {}}
        sums = {}
        for r in recs:
            if r["lang"] != lang:
                continue
            refs = r["references"] if "references" in r else [r["reference"]]
            item = {}
            for tok in ("13a", "intl", "char"):
                item["bleu_" + tok] = bleu_stats(r["prediction"], refs, tok)
            item["ter"] = ter_stats(r["prediction"], refs)
            for k, v in item.items():
                sums[k] = [a + b for a, b in zip(sums.get(k, [0] * len(v)), v)]
            out["items"][r["id"]] = item
        for k, v in sums.items():
            out[k] = bleu_score(v) if k.startswith("bleu") else ter_score(v)
        print(json.dumps(out, ensure_ascii=False, sort_keys=True))


def main(argv):
    if argv[1:] == ["--self-test"]:
        return 1 if self_test() else 0
    if len(argv) == 3 and argv[1] == "--jsonl":
        jsonl(argv[2])
        return 0
    if len(argv) < 5:
        sys.stderr.write(__doc__)
        return 2
    metric, tok = argv[1], argv[2]
    read = lambda p: open(p, encoding="utf-8").read().split("\n")[:-1]
    hyps = read(argv[3])
    refsets = [read(p) for p in argv[4:]]
    print("%.6f" % corpus(metric, tok, hyps, refsets))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
