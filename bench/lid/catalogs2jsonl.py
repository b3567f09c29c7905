#!/usr/bin/env python3
"""catalogs2jsonl.py -- out-of-domain LID sentences from the translated
message catalogs (.mo) installed on a Debian system: short user-interface
strings, as JSONL {"id", "text", "gold"}.

Usage: catalogs2jsonl.py [--per N] [--min-letters N] LOCALE=CODE ...
  e.g. catalogs2jsonl.py --per 100 th=tha ja=jpn zh_CN=cmn ko=kor
Strings are taken in a fixed order (catalogs sorted by name, messages by
their English source), without markup, format directives or duplicates, so
the output is the same on the same system. Each string keeps the license of
the package it comes from (see /usr/share/doc/PACKAGE/copyright)."""
import gettext
import glob
import json
import os
import re
import sys
import unicodedata


def letters(s):
    return sum(1 for c in s if unicodedata.category(c).startswith('L'))


def clean(s):
    s = re.sub(r'<[^>]*>', ' ', s)                  # markup
    s = re.sub(r'%(\d+\$)?[-+ #0-9.lhLqjzt]*[a-zA-Z%]', ' ', s)  # printf directives
    s = re.sub(r'\{[^}]*\}|\$\{[^}]*\}', ' ', s)  # placeholders
    s = s.replace('_', '').replace('&', '')         # mnemonics
    return ' '.join(s.split())


def main(argv):
    per, min_letters, pairs = 100, 12, []
    it = iter(argv)
    for a in it:
        if a == '--per':
            per = int(next(it))
        elif a == '--min-letters':
            min_letters = int(next(it))
        elif '=' in a:
            pairs.append(a.split('=', 1))
        else:
            print(__doc__, file=sys.stderr)
            return 2
    for loc, code in pairs:
        seen, out = set(), []
        for mo in sorted(glob.glob(f'/usr/share/locale/{loc}/LC_MESSAGES/*.mo')):
            try:
                with open(mo, 'rb') as f:
                    cat = gettext.GNUTranslations(f)._catalog
            except Exception:
                continue
            for src in sorted(k for k in cat if isinstance(k, str) and k):
                t = clean(cat[src])
                # untranslated or mostly Latin strings (commands, names) are not the language
                if t == clean(src) or t in seen or letters(t) < min_letters:
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
