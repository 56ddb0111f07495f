#!/usr/bin/env node
// mx dashboard: an extraction with @mx/engine while @mx/profiler's live dashboard serves the
// engine's profiler on 127.0.0.1. Open the printed URL: the stage timings, the timeline and
// the document counters update while documents are extracted.
import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { folderDocuments, installedDocuments, readCorpus } from '@mx/corpus'
import { createEngine } from '@mx/engine'
import { createProfiler, serveDashboard } from '@mx/profiler'

const usage = `usage: node src/main.mjs [dir] [--seconds N] [--port P] [--pace MS] [--wait] [--level L] [--threads N]

  dir        folder of Markdown files (default: the READMEs of the installed packages)
  --seconds  keep serving the dashboard N seconds after the run (default 60; 0: until Ctrl-C)
  --port     dashboard port on 127.0.0.1 (default: a free one)
  --pace     wait MS between documents, to watch a small corpus (default 0)
  --wait     start extracting once a browser has the dashboard open
  --level    engine level (default standard; performance adds worker threads)
  --threads  worker threads at level performance or enterprise`

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: 'string', default: '60' },
    port: { type: 'string', default: '0' },
    pace: { type: 'string', default: '0' },
    wait: { type: 'boolean', default: false },
    level: { type: 'string', default: 'standard' },
    threads: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
})
const seconds = Number(values.seconds)
const pace = Number(values.pace)
if (values.help || !(seconds >= 0) || !(pace >= 0)) {
  console.log(usage)
  process.exit(values.help ? 0 : 2)
}

const root = new URL('../../..', import.meta.url).pathname
const dir = positionals[0] && resolve(positionals[0])
if (dir && !statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
  console.error(`not a folder: ${dir}`)
  process.exit(2)
}
// The .md files of dir, or the README of each installed package (each package once).
const listing = dir
  ? await folderDocuments(dir)
  : await installedDocuments(root, { names: /^readme\.(md|markdown)$/i, folders: [] })
const source = readCorpus(listing, { text: true })

// Ticking every 250 ms: the dashboard pushes a snapshot to the page on each tick. The engine
// keeps the documents.ok/failed, elements.extracted/reused and cache.document.hits/misses
// counters in it as documents complete.
const profiler = createProfiler({ collectRuntime: true, intervalMs: 250 })
const engine = createEngine({
  extractor: new URL(import.meta.resolve('@mx/example-distributed/extractor')),
  // Checked by the engine: an unknown level throws MX_INVALID_OPTION naming `level`.
  level: /** @type {import('@mx/engine').LevelName} */ (values.level),
  profiler,
  ...(values.threads ? { threads: Number(values.threads) } : {}),
})
const dashboard = await serveDashboard(profiler, {
  host: '127.0.0.1',
  port: Number(values.port),
  title: 'mx extraction (live)',
})
console.log(`dashboard: ${dashboard.url}`)

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  await dashboard.close()
  await engine.close()
  profiler.close()
}
process.once('SIGINT', () => stop().then(() => process.exit(0)))
process.once('SIGTERM', () => stop().then(() => process.exit(0)))

if (values.wait) {
  console.log('waiting for a browser to open the dashboard...')
  while (dashboard.clients === 0) await sleep(50)
}

async function* paced(documents) {
  for await (const doc of documents) {
    if (pace > 0) await sleep(pace)
    yield doc
  }
}

for await (const _result of engine.extractMany(paced(source), { ordered: false })) {
  if (stopping) break
}
const report = engine.report()
console.log(
  `done: ${report.documents.ok} ok, ${report.documents.failed} failed, ` +
    `${report.elements.total} elements, ${Math.round(report.documents.perSecond)} documents/s`,
)
if (seconds > 0) {
  console.log(`serving the dashboard for ${seconds} s (Ctrl-C to stop)`)
  await sleep(seconds * 1000)
  await stop()
} else {
  console.log('serving the dashboard until Ctrl-C')
}
