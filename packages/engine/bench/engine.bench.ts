// Engine benchmarks, each side by side in this process, printed as ratios:
//   1. cold run, engine with 2 worker threads vs the same extractor called naively in a loop;
//   2. warm path: engine.extract on cached documents vs the floor (hash the content + Map lookup);
//   3. profiler on vs off (cold inline runs and the warm path).
// Run with `pnpm bench` from this package (builds first: the engine's worker is dist/worker.js).
import { createHash } from 'node:crypto'
import { loadavg } from 'node:os'
import { createEngine, type Engine, type SourceDocument } from '@mx/engine'
import { corpus } from './corpus'

const extractorUrl = new URL('./fixtures/extractor.mjs', import.meta.url)
const extractor = (await import(extractorUrl.href)).default
const ROUNDS = Number(process.env.ROUNDS ?? 5)

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** Wall time in ms. */
async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const started = performance.now()
  await fn()
  return performance.now() - started
}

function naive(docs: SourceDocument[]) {
  const out = []
  for (const doc of docs) {
    const elements = extractor.parse(doc)
    const metas = elements.map((el: unknown) => extractor.element(el, { docId: doc.id, extractor }))
    out.push(extractor.document(elements, metas, { doc, docId: doc.id }))
  }
  return out
}

async function drain(engine: Engine, docs: SourceDocument[]) {
  let failed = 0
  for await (const r of engine.extractMany(docs)) if (!r.ok) failed++
  if (failed > 0) throw new Error(`${failed} documents failed`)
}

async function coldWorkers(docs: SourceDocument[]) {
  const naiveMs: number[] = []
  const engineMs: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    naiveMs.push(await time(() => naive(docs)))
    // A fresh engine each round (cold caches); its threads are started before the clock runs.
    await using engine = createEngine({
      extractor: extractorUrl,
      level: 'basic',
      workers: true,
      threads: 2,
    })
    // Start both threads and let them compile the extractor before the clock runs.
    await drain(
      engine,
      corpus(8, 64).map((doc) => ({ ...doc, id: `warm-up-${doc.id}` })),
    )
    engineMs.push(await time(() => drain(engine, docs)))
  }
  return { naive: median(naiveMs), engine: median(engineMs) }
}

/** CPU time (user + system) of this process in ms: less disturbed by other processes than wall time. */
async function cpu(fn: () => Promise<unknown> | unknown): Promise<number> {
  const before = process.cpuUsage()
  await fn()
  const { user, system } = process.cpuUsage(before)
  return (user + system) / 1000
}

/**
 * Warm path: documents already in the memory cache. Engines with the profiler off and on and
 * the floor (hash the content, look the key up) run in alternating passes, timed in CPU time.
 */
async function warmPath(docs: SourceDocument[]) {
  await using off = createEngine({ extractor: extractorUrl, level: 'standard', profiler: false })
  await using on = createEngine({ extractor: extractorUrl, level: 'standard', profiler: true })
  for (const doc of docs) {
    await off.extract(doc)
    await on.extract(doc)
  }
  const floor = new Map<string, unknown>()
  const hashOf = (doc: SourceDocument) =>
    createHash('sha256').update(`bench@1\0${doc.id}\0`).update(doc.content).digest('base64url')
  for (const doc of docs) floor.set(hashOf(doc), {})
  const passes = 10
  const perDoc = (ms: number) => (ms * 1000) / (passes * docs.length)
  const samples = { off: [] as number[], on: [] as number[], floor: [] as number[] }
  for (let round = 0; round < ROUNDS * 4; round++) {
    samples.off.push(
      perDoc(
        await cpu(async () => {
          for (let p = 0; p < passes; p++) for (const doc of docs) await off.extract(doc)
        }),
      ),
    )
    samples.on.push(
      perDoc(
        await cpu(async () => {
          for (let p = 0; p < passes; p++) for (const doc of docs) await on.extract(doc)
        }),
      ),
    )
    samples.floor.push(
      perDoc(
        await cpu(async () => {
          for (let p = 0; p < passes; p++) for (const doc of docs) await floor.get(hashOf(doc))
        }),
      ),
    )
  }
  if (off.report().cache?.documentHits !== docs.length * passes * ROUNDS * 4)
    throw new Error('warm path missed the cache')
  return { off: median(samples.off), on: median(samples.on), floor: median(samples.floor) }
}

/** Cold inline runs (no cache), profiler on and off alternating, in CPU time. */
async function profilerCold(docs: SourceDocument[]) {
  const on: number[] = []
  const off: number[] = []
  for (let round = 0; round < ROUNDS * 4; round++) {
    for (const profiler of round % 2 ? [true, false] : [false, true]) {
      await using engine = createEngine({ extractor, level: 'basic', profiler })
      const ms = await cpu(() => drain(engine, docs))
      ;(profiler ? on : off).push(ms)
    }
  }
  return { on: median(on), off: median(off) }
}

const fmt = (n: number, digits = 2) => n.toFixed(digits)
console.log(
  `engine bench: node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, rounds ${ROUNDS}`,
)

const coldDocs = corpus(200)
const cold = await coldWorkers(coldDocs)
console.log(
  `cold, 200 docs × 41 elements: naive loop ${fmt(cold.naive, 0)} ms, engine 2 threads ${fmt(cold.engine, 0)} ms → ` +
    `engine is ${fmt(cold.naive / cold.engine)}× the naive loop (target ≥ 1.7×)`,
)

const warmDocs = corpus(500, 8, 40)
const warm = await warmPath(warmDocs)
console.log(
  `warm path per document (CPU): engine ${fmt(warm.off)} µs, floor (sha-256 + Map) ${fmt(warm.floor)} µs → ` +
    `engine overhead ${fmt(warm.off - warm.floor)} µs/doc (target ≤ 10 µs)`,
)
console.log(
  `warm path, profiler on vs off (CPU): ${fmt(warm.on)} µs vs ${fmt(warm.off)} µs → ` +
    `${fmt((warm.on / warm.off - 1) * 100, 1)} %`,
)
const profiled = await profilerCold(corpus(20))
console.log(
  `cold inline run of 20 docs, profiler on vs off (CPU): ${fmt(profiled.on, 1)} ms vs ${fmt(profiled.off, 1)} ms → ` +
    `${fmt((profiled.on / profiled.off - 1) * 100, 1)} % (target ≤ 3 %)`,
)
