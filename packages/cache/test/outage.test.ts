import {
  describeRedis,
  hasRedisServerBinary,
  type RedisServer,
  startRedisServer,
} from '@mx/testkit'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { type CircuitState, createCache, memoryTier, redisBus, redisTier } from '../src/index'

describeRedis('Redis outage', () => {
  let server: RedisServer
  beforeAll(async () => {
    if (!hasRedisServerBinary()) throw new Error('redis-server is needed for the outage test')
    server = await startRedisServer()
  })
  afterAll(() => server?.stop())

  it('falls back to the factory without hanging, opens the circuit, and closes it when Redis is back', async () => {
    const cache = createCache({
      tiers: [
        memoryTier(),
        redisTier({ url: server.url, timeout: 200, breaker: { failures: 2, resetAfter: 100 } }),
      ],
      bus: redisBus({ url: server.url, timeout: 200 }),
    })
    await cache.ready()
    const states: CircuitState[] = []
    cache.on('circuit', ({ state }) => states.push(state))
    await cache.set('before', 'stored')
    expect(await cache.get('before')).toBe('stored')

    await server.kill()
    expect(await cache.getOrSet('during', () => 'from factory')).toBe('from factory')
    expect(await cache.getOrSet('during-2', () => 'again')).toBe('again')
    await cache.set('during-3', 3)
    await cache.invalidate({ tags: ['any'] })
    expect(await cache.get('before')).toBe('stored')
    expect(states).toContain('open')
    expect(cache.stats().errors).toBeGreaterThan(0)

    await server.restart()
    await vi.waitFor(
      async () => {
        await cache.get('probe')
        expect(states.at(-1)).toBe('closed')
      },
      { timeout: 10_000, interval: 50 },
    )
    await cache.set('after', 'stored again')
    const fresh = createCache({ tiers: [redisTier({ url: server.url })] })
    expect(await fresh.get('after')).toBe('stored again')
    await fresh.close()
    await cache.close()
  }, 30_000)

  it('subscribes the bus once Redis comes back when it was down at startup', async () => {
    const late = await startRedisServer()
    await late.kill()
    const make = () =>
      createCache({
        tiers: [memoryTier(), redisTier({ url: late.url, timeout: 200 })],
        bus: redisBus({ url: late.url, timeout: 200 }),
      })
    const listener = make()
    const errors: string[] = []
    listener.on('error', ({ operation }) => errors.push(operation))
    await listener.ready()
    expect(errors).toContain('bus.subscribe')
    await late.restart()
    const writer = make()
    await writer.ready()
    // Subscribed at last, it drops its memory tier once (it may have missed invalidations).
    await vi.waitFor(() => expect(listener.stats().busResyncs).toBe(1), { timeout: 10_000 })
    await listener.set('k', 'local')
    expect(listener.getSync('k')).toBe('local')
    await vi.waitFor(
      async () => {
        await writer.invalidate({ keys: ['k'] })
        expect(listener.getSync('k')).toBeUndefined()
      },
      { timeout: 10_000, interval: 100 },
    )
    await writer.close()
    await listener.close()
    await late.stop()
  }, 20_000)

  it('does not wait for a Redis that stops answering (CLIENT PAUSE)', async () => {
    // A server of its own: a paused server cannot be unpaused (the admin client is paused too).
    const frozen = await startRedisServer()
    const cache = createCache({
      tiers: [memoryTier(), redisTier({ url: frozen.url, timeout: 100 })],
    })
    await cache.set('warm', 1)
    const admin = new Redis(frozen.url)
    // Paused for a minute: if any call waited for Redis, this test would hit its 15 s limit.
    await admin.client('PAUSE', 60_000, 'ALL')
    try {
      expect(await cache.getOrSet('slow', () => 'from factory')).toBe('from factory')
      await cache.set('slow-2', 2)
      expect(await cache.get('slow-2')).toBe(2)
      expect(cache.stats().tiers[1]?.errors).toBeGreaterThan(0)
      await cache.close()
    } finally {
      admin.disconnect()
      await frozen.stop()
    }
  }, 15_000)
})
