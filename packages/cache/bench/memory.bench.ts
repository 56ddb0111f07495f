// Memory-tier hit path: @mx/cache vs bentocache (L1 only, serialize: false), raw lru-cache and
// cache-manager v7 (in-memory Keyv), all measured in this process.
import { deepStrictEqual } from 'node:assert'
import { formatRatios } from '@mx/profiler/bench'
import { BentoCache, bentostore } from 'bentocache'
import { memoryDriver } from 'bentocache/drivers/memory'
import { createCache as createCacheManager } from 'cache-manager'
import { LRUCache } from 'lru-cache'
import { createCache, memoryTier } from '../src/index'
import { measure } from './measure'

const KEYS = Array.from({ length: 1_000 }, (_, i) => `key:${i}`)
const N = KEYS.length
const value = { title: 'doc', words: 1234 }

const ours = createCache({ tiers: [memoryTier({ maxEntries: 10_000 })], ttl: 3_600_000 })
const oursNs = createCache({
  namespace: 'meta',
  tiers: [memoryTier({ maxEntries: 10_000 })],
  ttl: 3_600_000,
})
const lru = new LRUCache<string, object>({ max: 10_000 })
const bento = new BentoCache({
  default: 'memory',
  stores: { memory: bentostore().useL1Layer(memoryDriver({ maxItems: 10_000, serialize: false })) },
})
const manager = createCacheManager()
for (const key of KEYS) {
  await ours.set(key, value)
  await oursNs.set(key, value)
  lru.set(key, value)
  await bento.set({ key, value, ttl: '1h' })
  await manager.set(key, value, 3_600_000)
}
const factory = () => value

let sink = 0
const [oursGet, oursNsGet, lruAwaited, bentoGet, managerGet] = await measure(
  'memory-tier get hit (1,000 hot keys, each call awaited)',
  N,
  [
    [
      '@mx/cache get (awaited)',
      async () => {
        for (let i = 0; i < N; i++) await ours.get(KEYS[i] as string)
      },
    ],
    [
      '@mx/cache get, namespace "meta" (awaited)',
      async () => {
        for (let i = 0; i < N; i++) await oursNs.get(KEYS[i] as string)
      },
    ],
    [
      'raw lru-cache get (awaited)',
      async () => {
        for (let i = 0; i < N; i++) await lru.get(KEYS[i] as string)
      },
    ],
    [
      'bentocache L1 get (serialize: false)',
      async () => {
        for (let i = 0; i < N; i++) await bento.get({ key: KEYS[i] as string })
      },
    ],
    [
      'cache-manager v7 get (memory)',
      async () => {
        for (let i = 0; i < N; i++) await manager.get(KEYS[i] as string)
      },
    ],
  ],
  'cpu',
)
const [oursSync, oursNsSync, lruSync] = await measure(
  'getSync vs raw lru-cache get (no promise)',
  N,
  [
    [
      '@mx/cache getSync',
      () => {
        for (let i = 0; i < N; i++) if (ours.getSync(KEYS[i] as string) !== undefined) sink++
      },
    ],
    [
      '@mx/cache getSync, namespace "meta"',
      () => {
        for (let i = 0; i < N; i++) if (oursNs.getSync(KEYS[i] as string) !== undefined) sink++
      },
    ],
    [
      'raw lru-cache get',
      () => {
        for (let i = 0; i < N; i++) if (lru.get(KEYS[i] as string) !== undefined) sink++
      },
    ],
  ],
  'cpu',
)
const [oursGos, bentoGos, managerGos] = await measure(
  'getOrSet hit',
  N,
  [
    [
      '@mx/cache getOrSet hit',
      async () => {
        for (let i = 0; i < N; i++) await ours.getOrSet(KEYS[i] as string, factory)
      },
    ],
    [
      'bentocache getOrSet hit',
      async () => {
        for (let i = 0; i < N; i++) await bento.getOrSet({ key: KEYS[i] as string, factory })
      },
    ],
    [
      'cache-manager v7 wrap hit',
      async () => {
        for (let i = 0; i < N; i++) await manager.wrap(KEYS[i] as string, async () => value)
      },
    ],
  ],
  'cpu',
)

console.log(
  formatRatios([
    { ours: oursGet, peer: bentoGet, note: 'target >= 10x' },
    { ours: oursGet, peer: lruAwaited, note: 'target >= 0.7x' },
    { ours: oursNsGet, peer: lruAwaited },
    { ours: oursGet, peer: managerGet },
    { ours: oursSync, peer: lruSync, note: 'target >= 0.9x' },
    { ours: oursNsSync, peer: lruSync },
    { ours: oursGos, peer: bentoGos, note: 'target >= 10x' },
    { ours: oursGos, peer: managerGos },
  ]),
)
// Every contender still serves the value set: the loops above measured hits, not misses.
for (const key of [KEYS[0], KEYS[N - 1]] as string[]) {
  deepStrictEqual(
    [
      await ours.get(key),
      await oursNs.get(key),
      ours.getSync(key),
      lru.get(key),
      await bento.get({ key }),
      await manager.get(key),
      await ours.getOrSet(key, () => ({})),
      await bento.getOrSet({ key, factory: () => ({}) }),
    ],
    Array(8).fill(value),
  )
}
console.log('  checked: every contender returned the value set')
if (sink < 0) console.log(sink)
await ours.close()
await oursNs.close()
await bento.disconnect()
await manager.disconnect()
