/**
 * @mx/workers against raw piscina, tinypool, workerpool and inline, in one process, same inputs.
 * Run with `npm run bench` (builds first: the pool loads its worker runtime from dist/).
 * Prints rates and ratios; every peer is measured in the same run, on the same machine.
 */
import { Piscina } from 'piscina'
import { Tinypool } from 'tinypool'
import workerpool from 'workerpool'
import { createPool, type Pool } from '../dist/index.js'
import { bytes, cpu, trivial } from './tasks/work.mjs'

const THREADS = 2
const task = (name: string) => new URL(`./tasks/${name}.mjs`, import.meta.url)
const now = () => performance.now()

interface Peer {
  name: string
  run(input: unknown, transfer?: ArrayBuffer): Promise<unknown>
  close(): Promise<unknown>
}

function peers(kind: 'trivial' | 'cpu' | 'bytes'): Peer[] {
  const piscina = new Piscina({
    filename: task(`raw-${kind}`).href,
    minThreads: THREADS,
    maxThreads: THREADS,
  })
  const tinypool = new Tinypool({
    filename: task(`raw-${kind}`).href,
    minThreads: THREADS,
    maxThreads: THREADS,
  })
  const wp = workerpool.pool(task('workerpool').pathname, {
    workerType: 'thread',
    maxWorkers: THREADS,
    minWorkers: THREADS,
  })
  return [
    {
      name: 'piscina',
      run: (input, transfer) => piscina.run(input, transfer ? { transferList: [transfer] } : {}),
      close: () => piscina.destroy(),
    },
    {
      name: 'tinypool',
      run: (input, transfer) => tinypool.run(input, transfer ? { transferList: [transfer] } : {}),
      close: () => tinypool.destroy(),
    },
    {
      name: 'workerpool',
      run: (input, transfer) =>
        wp.exec(
          kind,
          [input],
          transfer ? { transfer: [transfer] } : {},
        ) as unknown as Promise<unknown>,
      close: async () => {
        await wp.terminate()
      },
    },
  ]
}

function mxPool(kind: string): Pool {
  return createPool({ task: task(`mx-${kind}`), threads: THREADS, retries: { attempts: 1 } })
}

async function timed(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = now()
  await fn()
  return now() - start
}

const rows: string[][] = []
function report(
  bench: string,
  name: string,
  ms: number,
  count: number,
  baseline: number,
  baseName: string,
) {
  const rate = Math.round((count / ms) * 1000)
  const ratio = (baseline / ms).toFixed(2)
  rows.push([bench, name, `${rate.toLocaleString('en-US')}/s`, `${ratio}× ${baseName}`])
  console.log(
    `${bench.padEnd(22)} ${name.padEnd(22)} ${`${rate}/s`.padStart(12)}  ${ratio}× ${baseName}`,
  )
}

interface Runner {
  name: string
  /** Runs the whole input set once. */
  run(): Promise<unknown> | unknown
  close?(): Promise<unknown>
}

/**
 * Rounds interleave the runners (A B C, A B C, ...) and keep each one's best time, so a burst
 * of load from the machine's other users hits every runner alike.
 */
async function compare(rounds: number, runners: Runner[]): Promise<Map<string, number>> {
  const times = new Map<string, number>()
  for (const runner of runners) await runner.run() // warm-up: threads started, code compiled
  for (let round = 0; round < rounds; round++) {
    for (const runner of runners) {
      const ms = await timed(() => runner.run())
      times.set(runner.name, Math.min(times.get(runner.name) ?? Number.POSITIVE_INFINITY, ms))
    }
  }
  for (const runner of runners) await runner.close?.()
  return times
}

function poolRunners(kind: 'trivial' | 'cpu', inputs: number[]): Runner[] {
  const pool = mxPool(kind)
  return [
    {
      name: '@mx/workers',
      run: () => Promise.all(inputs.map((n) => pool.run(n))),
      close: () => pool.close(),
    },
    ...peers(kind).map((peer) => ({
      name: peer.name,
      run: () => Promise.all(inputs.map((n) => peer.run(n))),
      close: () => peer.close(),
    })),
  ]
}

async function benchTrivial() {
  const count = 200_000
  const inputs = Array.from({ length: count }, (_, i) => i)
  const runners = poolRunners('trivial', inputs)
  const mapPool = mxPool('trivial')
  runners.splice(1, 0, {
    name: '@mx/workers map()',
    run: async () => {
      for await (const _ of mapPool.map(inputs));
    },
    close: () => mapPool.close(),
  })
  runners.push({ name: 'inline', run: () => inputs.map(trivial) })
  const times = await compare(3, runners)
  const base = times.get('piscina') as number
  for (const [name, ms] of times) report('trivial tasks', name, ms, count, base, 'piscina')
}

async function benchCpu() {
  const count = 300
  const inputs = Array.from({ length: count }, (_, i) => i)
  const runners: Runner[] = [
    { name: 'inline', run: () => inputs.map(cpu) },
    ...poolRunners('cpu', inputs),
  ]
  const times = await compare(3, runners)
  const inline = times.get('inline') as number
  for (const [name, ms] of times) report('CPU-bound (fib 27)', name, ms, count, inline, 'inline')
  const mx = times.get('@mx/workers') as number
  const piscina = times.get('piscina') as number
  const overhead = `${(((mx - piscina) / piscina) * 100).toFixed(1)}%`
  console.log(`CPU-bound: @mx/workers time against raw piscina ${overhead}`)
  rows.push(['CPU-bound (fib 27)', '@mx/workers time vs piscina', overhead, ''])
}

function documents(count: number, size = 100 * 1024): Uint8Array[] {
  const text = new TextEncoder().encode(
    'Lorem ipsum dolor sit amet, consectetur — adipiscing élit.\n'.repeat(2000),
  )
  return Array.from({ length: count }, (_, i) => {
    const doc = new Uint8Array(size)
    doc.set(text.subarray(0, size))
    doc[0] = i % 256
    return doc
  })
}

async function benchDocuments() {
  const count = 500
  // Transferred documents leave this thread, so every timed run gets a new set, made untimed.
  const sets: Uint8Array[][] = []
  const next = () => sets.shift() ?? documents(count)
  const prepared = (run: (docs: Uint8Array[]) => Promise<unknown> | unknown) => async () => {
    const docs = next()
    sets.push(documents(count))
    const start = now()
    await run(docs)
    return now() - start
  }
  const pool = mxPool('bytes')
  const [piscina, ...others] = peers('bytes') as [Peer, ...Peer[]]
  const runners: [string, () => Promise<number>, (() => Promise<unknown>)?][] = [
    ['inline', prepared((docs) => docs.map(bytes))],
    [
      '@mx/workers transfer',
      prepared((docs) => Promise.all(docs.map((doc) => pool.run(doc, { transfer: true })))),
      () => pool.close(),
    ],
    ['@mx/workers clone', prepared((docs) => Promise.all(docs.map((doc) => pool.run(doc))))],
    [
      'piscina',
      prepared((docs) => Promise.all(docs.map((doc) => piscina.run(doc)))),
      () => piscina.close(),
    ],
    [
      'piscina transferList',
      prepared((docs) =>
        Promise.all(docs.map((doc) => piscina.run(doc, doc.buffer as ArrayBuffer))),
      ),
    ],
    ...others.map(
      (peer) =>
        [
          peer.name,
          prepared((docs) => Promise.all(docs.map((doc) => peer.run(doc)))),
          () => peer.close(),
        ] as [string, () => Promise<number>, () => Promise<unknown>],
    ),
  ]
  const times = new Map<string, number>()
  for (const [, run] of runners) await run()
  for (let round = 0; round < 3; round++) {
    for (const [name, run] of runners)
      times.set(name, Math.min(times.get(name) ?? Number.POSITIVE_INFINITY, await run()))
  }
  for (const [, , close] of runners) await close?.()
  const inline = times.get('inline') as number
  for (const [name, ms] of times) report('100 KB documents', name, ms, count, inline, 'inline')
}

async function mapMemory(label: string, resourceLimits?: { maxYoungGenerationSizeMb: number }) {
  const count = 1_000_000
  const pool = createPool({
    task: task('mx-trivial'),
    threads: THREADS,
    ...(resourceLimits ? { resourceLimits } : {}),
  })
  await Promise.all(Array.from({ length: 10_000 }, (_, i) => pool.run(i)))
  const baseline = process.memoryUsage().rss
  let peak = baseline
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }, 20)
  function* generate() {
    for (let i = 0; i < count; i++) yield i
  }
  let sum = 0
  const ms = await timed(async () => {
    for await (const result of pool.map(generate())) if (result.ok) sum += result.value as number
  })
  clearInterval(sampler)
  peak = Math.max(peak, process.memoryUsage().rss)
  await pool.close()
  const expected = (count * (count + 1)) / 2
  if (sum !== expected) throw new Error(`map() lost results: ${sum} !== ${expected}`)
  const above = `peak RSS +${((peak - baseline) / 1_048_576).toFixed(1)} MB`
  const rate = `${Math.round((count / ms) * 1000).toLocaleString('en-US')}/s`
  console.log(`map() over 1 M generated inputs, ${label}: ${rate}, ${above} above baseline`)
  rows.push(['map() 1 M inputs', `@mx/workers ${label}`, rate, above])
}

async function benchMapMemory() {
  // Defaults give each thread an 8 MB young generation; 48 MB is V8's own default.
  await mapMemory('defaults')
  await mapMemory('threads young gen 48 MB (V8 default)', { maxYoungGenerationSizeMb: 48 })
}

const only = process.argv[2]
const benches: Record<string, () => Promise<void>> = {
  trivial: benchTrivial,
  cpu: benchCpu,
  documents: benchDocuments,
  map: benchMapMemory,
}
for (const [name, bench] of Object.entries(benches)) if (!only || only === name) await bench()
console.log('\n| benchmark | runner | rate | ratio |\n|---|---|---|---|')
for (const row of rows) console.log(`| ${row.join(' | ')} |`)
