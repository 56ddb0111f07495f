// Redis-tier get, 100 concurrent: @mx/cache (Redis tier only, so every get goes to Redis) vs raw
// ioredis GET, bentocache L2 only, and cache-manager v7 on @keyv/redis. Needs REDIS_URL.
import KeyvRedis from '@keyv/redis'
import { BentoCache, bentostore } from 'bentocache'
import { redisDriver } from 'bentocache/drivers/redis'
import { createCache as createCacheManager } from 'cache-manager'
import { Redis } from 'ioredis'
import { Keyv } from 'keyv'
import { createCache, redisTier } from '../src/index'
import { compare, ratios } from './util'

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const prefix = `mxbench:${process.pid}:`
const CONCURRENCY = 100
const KEYS = Array.from({ length: CONCURRENCY }, (_, i) => `doc:${i}`)
const value = { title: 'doc', words: 1234, tags: ['a', 'b'] }

const ours = createCache({ tiers: [redisTier({ url, prefix: `${prefix}mx:` })], ttl: 600_000 })
const raw = new Redis(url)
const rawPipelined = new Redis(url, { enableAutoPipelining: true })
const bento = new BentoCache({
  default: 'l2',
  prefix: `${prefix}bento`,
  stores: { l2: bentostore().useL2Layer(redisDriver({ connection: new Redis(url) })) },
})
const manager = createCacheManager({
  stores: [new Keyv({ store: new KeyvRedis(url), namespace: `${prefix}cm` })],
})
const payload = JSON.stringify(value)
for (const key of KEYS) {
  await ours.set(key, value)
  await raw.set(`${prefix}raw:${key}`, payload)
  await bento.set({ key, value, ttl: '10m' })
  await manager.set(key, value, 600_000)
}

const [oursGet, rawGet, rawPipelinedGet, bentoGet, managerGet] = await compare(
  `Redis get, ${CONCURRENCY} concurrent (values decoded by each library)`,
  [
    {
      name: '@mx/cache redisTier get',
      perBatch: CONCURRENCY,
      batch: () => Promise.all(KEYS.map((key) => ours.get(key))),
    },
    {
      name: 'raw ioredis GET + JSON.parse',
      perBatch: CONCURRENCY,
      batch: () =>
        Promise.all(
          KEYS.map(async (key) => JSON.parse((await raw.get(`${prefix}raw:${key}`)) as string)),
        ),
    },
    {
      name: 'raw ioredis GET + JSON.parse (auto-pipelining)',
      perBatch: CONCURRENCY,
      batch: () =>
        Promise.all(
          KEYS.map(async (key) =>
            JSON.parse((await rawPipelined.get(`${prefix}raw:${key}`)) as string),
          ),
        ),
    },
    {
      name: 'bentocache L2 get',
      perBatch: CONCURRENCY,
      batch: () => Promise.all(KEYS.map((key) => bento.get({ key }))),
    },
    {
      name: 'cache-manager v7 get (@keyv/redis)',
      perBatch: CONCURRENCY,
      batch: () => Promise.all(KEYS.map((key) => manager.get(key))),
    },
  ],
)
ratios([
  [oursGet, rawGet, '>= 0.9x'],
  [oursGet, rawPipelinedGet],
  [oursGet, bentoGet, '>= 1.3x'],
  [oursGet, managerGet],
])

await ours.clear()
let cursor = '0'
do {
  const [next, keys] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
  cursor = next
  if (keys.length > 0) await raw.unlink(...keys)
} while (cursor !== '0')
await ours.close()
await bento.disconnect()
await manager.disconnect()
raw.disconnect()
rawPipelined.disconnect()
