// Memory-tier hit path: @mx/cache vs bentocache (L1 only, serialize: false), raw lru-cache and
// cache-manager v7 (in-memory Keyv), all measured in this process.
import { BentoCache, bentostore } from 'bentocache'
import { memoryDriver } from 'bentocache/drivers/memory'
import { createCache as createCacheManager } from 'cache-manager'
import { LRUCache } from 'lru-cache'
import { createCache, memoryTier } from '../src/index'
import { compare, ratios } from './util'

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
const [oursGet, oursNsGet, lruAwaited, bentoGet, managerGet] = await compare(
  'memory-tier get hit (1,000 hot keys, each call awaited)',
  [
    {
      name: '@mx/cache get (awaited)',
      perBatch: N,
      batch: async () => {
        for (let i = 0; i < N; i++) await ours.get(KEYS[i] as string)
      },
    },
    {
      name: '@mx/cache get, namespace "meta" (awaited)',
      perBatch: N,
      batch: async () => {
        for (let i = 0; i < N; i++) await oursNs.get(KEYS[i] as string)
      },
    },
    {
      name: 'raw lru-cache get (awaited)',
      perBatch: N,
      batch: async () => {
        for (let i = 0; i < N; i++) await lru.get(KEYS[i] as string)
      },
    },
    {
      name: 'bentocache L1 get (serialize: false)',
      perBatch: N,
      batch: async () => {
        for (let i = 0; i < N; i++) await bento.get({ key: KEYS[i] as string })
      },
    },
    {
      name: 'cache-manager v7 get (memory)',
      perBatch: N,
      batch: async () => {
        for (let i = 0; i < N; i++) await manager.get(KEYS[i] as string)
      },
    },
  ],
  { measure: 'cpu' },
)
const [oursSync, oursNsSync, lruSync] = await compare(
  'getSync vs raw lru-cache get (no promise)',
  [
    {
      name: '@mx/cache getSync',
      perBatch: N,
      batch: () => {
        for (let i = 0; i < N; i++) if (ours.getSync(KEYS[i] as string) !== undefined) sink++
      },
    },
    {
      name: '@mx/cache getSync, namespace "meta"',
      perBatch: N,
      batch: () => {
        for (let i = 0; i < N; i++) if (oursNs.getSync(KEYS[i] as string) !== undefined) sink++
      },
    },
    {
      name: 'raw lru-cache get',
      perBatch: N,
      batch: () => {
        for (let i = 0; i < N; i++) if (lru.get(KEYS[i] as string) !== undefined) sink++
      },
    },
  ],
  { measure: 'cpu' },
)
const [oursGos, bentoGos, managerGos] = await compare(
  'getOrSet hit',
  [
    {
      name: '@mx/cache getOrSet hit',
      perBatch: N,
      batch: async () => {
        for (let i = 0; i < N; i++) await ours.getOrSet(KEYS[i] as string, factory)
      },
    },
    {
      name: 'bentocache getOrSet hit',
      perBatch: N,
      batch: async () => {
        for (let i = 0; i < N; i++) await bento.getOrSet({ key: KEYS[i] as string, factory })
      },
    },
    {
      name: 'cache-manager v7 wrap hit',
      perBatch: N,
      batch: async () => {
        for (let i = 0; i < N; i++) await manager.wrap(KEYS[i] as string, async () => value)
      },
    },
  ],
  { measure: 'cpu' },
)

ratios([
  [oursGet, bentoGet, '>= 10x'],
  [oursGet, lruAwaited, '>= 0.7x'],
  [oursNsGet, lruAwaited],
  [oursGet, managerGet],
  [oursSync, lruSync, '>= 0.9x'],
  [oursNsSync, lruSync],
  [oursGos, bentoGos, '>= 10x'],
  [oursGos, managerGos],
])
if (sink < 0) console.log(sink)
await ours.close()
await oursNs.close()
await bento.disconnect()
await manager.disconnect()
