import { strictEqual } from 'node:assert'
import { type BenchTaskResult, bench, formatBench, formatRatios } from '@mx/profiler/bench'
import * as genericPool from 'generic-pool'
import { Pool as TarnPool } from 'tarn'
import { createResourcePool } from '../src/index'

// Resource pool borrow/return against generic-pool and tarn, same process, same workload:
// 4 parser-like resources, N concurrent loops each borrowing, doing trivial async work, and
// returning. 4 loops = no waiting; 16 loops = callers queue for resources.
const OPS = 200_000
const SIZE = 4
const ROUNDS = 7
type Resource = { id: number; parsed: number }
/** Every resource any pool made: their `parsed` counts add up to the borrows done. */
const made: Resource[] = []
const makeResource = (): Resource => {
  const resource = { id: made.length, parsed: 0 }
  made.push(resource)
  return resource
}
const work = async (resource: Resource) => {
  resource.parsed++
}

let runs = 0
async function runLoops(concurrency: number, borrow: () => Promise<void>): Promise<void> {
  runs++
  let remaining = OPS
  const loop = async () => {
    while (remaining-- > 0) await borrow()
  }
  await Promise.all(Array.from({ length: concurrency }, loop))
}

type Variant = { name: string; borrow: () => Promise<void>; close: () => Promise<void> }

function variants(): Variant[] {
  const list: Variant[] = []
  for (const captureStacks of [false, true]) {
    const pool = createResourcePool({ create: makeResource, max: SIZE, min: SIZE, captureStacks })
    list.push({
      name: `@mx/memory use()${captureStacks ? ' + captureStacks' : ''}`,
      borrow: () => pool.use(work),
      close: () => pool.drain(),
    })
  }
  const generic = genericPool.createPool(
    { create: async () => makeResource(), destroy: async () => {} },
    { max: SIZE, min: SIZE },
  )
  list.push({
    name: 'generic-pool use()',
    borrow: () => generic.use(work),
    close: async () => {
      await generic.drain()
      await generic.clear()
    },
  })
  const tarn = new TarnPool<Resource>({
    create: makeResource,
    destroy: () => {},
    min: SIZE,
    max: SIZE,
  })
  list.push({
    name: 'tarn acquire()/release()',
    borrow: async () => {
      const resource = await tarn.acquire().promise
      try {
        await work(resource)
      } finally {
        tarn.release(resource)
      }
    },
    close: async () => {
      await tarn.destroy()
    },
  })
  return list
}

// One warm-up run each, then ROUNDS rounds running the pools in turn (a seeded random order), so
// a burst of load from other processes hits all of them; each figure is the median of its rounds.
for (const concurrency of [SIZE, SIZE * 4]) {
  const list = variants()
  console.log(
    `\n## resource pool: ${OPS} borrow/return cycles, ${concurrency} concurrent loops, ${SIZE} resources, median of ${ROUNDS} interleaved rounds`,
  )
  const result = await bench(
    list.map(({ name, borrow }) => [name, () => runLoops(concurrency, borrow)] as const),
    {
      rounds: ROUNDS,
      minSamples: ROUNDS,
      maxSamples: ROUNDS,
      timeMs: 0,
      warmupMs: 0,
      opsPerCall: OPS,
    },
  )
  for (const { close } of list) await close()
  console.log(formatBench(result))
  const [mx, ...others] = result.tasks as [BenchTaskResult, ...BenchTaskResult[]]
  console.log(formatRatios(others.map((peer) => ({ ours: mx, peer }))))
}
// Every borrow ran the work on a resource.
strictEqual(
  made.reduce((sum, resource) => sum + resource.parsed, 0),
  runs * OPS,
)
