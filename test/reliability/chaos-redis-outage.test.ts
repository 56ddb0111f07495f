import { createEngine, type ExtractResult } from '@mx/engine'
import { describeRedis, hasRedisServerBinary, startRedisServer, tempDir } from '@mx/testkit'
import { Redis } from 'ioredis'
import { afterAll, expect, it } from 'vitest'
import { comparable, corpus } from './helpers/corpus'
import { long, reportFigures, rssSampler } from './helpers/figures'

const DOCS = long ? 30_000 : 4_000
const extractor = new URL('./fixtures/words-extractor.mjs', import.meta.url)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function cleanRun(): Promise<Map<string, unknown>> {
  const engine = createEngine({ extractor, level: 'basic' })
  const out = new Map<string, unknown>()
  for await (const result of engine.extractMany(corpus(DOCS)))
    out.set(result.id, comparable(result))
  await engine.close()
  return out
}

const redisTierCounters = (engine: ReturnType<typeof createEngine>) => {
  const tier = engine.report().cache?.tiers.find((t) => t.name === 'redis')
  return (tier?.hits ?? 0) + (tier?.misses ?? 0)
}

describeRedis('chaos: the Redis server dies and comes back during extractMany', () => {
  const dir = tempDir('mx-rel-outage-')
  afterAll(() => dir.remove())

  it('no document fails, the output equals a clean run, and the Redis tier is used again after recovery', async () => {
    expect(hasRedisServerBinary(), 'redis-server binary (the private server of this test)').toBe(
      true,
    )
    const expected = await cleanRun()
    const server = await startRedisServer()
    const engine = createEngine({
      extractor,
      level: 'enterprise',
      threads: 2,
      cacheDir: dir.path,
      redis: server.url,
      redisPrefix: 'rel:outage:',
    })
    const rss = rssSampler()
    const results: ExtractResult[] = []
    let killedAt = -1
    let restartedAt = -1
    let countersAtRestart = 0
    let restart: Promise<void> | undefined
    let recoveredMs = -1
    const started = performance.now()
    for await (const result of engine.extractMany(corpus(DOCS), { maxInFlight: 64 })) {
      results.push(result)
      if (results.length === Math.floor(DOCS / 5)) {
        await server.kill()
        killedAt = results.length
        // Down for 2 s (longer than the tier's circuit-breaker reset) while documents keep flowing.
        restart = sleep(2_000).then(async () => {
          await server.restart()
          restartedAt = results.length
          countersAtRestart = redisTierCounters(engine)
          const restartTime = performance.now()
          // The restarted server is empty (no persistence): its first key is a write made after recovery.
          const probe = new Redis(server.url, { maxRetriesPerRequest: 1 })
          while (performance.now() - restartTime < 60_000 && (await probe.dbsize()) === 0)
            await sleep(20)
          recoveredMs = Math.round(performance.now() - restartTime)
          probe.disconnect()
        })
      }
      // Keep the run going until Redis is back, so that the recovery is observed mid-run.
      if (restart && restartedAt < 0 && results.length > DOCS - 200) await restart
    }
    await restart
    const durationMs = Math.round(performance.now() - started)
    const report = engine.report()
    const countersAtEnd = redisTierCounters(engine)
    const probe = new Redis(server.url, { maxRetriesPerRequest: 1 })
    const keysAfter = await probe.dbsize()
    probe.disconnect()
    await engine.close()
    await server.stop()
    const peakRssMB = rss.stop()

    const failed = results.filter((r) => !r.ok)
    const mismatched = results.filter(
      (r) => JSON.stringify(comparable(r)) !== JSON.stringify(expected.get(r.id)),
    )
    reportFigures('chaos-redis-outage', {
      documents: results.length,
      failed: failed.length,
      dataLost: DOCS - results.length + mismatched.length,
      mismatched: mismatched.length,
      killedAfterDocuments: killedAt,
      restartedAfterDocuments: restartedAt,
      outageMs: 2_000,
      recoveryMs: recoveredMs,
      redisTierLookupsAfterRestart: countersAtEnd - countersAtRestart,
      redisKeysWrittenAfterRestart: keysAfter,
      degraded: report.degraded,
      peakRssMB,
      durationMs,
    })
    expect(results).toHaveLength(DOCS)
    expect(failed.map((r) => r.id)).toEqual([])
    expect(mismatched.map((r) => r.id)).toEqual([])
    expect(killedAt).toBeGreaterThan(0)
    expect(restartedAt).toBeGreaterThan(killedAt)
    expect(restartedAt).toBeLessThan(DOCS)
    // Used again after recovery: new lookups counted, and new entries written to the empty server.
    expect(countersAtEnd).toBeGreaterThan(countersAtRestart)
    expect(keysAfter).toBeGreaterThan(0)
    expect(recoveredMs).toBeGreaterThanOrEqual(0)
  })
})
