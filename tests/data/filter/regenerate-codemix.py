#!/usr/bin/env python3
"""Make codemix.jsonl: code-mixed sentences in Amharic, Yoruba and Hausa
(from the bundled UDHR, training split, with names, handles, hashtags, URLs
and e-mail addresses inserted the way online news writes them) and planted
junk lines labelled with the same languages. Deterministic.
Usage: regenerate-codemix.py UDHR.jsonl.zst > codemix.jsonl"""
import json, random, re, subprocess, sys

text = subprocess.run(["zstd", "-dc", sys.argv[1]], capture_output=True, check=True).stdout
recs = [json.loads(l) for l in text.decode("utf-8").splitlines()]
rng = random.Random(17)
mix = {
    "am": ["Abiy Ahmed", "@BBCAmharic", "#Ethiopia", "https://www.bbc.com/amharic",
           "info@ethiopia-news.org", "Addis Standard", "#COVID19", "@AddisStandard"],
    "yo": ["@BBCYoruba", "#EndSARS", "Donald Trump", "https://www.bbc.com/yoruba",
           "iroyin@naija-news.com", "Lagos State Government", "#NigeriaDecides", "@PremiumTimesng"],
    "ha": ["@bbchausa", "#Kano2023", "Joe Biden", "https://www.bbc.com/hausa",
           "labarai@aminiya.ng", "Premium Times", "#Najeriya", "@aminiyatrust"],
}
codes = {"am": "amh", "yo": "yor", "ha": "hau"}
out = []
for lang, iso in codes.items():
    paras = [r["text"] for r in recs if r["meta"]["iso639_3"] == iso and r["meta"]["split"] == "train"
             and r["meta"]["udhr_code"] == {"amh": "amh", "yor": "yor", "hau": "hau_NG"}[iso]]
    if lang == "am":  # news writes spaces where the UDHR has the Ethiopic wordspace
        paras = [p.replace("\u1361", " ") for p in paras]
    splitter = r"(?<=።)\s*" if lang == "am" else r"(?<=[.;:])\s+"
    sents = [s.strip() for p in paras for s in re.split(splitter, p) if len(s.split()) >= 4]
    for i, s in enumerate(sents[:40]):
        if i % 2 == 0:
            words = s.split()
            for tok in rng.sample(mix[lang], 2):
                words.insert(rng.randrange(1, len(words)), tok)
            s = " ".join(words)
        out.append({"id": f"{lang}-clean-{i}", "lang": lang, "text": s, "meta": {"planted": "clean"}})
junk = ["1234567890", "12/05/2024 10:30", "+251 911 123 456", "https://t.co/x7Yq2pL",
        "www.example.com/page?id=42", "@someone #trending", "lorem ipsum dolor sit amet",
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit", "!!!!!!!!!!!!", "aaaaaaaaaaaa",
        "<div></div>", "<br/> &nbsp;", "------------", "??? ...", "hello world ok",
        "click here now", "****", "=== === ==="]
for lang in codes:
    for j, t in enumerate(junk):
        out.append({"id": f"{lang}-junk-{j}", "lang": lang, "text": t, "meta": {"planted": "junk"}})
for r in out:
    print(json.dumps(r, ensure_ascii=False))
