// reference.mjs — produce the reference fixtures of the tokenizer tests from
// the npm reference implementations (see regenerate.sh, which runs this).
// Usage: node reference.mjs NODE_MODULES_DIR OUTDIR
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
const [nm, out] = process.argv.slice(2);
const require = createRequire(path.join(nm, 'x.js'));
const { Tiktoken } = require('js-tiktoken/lite');
const texts = fs.readFileSync(path.join(out, 'sample.jsonl'), 'utf8').split('\n').filter(Boolean)
  .map((l) => JSON.parse(l));

// tiktoken rank files ("base64-token rank" per line) from js-tiktoken's ranks.
function rankFile(ranks) {
  const lines = [];
  for (const l of ranks.bpe_ranks.split('\n').filter(Boolean)) {
    const [, offset, ...toks] = l.split(' ');
    toks.forEach((t, i) => lines.push([Number(offset) + i, t]));
  }
  lines.sort((a, b) => a[0] - b[0]);
  return lines.map(([r, t]) => `${t} ${r}\n`).join('');
}
for (const name of ['cl100k_base', 'o200k_base']) {
  const ranks = require(`js-tiktoken/ranks/${name}`);
  const enc = new Tiktoken(ranks);
  const want = process.env.PP_TIKTOKEN_OUT;   // optional: where to leave the plain rank files
  if (name === 'cl100k_base') fs.writeFileSync(path.join(out, `${name}.tiktoken`), rankFile(ranks));
  else if (want) fs.writeFileSync(path.join(want, `${name}.tiktoken`), rankFile(ranks));
  const rows = texts.map((r) => JSON.stringify({ id: r.id, tokens: enc.encode(r.text, [], []) }));
  fs.writeFileSync(path.join(out, `${name}.expected.jsonl`), rows.join('\n') + '\n');
}

// A small Hugging Face byte-level BPE tokenizer.json: Llama 3's tokenizer cut
// to its first MERGES merges (ids renumbered densely), so that the fixture
// stays small; the reference ids come from @lenml/tokenizers on that file.
const MERGES = 3000;
const { TokenizerLoader } = await import(path.join(nm, '@lenml', 'tokenizers', 'dist', 'main.mjs'));
const full = JSON.parse(fs.readFileSync(path.join(nm, '@lenml', 'tokenizer-llama3', 'models',
  'tokenizer.json'), 'utf8'));
const merges = full.model.merges.slice(0, MERGES).map((m) => (Array.isArray(m) ? m : m.split(' ')));
const byId = Object.entries(full.model.vocab).sort((a, b) => a[1] - b[1]).map(([t]) => t);
const keep = new Map();
for (const t of byId) if ([...t].length === 1) keep.set(t, keep.size);
for (const [a, b] of merges) if (!keep.has(a + b)) keep.set(a + b, keep.size);
const small = {
  version: '1.0', truncation: null, padding: null,
  added_tokens: [{ id: keep.size, content: '<|begin_of_text|>', single_word: false, lstrip: false,
    rstrip: false, normalized: false, special: true }],
  normalizer: null, pre_tokenizer: full.pre_tokenizer, post_processor: null,
  decoder: full.decoder,
  model: { ...full.model, vocab: Object.fromEntries(keep), merges: merges.map(([a, b]) => `${a} ${b}`) },
};
fs.writeFileSync(path.join(out, 'llama3-small.tokenizer.json'), JSON.stringify(small));
const tok = TokenizerLoader.fromPreTrained({ tokenizerJSON: small,
  tokenizerConfig: { tokenizer_class: 'PreTrainedTokenizerFast', bos_token: '<|begin_of_text|>' } });
const rows = texts.map((r) => JSON.stringify({ id: r.id,
  tokens: tok.encode(r.text, { add_special_tokens: false }) }));
fs.writeFileSync(path.join(out, 'llama3-small.expected.jsonl'), rows.join('\n') + '\n');

// A small character-level BPE tokenizer.json with byte fallback (the Llama 2
// family: Prepend/Replace normalizers, no pre-tokenizer): Llama 2's cut to its
// first MERGES merges, keeping <unk>, <s>, </s>, the 256 <0xNN> pieces and
// every single-character piece; reference ids again from @lenml/tokenizers.
{
  const full2 = JSON.parse(fs.readFileSync(path.join(nm, '@lenml', 'tokenizer-llama2', 'models',
    'tokenizer.json'), 'utf8'));
  const merges2 = full2.model.merges.slice(0, MERGES).map((m) => (Array.isArray(m) ? m : m.split(' ')));
  const byId2 = Object.entries(full2.model.vocab).sort((a, b) => a[1] - b[1]).map(([t]) => t);
  const keep2 = new Map();
  for (const t of byId2)
    if (/^<(unk|s|\/s|0x[0-9A-F]{2})>$/.test(t) || [...t].length === 1) keep2.set(t, keep2.size);
  for (const [a, b] of merges2) if (!keep2.has(a + b)) keep2.set(a + b, keep2.size);
  const small2 = {
    version: '1.0', truncation: null, padding: null, added_tokens: [],
    normalizer: full2.normalizer, pre_tokenizer: full2.pre_tokenizer, post_processor: null,
    decoder: full2.decoder,
    model: { ...full2.model, vocab: Object.fromEntries(keep2),
      merges: merges2.map(([a, b]) => `${a} ${b}`) },
  };
  fs.writeFileSync(path.join(out, 'llama2-small.tokenizer.json'), JSON.stringify(small2));
  const tok2 = TokenizerLoader.fromPreTrained({ tokenizerJSON: small2,
    tokenizerConfig: { tokenizer_class: 'LlamaTokenizer', legacy: true, bos_token: '<s>',
      eos_token: '</s>', unk_token: '<unk>' } });
  const rows2 = texts.map((r) => JSON.stringify({ id: r.id,
    tokens: tok2.encode(r.text, { add_special_tokens: false }) }));
  fs.writeFileSync(path.join(out, 'llama2-small.expected.jsonl'), rows2.join('\n') + '\n');
}
