// bible2jsonl.mjs — sample verses from the CES Bible corpus (Christodoulopoulos
// & Steedman) as JSONL {"id","text","gold"} with ISO 639-3 gold codes taken
// from the corpus' metadata.csv. Only held-out books are read: the bundled
// model is trained on Matthew, Luke and the Old Testament books
// (langs/models/data/SOURCE.md). PART "dev" (default): Mark, John, Acts, the
// out-of-domain figures; "calibration": Romans to Revelation, for fitting
// thresholds. Usage: node bible2jsonl.mjs CORPUS_DIR [PER_LANG] [dev|calibration]
import fs from 'node:fs'
import path from 'node:path'
const dir = process.argv[2]
const per = +(process.argv[3] || 200)
const part = process.argv[4] || 'dev'
const parts = {
  dev: ['MAR', 'JOH', 'ACT'],
  calibration: ['ROM', '1CO', '2CO', 'GAL', 'EPH', 'PHI', 'COL', '1TH', '2TH', '1TI', '2TI', 'TIT',
    'PHM', 'HEB', 'JAM', '1PE', '2PE', '1JO', '2JO', '3JO', 'JUD', 'REV'],
}
if (!parts[part]) {
  process.stderr.write(`bible2jsonl.mjs: unknown part '${part}' (dev or calibration)\n`)
  process.exit(2)
}
const books = new Set(parts[part])
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
    if (!books.has(m[1].split('.')[1])) continue
    const t = ent(m[2]).replace(/\s+/g, ' ').trim()
    if (t.length >= 10) verses.push([m[1], t])
  }
  const step = Math.max(1, Math.floor(verses.length / per))
  let n = 0
  for (let i = 0; i < verses.length && n < per; i += step, n++)
    process.stdout.write(JSON.stringify({id: `${iso}-${verses[i][0]}`, text: verses[i][1], gold: iso}) + '\n')
}
