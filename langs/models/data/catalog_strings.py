"""catalog_strings.py - the translated strings of a compiled message catalog
(.mo), taken the same way for the language-ID model's training text
(catalog-train.py) and for the strings the benchmarks measure on
(bench/lid/catalogs2jsonl.py)."""
import gettext
import re
import sys
import unicodedata

# A setting translators write instead of text ("calendar:week_start:1", GTK's
# first day of the week), not a sentence of the language.
SETTING = re.compile(r'[a-z]+(:[a-z0-9]+)+')


def clean(s):
    """s without markup, printf directives, placeholders and mnemonics, its
    white space collapsed."""
    s = re.sub(r'<[^>]*>', ' ', s)                                 # markup
    s = re.sub(r'%(\d+\$)?[-+ #0-9.lhLqjzt]*[a-zA-Z%]', ' ', s)     # printf directives
    s = re.sub(r'\{[^}]*\}|\$\{[^}]*\}', ' ', s)                   # placeholders
    s = s.replace('_', '').replace('&', '')                        # mnemonics
    return ' '.join(s.split())


def letters(s):
    return sum(1 for c in s if unicodedata.category(c).startswith('L'))


def translations(path, min_letters=12):
    """The cleaned translations in catalog `path`, in the order of their
    English messages, that are text of the language: translated (not the
    same as the English message; gettext keys a message with a context
    "CONTEXT\\x04MESSAGE"), not a setting, with at least min_letters letters
    (shorter ones are mostly commands and names). A catalog that cannot be
    read (a bad Plural-Forms header...) gives none, said on stderr."""
    try:
        with open(path, 'rb') as f:
            msgs = gettext.GNUTranslations(f)._catalog
    except (OSError, ValueError, IndexError) as e:
        print(f'{path}: not read ({e!r})', file=sys.stderr)
        return
    for src in sorted(k for k in msgs if isinstance(k, str) and k):
        t = clean(msgs[src])
        if (t != clean(src.split('\x04')[-1]) and not SETTING.fullmatch(t)
                and letters(t) >= min_letters):
            yield t
