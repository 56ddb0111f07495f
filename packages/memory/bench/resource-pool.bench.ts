import * as genericPool from 'generic-pool'
import { Pool as TarnPool } from 'tarn'
import { createResourcePool } from '../src/index'
import { formatRate, opsPerSecond, printTable } from './util'

// Resource pool borrow/return against generic-pool and tarn, same process, same workload:
// 4 parser-like resources, N concurrent loops each borrowing, doing trivial async work, and
// returning. 4 loops = no waiting; 16 loops = callers queue for resources.
const OPS = 200_000
const SIZE = 4
const ROUNDS = 7
let counter = 0
const makeResource = () => ({ id: counter++, parsed: 0 })
type Resource = ReturnType<typeof makeResource>
const work = async (resource: Resource) => {
  resource.parsed++
}

async function runLoops(concurrency: number, borrow: () => Promise<void>): Promise<void> {
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

for (const concurrency of [SIZE, SIZE * 4]) {
  const list = variants()
  const rates = new Map<string, number>()
  for (const { borrow } of list) await runLoops(concurrency, borrow) // warm-up
  // Rounds interleave the pools so a burst of load from other processes hits all of them.
  for (let round = 0; round < ROUNDS; round++) {
    for (const { name, borrow } of list) {
      const rate = await opsPerSecond(OPS, () => runLoops(concurrency, borrow), 1)
      rates.set(name, Math.max(rates.get(name) ?? 0, rate))
    }
  }
  for (const { close } of list) await close()
  const mx = rates.get('@mx/memory use()') as number
  printTable(
    `resource pool: ${OPS} borrow/return cycles, ${concurrency} concurrent loops, ${SIZE} resources, best of ${ROUNDS} interleaved rounds`,
    [...rates].map(([name, rate]) => ({
      pool: name,
      rate: formatRate(rate),
      'ns/op': Math.round(1e9 / rate),
      '@mx/memory use() is ×': (mx / rate).toFixed(2),
    })),
  )
}
