#!/usr/bin/env python3
"""catalog-train.py - translated user-interface strings of the GTK, GLib and
GStreamer message catalogs (LGPL) as corpus records, for the bundled
language-identification model.

Usage: catalog-train.py LABELS.tsv [STRINGS_PER_LANGUAGE] | zstd -19 > catalog-train.jsonl.zst

Reads the compiled catalogs (.mo) of the packages in PACKAGES below from
/usr/share/locale (Debian installs them with libgtk-3-common, libgtk2.0-common,
libglib2.0-data, libgdk-pixbuf2.0-common, at-spi2-common,
gsettings-desktop-schemas, libgstreamer1.0-0, libgstreamer-plugins-base1.0-0).
Every other package's catalogs stay out of training: bench/lid/catalogs.sh
measures on them, and leaves out any string that is also here.

A string is kept when it is translated (differs from its English source),
has at least 12 letters once markup, format directives, placeholders and
mnemonics are removed, is not a setting ("calendar:week_start:1"), and was
not kept before for the same language. Its label is the language of LOCALE
(below) and the script most of its letters are in; strings whose label is
neither one the model has (LABELS.tsv, first column) nor one of NEW_LABELS
are left out, so what this source adds besides text is the six languages
named there, whatever else is installed. At most
STRINGS_PER_LANGUAGE (default 1000) per language, taken at an even step
through the strings in a fixed order (packages by name, messages by their
English source), so the output is the same with the same packages.
"""
import json
import os
import sys
import unicodedata

from catalog_strings import translations

# Package (catalog name) -> Debian package, SPDX license of its translations
# (the files say "distributed under the same license as the package").
PACKAGES = {
    'at-spi2-core': ('at-spi2-common', 'LGPL-2.0-or-later'),
    'gdk-pixbuf': ('libgdk-pixbuf2.0-common', 'LGPL-2.1-or-later'),
    'glib20': ('libglib2.0-data', 'LGPL-2.1-or-later'),
    'gsettings-desktop-schemas': ('gsettings-desktop-schemas', 'LGPL-2.1-or-later'),
    'gst-plugins-base-1.0': ('libgstreamer-plugins-base1.0-0', 'LGPL-2.0-or-later'),
    'gstreamer-1.0': ('libgstreamer1.0-0', 'LGPL-2.0-or-later'),
    'gtk20': ('libgtk2.0-common', 'LGPL-2.0-or-later'),
    'gtk20-properties': ('libgtk2.0-common', 'LGPL-2.0-or-later'),
    'gtk30': ('libgtk-3-common', 'LGPL-2.0-or-later'),
    'gtk30-properties': ('libgtk-3-common', 'LGPL-2.0-or-later'),
}

# Locale -> ISO 639-3 code of the model's label (the individual language where
# the model names one: Estonian ekk, Latvian lvs, Malay zlm, Persian pes...).
# Locales of English, of dead or constructed orthographies (ang, en@shaw) and
# of languages the model does not name are not listed, nor those written in
# a script the model has no label for (az_IR and ckb: Arabic script).
LOCALE = {
    'ab': 'abk', 'af': 'afr', 'am': 'amh', 'ar': 'arb', 'ast': 'ast', 'az': 'azj',
    'be': 'bel', 'bg': 'bul', 'bn': 'ben', 'bn_IN': 'ben', 'br': 'bre',
    'bs': 'bos', 'ca': 'cat', 'ca@valencia': 'cat', 'crh': 'crh', 'cs': 'ces',
    'cy': 'cym', 'da': 'dan', 'de': 'deu', 'dz': 'dzo', 'el': 'ell', 'eo': 'epo', 'es': 'spa',
    'et': 'ekk', 'eu': 'eus', 'fa': 'pes', 'fi': 'fin', 'fr': 'fra', 'fur': 'fur', 'ga': 'gle',
    'gd': 'gla', 'gl': 'glg', 'gu': 'guj', 'he': 'heb', 'hi': 'hin', 'hr': 'hrv', 'hu': 'hun',
    'hy': 'hye', 'ia': 'ina', 'id': 'ind', 'io': 'ido', 'is': 'isl', 'it': 'ita', 'ja': 'jpn',
    'ka': 'kat', 'kg': 'kng', 'kk': 'kaz', 'km': 'khm', 'kn': 'kan', 'ko': 'kor', 'ku': 'kmr',
    'ky': 'kir', 'lg': 'lug', 'lt': 'lit', 'lv': 'lvs', 'mai': 'mai', 'mg': 'plt', 'mi': 'mri',
    'mk': 'mkd', 'ml': 'mal', 'mn': 'khk', 'mr': 'mar', 'ms': 'zlm', 'my': 'mya', 'nb': 'nob',
    'nds': 'nds', 'ne': 'npi', 'nl': 'nld', 'nn': 'nno', 'nso': 'nso', 'oc': 'oci', 'pa': 'pan',
    'pl': 'pol', 'ps': 'pbu', 'pt': 'por', 'pt_BR': 'por', 'ro': 'ron', 'ru': 'rus',
    'rw': 'kin', 'si': 'sin', 'sk': 'slk', 'sl': 'slv', 'sq': 'als', 'sr': 'srp',
    'sr@ije': 'srp', 'sr@latin': 'srp', 'sv': 'swe', 'ta': 'tam', 'te': 'tel', 'tg': 'tgk',
    'th': 'tha', 'tk': 'tuk', 'tl': 'tgl', 'tr': 'tur', 'tt': 'tat', 'ug': 'uig', 'uk': 'ukr',
    'ur': 'urd', 'uz': 'uzn', 'uz@cyrillic': 'uzn', 'vi': 'vie', 'wa': 'wln', 'xh': 'xho',
    'yi': 'ydd', 'zh_CN': 'cmn', 'zh_HK': 'cmn', 'zh_TW': 'cmn', 'zu': 'zul',
    # languages (or scripts) the UDHR and the Bible do not give the model: NEW_LABELS
    'an': 'arg', 'as': 'asm', 'be@latin': 'bel', 'ckb': 'ckb', 'li': 'lim', 'or': 'ory',
}

# Labels this source adds to the model's: Aragonese, Assamese, Belarusian in
# Latin letters (Łacinka), Central Kurdish in its Arabic script, Limburgish
# and Odia, whose catalogs hold thousands of strings each.
NEW_LABELS = {'arg_Latn', 'asm_Beng', 'bel_Latn', 'ckb_Arab', 'lim_Latn', 'ory_Orya'}

# First word of a letter's Unicode name -> ISO 15924 code, for the scripts of
# the locales above (a letter of another script counts for none).
SCRIPT = {
    'LATIN': 'Latn', 'CYRILLIC': 'Cyrl', 'GREEK': 'Grek', 'ARABIC': 'Arab', 'HEBREW': 'Hebr',
    'ARMENIAN': 'Armn', 'GEORGIAN': 'Geor', 'ETHIOPIC': 'Ethi', 'DEVANAGARI': 'Deva',
    'BENGALI': 'Beng', 'GURMUKHI': 'Guru', 'GUJARATI': 'Gujr', 'TAMIL': 'Taml',
    'TELUGU': 'Telu', 'KANNADA': 'Knda', 'MALAYALAM': 'Mlym', 'SINHALA': 'Sinh',
    'THAI': 'Thai', 'KHMER': 'Khmr', 'MYANMAR': 'Mymr', 'TIBETAN': 'Tibt', 'HANGUL': 'Hang',
    'CJK': 'Hani', 'HIRAGANA': 'Hira', 'KATAKANA': 'Hira',  # kana: the model's jpn_Hira
    'ORIYA': 'Orya',
}


def script_of(s):
    """The script most of the letters of s are in ('' when none is known)."""
    count = {}
    for c in s:
        if unicodedata.category(c).startswith('L'):
            sc = SCRIPT.get(unicodedata.name(c, '').split(' ')[0])
            if sc:
                count[sc] = count.get(sc, 0) + 1
    return max(sorted(count), key=count.get) if count else ''


def main():
    if len(sys.argv) < 2:
        sys.exit('usage: catalog-train.py LABELS.tsv [STRINGS_PER_LANGUAGE]')
    with open(sys.argv[1], encoding='utf-8') as f:
        labels = {line.split('\t', 1)[0] for line in f if not line.startswith('#')}
    labels |= NEW_LABELS
    per = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    by_code = {}
    for loc in sorted(LOCALE):
        code = LOCALE[loc]
        kept = by_code.setdefault(code, (set(), []))
        for cat in sorted(PACKAGES):
            mo = f'/usr/share/locale/{loc}/LC_MESSAGES/{cat}.mo'
            if not os.path.exists(mo):
                continue
            for t in translations(mo):
                if t in kept[0]:
                    continue
                sc = script_of(t)
                if f'{code}_{sc}' not in labels:
                    continue
                kept[0].add(t)
                kept[1].append((loc, cat, sc, t))
    out = sys.stdout
    for code in sorted(by_code):
        strings = by_code[code][1]
        step = max(1, len(strings) // per)
        for i, (loc, cat, sc, t) in enumerate(strings[::step][:per]):
            pkg, lic = PACKAGES[cat]
            rec = {'id': f'catalog-{code}-{i}', 'text': t, 'lang': code, 'script': sc,
                   'source': 'debian-catalogs', 'license': lic,
                   'meta': {'iso639_3': code, 'locale': loc, 'catalog': cat,
                            'package': pkg, 'split': 'train'}}
            out.write(json.dumps(rec, ensure_ascii=False, sort_keys=True) + '\n')


if __name__ == '__main__':
    main()
