/**
 * @mx/workers against raw piscina, tinypool, workerpool and inline, in one process, same inputs.
 * Run with `npm run bench` (builds first: the pool loads its worker runtime from dist/).
 * Prints rates and ratios; every peer is measured in the same run, on the same machine.
 */
import { deepStrictEqual } from 'node:assert'
import {
  type BenchOptions,
  type BenchTaskResult,
  bench,
  formatBench,
  formatRatios,
} from '@mx/profiler/bench'
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

interface Runner {
  name: string
  /** Runs the whole input set once. */
  run(): Promise<unknown> | unknown
  /** Runs one input, for the result check. */
  one(input: number): Promise<unknown> | unknown
  close?(): Promise<unknown>
}

/**
 * One warm-up run each (threads started, code compiled), then 3 rounds running the runners in
 * turn (a seeded random order), so a burst of load from the machine's other users hits every
 * runner alike; each figure is the median of its 3 runs. Every runner's results are checked
 * against the first runner's (inline) before the pools close: a few single inputs, then one whole
 * run each (untimed).
 */
async function compare(
  title: string,
  count: number,
  runners: Runner[],
  check: number[],
  setup?: () => void,
) {
  const options: BenchOptions = { rounds: 3, minSamples: 3, maxSamples: 3, timeMs: 0, warmupMs: 0 }
  console.log(`\n${title} (${count.toLocaleString('en-US')} tasks per run)`)
  const result = await bench(
    runners.map(({ name, run }) => [name, run] as const),
    { ...options, opsPerCall: count, ...(setup ? { setup } : {}) },
  )
  const expected = await Promise.all(check.map((input) => runners[0]?.one(input)))
  for (const runner of runners) {
    deepStrictEqual(
      await Promise.all(check.map((input) => runner.one(input))),
      expected,
      runner.name,
    )
  }
  // And one whole run of each, untimed, against the first runner's (inline): every result, in order.
  setup?.()
  const all = await runners[0]?.run()
  for (const runner of runners.slice(1)) {
    setup?.()
    deepStrictEqual(await runner.run(), all, `${runner.name}: a whole run`)
  }
  for (const runner of runners) await runner.close?.()
  console.log(formatBench(result))
  return new Map(result.tasks.map((task) => [task.name, task]))
}

function poolRunners(kind: 'trivial' | 'cpu', inputs: number[]): Runner[] {
  const pool = mxPool(kind)
  return [
    {
      name: '@mx/workers',
      run: () => Promise.all(inputs.map((n) => pool.run(n))),
      one: (n) => pool.run(n),
      close: () => pool.close(),
    },
    ...peers(kind).map((peer) => ({
      name: peer.name,
      run: () => Promise.all(inputs.map((n) => peer.run(n))),
      one: (n: number) => peer.run(n),
      close: () => peer.close(),
    })),
  ]
}

/** `formatRatios` rows: every runner of `tasks` against `base`. */
function against(
  tasks: Map<string, BenchTaskResult>,
  base: string,
  ours?: (name: string) => boolean,
) {
  const peer = tasks.get(base) as BenchTaskResult
  return [...tasks.values()]
    .filter((task) => task.name !== base && (!ours || ours(task.name)))
    .map((task) => ({ ours: task, peer }))
}

/**
 * @mx/workers batches small tasks on its own (`batch: 'auto'`: up to 512 inputs per message);
 * piscina and tinypool send one message per `run()`. These rows give them the same batching by
 * hand: arrays of `BATCH` inputs per task, the results flattened back in order.
 */
const BATCH = 512

function batchedPeers(inputs: number[]): Runner[] {
  const chunks: number[][] = []
  for (let i = 0; i < inputs.length; i += BATCH) chunks.push(inputs.slice(i, i + BATCH))
  const options = {
    filename: task('raw-trivial-batch').href,
    minThreads: THREADS,
    maxThreads: THREADS,
  }
  const piscina = new Piscina(options)
  const tinypool = new Tinypool(options)
  const runner = (
    name: string,
    run: (chunk: number[]) => Promise<number[]>,
    close: () => unknown,
  ) => ({
    name,
    run: async () => (await Promise.all(chunks.map(run))).flat(),
    one: async (n: number) => ((await run([n])) as number[])[0],
    close: async () => close(),
  })
  return [
    runner(
      `piscina, ${BATCH} per task`,
      (chunk) => piscina.run(chunk),
      () => piscina.destroy(),
    ),
    runner(
      `tinypool, ${BATCH} per task`,
      (chunk) => tinypool.run(chunk),
      () => tinypool.destroy(),
    ),
  ]
}

async function benchTrivial() {
  const count = 200_000
  const inputs = Array.from({ length: count }, (_, i) => i)
  const mapPool = mxPool('trivial')
  const [mx, ...others] = poolRunners('trivial', inputs)
  const runners: Runner[] = [
    { name: 'inline', run: () => inputs.map(trivial), one: trivial },
    mx as Runner,
    {
      name: '@mx/workers map()',
      run: async () => {
        const results: unknown[] = []
        for await (const result of mapPool.map(inputs))
          results.push(result.ok ? result.value : result)
        return results
      },
      one: async (n) => {
        for await (const result of mapPool.map([n])) return result.ok ? result.value : result
      },
      close: () => mapPool.close(),
    },
    ...others,
    ...batchedPeers(inputs),
  ]
  const tasks = await compare('trivial tasks', count, runners, [0, 1, 41])
  console.log(
    `@mx/workers batches ${BATCH} inputs per message by itself; so do the "per task" rows`,
  )
  console.log(formatRatios(against(tasks, 'piscina')))
  const batched = `piscina, ${BATCH} per task`
  console.log(formatRatios(against(tasks, batched, (name) => name.startsWith('@mx/workers'))))
}

async function benchCpu() {
  const count = 300
  const inputs = Array.from({ length: count }, (_, i) => i)
  const runners: Runner[] = [
    { name: 'inline', run: () => inputs.map(cpu), one: cpu },
    ...poolRunners('cpu', inputs),
  ]
  const tasks = await compare('CPU-bound (fib 27)', count, runners, [0, 7])
  console.log(
    formatRatios([
      ...against(tasks, 'inline'),
      ...against(tasks, 'piscina', (name) => name === '@mx/workers'),
    ]),
  )
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
  // Transferred documents leave this thread, so every run gets a new set, made untimed (setup).
  let docs: Uint8Array[] = []
  /** One document whose first byte is `n`, run through `run` (for the result check). */
  const one = (run: (doc: Uint8Array) => unknown) => (n: number) => {
    const [doc] = documents(1) as [Uint8Array]
    doc[0] = n
    return run(doc)
  }
  const pool = mxPool('bytes')
  const [piscina, ...others] = peers('bytes') as [Peer, ...Peer[]]
  const runners: Runner[] = [
    { name: 'inline', run: () => docs.map(bytes), one: one(bytes) },
    {
      name: '@mx/workers transfer',
      run: () => Promise.all(docs.map((doc) => pool.run(doc, { transfer: true }))),
      one: one((doc) => pool.run(doc, { transfer: true })),
      close: () => pool.close(),
    },
    {
      name: '@mx/workers clone',
      run: () => Promise.all(docs.map((doc) => pool.run(doc))),
      one: one((doc) => pool.run(doc)),
    },
    {
      name: 'piscina',
      run: () => Promise.all(docs.map((doc) => piscina.run(doc))),
      one: one((doc) => piscina.run(doc)),
      close: () => piscina.close(),
    },
    {
      name: 'piscina transferList',
      run: () => Promise.all(docs.map((doc) => piscina.run(doc, doc.buffer as ArrayBuffer))),
      one: one((doc) => piscina.run(doc, doc.buffer as ArrayBuffer)),
    },
    ...others.map((peer) => ({
      name: peer.name,
      run: () => Promise.all(docs.map((doc) => peer.run(doc))),
      one: one((doc) => peer.run(doc)),
      close: () => peer.close(),
    })),
  ]
  const setup = () => {
    docs = documents(count)
  }
  const tasks = await compare('100 KB documents', count, runners, [0, 3], setup)
  console.log(formatRatios(against(tasks, 'inline')))
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
  // One run, its own wall time: the figure here is the memory, the rate only goes with it.
  const started = now()
  for await (const result of pool.map(generate())) if (result.ok) sum += result.value as number
  const ms = now() - started
  clearInterval(sampler)
  peak = Math.max(peak, process.memoryUsage().rss)
  await pool.close()
  const expected = (count * (count + 1)) / 2
  if (sum !== expected) throw new Error(`map() lost results: ${sum} !== ${expected}`)
  const above = `peak RSS +${((peak - baseline) / 1_048_576).toFixed(1)} MB`
  const rate = `${Math.round((count / ms) * 1000).toLocaleString('en-US')}/s`
  console.log(`map() over 1 M generated inputs, ${label}: ${rate}, ${above} above baseline`)
}

async function benchMapMemory() {
  console.log()
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
for (const [name, run] of Object.entries(benches)) if (!only || only === name) await run()
