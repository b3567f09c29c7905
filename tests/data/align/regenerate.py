#!/usr/bin/python3
"""Write yo-tones-train.jsonl and yo-tones-heldout.jsonl (see SOURCE.md) from the
Yoruba UDHR lines of tests/data/tokenizers/yo-udhr-train.jsonl."""
import json
import os
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "tokenizers", "yo-udhr-train.jsonl")


def without_tones(s):
    d = unicodedata.normalize("NFD", s)
    d = "".join(c for c in d if c not in "\u0300\u0301\u0304")  # the under-dot stays
    return unicodedata.normalize("NFC", d)


def main():
    phrases = []
    with open(SRC, encoding="utf-8") as f:
        for line in f:
            words = json.loads(line)["text"].split()
            for start in range(0, min(len(words), 12), 4):
                ph = " ".join(words[start:start + 4]).strip(",.;:")
                if len(ph) >= 8 and without_tones(ph) != ph:
                    phrases.append(ph)
            if len(phrases) >= 40:
                break
    train, held = [], []
    for i, ph in enumerate(phrases[:40]):
        plain = without_tones(ph)
        prompt = "Kọ: " + plain
        tonal = {"id": "p%02d-tonal" % i, "prompt": prompt, "chosen": ph, "rejected": plain,
                 "group": "tonal", "lang": "yo", "p_chosen": 0.9}
        other = {"id": "p%02d-plain" % i, "prompt": prompt, "chosen": plain, "rejected": ph,
                 "group": "plain", "lang": "yo", "p_chosen": 0.8}
        if i < 30:
            train.append(tonal)
            if i % 7 < 3:  # the minority holds fewer pairs
                train.append(other)
        else:
            held += [tonal, other]
    for name, recs in (("yo-tones-train.jsonl", train), ("yo-tones-heldout.jsonl", held)):
        with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
            for r in recs:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
