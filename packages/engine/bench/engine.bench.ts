// Engine benchmarks, each side by side in this process, printed as ratios:
//   1. cold run, engine with 2 worker threads vs the same extractor called naively in a loop;
//   2. warm path: engine.extract on cached documents vs the floor (hash the content + Map lookup);
//   3. profiler on vs off (cold inline runs and the warm path).
// Each is timed by the shared harness (@mx/profiler/bench): one warm-up call per task, then
// rounds running the tasks in turn in a seeded random order; figures are medians.
// Run with `pnpm bench` from this package (builds first: the engine's worker is dist/worker.js).
import { createHash } from 'node:crypto'
import { loadavg } from 'node:os'
import { createEngine, type Engine, type SourceDocument } from '@mx/engine'
import {
  type BenchOptions,
  type BenchTaskResult,
  bench,
  formatBench,
  formatNs,
  formatRatios,
} from '@mx/profiler/bench'
import { corpus } from './corpus'

const extractorUrl = new URL('./fixtures/extractor.mjs', import.meta.url)
const extractor = (await import(extractorUrl.href)).default
const ROUNDS = Number(process.env.ROUNDS ?? 5)
/** One warm-up call each, then `rounds` rounds of one sample per task (a seeded random order). */
const inRounds = (rounds: number): BenchOptions => ({
  rounds,
  minSamples: rounds,
  maxSamples: rounds,
  timeMs: 0,
  warmupMs: 0,
})

function naive(docs: SourceDocument[]) {
  const out = []
  for (const doc of docs) {
    const elements = extractor.parse(doc)
    const metas = elements.map((el: unknown) => extractor.element(el, { docId: doc.id, extractor }))
    out.push(extractor.document(elements, metas, { doc, docId: doc.id }))
  }
  if (out.length !== docs.length) throw new Error('the naive loop lost documents')
  return out
}

async function drain(engine: Engine, docs: SourceDocument[]) {
  let failed = 0
  for await (const r of engine.extractMany(docs)) if (!r.ok) failed++
  if (failed > 0) throw new Error(`${failed} documents failed`)
}

/** Cold run, wall time: a fresh engine for every engine sample, started and warm before its clock runs. */
async function coldWorkers(docs: SourceDocument[]) {
  let engine: Engine | undefined
  const result = await bench(
    [
      ['naive loop', () => naive(docs)],
      ['engine 2 threads', () => drain(engine as Engine, docs)],
    ],
    {
      ...inRounds(ROUNDS),
      setup: async (task) => {
        // No engine left running next to the naive loop; a fresh engine for each engine run
        // (cold caches), both threads started and the extractor compiled before the clock runs.
        await engine?.close()
        engine = undefined
        if (task === 'naive loop') return
        engine = createEngine({
          extractor: extractorUrl,
          level: 'basic',
          workers: true,
          threads: 2,
        })
        await drain(
          engine,
          corpus(8, 64).map((doc) => ({ ...doc, id: `warm-up-${doc.id}` })),
        )
      },
    },
  )
  await engine?.close()
  return result
}

/**
 * Warm path: documents already in the memory cache. Engines with the profiler off and on and
 * the floor (hash the content, look the key up) run in alternating rounds, timed in CPU time
 * (less disturbed by other processes than wall time).
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
  let offCalls = 0
  const result = await bench(
    [
      [
        'engine.extract, profiler off',
        async () => {
          offCalls++
          for (let p = 0; p < passes; p++) for (const doc of docs) await off.extract(doc)
        },
      ],
      [
        'engine.extract, profiler on',
        async () => {
          for (let p = 0; p < passes; p++) for (const doc of docs) await on.extract(doc)
        },
      ],
      [
        'floor: sha-256 + Map lookup',
        async () => {
          for (let p = 0; p < passes; p++) for (const doc of docs) await floor.get(hashOf(doc))
        },
      ],
    ],
    { ...inRounds(ROUNDS * 4), clock: 'cpu', opsPerCall: passes * docs.length },
  )
  if (off.report().cache?.documentHits !== docs.length * passes * offCalls)
    throw new Error('warm path missed the cache')
  return result
}

/** Cold inline runs (no cache), profiler on and off alternating, a fresh engine each, in CPU time. */
async function profilerCold(docs: SourceDocument[]) {
  let engine: Engine | undefined
  const result = await bench(
    [
      ['profiler off', () => drain(engine as Engine, docs)],
      ['profiler on', () => drain(engine as Engine, docs)],
    ],
    {
      ...inRounds(ROUNDS * 4),
      clock: 'cpu',
      setup: async (task) => {
        await engine?.close()
        engine = createEngine({ extractor, level: 'basic', profiler: task === 'profiler on' })
      },
    },
  )
  await engine?.close()
  return result
}

console.log(
  `engine bench: node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, rounds ${ROUNDS}`,
)

console.log('\ncold, 200 docs × 41 elements, wall time:')
const cold = await coldWorkers(corpus(200))
console.log(formatBench(cold))
const [naiveRun, engineRun] = cold.tasks
console.log(formatRatios([{ ours: engineRun, peer: naiveRun, note: 'target ≥ 1.7×' }]))

console.log('\nwarm path per document, CPU time:')
const warm = await warmPath(corpus(500, 8, 40))
console.log(formatBench(warm))
const [warmOff, warmOn, warmFloor] = warm.tasks
console.log(
  formatRatios([
    { ours: warmOff, peer: warmFloor },
    { ours: warmOn, peer: warmOff },
  ]),
)
const overhead = warmOff.stats.median - warmFloor.stats.median
const profiled = (on: BenchTaskResult, off: BenchTaskResult) =>
  `${((on.stats.median / off.stats.median - 1) * 100).toFixed(1)} %`
console.log(`engine overhead ${formatNs(overhead)}/doc (target ≤ 10 µs)`)
console.log(`warm path, profiler on vs off: ${profiled(warmOn, warmOff)}`)

console.log('\ncold inline run of 20 docs, profiler on vs off, CPU time:')
const inline = await profilerCold(corpus(20))
console.log(formatBench(inline))
const [coldOff, coldOn] = inline.tasks
console.log(formatRatios([{ ours: coldOn, peer: coldOff }]))
console.log(`cold inline run, profiler on vs off: ${profiled(coldOn, coldOff)} (target ≤ 3 %)`)
