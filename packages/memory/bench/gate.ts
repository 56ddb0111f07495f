// The regression gate's entry for @mx/memory (`pnpm bench:gate`, scripts/bench-gate.mjs): a
// resource pool's borrow/return against generic-pool, interleaved. (The object pool's 10 ns
// acquire/release against a bare allocation was tried and left out: from one process to the next
// the JIT compiles either loop differently, and their ratio moved by a third.)
import { strictEqual } from 'node:assert'
import { gateRatios } from '@mx/testkit/gate'
import * as genericPool from 'generic-pool'
import { createResourcePool } from '../src/index'

type Resource = { parsed: number }
const work = async (resource: Resource) => {
  resource.parsed++
}
const SIZE = 4
const BORROWS = 400
/** The resources each pool made: their `parsed` counts add up to the borrows it served. */
const made = { ours: [] as Resource[], generic: [] as Resource[] }
const resource = (list: Resource[]) => {
  const created = { parsed: 0 }
  list.push(created)
  return created
}
const ours = createResourcePool({ create: () => resource(made.ours), max: SIZE, min: SIZE })
const generic = genericPool.createPool(
  { create: async () => resource(made.generic), destroy: async () => {} },
  { max: SIZE, min: SIZE },
)
/** `BORROWS` borrow/return cycles over 4 concurrent loops (no caller waits for a resource). */
const loops = async (borrow: () => Promise<void>) => {
  let remaining = BORROWS
  const loop = async () => {
    while (remaining-- > 0) await borrow()
  }
  await Promise.all([loop(), loop(), loop(), loop()])
}
const served = (list: Resource[]) => list.reduce((total, r) => total + r.parsed, 0)

// Checked first: each pool serves every borrow of a round, on resources it made.
await loops(() => ours.use(work))
await loops(() => generic.use(work))
strictEqual(served(made.ours), BORROWS)
strictEqual(served(made.generic), BORROWS)

await gateRatios([
  {
    name: 'resource pool use() ÷ generic-pool use() (400 borrows, 4 loops)',
    ours: () => loops(() => ours.use(work)),
    peer: () => loops(() => generic.use(work)),
  },
])
// Still none made beyond the pool's size: every borrow reused one of the 4.
strictEqual(made.ours.length, SIZE)
strictEqual(made.generic.length, SIZE)
await ours.drain()
await generic.drain()
await generic.clear()
