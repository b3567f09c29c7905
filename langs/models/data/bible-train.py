#!/usr/bin/env python3
"""bible-train.py - the training part of the CES Bible corpus (Christodoulopoulos
& Steedman, CC0) as corpus records, for the bundled language-identification model.

Usage: bible-train.py CORPUS_DIR [VERSES_PER_LANGUAGE] | zstd -19 > bible-train.jsonl.zst

CORPUS_DIR holds bibles/*.xml (CES XML) and metadata.csv. Only the training books
are read (SPLIT below, documented in SOURCE.md); the other books stay out of the
repository, for evaluation. One translation per language (the first file name in
sorted order, as bench/lid/bible2jsonl.mjs picks); verses of at least 10
characters, at most VERSES_PER_LANGUAGE (default 1000) per language, taken at an
even step through the training books in canonical order.
"""
import csv
import html
import json
import os
import re
import sys

# The split by book, the same for every translation.
TRAIN_BOOKS = {'MAT', 'LUK',  # Matthew, Luke
               'GEN', 'EXO', 'RUT', 'EST', 'JON', 'PSA'}  # Old Testament books some files carry
# Codes of the corpus' metadata that name a macrolanguage where the UDHR (the
# model's other source) names the individual language of the same text.
CODE = {'est': 'ekk', 'lav': 'lvs'}

SEG = re.compile(r'<seg id="b\.([A-Z0-9]+)\.([0-9]+)\.([0-9]+)" type="verse">(.*?)</seg>', re.S)


def main():
    if len(sys.argv) < 2:
        sys.exit('usage: bible-train.py CORPUS_DIR [VERSES_PER_LANGUAGE]')
    corpus = sys.argv[1]
    per = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    meta = {}
    with open(os.path.join(corpus, 'metadata.csv'), encoding='utf-8') as f:
        for row in csv.reader(f):
            if len(row) > 2 and row[0].endswith('.xml'):
                meta[row[0]] = row[1]
    seen = set()
    out = sys.stdout
    for name in sorted(os.listdir(os.path.join(corpus, 'bibles'))):
        iso = meta.get(name)
        if not name.endswith('.xml') or not iso or iso in seen:
            continue
        seen.add(iso)
        code = CODE.get(iso, iso)
        with open(os.path.join(corpus, 'bibles', name), encoding='utf-8') as f:
            xml = f.read()
        verses = []
        for m in SEG.finditer(xml):
            if m.group(1) not in TRAIN_BOOKS:
                continue
            text = ' '.join(html.unescape(m.group(4)).split())
            if len(text) >= 10:
                verses.append((m.group(1), m.group(2), m.group(3), text))
        step = max(1, len(verses) // per)
        for book, ch, v, text in verses[::step][:per]:
            rec = {'id': f'bible-{code}-{book}.{ch}.{v}', 'text': text, 'lang': code,
                   'source': 'bible-corpus', 'license': 'CC0-1.0',
                   'meta': {'iso639_3': code, 'file': name, 'book': book, 'split': 'train'}}
            out.write(json.dumps(rec, ensure_ascii=False, sort_keys=True) + '\n')


if __name__ == '__main__':
    main()
