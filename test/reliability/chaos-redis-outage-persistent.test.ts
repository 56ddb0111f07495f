import { type Cache, createCache, memoryTier, redisBus, redisTier } from '@mx/cache'
import {
  describeRedis,
  hasRedisServerBinary,
  type RedisServer,
  startRedisServer,
} from '@mx/testkit'
import { afterAll, expect, it, vi } from 'vitest'
import { reportFigures } from './helpers/figures'
import { rawRedis } from './helpers/redis-keys'

const prefix = 'rel:outage-aof:'
const channel = `${prefix}bus`
const LONG_TTL = 600_000
const SHORT_TTL = 1_000
/** Entries by group: `long` outlive the outage, `short` expire during it, the others change after it. */
const groups = { long: 200, short: 100, changed: 50, deleted: 50 } as const
type Group = keyof typeof groups
const keysOf = (group: Group) => Array.from({ length: groups[group] }, (_, i) => `${group}:${i}`)
const allKeys = (Object.keys(groups) as Group[]).flatMap(keysOf)
const groupOf = (key: string) => key.slice(0, key.indexOf(':')) as Group
const original = (key: string) => ({ key, body: `before the outage: ${key}` })
const recomputed = (key: string) => ({ key, body: `recomputed: ${key}` })
const changed = (key: string) => ({ key, body: `changed after the restart: ${key}` })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describeRedis('chaos: a persistent Redis (AOF) dies and comes back with its data', () => {
  let started: RedisServer | undefined
  // Also when an assertion fails midway: the private server and its AOF directory go.
  afterAll(() => started?.stop())

  it('serves entries still valid from Redis, recomputes expired ones, and an instance that missed invalidations drops its memory tier', async () => {
    expect(hasRedisServerBinary(), 'redis-server binary (the private server of this test)').toBe(
      true,
    )
    const server = await startRedisServer({ persistent: true })
    started = server
    // B's bus reaches Redis through a link the test cuts with the outage and restores only after
    // the invalidations below: B deterministically misses them, as a slow reconnection would.
    const link = await server.link()
    const make = (busUrl: string) =>
      createCache({
        tiers: [
          memoryTier(),
          redisTier({ url: server.url, prefix, timeout: 200, breaker: { resetAfter: 100 } }),
        ],
        bus: redisBus({ url: busUrl, channel, timeout: 200 }),
      })
    const a = make(server.url)
    const b = make(link.url)
    await Promise.all([a.ready(), b.ready()])

    await b.setMany(
      allKeys.map((key) => ({
        key,
        value: original(key),
        ttl: groupOf(key) === 'short' ? SHORT_TTL : LONG_TTL,
      })),
    )
    expect(await a.getMany(allKeys)).toEqual(allKeys.map(original))

    link.cut()
    await server.kill()
    const outageStarted = performance.now()
    // Invalidations cannot happen while Redis is down (they would reach no Redis and no bus):
    // they happen right after the restart, before B is subscribed again.
    await sleep(SHORT_TTL + 200)
    const restartStarted = performance.now()
    await server.restart()
    const restartMs = Math.round(performance.now() - restartStarted)
    const outageMs = Math.round(performance.now() - outageStarted)
    const raw = rawRedis(server.url)
    const entriesAfterRestart = (await raw.keys(`${prefix}e:*`)).length

    const c = make(server.url)
    await c.ready()
    await c.setMany(keysOf('changed').map((key) => ({ key, value: changed(key), ttl: LONG_TTL })))
    await c.invalidate({ keys: keysOf('deleted') })
    await c.set('probe', 'up')
    // B never heard of them: its memory tier still holds the values from before.
    const staleInMemory = [...keysOf('changed'), ...keysOf('deleted')].filter(
      (key) => (b.getSync(key) as { body?: string } | undefined)?.body === original(key).body,
    ).length

    const restoredAt = performance.now()
    link.restore()
    for (const cache of [a, b]) {
      await vi.waitFor(() => expect(cache.stats().busResyncs).toBeGreaterThanOrEqual(1), {
        timeout: 10_000,
      })
    }
    const resyncMs = Math.round(performance.now() - restoredAt)
    const dropped = allKeys.filter((key) => b.getSync(key) === undefined).length
    // Each Redis tier connected again (a memory miss, then a Redis-tier hit).
    for (const cache of [a, b]) {
      await vi.waitFor(async () => expect(await cache.get('probe')).toBe('up'), {
        timeout: 10_000,
        interval: 50,
      })
    }

    const read = async (cache: Cache) => {
      const before = cache.stats().tiers[1]?.hits ?? 0
      const runs: string[] = []
      const values = []
      for (const key of allKeys) {
        const factory = () => {
          runs.push(key)
          return recomputed(key)
        }
        values.push(await cache.getOrSet(key, factory, { ttl: LONG_TTL }))
      }
      const redisHits = (cache.stats().tiers[1]?.hits ?? 0) - before
      return { values, runs, redisHits }
    }
    const fromB = await read(b)
    const fromA = await read(a)
    const expected = allKeys.map((key) =>
      groupOf(key) === 'long'
        ? original(key)
        : groupOf(key) === 'changed'
          ? changed(key)
          : recomputed(key),
    )
    const staleServed = [...fromB.values, ...fromA.values].filter((value, i) => {
      const key = allKeys[i % allKeys.length] as string
      return groupOf(key) !== 'long' && value.body === original(key).body
    }).length
    const stats = { a: a.stats(), b: b.stats() }
    await Promise.all([a.close(), b.close(), c.close()])
    raw.disconnect()
    await server.stop()

    reportFigures('chaos-redis-outage-persistent', {
      entries: allKeys.length,
      groups,
      outageMs,
      restartMs,
      entriesInRedisAfterRestart: entriesAfterRestart,
      staleInBMemoryBeforeResync: staleInMemory,
      resyncMs,
      busResyncs: { a: stats.a.busResyncs, b: stats.b.busResyncs },
      droppedFromBMemory: dropped,
      servedFromRedisByB: fromB.redisHits,
      recomputedByB: fromB.runs.length,
      recomputedByA: fromA.runs.length,
      staleServed,
    })
    // The restart brought back what was still valid: no short entry (expired), every other one.
    expect(entriesAfterRestart).toBe(groups.long + groups.changed + groups.deleted)
    expect(staleInMemory).toBe(groups.changed + groups.deleted)
    expect(stats.b.busResyncs).toBe(1)
    expect(dropped).toBe(allKeys.length)
    expect(fromB.values).toEqual(expected)
    expect(fromA.values).toEqual(expected)
    expect(staleServed).toBe(0)
    // Long-lived and changed entries came from the Redis tier; expired and deleted ones were
    // recomputed, once (A then read B's results from Redis).
    expect(fromB.redisHits).toBe(groups.long + groups.changed)
    expect(fromB.runs.map(groupOf).sort()).toEqual(
      [...keysOf('deleted'), ...keysOf('short')].map(groupOf).sort(),
    )
    expect(fromA.runs).toEqual([])
  })
})
