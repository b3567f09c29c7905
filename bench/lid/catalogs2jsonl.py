#!/usr/bin/env python3
"""catalogs2jsonl.py -- out-of-domain LID sentences from the translated
message catalogs (.mo) installed on a Debian system: short user-interface
strings, as JSONL {"id", "text", "gold"}.

Usage: catalogs2jsonl.py [--per N] [--min-letters N] [--exclude-train F] LOCALE=CODE ...
  e.g. catalogs2jsonl.py --per 100 th=tha ja=jpn zh_CN=cmn ko=kor
--exclude-train F (a training file of catalog strings, JSONL or .jsonl.zst, as
langs/models/data/catalog-train.jsonl.zst) leaves out the catalogs it was
taken from (its records' meta.catalog) and every string it holds, so that
no string is measured that the model was trained on.
Strings are taken in a fixed order (catalogs sorted by name, messages by
their English source), without markup, format directives or duplicates, so
the output is the same on the same system. Each string keeps the license of
the package it comes from (see /usr/share/doc/PACKAGE/copyright)."""
import glob
import json
import os
import subprocess
import sys

# the catalog reader the model's training text is made with
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'langs', 'models', 'data'))
from catalog_strings import translations  # noqa: E402


def training_strings(path):
    """(catalog names, texts) of a training file of catalog records."""
    if path.endswith('.zst'):
        data = subprocess.run(['zstd', '-dcq', path], check=True, capture_output=True).stdout
    else:
        with open(path, 'rb') as f:
            data = f.read()
    cats, texts = set(), set()
    for line in data.decode('utf-8').splitlines():
        rec = json.loads(line)
        cats.add(rec['meta']['catalog'])
        texts.add(rec['text'])
    return cats, texts


def main(argv):
    per, min_letters, pairs = 100, 12, []
    skip_cats, skip_texts = set(), set()
    it = iter(argv)
    for a in it:
        if a == '--per':
            per = int(next(it))
        elif a == '--min-letters':
            min_letters = int(next(it))
        elif a == '--exclude-train':
            skip_cats, skip_texts = training_strings(next(it))
        elif '=' in a:
            pairs.append(a.split('=', 1))
        else:
            print(__doc__, file=sys.stderr)
            return 2
    for loc, code in pairs:
        seen, out = set(), []
        for mo in sorted(glob.glob(f'/usr/share/locale/{loc}/LC_MESSAGES/*.mo')):
            if os.path.basename(mo)[:-3] in skip_cats:
                continue
            for t in translations(mo, min_letters):
                if t in seen or t in skip_texts:
                    continue
                seen.add(t)
                out.append((os.path.basename(mo)[:-3], t))
        step = max(1, len(out) // per)
        for i, (pkg, t) in enumerate(out[::step][:per]):
            print(json.dumps({'id': f'{code}-{pkg}-{i}', 'text': t, 'gold': code},
                             ensure_ascii=False))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
