// `ttl: Infinity` caches without expiry in every tier: Redis, which takes no infinite TTL, keeps
// the entry for the longest time it takes.
import { describeRedis, keyPrefix, redisUrl, tempDir } from '@mx/testkit'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { createCache, diskTier, memoryTier, redisTier } from '../src/index'
import { manualClock } from '../src/test-suite'
import { deleteKeys } from './helpers'

const CENTURY = 100 * 365 * 24 * 3_600_000

describe('ttl: Infinity', () => {
  const dir = tempDir('mx-cache-forever-')
  afterAll(() => dir.remove())

  it('keeps an entry in the memory and disk tiers however far the clock moves', async () => {
    const clock = manualClock()
    const memory = memoryTier({ clock })
    const disk = diskTier({ dir: dir.path, clock })
    const cache = createCache({ clock, tiers: [memory, disk], ttl: Number.POSITIVE_INFINITY })
    await cache.set('default', 1)
    await cache.set('explicit', 2, { ttl: Number.POSITIVE_INFINITY, grace: 1000 })
    expect(await cache.getOrSet('computed', () => 3, { ttl: Number.POSITIVE_INFINITY })).toBe(3)
    await clock.advance(CENTURY)
    expect(cache.getSync('default')).toBe(1)
    expect(await cache.get('explicit')).toBe(2)
    expect(await cache.get('computed')).toBe(3)
    expect(memory.getSync('default')?.expiresAt).toBe(Number.POSITIVE_INFINITY)
    // The disk tier's copy lives on too: a cache over it alone still reads it.
    const again = createCache({ clock, tiers: [diskTier({ dir: dir.path, clock })] })
    await cache.close()
    expect(await again.get('explicit')).toBe(2)
    await again.close()
  })

  it('is refused with every other non-finite or non-positive value', () => {
    for (const ttl of [Number.NEGATIVE_INFINITY, Number.NaN, 0, -1]) {
      expect(() => createCache({ ttl })).toThrow(
        expect.objectContaining({ code: 'MX_INVALID_OPTION', option: 'ttl' }),
      )
    }
  })
})

describeRedis('ttl: Infinity in the Redis tier', () => {
  const prefix = keyPrefix(import.meta.url)
  afterAll(() => deleteKeys(prefix))

  it('stores the entry with the longest TTL Redis takes', async () => {
    const clock = manualClock(Date.now())
    const cache = createCache({ clock, tiers: [redisTier({ url: redisUrl(), prefix, clock })] })
    await cache.set('forever', { n: 1 }, { ttl: Number.POSITIVE_INFINITY, tags: ['t'] })
    await clock.advance(CENTURY)
    expect(await cache.get('forever')).toEqual({ n: 1 })
    const redis = new Redis(redisUrl())
    const pttl = await redis.pttl(`${prefix}e:forever`)
    await redis.quit()
    expect(pttl).toBeGreaterThan(1000 * CENTURY)
    await cache.close()
  })
})
