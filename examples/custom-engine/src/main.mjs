#!/usr/bin/env node
// mx-custom-engine [dir] [--out metadata.jsonl] [--threads N] [--cache-dir DIR] [--no-cache]
// Extracts metadata from a folder of Markdown documents (default: the documentation of the
// packages installed under the workspace's node_modules) and prints a summary.
import { createWriteStream, existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { folderDocuments, installedDocuments } from '@mx/corpus'
import cliProgress from 'cli-progress'
import { extractCorpus } from './run.mjs'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string', default: 'metadata.jsonl' },
    threads: { type: 'string', default: '2' },
    'cache-dir': { type: 'string' },
    'no-cache': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
})
if (values.help) {
  console.log(
    'usage: mx-custom-engine [dir] [--out FILE] [--threads N] [--cache-dir DIR] [--no-cache]',
  )
  process.exit(0)
}
const threads = Number(values.threads)
if (!Number.isInteger(threads) || threads < 1) {
  console.error(`--threads must be a positive integer, got ${JSON.stringify(values.threads)}`)
  process.exit(2)
}

/** The workspace root: the nearest folder above this file with a pnpm-workspace.yaml. */
function workspaceRoot() {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'pnpm-workspace.yaml')) && dirname(dir) !== dir) dir = dirname(dir)
  return dir
}

const root = workspaceRoot()
// Markdown files (.md), in any folder but node_modules; the installed packages' README,
// CHANGELOG (and the like) and docs/, package by package.
const docs = positionals[0]
  ? await folderDocuments(resolve(positionals[0]), { skip: ['node_modules'], maxDepth: 20 })
  : await installedDocuments(root, { skip: ['node_modules'], maxDepth: 3, order: 'found' })
const cacheDir = values['no-cache']
  ? undefined
  : // As the other examples: under .mx-cache/ in the directory it runs from.
    resolve(values['cache-dir'] ?? join('.mx-cache', 'custom-engine'))
console.log(
  `${docs.length} documents from ${positionals[0] ?? 'the installed packages’ documentation'}; ` +
    `${threads} threads; cache ${cacheDir ?? 'memory only'}`,
)

const out = createWriteStream(values.out)
const bar = new cliProgress.SingleBar(
  {
    format: ' {bar} {value}/{total} documents | {failed} failed | {eta_formatted} left',
    hideCursor: true,
  },
  cliProgress.Presets.shades_classic,
)
bar.start(docs.length, 0, { failed: 0 })
const run = extractCorpus(docs, { cacheDir, threads })
let failed = 0
for await (const result of run) {
  if (!result.ok) failed++
  out.write(`${JSON.stringify(result)}\n`)
  bar.increment(1, { failed })
}
bar.stop()
await new Promise((done) => out.end(done))

const s = run.summary()
const pct = (x) => `${(x * 100).toFixed(1)}%`
console.table({
  documents: s.documents,
  failed: s.failed,
  'served whole from cache': s.fromCache,
  elements: s.elements,
  'elements extracted in workers': s.extracted,
  'elements reused from cache': s.reused,
  'documents/s': Math.round(s.documentsPerSecond),
  seconds: Number(s.seconds.toFixed(2)),
  'cache hit ratio': pct(s.cache.hitRatio),
  ...Object.fromEntries(s.cache.tiers.map((t) => [`  ${t.name} tier hit ratio`, pct(t.hitRatio)])),
  'worker tasks completed': s.pool.completed,
})
// Absolute, as the other examples print paths: right wherever the command ran.
console.log(`metadata written to ${resolve(values.out)}`)
