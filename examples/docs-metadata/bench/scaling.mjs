// How a cold run scales with threads, in one process, on the default corpus or a folder:
//   node bench/scaling.mjs [dir] [--rounds 3] [--threads 1,2,4] [--record FILE.json]
// For 1, 2, 4, … threads up to os.availableParallelism():
//   naive      the extractor called in a plain loop on this thread (parse → element() → document())
//   ceiling    that loop on N plain worker threads, no mx, results posted back: what the machine gives
//   mx cold    a new engine (level performance, N threads) on an empty disk cache, closed after
// and prints the speedups against the naive loop, mx ÷ ceiling, and the serial fraction of the mx
// run: main-thread busy time (performance.eventLoopUtilization) ÷ (that + the time the threads
// spent in the task, pool.stats().taskMs). Medians of the rounds. Two more columns pair each mx
// run with the ceiling run just before it: the median of their per-round wall-time ratios (less
// exposed to a host whose speed drifts between rounds), and of their CPU-time ratios, from
// process.cpuUsage() (every thread of the process, over the same window as the wall time): how
// much more work mx does than the bare loop, which bounds mx / ceiling wherever the cores are
// all busy. Every mx run is checked against the naive loop, after its clock stops: the same
// documents ok, the same metadata, the same element count.
// --record saves the figures (with the machine) to bench/results/; the tables of saved runs from
// other machines are printed after this machine's, so docs/benchmarks.md carries them.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { isDeepStrictEqual, parseArgs } from 'node:util'
import { createEngine } from '@mx/engine'
import { listCorpus, readDocuments } from '../src/corpus.mjs'
import { extractorUrl } from '../src/engine.mjs'
import { naive, rawThreads } from './raw-threads.mjs'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '3' },
    threads: { type: 'string' },
    record: { type: 'string' },
  },
})
const rounds = Number(values.rounds)
const cores = os.availableParallelism()
const threadCounts = values.threads
  ? values.threads.split(',').map(Number)
  : [...new Set([...[1, 2, 4, 8, 16, 32, 64].filter((n) => n <= cores), cores])]
const resultsDir = new URL('./results/', import.meta.url)

const docs = []
for await (const doc of readDocuments(await listCorpus(positionals[0]), { onError: () => {} }))
  docs.push(doc)
const bytes = docs.reduce((n, d) => n + d.content.length, 0)
const corpus = positionals[0] ? 'a folder' : 'the default corpus (installed packages’ docs)'
console.log(
  `scaling: ${docs.length} documents, ${(bytes / 1e6).toFixed(1)} MB (${corpus}), ${rounds} rounds, ` +
    `${cores} cores (${os.cpus()[0]?.model.trim()}), node ${process.version}`,
)

// What every mx run must give back: the naive loop's metadata per document.
const expected = (await naive(docs, { keep: true })).metadata

/** One cold mx run: a new engine on an empty disk cache, created, drained and closed. */
async function mxCold(threads) {
  const cacheDir = mkdtempSync(join(os.tmpdir(), 'mx-scaling-'))
  const busy = performance.eventLoopUtilization()
  const cpu = process.cpuUsage()
  const started = performance.now()
  const engine = createEngine({ extractor: extractorUrl, level: 'performance', threads, cacheDir })
  const results = []
  let taskMs = 0
  let ms = 0
  let mainMs = 0
  let cpuMs = 0
  try {
    for await (const result of engine.extractMany(docs, { ordered: false })) results.push(result)
    taskMs = engine.slots.workers.stats()?.taskMs ?? 0
    await engine.close()
    ms = performance.now() - started
    cpuMs = cpuTime(cpu)
    mainMs = performance.eventLoopUtilization(busy).active
  } finally {
    await engine.close()
    rmSync(cacheDir, { recursive: true, force: true })
  }
  // Checked after the clock stops: the check is the benchmark's work, not the engine's.
  let ok = 0
  let elements = 0
  let wrong = 0
  for (const result of results) {
    if (!result.ok) continue
    ok++
    elements += result.stats.elements
    if (!isDeepStrictEqual(result.metadata, expected.get(result.id))) wrong++
  }
  if (ok !== expected.size || wrong > 0)
    throw new Error(`mx gave ${ok} ok documents (${wrong} differ), the naive loop ${expected.size}`)
  return { ms, cpuMs, mainMs, taskMs, elements }
}

/** CPU time (user + system, all threads) since `since` (a process.cpuUsage() value), in ms. */
function cpuTime(since) {
  const { user, system } = process.cpuUsage(since)
  return (user + system) / 1000
}

/** Throws unless `metadata` (by id) is the naive loop's, document for document. */
function checkMetadata(name, metadata) {
  let wrong = 0
  for (const [id, value] of expected) if (!isDeepStrictEqual(metadata.get(id), value)) wrong++
  if (metadata.size !== expected.size || wrong > 0)
    throw new Error(
      `${name} gave ${metadata.size} documents (${wrong} differ), the naive loop ${expected.size}`,
    )
}

async function time(fn) {
  const cpu = process.cpuUsage()
  const started = performance.now()
  const result = await fn()
  return { ms: performance.now() - started, cpuMs: cpuTime(cpu), ...result }
}

const median = (xs) => {
  const sorted = xs.slice().sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

const naiveMs = []
const rows = []
for (const threads of threadCounts) {
  const samples = { ceiling: [], mx: [], serial: [], paired: [], cpu: [] }
  for (let round = 0; round < rounds; round++) {
    const loop = await time(() => naive(docs))
    naiveMs.push(loop.ms)
    const ceiling = await time(() => rawThreads(docs, threads))
    checkMetadata('the ceiling', ceiling.metadata)
    const mx = await mxCold(threads)
    if (ceiling.elements !== loop.elements || mx.elements !== loop.elements)
      throw new Error(
        `element counts differ: naive ${loop.elements}, ceiling ${ceiling.elements}, mx ${mx.elements}`,
      )
    samples.ceiling.push(ceiling.ms)
    samples.mx.push(mx.ms)
    samples.serial.push(mx.mainMs / (mx.mainMs + mx.taskMs))
    samples.paired.push(ceiling.ms / mx.ms)
    samples.cpu.push(ceiling.cpuMs / mx.cpuMs)
  }
  rows.push({
    threads,
    ceilingMs: median(samples.ceiling),
    mxMs: median(samples.mx),
    serialFraction: median(samples.serial),
    pairedMxOverCeiling: median(samples.paired),
    cpuCeilingOverMx: median(samples.cpu),
  })
  console.log(`  ${threads} threads done`)
}
const naiveMedian = median(naiveMs)
for (const row of rows) {
  row.ceiling = naiveMedian / row.ceilingMs
  row.mx = naiveMedian / row.mxMs
  row.mxOverCeiling = row.mx / row.ceiling
}

const run = {
  machine: `${cores} × ${os.cpus()[0]?.model.trim()}`,
  node: process.version,
  date: new Date().toISOString(),
  documents: docs.length,
  bytes,
  rounds,
  naiveMs: naiveMedian,
  rows,
}
console.log(`\nthis machine: ${run.machine}`)
printTable(run)
if (values.record) {
  mkdirSync(resultsDir, { recursive: true })
  writeFileSync(new URL(values.record, resultsDir), `${JSON.stringify(run, null, 2)}\n`)
  console.log(`recorded in bench/results/${values.record}`)
}

/** Amdahl's bound at `threads` from a serial fraction: 1 / (s + (1 - s) / threads). */
function amdahl(serial, threads) {
  return 1 / (serial + (1 - serial) / threads)
}

function printTable({ rows, naiveMs }) {
  console.log(`naive loop: ${(naiveMs / 1000).toFixed(2)} s (median)`)
  console.log(
    'threads | ceiling vs naive | mx cold vs naive | mx / ceiling | mx / ceiling, paired | CPU: ceiling / mx | serial fraction | Amdahl bound vs 1 thread (s at 2)',
  )
  const serial = rows.find((row) => row.threads === 2)?.serialFraction ?? rows[0]?.serialFraction
  for (const row of rows) {
    console.log(
      [
        String(row.threads).padStart(7),
        `${row.ceiling.toFixed(2)}×`.padStart(16),
        `${row.mx.toFixed(2)}×`.padStart(16),
        row.mxOverCeiling.toFixed(2).padStart(12),
        // Runs recorded before these two columns existed have neither.
        (row.pairedMxOverCeiling?.toFixed(2) ?? '–').padStart(20),
        (row.cpuCeilingOverMx?.toFixed(2) ?? '–').padStart(17),
        `${(row.serialFraction * 100).toFixed(1)}%`.padStart(15),
        `${amdahl(serial, row.threads).toFixed(2)}×`.padStart(29),
      ].join(' | '),
    )
  }
  // Thread counts this machine could not run: what the measured serial fraction allows there.
  const beyond = [4, 8, 16].filter((n) => !rows.some((row) => row.threads >= n))
  if (beyond.length > 0 && serial !== undefined) {
    const bounds = beyond.map((n) => `${n} threads ${amdahl(serial, n).toFixed(2)}×`).join(', ')
    console.log(
      `Amdahl prediction from the serial fraction (${(serial * 100).toFixed(1)}%), not measured: ${bounds} vs 1 thread`,
    )
  }
}

// Runs recorded on other machines (a many-core one, say), so docs/benchmarks.md shows them too.
// (A clean clone may have no bench/results/: git keeps no empty folder.)
for (const name of (existsSync(resultsDir) ? readdirSync(resultsDir) : [])
  .filter((file) => file.endsWith('.json'))
  .sort()) {
  if (name === values.record) continue
  const recorded = JSON.parse(readFileSync(new URL(name, resultsDir), 'utf8'))
  console.log(
    `\nrecorded (bench/results/${name}): ${recorded.machine}, node ${recorded.node}, ${recorded.date}, ` +
      `${recorded.documents} documents, ${(recorded.bytes / 1e6).toFixed(1)} MB, ${recorded.rounds} rounds`,
  )
  printTable(recorded)
}
