import { describeRedis, keyPrefix, redisUrl } from '@mx/testkit'
import { Redis } from 'ioredis'
import { afterAll, expect, it, vi } from 'vitest'
import { createCache, memoryTier, redisBus, redisTier } from '../src/index'
import { manualClock, runTierSuite } from '../src/test-suite'
import { deleteKeys } from './helpers'

const prefix = keyPrefix(import.meta.url)
const url = redisUrl()

describeRedis('redisTier against the real Redis', () => {
  afterAll(() => deleteKeys(prefix))
  let suiteRun = 0
  runTierSuite('redisTier', (clock) =>
    redisTier({ url, prefix: `${prefix}suite${suiteRun++}:`, clock }),
  )

  it('promotes a Redis hit to memory carrying the remaining ttl', async () => {
    const clock = manualClock()
    const writer = createCache({ clock, tiers: [redisTier({ url, prefix, clock })] })
    await writer.set('promo', { n: 1 }, { ttl: 10_000 })
    clock.advance(4_000)
    const memory = memoryTier({ clock })
    const reader = createCache({ clock, tiers: [memory, redisTier({ url, prefix, clock })] })
    expect(await reader.get('promo')).toEqual({ n: 1 })
    expect(memory.getSync('promo')?.expiresAt).toBe(clock.now() + 6_000)
    expect(reader.stats().tiers.map((tier) => tier.hits)).toEqual([0, 1])
    expect(reader.getSync('promo')).toEqual({ n: 1 })
    await writer.close()
    await reader.close()
  })

  it('rejects a tampered signed entry, deletes it and counts it', async () => {
    const tamperPrefix = `${prefix}tamper:`
    const cache = createCache({
      tiers: [redisTier({ url, prefix: tamperPrefix })],
      sign: { secret: 's3cret' },
    })
    await cache.set('role', { admin: false })
    expect(await cache.get('role')).toEqual({ admin: false })
    const redis = new Redis(url)
    const key = `${tamperPrefix}e:role`
    const stored = (await redis.getBuffer(key)) as Buffer
    // Rewrite the payload AND fix the record's CRC, as an attacker with Redis access could.
    const { crc32 } = await import('node:zlib')
    const tampered = Buffer.from(stored)
    tampered[tampered.length - 40] = (tampered[tampered.length - 40] ?? 0) ^ 1
    tampered.writeUInt32BE(crc32(tampered.subarray(4)), 0)
    await redis.set(key, tampered)
    expect(await cache.get('role')).toBeUndefined()
    expect(cache.stats().tiers[0]?.corrupt).toBe(1)
    expect(await redis.exists(key)).toBe(0)
    redis.disconnect()
    await cache.close()
  })

  it('invalidates other instances memory tiers through the bus', async () => {
    const make = () =>
      createCache({
        namespace: 'bus',
        tiers: [memoryTier(), redisTier({ url, prefix })],
        bus: redisBus({ url, channel: `${prefix}bus` }),
      })
    const a = make()
    const b = make()
    await Promise.all([a.ready(), b.ready()])
    await b.set('doc', 'v1', { tags: ['docs'] })
    expect(await a.get('doc')).toBe('v1')
    expect(a.getSync('doc')).toBe('v1')
    await b.set('doc', 'v2', { tags: ['docs'] })
    await vi.waitFor(() => expect(a.getSync('doc')).toBeUndefined())
    expect(await a.get('doc')).toBe('v2')
    await b.invalidate({ tags: ['docs'] })
    await vi.waitFor(() => expect(a.getSync('doc')).toBeUndefined())
    expect(await a.get('doc')).toBeUndefined()
    await a.set('x:1', 1)
    expect(b.getSync('x:1')).toBeUndefined()
    expect(await b.get('x:1')).toBe(1)
    await a.invalidate({ pattern: 'x:*' })
    await vi.waitFor(() => expect(b.getSync('x:1')).toBeUndefined())
    await a.close()
    await b.close()
  })

  it('uses caller-provided clients for the tier and the bus, and leaves them open on close', async () => {
    const client = new Redis(url)
    const make = () =>
      createCache({
        namespace: 'own',
        tiers: [memoryTier(), redisTier({ client, prefix })],
        bus: redisBus({ client, channel: `${prefix}own-bus` }),
      })
    const cache = make()
    const other = make()
    await Promise.all([cache.ready(), other.ready()])
    await cache.set('own', 1)
    expect(await other.get('own')).toBe(1)
    await cache.set('own', 2)
    await vi.waitFor(() => expect(other.getSync('own')).toBeUndefined())
    expect(await other.get('own')).toBe(2)
    await cache.close()
    await other.close()
    expect(await client.ping()).toBe('PONG')
    client.disconnect()
  })

  it('keeps hostile keys and patterns literal in Redis', async () => {
    const cache = createCache({ tiers: [redisTier({ url, prefix })] })
    await cache.set('a*', 1)
    await cache.set('ab', 2)
    await cache.set('[a]', 3)
    await cache.invalidate({ pattern: 'a\\*' })
    expect(await cache.get('a*')).toBe(1)
    await cache.invalidate({ pattern: '[a]' })
    expect(await cache.get('[a]')).toBeUndefined()
    expect(await cache.get('ab')).toBe(2)
    await cache.close()
  })
})
