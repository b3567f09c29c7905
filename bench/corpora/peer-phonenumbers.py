#!/usr/bin/env python3
"""Peer for bench/corpora/run.sh: count phone numbers in the "text" of JSONL
records with Google's libphonenumber (python3-phonenumbers), region-free
(numbers must carry an international prefix) at Leniency.VALID. Prints the
number of matches."""
import json, sys
import phonenumbers

n = 0
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        text = json.loads(line)["text"]
        for _ in phonenumbers.PhoneNumberMatcher(text, None, leniency=phonenumbers.Leniency.VALID):
            n += 1
print(n)
