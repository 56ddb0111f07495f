// Redis-tier get, 100 concurrent: @mx/cache (Redis tier only, so every get goes to Redis) vs raw
// ioredis GET, bentocache L2 only, and cache-manager v7 on @keyv/redis. Needs REDIS_URL.
// Our Redis tier turns on ioredis's auto-pipelining, so every ioredis peer runs twice: with the
// client as its users get it by default, and with the same auto-pipelining (the fair
// comparison, which the targets apply to). node-redis, under @keyv/redis, pipelines the
// commands of one tick by itself.
import { deepStrictEqual } from 'node:assert'
import KeyvRedis from '@keyv/redis'
import { formatRatios } from '@mx/profiler/bench'
import { BentoCache, bentostore } from 'bentocache'
import { redisDriver } from 'bentocache/drivers/redis'
import { createCache as createCacheManager } from 'cache-manager'
import { Redis } from 'ioredis'
import { Keyv } from 'keyv'
import { createCache, redisTier } from '../src/index'
import { measure } from './measure'

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const prefix = `mxbench:${process.pid}:`
const CONCURRENCY = 100
const KEYS = Array.from({ length: CONCURRENCY }, (_, i) => `doc:${i}`)
const value = { title: 'doc', words: 1234, tags: ['a', 'b'] }

const ours = createCache({ tiers: [redisTier({ url, prefix: `${prefix}mx:` })], ttl: 600_000 })
const raw = new Redis(url)
const rawPipelined = new Redis(url, { enableAutoPipelining: true })
const bentoOn = (connection: Redis) =>
  new BentoCache({
    default: 'l2',
    prefix: `${prefix}bento`,
    stores: { l2: bentostore().useL2Layer(redisDriver({ connection })) },
  })
const bento = bentoOn(new Redis(url))
const bentoPipelined = bentoOn(new Redis(url, { enableAutoPipelining: true }))
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

const [oursGet, rawGet, rawPipelinedGet, bentoGet, bentoPipelinedGet, managerGet] = await measure(
  `Redis get, ${CONCURRENCY} concurrent (values decoded by each library)`,
  CONCURRENCY,
  [
    ['@mx/cache redisTier get', () => Promise.all(KEYS.map((key) => ours.get(key)))],
    [
      'raw ioredis GET + JSON.parse',
      () =>
        Promise.all(
          KEYS.map(async (key) => JSON.parse((await raw.get(`${prefix}raw:${key}`)) as string)),
        ),
    ],
    [
      'raw ioredis GET + JSON.parse (auto-pipelining)',
      () =>
        Promise.all(
          KEYS.map(async (key) =>
            JSON.parse((await rawPipelined.get(`${prefix}raw:${key}`)) as string),
          ),
        ),
    ],
    ['bentocache L2 get', () => Promise.all(KEYS.map((key) => bento.get({ key })))],
    [
      'bentocache L2 get (auto-pipelining)',
      () => Promise.all(KEYS.map((key) => bentoPipelined.get({ key }))),
    ],
    ['cache-manager v7 get (@keyv/redis)', () => Promise.all(KEYS.map((key) => manager.get(key)))],
  ],
)
console.log(
  formatRatios([
    { ours: oursGet, peer: rawGet, note: 'peer not pipelined (its default)' },
    { ours: oursGet, peer: rawPipelinedGet, note: 'both pipelined; target >= 0.9x' },
    { ours: oursGet, peer: bentoGet, note: 'peer not pipelined (its default)' },
    { ours: oursGet, peer: bentoPipelinedGet, note: 'both pipelined; target >= 1.3x' },
    { ours: oursGet, peer: managerGet, note: 'node-redis pipelines by itself' },
  ]),
)
// Every contender reads back the value set, for every key.
for (const key of KEYS) {
  const raws = [raw, rawPipelined].map(async (client) =>
    JSON.parse((await client.get(`${prefix}raw:${key}`)) as string),
  )
  const bentos = [bento, bentoPipelined].map((cache) => cache.get({ key }))
  const got = await Promise.all([ours.get(key), ...raws, ...bentos, manager.get(key)])
  deepStrictEqual(got, Array(6).fill(value), key)
}
console.log('  checked: every contender returned the value set')

await ours.clear()
let cursor = '0'
do {
  const [next, keys] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
  cursor = next
  if (keys.length > 0) await raw.unlink(...keys)
} while (cursor !== '0')
await ours.close()
await bento.disconnect()
await bentoPipelined.disconnect()
await manager.disconnect()
raw.disconnect()
rawPipelined.disconnect()
