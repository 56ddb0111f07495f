// Through cache-manager v7, side by side in this process: its default in-memory store (Keyv on a
// Map, values passed through) vs the @mx/cache Keyv store on a memory tier, and @keyv/redis vs
// the @mx/cache Keyv store on a Redis tier (needs REDIS_URL). Each pair runs the same operations
// on the same keys and values with the same ttl, both warmed up; both Redis clients pipeline
// automatically (node-redis under @keyv/redis does so by default, our ioredis client has
// enableAutoPipelining). Every get's result is checked, and each store is read back in full
// after its rounds.
import { deepStrictEqual } from 'node:assert'
import KeyvRedis from '@keyv/redis'
import { type BenchFn, formatRatios } from '@mx/profiler/bench'
import { createCache as createCacheManager } from 'cache-manager'
import { Redis } from 'ioredis'
import { Keyv } from 'keyv'
import { createCache, memoryTier, redisTier } from '../src/index'
import { createKeyv } from '../src/keyv'
import { measure } from './measure'

type Manager = ReturnType<typeof createCacheManager>
/** The default store and ours, in that order. */
type Pair = [[string, Manager], [string, Manager]]

const TTL = 3_600_000
const value = { title: 'doc', words: 1234, tags: ['a', 'b'] }
let wrong = 0

/** Awaits `get` of every key in turn; counts results that are not the value set. */
const getEach = (manager: Manager, keys: string[]) => async () => {
  for (const key of keys) {
    const got = await manager.get<typeof value>(key)
    if (got?.words !== 1234 || got.tags[1] !== 'b') wrong++
  }
}

/** Reads every key back and compares it in full with what was set. */
async function verify(name: string, manager: Manager, keys: string[]): Promise<void> {
  for (const key of keys) deepStrictEqual(await manager.get(key), value, `${name}: ${key}`)
}

// Memory: 1,000 hot keys, each call awaited, timed by CPU time like memory.bench.ts.
const KEYS = Array.from({ length: 1_000 }, (_, i) => `key:${i}`)
const mx = createCache({ tiers: [memoryTier({ maxEntries: 10_000 })], ttl: TTL })
const memory: Pair = [
  ['cache-manager v7 default memory store', createCacheManager()],
  [
    'cache-manager v7 on @mx/cache keyv store (memory tier)',
    createCacheManager({ stores: [await createKeyv(mx)] }),
  ],
]
for (const [, manager] of memory) for (const key of KEYS) await manager.set(key, value, TTL)

/** The same operation on both managers of a pair, as two contenders. */
const both = ([[a, first], [b, second]]: Pair, what: string, run: (manager: Manager) => BenchFn) =>
  [
    [`${a}: ${what}`, run(first)],
    [`${b}: ${what}`, run(second)],
  ] as const

const [defaultGet, mxGet] = await measure(
  'cache-manager v7 get hit, memory (1,000 hot keys, each call awaited)',
  KEYS.length,
  both(memory, 'get', (manager) => getEach(manager, KEYS)),
  'cpu',
)
const [defaultSet, mxSet] = await measure(
  'cache-manager v7 set, memory (1,000 keys rewritten, each call awaited)',
  KEYS.length,
  both(memory, 'set', (manager) => async () => {
    for (const key of KEYS) await manager.set(key, value, TTL)
  }),
  'cpu',
)
const load = async () => value
const [defaultWrap, mxWrap] = await measure(
  'cache-manager v7 wrap hit, memory (1,000 hot keys, each call awaited)',
  KEYS.length,
  both(memory, 'wrap', (manager) => async () => {
    for (const key of KEYS) if ((await manager.wrap(key, load, TTL)).words !== 1234) wrong++
  }),
  'cpu',
)
for (const [name, manager] of memory) await verify(name, manager, KEYS)
console.log(
  formatRatios([
    { ours: mxGet, peer: defaultGet, note: 'target >= 1x' },
    { ours: mxSet, peer: defaultSet },
    { ours: mxWrap, peer: defaultWrap },
  ]),
)
for (const [, manager] of memory) await manager.disconnect()
await mx.close()

// Redis: 100 concurrent calls per batch, wall time (the round trip dominates).
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const prefix = `mxbench:cm:${process.pid}:`
const CONCURRENCY = 100
const DOCS = Array.from({ length: CONCURRENCY }, (_, i) => `doc:${i}`)
const mxRedis = createCache({ tiers: [redisTier({ url, prefix: `${prefix}mx:` })], ttl: TTL })
const redis: Pair = [
  [
    'cache-manager v7 on @keyv/redis',
    createCacheManager({
      stores: [new Keyv({ store: new KeyvRedis(url), namespace: `${prefix}keyv` })],
    }),
  ],
  [
    'cache-manager v7 on @mx/cache keyv store (Redis tier)',
    createCacheManager({ stores: [await createKeyv(mxRedis)] }),
  ],
]
for (const [, manager] of redis) for (const key of DOCS) await manager.set(key, value, TTL)

const [keyvRedisGet, mxRedisGet] = await measure(
  `cache-manager v7 get hit, Redis (${CONCURRENCY} concurrent)`,
  CONCURRENCY,
  both(redis, 'get', (manager) => () => Promise.all(DOCS.map((key) => getEach(manager, [key])()))),
)
const [keyvRedisSet, mxRedisSet] = await measure(
  `cache-manager v7 set, Redis (${CONCURRENCY} concurrent)`,
  CONCURRENCY,
  both(
    redis,
    'set',
    (manager) => () => Promise.all(DOCS.map((key) => manager.set(key, value, TTL))),
  ),
)
for (const [name, manager] of redis) await verify(name, manager, DOCS)
console.log(
  formatRatios([
    { ours: mxRedisGet, peer: keyvRedisGet },
    { ours: mxRedisSet, peer: keyvRedisSet },
  ]),
)
if (wrong > 0) throw new Error(`${wrong} get(s) returned something other than the value set`)
console.log('  checked: every get returned the value set')

for (const [, manager] of redis) await manager.disconnect()
await mxRedis.close()
const cleaner = new Redis(url)
let cursor = '0'
do {
  const [next, keys] = await cleaner.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
  cursor = next
  if (keys.length > 0) await cleaner.unlink(...keys)
} while (cursor !== '0')
cleaner.disconnect()
