import { createCache, memoryTier, redisTier } from '@mx/cache'
import { describeRedis, keyPrefix, redisUrl } from '@mx/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import { long, reportFigures, rssSampler } from './helpers/figures'
import { deletePrefix, rawRedis } from './helpers/redis-keys'

const CALLS = long ? 100_000 : 10_000
const KEYS = CALLS / 10

/** Fires `CALLS` getOrSet calls at once, 10 per key, spread over `caches`; counts factory runs per key. */
async function stampede(caches: ReturnType<typeof createCache>[]) {
  const runs = new Map<string, number>()
  const rss = rssSampler()
  const started = performance.now()
  const calls = Array.from({ length: CALLS }, (_, i) => {
    const key = `doc-${i % KEYS}`
    const cache = caches[i % caches.length] as ReturnType<typeof createCache>
    return cache.getOrSet(key, async () => {
      runs.set(key, (runs.get(key) ?? 0) + 1)
      await new Promise((r) => setTimeout(r, 5))
      return { key, body: `metadata of ${key}` }
    })
  })
  const values = await Promise.all(calls)
  const ms = performance.now() - started
  const wrong = values.filter((v, i) => v.key !== `doc-${i % KEYS}`).length
  return { runs, wrong, peakRssMB: rss.stop(), ms: Math.round(ms) }
}

describe('load: concurrent getOrSet', () => {
  it(`${CALLS} concurrent getOrSet on one cache run the factory once per key and answer every caller`, async () => {
    const cache = createCache({ tiers: [memoryTier({ maxEntries: KEYS * 2 })] })
    const { runs, wrong, peakRssMB, ms } = await stampede([cache])
    expect(wrong).toBe(0)
    expect(runs.size).toBe(KEYS)
    expect([...runs.values()].every((n) => n === 1)).toBe(true)
    expect(cache.stats().factoryRuns).toBe(KEYS)
    await cache.close()
    reportFigures('load-getorset-memory', {
      calls: CALLS,
      keys: KEYS,
      factoryRuns: KEYS,
      wrongValues: wrong,
      peakRssMB,
      durationMs: ms,
    })
  })
})

describeRedis('load: concurrent getOrSet across two caches sharing Redis', () => {
  const prefix = keyPrefix(import.meta.url)
  afterAll(async () => {
    const redis = rawRedis(redisUrl())
    await deletePrefix(redis, prefix)
    redis.disconnect()
  })

  it(`${CALLS} concurrent getOrSet over two instances run the factory once per key fleet-wide`, async () => {
    const make = () =>
      createCache({
        tiers: [memoryTier(), redisTier({ url: redisUrl(), prefix, timeout: 5_000 })],
        lock: { ttl: 30_000, wait: 60_000 },
      })
    const caches = [make(), make()]
    const { runs, wrong, peakRssMB, ms } = await stampede(caches)
    expect(wrong).toBe(0)
    expect(runs.size).toBe(KEYS)
    const extra = [...runs.values()].reduce((sum, n) => sum + n - 1, 0)
    for (const cache of caches) await cache.close()
    reportFigures('load-getorset-redis', {
      calls: CALLS,
      keys: KEYS,
      instances: 2,
      factoryRuns: KEYS + extra,
      duplicateRuns: extra,
      wrongValues: wrong,
      peakRssMB,
      durationMs: ms,
    })
    expect(extra).toBe(0)
  })
})
