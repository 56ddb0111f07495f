// Benchmark on the default corpus (the installed packages' documentation), in one process:
//   naive       the same extractor called in a plain loop: parse → element() each → document()
//   cold        @mx/engine, level performance, 2 worker threads, empty disk cache
//   warm        the same run again on that cache (a new engine: as a second CLI run would)
//   incremental one document edited, then run again on that cache
// Documents are read into memory first so every variant times extraction only. Rounds alternate
// the variants; the medians and their ratios are printed (targets: naive/cold ≥ 1.7,
// cold/warm ≥ 20, cold/incremental ≥ 20).
import { mkdtempSync, rmSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createEngine } from '@mx/engine'
import { installedDocuments } from '../src/corpus.mjs'
import { document } from '../src/extractor/document.mjs'
import { element } from '../src/extractor/element.mjs'
import { parse } from '../src/extractor/parse.mjs'
import { extractorUrl, workspaceRoot } from '../src/run.mjs'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    threads: { type: 'string', default: '2' },
    level: { type: 'string', default: 'performance' },
    json: { type: 'boolean', default: false },
  },
})
const rounds = Number(values.rounds)
const threads = Number(values.threads)

const listing = await installedDocuments(workspaceRoot())
const docs = await Promise.all(
  listing.map(async ({ id, path }) => ({
    id,
    path,
    mediaType: 'text/markdown',
    content: new Uint8Array(await readFile(path)),
  })),
)
const bytes = docs.reduce((n, d) => n + d.content.length, 0)
const log = (text) => !values.json && console.log(text)
log(
  `${docs.length} documents, ${(bytes / 1e6).toFixed(1)} MB, ${rounds} rounds, ${threads} threads, level ${values.level}`,
)

function naive(corpus) {
  let elements = 0
  for (const doc of corpus) {
    try {
      const els = parse(doc)
      const metas = els.map((el) => element(el))
      const { content: _content, ...rest } = doc
      document(els, metas, { doc: rest, docId: doc.id })
      elements += els.length
    } catch {}
  }
  return { elements }
}

async function withEngine(corpus, cacheDir) {
  const engine = createEngine({ extractor: extractorUrl, level: values.level, threads, cacheDir })
  let extracted = 0
  let fromCache = 0
  try {
    for await (const result of engine.extractMany(corpus)) {
      if (!result.ok) continue
      extracted += result.stats.extracted
      if (result.stats.source === 'document-cache') fromCache++
    }
  } finally {
    await engine.close()
  }
  return { extracted, fromCache }
}

async function time(fn) {
  const started = performance.now()
  const result = await fn()
  return { ms: performance.now() - started, ...result }
}

/** One document edited: a paragraph added to the largest README, as a person would. */
function editOne(corpus) {
  const index = corpus.reduce(
    (best, d, i) =>
      d.id.endsWith('README.md') && d.content.length > corpus[best].content.length ? i : best,
    0,
  )
  const edited = corpus.slice()
  const text = `${new TextDecoder().decode(corpus[index].content)}\n\nOne more paragraph, added by the benchmark.\n`
  edited[index] = { ...corpus[index], content: new TextEncoder().encode(text) }
  return { edited, id: corpus[index].id }
}

const samples = { naive: [], cold: [], warm: [], incremental: [] }
const counts = {}
for (let round = 0; round < rounds; round++) {
  const cacheDir = mkdtempSync(join(tmpdir(), 'mx-docs-bench-'))
  try {
    const n = await time(() => naive(docs))
    const cold = await time(() => withEngine(docs, cacheDir))
    const warm = await time(() => withEngine(docs, cacheDir))
    const { edited, id } = editOne(docs)
    const incremental = await time(() => withEngine(edited, cacheDir))
    samples.naive.push(n.ms)
    samples.cold.push(cold.ms)
    samples.warm.push(warm.ms)
    samples.incremental.push(incremental.ms)
    Object.assign(counts, { elements: n.elements, cold, warm, incremental, editedId: id })
    log(
      `round ${round + 1}: naive ${n.ms.toFixed(0)} ms, cold ${cold.ms.toFixed(0)} ms, warm ${warm.ms.toFixed(0)} ms (${warm.fromCache} from cache), incremental ${incremental.ms.toFixed(0)} ms (${incremental.extracted} elements extracted)`,
    )
  } finally {
    rmSync(cacheDir, { recursive: true, force: true })
  }
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const m = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)]))
const ratios = {
  'cold vs naive loop': { ratio: m.naive / m.cold, target: 1.7 },
  'warm vs cold': { ratio: m.cold / m.warm, target: 20 },
  'incremental vs cold': { ratio: m.cold / m.incremental, target: 20 },
}
if (values.json) {
  console.log(
    JSON.stringify(
      {
        documents: docs.length,
        bytes,
        rounds,
        threads,
        level: values.level,
        medianMs: m,
        ratios,
        counts,
      },
      null,
      2,
    ),
  )
} else {
  console.log(
    `\nmedians: naive ${m.naive.toFixed(0)} ms | cold ${m.cold.toFixed(0)} ms | warm ${m.warm.toFixed(0)} ms | incremental ${m.incremental.toFixed(0)} ms`,
  )
  for (const [name, { ratio, target }] of Object.entries(ratios))
    console.log(
      `${name.padEnd(20)} ${ratio.toFixed(2)}×  (target ≥ ${target}×) ${ratio >= target ? 'met' : 'NOT met'}`,
    )
}
