// bible2jsonl.mjs — sample verses from the CES Bible corpus (Christodoulopoulos
// & Steedman) as JSONL {"id","text","gold"} with ISO 639-3 gold codes taken
// from the corpus' metadata.csv. Usage: node bible2jsonl.mjs CORPUS_DIR [PER_LANG]
import fs from 'node:fs'
import path from 'node:path'
const dir = process.argv[2]
const per = +(process.argv[3] || 200)
const meta = new Map()
for (const line of fs.readFileSync(path.join(dir, 'metadata.csv'), 'utf8').split('\n').slice(1)) {
  const f = line.split(',')
  if (f.length > 2) meta.set(f[0], f[1])
}
const seen = new Set()
const files = fs.readdirSync(path.join(dir, 'bibles')).filter(f => f.endsWith('.xml')).sort()
const ent = s => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
  .replace(/&apos;/g, "'").replace(/&#(\d+);/g, (m, d) => String.fromCodePoint(+d)).replace(/&amp;/g, '&')
for (const f of files) {
  const iso = meta.get(f)
  if (!iso || seen.has(iso)) continue
  seen.add(iso)
  const xml = fs.readFileSync(path.join(dir, 'bibles', f), 'utf8')
  const verses = []
  for (const m of xml.matchAll(/<seg id="([^"]+)" type="verse">([\s\S]*?)<\/seg>/g)) {
    const t = ent(m[2]).replace(/\s+/g, ' ').trim()
    if (t.length >= 10) verses.push([m[1], t])
  }
  const step = Math.max(1, Math.floor(verses.length / per))
  let n = 0
  for (let i = 0; i < verses.length && n < per; i += step, n++)
    process.stdout.write(JSON.stringify({id: `${iso}-${verses[i][0]}`, text: verses[i][1], gold: iso}) + '\n')
}
