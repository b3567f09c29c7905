#!/bin/sh
# bench/audit/run.sh — eval over 500 languages x 10 metrics with 1,000
# bootstrap resamples each, then an audit of the resulting ledger; compared
# with the independent Python implementations in tests/data/eval (the peers
# that run here: sacreBLEU itself cannot be installed without PyPI).
#
# Usage: sh bench/audit/run.sh [LANGS] [ITEMS_PER_LANG]   (default 500 20)
# Env: POLYPHONY (default ./polyphony), OMP_NUM_THREADS.
set -eu
NL=${1:-500}
NI=${2:-20}
P=${POLYPHONY:-./polyphony}
here=$(cd "$(dirname "$0")" && pwd)
ref=$here/../../tests/data/eval
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc; }

# Synthetic predictions (seeded): NL languages x NI items, sentences of 8-20
# words over a 400-word vocabulary per language, predictions with ~30% of the
# words replaced; choices, log-probabilities and byte counts alongside.
awk -v NL="$NL" -v NI="$NI" -v T="$T" 'BEGIN {
  srand(20261123);
  syl = "ka lo mi nu be ra si to pe da go fu ni ze wa yo ha ke ma ti";
  ns = split(syl, S, " ");
  for (l = 0; l < NL; l++) {
    lang = sprintf("x%03d", l);       # private-use style tags: valid BCP 47 extlang-free
    lang = "qa" substr("abcdefghijklmnopqrstuvwxyz", int(l / 26) % 26 + 1, 1) substr("abcdefghijklmnopqrstuvwxyz", l % 26 + 1, 1);
    if (l >= 676) lang = lang "-x-" l;
    else if (l >= 0) lang = lang "-x-b" l;
    err = 0.1 + 0.5 * rand();
    for (i = 0; i < NI; i++) {
      n = 8 + int(13 * rand()); ref = ""; hyp = "";
      for (w = 0; w < n; w++) {
        word = S[1 + int(ns * rand())] S[1 + int(ns * rand())] S[1 + int(ns * rand())];
        ref = ref (w ? " " : "") word;
        hyp = hyp (w ? " " : "") (rand() < err ? S[1 + int(ns * rand())] S[1 + int(ns * rand())] : word);
      }
      id = lang "-" i;
      printf("{\"id\":\"%s\",\"lang\":\"%s\",\"prediction\":\"%s\",\"reference\":\"%s\"}\n", id, lang, hyp, ref) > (T "/gen.jsonl");
      a = int(4 * rand()); p = rand() < 1 - err ? a : int(4 * rand());
      printf("{\"id\":\"%s\",\"lang\":\"%s\",\"choices\":[\"a\",\"b\",\"c\",\"d\"],\"answer\":%d,\"prediction\":%d}\n", id, lang, a, p) > (T "/mc.jsonl");
      b = length(ref); printf("{\"id\":\"%s\",\"lang\":\"%s\",\"logprob\":%.6f,\"bytes\":%d}\n", id, lang, -b * (1.2 + 2 * err) * log(2), b) > (T "/lm.jsonl");
    }
  }
}'
items=$(wc -l <"$T/gen.jsonl" | tr -d ' ')
echo "synthetic predictions: $NL languages x $NI items = $items items per metric"
echo "threads: ${OMP_NUM_THREADS:-all} (OMP_NUM_THREADS); $(nproc) cores"

# 10 metric runs, 1,000 resamples each, all into one ledger.
cat >"$T/evals.sh" <<EOS
for spec in chrf:gen chrf++:gen token_f1:gen exact_match:gen accuracy:gen accuracy:mc \\
            bits_per_byte:lm chrf:gen:s2 chrf++:gen:s2 token_f1:gen:s2; do
    m=\${spec%%:*}; rest=\${spec#*:}; f=\${rest%%:*}; step=\${rest#*:}; [ "\$step" = "\$rest" ] && step=\$f
    "$P" eval --metric "\$m" --resamples 1000 --step "\$step" --ledger "$T/ledger.jsonl" "$T/\$f.jsonl" >/dev/null
done
EOS
if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "eval: 10 metrics x $NL languages x 1000 resamples: %e s wall, %U s user, %S s system" sh "$T/evals.sh"
else
    t0=$(now); sh "$T/evals.sh"; t1=$(now)
    echo "eval: 10 metrics x $NL languages x 1000 resamples: $(elapsed "$t0" "$t1") s wall"
fi
rows=$(wc -l <"$T/ledger.jsonl" | tr -d ' ')
echo "  $rows ledger rows"

t0=$(now)
"$P" audit --speakers none --json "$T/ledger.jsonl" >"$T/audit.json"
"$P" audit --speakers none --html "$T/report.html" --csv "$T/audit.csv" "$T/ledger.jsonl" >/dev/null
t1=$(now)
echo "audit: $rows rows, JSON + table + CSV + HTML: $(elapsed "$t0" "$t1") s (html $(wc -c <"$T/report.html" | tr -d ' ') bytes)"

# Peers: the Python reference implementations on the same data.
if command -v python3 >/dev/null 2>&1; then
    t0=$(now)
    "$P" eval --metric chrf --resamples 0 --json "$T/gen.jsonl" >/dev/null
    t1=$(now)
    python3 -c 'import json, sys
sys.path.insert(0, sys.argv[1])
import chrf_reference as c
by = {}
for line in open(sys.argv[2], encoding="utf-8"):
    r = json.loads(line)
    by.setdefault(r["lang"], []).append((r["prediction"], [r["reference"]]))
for lang in sorted(by):
    c.corpus_chrf([h for h, _ in by[lang]], [r for _, r in by[lang]], 6, 0)' "$ref" "$T/gen.jsonl"
    t2=$(now)
    c=$(elapsed "$t0" "$t1"); py=$(elapsed "$t1" "$t2")
    echo "chrF per language, $items segments, no resampling: polyphony ${c} s, Python reference ${py} s, ratio $(echo "scale=1; $py / $c" | bc)x"
    printf 'lang\tspeakers\n' >"$T/sp.tsv"
    t0=$(now)
    "$P" audit --speakers "$T/sp.tsv" --json "$T/ledger.jsonl" >/dev/null 2>&1
    t1=$(now)
    python3 "$ref/audit_reference.py" "$T/sp.tsv" "$T/ledger.jsonl" >/dev/null
    t2=$(now)
    c=$(elapsed "$t0" "$t1"); py=$(elapsed "$t1" "$t2")
    echo "audit statistics of $rows rows: polyphony ${c} s, Python reference (O(N^2) Gini) ${py} s, ratio $(echo "scale=1; $py / $c" | bc)x"
fi
