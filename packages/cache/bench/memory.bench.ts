// Memory-tier hit path: @mx/cache vs bentocache (L1 only, serialize: false), raw lru-cache and
// cache-manager v7 (in-memory Keyv), all measured in this process.
import { BentoCache, bentostore } from 'bentocache'
import { memoryDriver } from 'bentocache/drivers/memory'
import { createCache as createCacheManager } from 'cache-manager'
import { LRUCache } from 'lru-cache'
import { createCache, memoryTier } from '../src/index'
import { measure, ratios } from './util'

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

console.log('memory-tier get hit (1,000 hot keys, each call awaited)')
const oursGet = await measure('@mx/cache get (awaited)', N, async () => {
  for (let i = 0; i < N; i++) await ours.get(KEYS[i] as string)
})
const oursNsGet = await measure('@mx/cache get, namespace "meta" (awaited)', N, async () => {
  for (let i = 0; i < N; i++) await oursNs.get(KEYS[i] as string)
})
const lruAwaited = await measure('raw lru-cache get (awaited)', N, async () => {
  for (let i = 0; i < N; i++) await lru.get(KEYS[i] as string)
})
const bentoGet = await measure('bentocache L1 get (serialize: false)', N, async () => {
  for (let i = 0; i < N; i++) await bento.get({ key: KEYS[i] as string })
})
const managerGet = await measure('cache-manager v7 get (memory)', N, async () => {
  for (let i = 0; i < N; i++) await manager.get(KEYS[i] as string)
})

console.log('getSync vs raw lru-cache get (no promise)')
let sink = 0
const oursSync = await measure('@mx/cache getSync', N, () => {
  for (let i = 0; i < N; i++) if (ours.getSync(KEYS[i] as string) !== undefined) sink++
})
const lruSync = await measure('raw lru-cache get', N, () => {
  for (let i = 0; i < N; i++) if (lru.get(KEYS[i] as string) !== undefined) sink++
})

console.log('getOrSet hit')
const oursGos = await measure('@mx/cache getOrSet hit', N, async () => {
  for (let i = 0; i < N; i++) await ours.getOrSet(KEYS[i] as string, factory)
})
const bentoGos = await measure('bentocache getOrSet hit', N, async () => {
  for (let i = 0; i < N; i++) await bento.getOrSet({ key: KEYS[i] as string, factory })
})
const managerGos = await measure('cache-manager v7 wrap hit', N, async () => {
  for (let i = 0; i < N; i++) await manager.wrap(KEYS[i] as string, async () => value)
})

ratios([
  [oursGet, bentoGet, '>= 10x'],
  [oursGet, lruAwaited, '>= 0.7x'],
  [oursNsGet, lruAwaited],
  [oursGet, managerGet],
  [oursSync, lruSync, '>= 0.9x'],
  [oursGos, bentoGos, '>= 10x'],
  [oursGos, managerGos],
])
if (sink < 0) console.log(sink)
await ours.close()
await oursNs.close()
await bento.disconnect()
await manager.disconnect()
