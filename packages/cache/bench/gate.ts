// The regression gate's entries for @mx/cache (`pnpm bench:gate`, scripts/bench-gate.mjs): our
// memory-tier hit paths against a bare lru-cache doing the same look-ups, interleaved.
import { strictEqual } from 'node:assert'
import { gateRatios } from '@mx/testkit/gate'
import { LRUCache } from 'lru-cache'
import { createCache, memoryTier } from '../src/index'

const KEYS = Array.from({ length: 1_000 }, (_, i) => `key:${i}`)
const value = { title: 'doc', words: 1234 }
const ours = createCache({ tiers: [memoryTier({ maxEntries: 10_000 })], ttl: 3_600_000 })
const lru = new LRUCache<string, object>({ max: 10_000 })
for (const key of KEYS) {
  await ours.set(key, value)
  lru.set(key, value)
}
// Checked first: both sides find every value.
for (const key of KEYS) {
  strictEqual(ours.getSync(key), value)
  strictEqual(await ours.get(key), value)
  strictEqual(lru.get(key), value)
}

let found = 0
await gateRatios([
  {
    name: 'getSync hit ÷ lru-cache get (1,000 keys)',
    ours: () => {
      for (const key of KEYS) if (ours.getSync(key) !== undefined) found++
    },
    peer: () => {
      for (const key of KEYS) if (lru.get(key) !== undefined) found++
    },
  },
  {
    name: 'get hit, awaited ÷ lru-cache get, awaited (1,000 keys)',
    ours: async () => {
      for (const key of KEYS) if ((await ours.get(key)) !== undefined) found++
    },
    peer: async () => {
      for (const key of KEYS) if ((await lru.get(key)) !== undefined) found++
    },
  },
])
if (found === 0) throw new Error('no look-up found its value')
await ours.close()
