#!/usr/bin/env python3
"""Planted-PII evaluation of `polyphony pii`.

1. False positives: runs `polyphony pii` over clean text (the bundled UDHR,
   plus any --extra JSONL such as the Bible verses made by `polyphony ingest -f
   ces`) and reports the share of records it touches, per type, with examples.
2. Recall: plants one email or phone number into each of --plant randomly
   chosen records (every 10th phone in a format docs/pii.md lists as not
   caught, reported on its own line and left out of the recall), in many formats and digit systems (the record's own digits
   where its script has them, otherwise a random system), glued to the text
   without spaces for scripts written without spaces; emails use ASCII and
   internationalized local parts/domains. A plant counts as redacted when,
   after `polyphony pii --redact`, the planted string is gone and the right
   tag is in the text.

When Google's libphonenumber (Debian python3-phonenumbers) is importable, its
PhoneNumberMatcher is run on the same planted phone numbers as a peer (run the
script with the Python that has it, e.g. /usr/bin/python3).

Usage: eval-pii.py [--polyphony BIN] [--extra FILE]... [--plant N] [--seed S]
"""
import argparse, json, os, random, subprocess, sys, tempfile
from collections import Counter

SPACELESS = {"Thai", "Laoo", "Khmr", "Mymr", "Tibt", "Hani", "Hira", "Kana", "Jpan"}
ZEROS = {"ascii": 0x30, "arabic-indic": 0x660, "ext-arabic-indic": 0x6F0, "devanagari": 0x966,
         "bengali": 0x9E6, "gurmukhi": 0xA66, "gujarati": 0xAE6, "oriya": 0xB66, "tamil": 0xBE6,
         "telugu": 0xC66, "kannada": 0xCE6, "malayalam": 0xD66, "thai": 0xE50, "lao": 0xED0,
         "tibetan": 0xF20, "myanmar": 0x1040, "khmer": 0x17E0, "mongolian": 0x1810,
         "nko": 0x7C0, "fullwidth": 0xFF10, "adlam": 0x1E950}
BY_SCRIPT = {"Arab": ["arabic-indic", "ext-arabic-indic"], "Deva": ["devanagari"], "Beng": ["bengali"],
             "Guru": ["gurmukhi"], "Gujr": ["gujarati"], "Orya": ["oriya"], "Taml": ["tamil"],
             "Telu": ["telugu"], "Knda": ["kannada"], "Mlym": ["malayalam"], "Thai": ["thai"],
             "Laoo": ["lao"], "Tibt": ["tibetan"], "Mymr": ["myanmar"], "Khmr": ["khmer"],
             "Mong": ["mongolian"], "Nkoo": ["nko"], "Hani": ["fullwidth"], "Jpan": ["fullwidth"],
             "Adlm": ["adlam"]}
COUNTRY = ["234", "91", "20", "98", "880", "66", "81", "86", "55", "254", "27", "33", "44", "1",
           "7", "62", "63", "92", "251", "255", "233", "212", "84", "52", "49"]
PATTERNS = [[3, 3, 4], [2, 4, 4], [5, 5], [3, 4, 4], [1, 2, 2, 2, 2], [2, 3, 4], [3, 3, 3], [4, 3, 3]]
DOMAINS = ["example.com", "mail.example.org", "example.co.za", "пример.рф", "例子.广告", "उदाहरण.भारत",
           "münchen.de", "παράδειγμα.δοκιμή", "مثال.إختبار", "ตัวอย่าง.ไทย", "例え.テスト", "ejemplo.com.ng"]
NAMES = ["amina.bello", "kofi_mensah", "ngozi+news", "tanaka.hiro", "priya.sharma", "o.adeyemi",
         "fatima99", "lwazi.dlamini", "mariam-haile", "juan.perez"]


def read_jsonl(path):
    if path.endswith(".zst"):
        data = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
        return [json.loads(l) for l in data.decode("utf-8").splitlines() if l.strip()]
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def digits(s, system):
    z = ZEROS[system]
    return "".join(chr(z + int(c)) if c.isdigit() else c for c in s)


def make_phone(rng, script):
    systems = BY_SCRIPT.get(script, []) + ["ascii"]
    system = rng.choice(systems) if rng.random() < 0.7 else rng.choice(list(ZEROS))
    pat = rng.choice(PATTERNS)
    groups = ["".join(rng.choice("0123456789") for _ in range(n)) for n in pat]
    groups[0] = str(rng.randint(1, 9)) + groups[0][1:]
    sep = rng.choice([" ", "-", " ", "."])
    style = rng.random()
    if style < 0.6:
        s = "+" + rng.choice(COUNTRY) + " " + sep.join(groups)
    elif style < 0.8:
        s = "(0" + groups[0][:2] + ") " + "-".join(groups[1:])
        if sum(pat[1:]) + 3 < 9:
            s = "(0" + groups[0][:2] + ") " + " ".join(groups[1:]) + rng.choice("0123456789")
    else:
        s = "0" + groups[0][:2] + " " + " ".join(groups[1:])
    return digits(s, system)


def make_hard_phone(rng, script):
    """Formats docs/pii.md lists as not caught: 7-digit local numbers and
    national numbers as one run of digits without a trunk 0."""
    system = rng.choice((BY_SCRIPT.get(script) or ["ascii"]) + ["ascii"])
    if rng.random() < 0.5:
        s = str(rng.randint(2, 9)) + "".join(rng.choice("0123456789") for _ in range(2)) + " " + \
            "".join(rng.choice("0123456789") for _ in range(4))
    else:
        s = str(rng.randint(7, 9)) + "".join(rng.choice("0123456789") for _ in range(9))
    return digits(s, system)


def make_email(rng, rec):
    dom = rng.choice(DOMAINS)
    if rng.random() < 0.3:
        words = [w for w in rec["text"].split() if w.isalpha() and 2 <= len(w) <= 10]
        local = rng.choice(words) if words and rec.get("script") not in SPACELESS else rng.choice(NAMES)
    else:
        local = rng.choice(NAMES)
    return local + "@" + dom


def run(binary, recs, args):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
        name = f.name
    try:
        p = subprocess.run([binary, "pii", "--quiet"] + args + [name], check=True, capture_output=True)
        sys.stderr.write(p.stderr.decode())
        return [json.loads(l) for l in p.stdout.decode("utf-8").splitlines()]
    finally:
        os.unlink(name)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    top = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser()
    ap.add_argument("--polyphony", default=os.path.join(top, "polyphony"))
    ap.add_argument("--udhr", default=os.path.join(top, "eval-sets/udhr/udhr.jsonl.zst"))
    ap.add_argument("--extra", action="append", default=[])
    ap.add_argument("--plant", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--examples", type=int, default=10)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    clean = read_jsonl(a.udhr)
    sources = {"udhr": len(clean)}
    for x in a.extra:
        e = read_jsonl(x)
        sources[os.path.basename(x)] = len(e)
        clean += e
    out = run(a.polyphony, clean, [])
    touched = [r for r in out if r["pii"]]
    types = Counter(p["type"] for r in touched for p in r["pii"])
    print("clean records: %d (%s)" % (len(clean), ", ".join("%s %d" % kv for kv in sources.items())))
    print("touched: %d = %.4f%%  by type: %s" % (len(touched), 100.0 * len(touched) / len(clean),
                                                dict(types)))
    for r in touched[:a.examples]:
        for p in r["pii"]:
            t = r["text"]
            print("  FP %s %s: ...%s[%s]%s..." % (r.get("lang"), p["type"], t[max(0, p["start"] - 20):p["start"]],
                                                t[p["start"]:p["end"]], t[p["end"]:p["end"] + 20]))
    # planting
    chosen = rng.sample([r for r in clean if len(r["text"]) > 20], a.plant)
    planted, recs = [], []
    hard_every = 10  # every 10th phone plant is in a format listed as not caught
    for i, r in enumerate(chosen):
        kind = "email" if i % 2 == 0 else "phone"
        if kind == "phone" and (i // 2) % hard_every == hard_every - 1:
            kind = "hard-phone"
            item = make_hard_phone(rng, r.get("script"))
        else:
            item = make_email(rng, r) if kind == "email" else make_phone(rng, r.get("script"))
        t = r["text"]
        if r.get("script") in SPACELESS:
            k = rng.randrange(1, len(t))
            text = t[:k] + item + t[k:]
        else:
            sp = [k for k, ch in enumerate(t) if ch == " "] or [len(t)]
            k = rng.choice(sp)
            text = t[:k] + " " + item + " " + t[k:].lstrip()
        recs.append({"id": "plant-%d" % i, "lang": r.get("lang"), "script": r.get("script"), "text": text})
        planted.append((kind, item))
    red = run(a.polyphony, recs, ["--redact"])
    ok = Counter()
    total = Counter()
    misses = []
    for (kind, item), r in zip(planted, red):
        total[kind] += 1
        tag = "<EMAIL>" if kind == "email" else "<PHONE>"
        if kind == "hard-phone":
            hard_ok = item not in r["text"] and tag in r["text"]
            ok[kind] += hard_ok
            continue
        if item not in r["text"] and tag in r["text"]:
            ok[kind] += 1
        else:
            misses.append((kind, item, r["lang"], r["text"][:120]))
    for kind in ("email", "phone"):
        print("planted %-5s %5d  redacted %5d  recall %.4f" % (kind, total[kind], ok[kind], ok[kind] / total[kind]))
    allok = ok["email"] + ok["phone"]
    alln = total["email"] + total["phone"]
    print("planted all   %5d  redacted %5d  recall %.4f" % (alln, allok, allok / alln))
    if total["hard-phone"]:
        print("out of scope  %5d  redacted %5d  recall %.4f  (7-digit local numbers, 10 digits"
              " without separators or trunk 0: listed as not caught)"
              % (total["hard-phone"], ok["hard-phone"], ok["hard-phone"] / total["hard-phone"]))
    for m in misses[:a.examples]:
        print("  MISS %s %r (%s): %s" % m)
    # peer: Google's libphonenumber (python3-phonenumbers) on the same planted phones
    try:
        import phonenumbers
    except ImportError:
        print("peer: python3-phonenumbers not importable by %s: skipped" % sys.executable)
        return
    found = Counter()
    plus = Counter()
    for (kind, item), r in zip(planted, recs):
        if kind != "phone":
            continue
        intl = item.lstrip().startswith(("+", "\uff0b"))
        plus["all"] += 1
        plus["intl"] += intl
        hits = [m.raw_string for m in phonenumbers.PhoneNumberMatcher(r["text"], None,
                                                                      leniency=phonenumbers.Leniency.POSSIBLE)]
        if any(h.strip() and (h in item or item in h) for h in hits):
            found["all"] += 1
            found["intl"] += intl
    ours_intl = sum(1 for (kind, item), r in zip(planted, red)
                    if kind == "phone" and item.lstrip().startswith(("+", "\uff0b"))
                    and item not in r["text"] and "<PHONE>" in r["text"])
    print("peer libphonenumber %s (region-free, Leniency.POSSIBLE) on the planted phones:"
          % phonenumbers.__version__)
    print("  all phones        libphonenumber %.4f  polyphony %.4f" % (found["all"] / plus["all"], ok["phone"] / total["phone"]))
    print("  international (+) libphonenumber %.4f  polyphony %.4f  (%d plants)"
          % (found["intl"] / max(1, plus["intl"]), ours_intl / max(1, plus["intl"]), plus["intl"]))
    peer_fp = sum(1 for r in clean if any(True for _ in phonenumbers.PhoneNumberMatcher(
        r["text"], None, leniency=phonenumbers.Leniency.POSSIBLE)))
    ours_fp = sum(1 for r in touched if any(p["type"] == "phone" for p in r["pii"]))
    print("  clean records with a phone: libphonenumber %d, polyphony %d (of %d)"
          % (peer_fp, ours_fp, len(clean)))


if __name__ == "__main__":
    main()
