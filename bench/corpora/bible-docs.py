#!/usr/bin/env python3
"""Turn the CES Bible translations of the bible-corpus (Christodoulopoulos &
Steedman 2015, CC0) into polyphony records: consecutive verses of a chapter
are joined into paragraph-size documents (at least MIN_WORDS whitespace words,
or MIN_CHARS characters for scripts written without spaces), at most MAX_DOCS
per translation, taken evenly through the book.

usage: bible-docs.py BIBLE_DIR > bible.jsonl
The ISO 639-3 code comes from metadata.csv beside BIBLE_DIR when
present. The language tag is the ISO 639-1 code where one exists (as ICU canonicalizes
BCP 47), else the ISO 639-3 code (from Debian's iso-codes)."""
import csv, json, os, sys
import xml.etree.ElementTree as ET

MIN_WORDS, MIN_CHARS, MAX_DOCS = 80, 400, 200

def iso_map():
    m = {}
    try:
        with open('/usr/share/iso-codes/json/iso_639-3.json', encoding='utf-8') as f:
            for e in json.load(f)['639-3']:
                m[e['alpha_3']] = e.get('alpha_2', e['alpha_3'])
        with open('/usr/share/iso-codes/json/iso_639-2.json', encoding='utf-8') as f:
            for e in json.load(f)['639-2']:  # bibliographic codes (arm, baq, ...)
                if 'bibliographic' in e:
                    m[e['bibliographic']] = e.get('alpha_2', e['alpha_3'])
    except OSError:
        pass
    return m

def main(d):
    iso = iso_map()
    # metadata.csv (beside bibles/) is more reliable than the CES headers
    # (Swahili-NT.xml declares ssw, Swati)
    meta = {}
    mpath = os.path.join(os.path.dirname(os.path.abspath(d)), 'metadata.csv')
    if os.path.exists(mpath):
        with open(mpath, encoding='utf-8') as f:
            for row in csv.DictReader(f):
                meta[row['Filename']] = row['ISO_639-3']
    for name in sorted(os.listdir(d)):
        if not name.endswith('.xml'):
            continue
        try:
            root = ET.parse(os.path.join(d, name)).getroot()
        except ET.ParseError as e:
            print(f'{name}: {e}', file=sys.stderr)
            continue
        lu = root.find('.//langUsage/language')
        code = meta.get(name) or (lu.get('iso639') if lu is not None else '') or ''
        lang = iso.get(code, code) or 'und'
        docs = []
        for chap in root.iter('div'):
            if chap.get('type') != 'chapter':
                continue
            cur, words, chars = [], 0, 0
            for seg in chap.iter('seg'):
                t = ' '.join((seg.text or '').split())
                if not t:
                    continue
                cur.append(t)
                words += len(t.split())
                chars += len(t)
                if words >= MIN_WORDS or chars >= MIN_CHARS and words < 10:
                    docs.append((chap.get('id'), ' '.join(cur)))
                    cur, words, chars = [], 0, 0
        step = max(1, len(docs) // MAX_DOCS)
        for i, (cid, text) in enumerate(docs[::step][:MAX_DOCS]):
            print(json.dumps({'id': f'bible-{code}-{cid}-{i}', 'text': text, 'lang': lang,
                              'source': 'bible-corpus/' + name, 'license': 'CC0-1.0',
                              'meta': {'iso639_3': code}}, ensure_ascii=False))

if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
