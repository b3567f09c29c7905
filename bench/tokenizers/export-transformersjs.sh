#!/bin/sh
# bench/tokenizers/export-transformersjs.sh — by hand: `tokenizer export
# --format hf` against transformers.js (@huggingface/transformers). A unigram
# and a BPE model are trained on the bundled UDHR's training split in every
# profiled language, exported, and the test split is encoded by the
# SentencePiece model (through polyphony) and by transformers.js reading the
# exported tokenizer.json; the lines with identical ids are counted.
# transformers.js's Unigram model has no byte fallback (it gives the unknown
# id where SentencePiece and Hugging Face tokenizers give <0xNN> pieces), so
# for unigram the lines that differ are also checked to be exactly those
# where the SentencePiece model used byte pieces.
# Needs a built polyphony (POLYPHONY, default ./polyphony), node, npm, jq, zstd.
# Usage: bench/tokenizers/export-transformersjs.sh [NPM_SCRATCH_DIR]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
P=${POLYPHONY:-$top/polyphony}
export POLYPHONY_DATA=${POLYPHONY_DATA:-$top}
work=${1:-$(mktemp -d)}
mkdir -p "$work"
cd "$work"
[ -f package.json ] || npm init -y >/dev/null
[ -d node_modules/@huggingface/transformers ] ||
    npm install --no-audit --no-fund --silent --ignore-scripts @huggingface/transformers@4.3.2

# the profiled languages and their UDHR text
for f in "$top"/langs/*/profile.xml; do
    sed -n 's/.*<profile code="\([a-z]*\)" bcp47="\([^"]*\)".*/\1 \2/p' "$f"
done | jq -R -s 'split("\n") | map(select(length > 0) | split(" "))' >profiles.json
zstd -dc "$top/eval-sets/udhr/udhr.jsonl.zst" | jq -c --slurpfile p profiles.json '
    ($p[0] | map(.[0])) as $codes | ($p[0] | map(.[1])) as $tags
    | select((.meta.iso639_3 as $c | $codes | index($c)) or (.lang as $t | $tags | index($t)))
    | {id, lang: .meta.iso639_3, text, split: .meta.split}' >udhr.jsonl
jq -c 'select(.split == "train") | {lang, text}' udhr.jsonl >train.jsonl
jq -c 'select(.split == "test") | {id, lang, text}' udhr.jsonl >test.jsonl
langs=$(jq -r .lang train.jsonl | sort -u | paste -sd, -)

cat >encode.mjs <<'END'
import fs from 'node:fs';
import { PreTrainedTokenizer } from '@huggingface/transformers';
const [dir, input] = process.argv.slice(2);
const tok = new PreTrainedTokenizer(JSON.parse(fs.readFileSync(`${dir}/tokenizer.json`, 'utf8')),
  JSON.parse(fs.readFileSync(`${dir}/tokenizer_config.json`, 'utf8')));
for (const l of fs.readFileSync(input, 'utf8').split('\n').filter(Boolean)) {
  const r = JSON.parse(l);
  console.log(JSON.stringify({ id: r.id, tokens: tok.encode(r.text, { add_special_tokens: false }) }));
}
END
rc=0
for mt in unigram bpe; do
    "$P" tokenizer train -q --langs "$langs" --model-type $mt --input train.jsonl --output $mt
    "$P" tokenizer export -q --format hf --model $mt.model --output hf-$mt
    "$P" tokenizer encode -m $mt.model test.jsonl | jq -c '{id, tokens}' >$mt.spm.jsonl
    node encode.mjs hf-$mt test.jsonl >$mt.tjs.jsonl
    # byte pieces are the <0xNN> entries of the vocabulary
    jq -r '.model.vocab | if type == "array" then to_entries | map(select(.value[0] | test("^<0x[0-9A-F]{2}>$")) | .key)
           else to_entries | map(select(.key | test("^<0x[0-9A-F]{2}>$")) | .value) end | .[]' \
        hf-$mt/tokenizer.json >$mt.bytes
    node -e '
      const fs = require("fs");
      const rd = (f) => fs.readFileSync(f, "utf8").split("\n").filter(Boolean).map(JSON.parse);
      const a = rd(process.argv[1]), b = rd(process.argv[2]);
      const bytes = new Set(fs.readFileSync(process.argv[3], "utf8").split("\n").filter(Boolean).map(Number));
      let same = 0, diffBytes = 0, diffOther = 0;
      a.forEach((r, i) => {
        if (JSON.stringify(r.tokens) === JSON.stringify(b[i].tokens)) same++;
        else if (r.tokens.some((t) => bytes.has(t))) diffBytes++;
        else diffOther++;
      });
      console.log(`${process.argv[4].padEnd(8)} ${same}/${a.length} lines identical; differing: ` +
                  `${diffBytes} with byte fallback, ${diffOther} without`);
      process.exit(diffOther === 0 && (process.argv[4] !== "bpe" || diffBytes === 0) ? 0 : 1);
    ' $mt.spm.jsonl $mt.tjs.jsonl $mt.bytes $mt || rc=1
done
exit $rc
