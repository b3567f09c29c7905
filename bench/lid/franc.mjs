// franc.mjs — run franc-all over JSONL records ({"text",...}) and add
// "franc" (ISO 639-3 or "und"). Prints sentences/second (one thread) on stderr.
// Usage: node franc.mjs NODE_MODULES_DIR < in.jsonl > out.jsonl
import fs from 'node:fs'
import path from 'node:path'
import {pathToFileURL} from 'node:url'
const {franc} = await import(pathToFileURL(path.join(process.argv[2], 'franc-all', 'index.js')).href)
const lines = fs.readFileSync(0, 'utf8').split('\n').filter(Boolean)
const recs = lines.map(l => JSON.parse(l))
const t0 = process.hrtime.bigint()
const out = recs.map(r => franc(r.text, {minLength: 1}))
const secs = Number(process.hrtime.bigint() - t0) / 1e9
recs.forEach((r, i) => { r.franc = out[i]; process.stdout.write(JSON.stringify(r) + '\n') })
process.stderr.write(`franc-all: ${recs.length} sentences in ${secs.toFixed(3)} s = ${(recs.length / secs).toFixed(1)} sentences/s\n`)
