import { createCache, memoryTier, redisTier } from '@mx/cache'
import { describeRedis, keyPrefix, redisUrl } from '@mx/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import { type ExactOutcome, exactTally, expectExact, numberedIds } from './helpers/exact'
import { long, reportFigures, rssSampler } from './helpers/figures'
import { deletePrefix, rawRedis } from './helpers/redis-keys'

const CALLS = long ? 100_000 : 10_000
const KEYS = CALLS / 10
const keys = numberedIds('doc-', KEYS)
const calls = numberedIds('call-', CALLS)

/** What the factory computes for `key`: the reference each caller's value is compared with. */
const factoryValue = (key: string) => ({ key, body: `metadata of ${key}` })

/**
 * Fires `CALLS` getOrSet calls at once, call i on key i % KEYS (10 per key), spread over
 * `caches`. Tallies the factory runs by key and the answers by call, each answer compared with
 * what the factory computes for that call's key.
 */
async function stampede(caches: ReturnType<typeof createCache>[]) {
  const factoryRuns = exactTally(keys, { content: false })
  const answers = exactTally(calls)
  const rss = rssSampler()
  const started = performance.now()
  const settled = await Promise.allSettled(
    Array.from({ length: CALLS }, (_, i) => {
      const key = keys.idOf(i % KEYS)
      const cache = caches[i % caches.length] as ReturnType<typeof createCache>
      return cache.getOrSet(key, async () => {
        factoryRuns.record(key)
        await new Promise((r) => setTimeout(r, 5))
        return factoryValue(key)
      })
    }),
  )
  const ms = performance.now() - started
  const rejected: string[] = []
  settled.forEach((outcome, i) => {
    if (outcome.status === 'fulfilled') answers.record(calls.idOf(i), outcome.value)
    else if (rejected.length < 5) rejected.push(`${calls.idOf(i)}: ${outcome.reason}`)
    answers.compare(calls.idOf(i), factoryValue(keys.idOf(i % KEYS)))
  })
  return {
    runs: factoryRuns.outcome(),
    answers: answers.outcome(),
    rejected,
    peakRssMB: rss.stop(),
    ms: Math.round(ms),
  }
}

/** The figures of one stampede, "lost", "duplicate" and "wrong" derived from the exact tallies. */
function figures(runs: ExactOutcome, answers: ExactOutcome) {
  return {
    calls: CALLS,
    keys: KEYS,
    factoryRuns: runs.returned,
    duplicateRuns: runs.duplicates,
    keysNeverComputed: runs.lost,
    lostAnswers: answers.lost,
    wrongValues: answers.mismatched,
  }
}

describe('load: concurrent getOrSet', () => {
  it(`${CALLS} concurrent getOrSet on one cache run the factory once per key and answer every caller with its key's value`, async () => {
    const cache = createCache({ tiers: [memoryTier({ maxEntries: KEYS * 2 })] })
    const { runs, answers, rejected, peakRssMB, ms } = await stampede([cache])
    const factoryRuns = cache.stats().factoryRuns
    await cache.close()
    reportFigures('load-getorset-memory', {
      ...figures(runs, answers),
      peakRssMB,
      durationMs: ms,
    })
    expect(rejected).toEqual([])
    expectExact(answers, 'answers against the factory value of their key')
    expectExact(runs, 'factory runs, one per key')
    expect(factoryRuns).toBe(KEYS)
  })
})

describeRedis('load: concurrent getOrSet across two caches sharing Redis', () => {
  const prefix = keyPrefix(import.meta.url)
  afterAll(async () => {
    const redis = rawRedis(redisUrl())
    await deletePrefix(redis, prefix)
    redis.disconnect()
  })

  it(`${CALLS} concurrent getOrSet over two instances run the factory once per key fleet-wide and answer every caller with its key's value`, async () => {
    const make = () =>
      createCache({
        tiers: [memoryTier(), redisTier({ url: redisUrl(), prefix, timeout: 5_000 })],
        lock: { ttl: 30_000, wait: 60_000 },
      })
    const caches = [make(), make()]
    const { runs, answers, rejected, peakRssMB, ms } = await stampede(caches)
    for (const cache of caches) await cache.close()
    reportFigures('load-getorset-redis', {
      ...figures(runs, answers),
      instances: 2,
      peakRssMB,
      durationMs: ms,
    })
    expect(rejected).toEqual([])
    expectExact(answers, 'answers against the factory value of their key')
    // A key computed twice (the lock failed) counts in `duplicates`.
    expectExact(runs, 'factory runs, one per key fleet-wide')
  })
})
