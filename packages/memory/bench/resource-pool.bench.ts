import * as genericPool from 'generic-pool'
import { Pool as TarnPool } from 'tarn'
import { createResourcePool } from '../src/index'
import { formatRate, opsPerSecond, printTable } from './util'

// Resource pool `use()` against generic-pool and tarn, same process, same workload: a pool of
// 4 parser-like objects, 8 concurrent loops each borrowing, doing trivial async work, returning.
const OPS = 200_000
const CONCURRENCY = 8
const SIZE = 4
let counter = 0
const makeResource = () => ({ id: counter++, parsed: 0 })
type Resource = ReturnType<typeof makeResource>
const work = async (resource: Resource) => {
  resource.parsed++
}

async function runLoops(borrow: () => Promise<void>): Promise<void> {
  let remaining = OPS
  const loop = async () => {
    while (remaining-- > 0) await borrow()
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, loop))
}

async function main() {
  const variants: [string, () => Promise<void>, () => Promise<void>][] = []

  for (const captureStacks of [false, true]) {
    const pool = createResourcePool({ create: makeResource, max: SIZE, min: SIZE, captureStacks })
    variants.push([
      `@mx/memory use()${captureStacks ? ' + captureStacks' : ''}`,
      () => runLoops(() => pool.use(work)),
      () => pool.drain(),
    ])
  }

  const generic = genericPool.createPool(
    { create: async () => makeResource(), destroy: async () => {} },
    { max: SIZE, min: SIZE },
  )
  variants.push([
    'generic-pool use()',
    () => runLoops(() => generic.use(work)),
    async () => {
      await generic.drain()
      await generic.clear()
    },
  ])

  const tarn = new TarnPool<Resource>({
    create: makeResource,
    destroy: () => {},
    min: SIZE,
    max: SIZE,
  })
  variants.push([
    'tarn acquire/release',
    () =>
      runLoops(async () => {
        const resource = await tarn.acquire().promise
        try {
          await work(resource)
        } finally {
          tarn.release(resource)
        }
      }),
    async () => {
      await tarn.destroy()
    },
  ])

  const rates = new Map<string, number>()
  for (const [name, run] of variants) {
    await run() // warm-up
    rates.set(name, await opsPerSecond(OPS, run))
  }
  for (const [, , close] of variants) await close()

  const mx = rates.get('@mx/memory use()') as number
  printTable(
    `resource pool: ${OPS} borrow/return cycles, ${CONCURRENCY} concurrent loops, ${SIZE} resources`,
    [...rates].map(([name, rate]) => ({
      pool: name,
      rate: formatRate(rate),
      'ns/op': Math.round(1e9 / rate),
      '@mx/memory ×': (mx / rate).toFixed(2),
    })),
  )
}

await main()
