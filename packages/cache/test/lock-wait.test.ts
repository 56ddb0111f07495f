import { describeRedis, keyPrefix, redisUrl } from '@mx/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import {
  type Cache,
  type CacheEvents,
  createCache,
  memoryTier,
  redisTier,
  type TierLock,
} from '../src/index'
import { manualClock } from '../src/test-suite'
import { deleteKeys } from './helpers'
import { mapTier } from './map-tier'

const prefix = keyPrefix(import.meta.url)
const url = redisUrl()

function gate(): { promise: Promise<void>; open(): void } {
  let open = () => {}
  const promise = new Promise<void>((resolve) => {
    open = resolve
  })
  return { promise, open }
}

function errorsOf(cache: Cache): Array<Pick<CacheEvents['error'], 'operation' | 'tier'>> {
  const errors: Array<Pick<CacheEvents['error'], 'operation' | 'tier'>> = []
  cache.on('error', ({ operation, tier }) => errors.push({ operation, tier }))
  return errors
}

// Two caches over one Redis prefix stand for two processes: the distributed lock is Redis's own.
describeRedis('getOrSet waiting on the distributed lock of another instance', () => {
  afterAll(() => deleteKeys(prefix))

  const pair = (scope: string, wait: number) => {
    const make = () =>
      createCache({
        tiers: [memoryTier(), redisTier({ url, prefix: `${prefix}${scope}:` })],
        lock: { wait },
      })
    return [make(), make()] as const
  }

  it('waits for the lock holder and answers its value without running its own factory', async () => {
    const [a, b] = pair('poll', 10_000)
    const release = gate()
    const started = gate()
    const first = a.getOrSet('k', async () => {
      started.open()
      await release.promise
      return 'from a'
    })
    await started.promise
    let bRuns = 0
    const hits: Array<CacheEvents['hit']> = []
    b.on('hit', (event) => hits.push(event))
    const second = b.getOrSet('k', () => {
      bRuns++
      return 'from b'
    })
    release.open()
    expect(await first).toBe('from a')
    expect(await second).toBe('from a')
    expect(bRuns).toBe(0)
    expect(hits).toEqual([{ key: 'k', tier: 'redis', stale: false }])
    expect(b.stats()).toMatchObject({ hits: 1, misses: 0, factoryRuns: 0 })
    await a.close()
    await b.close()
  })

  it('runs its own factory with the stale value once lock.wait passes', async () => {
    const [a, b] = pair('deadline', 50)
    await a.set('k', 'old', { ttl: 1, grace: 60_000 })
    await new Promise((resolve) => setTimeout(resolve, 5))
    const release = gate()
    const started = gate()
    const first = a.getOrSet('k', async () => {
      started.open()
      await release.promise
      return 'from a'
    })
    await started.promise
    const seenStale: unknown[] = []
    const second = await b.getOrSet('k', ({ stale }) => {
      seenStale.push(stale)
      return 'from b'
    })
    release.open()
    expect(second).toBe('from b')
    expect(seenStale).toEqual(['old'])
    expect(await first).toBe('from a')
    expect(b.stats()).toMatchObject({ misses: 1, factoryRuns: 1 })
    await a.close()
    await b.close()
  })
})

/** A tier that offers a lock, as a user tier may; `onLock` runs when a lock is asked for. */
function lockingTier(
  clock: ReturnType<typeof manualClock>,
  onLock: (tier: ReturnType<typeof mapTier>, key: string) => TierLock | undefined,
) {
  const tier = mapTier(clock, { kind: 'memory', name: 'locking' })
  return Object.assign(tier, {
    lock: async (key: string) => onLock(tier, key),
  })
}

describe('getOrSet under a tier lock', () => {
  it('answers the value another instance wrote between the miss and the lock, and releases it', async () => {
    const clock = manualClock()
    let released = 0
    const tier = lockingTier(clock, (self, key) => {
      // Another instance finished just before this one got the lock.
      self.map.set(key, {
        value: 'written meanwhile',
        expiresAt: clock.now() + 1_000,
        staleUntil: clock.now() + 1_000,
        tags: [],
      })
      return {
        release: async () => {
          released++
        },
      }
    })
    const cache = createCache({ clock, tiers: [tier] })
    let runs = 0
    const value = await cache.getOrSet('k', () => {
      runs++
      return 'factory'
    })
    expect(value).toBe('written meanwhile')
    expect(runs).toBe(0)
    expect(released).toBe(1)
    expect(cache.stats()).toMatchObject({ hits: 1, factoryRuns: 0 })
    await cache.close()
  })

  it('reports a failing unlock as an error of the tier and still answers', async () => {
    const clock = manualClock()
    const tier = lockingTier(clock, (self, key) => {
      self.map.set(key, {
        value: 'written meanwhile',
        expiresAt: clock.now() + 1_000,
        staleUntil: clock.now() + 1_000,
        tags: [],
      })
      return { release: () => Promise.reject(new Error('lock lost')) }
    })
    const cache = createCache({ clock, tiers: [tier] })
    const errors = errorsOf(cache)
    expect(await cache.getOrSet('k', () => 'factory')).toBe('written meanwhile')
    expect(errors).toEqual([{ operation: 'unlock', tier: 'locking' }])
    expect(cache.stats().tiers[0]?.errors).toBe(1)
    await cache.close()
  })

  it('reports a failing unlock after the factory ran, and caches the value', async () => {
    const clock = manualClock()
    const tier = lockingTier(clock, () => ({
      release: () => Promise.reject(new Error('lock lost')),
    }))
    const cache = createCache({ clock, tiers: [tier] })
    const errors = errorsOf(cache)
    expect(await cache.getOrSet('k', () => 'factory')).toBe('factory')
    expect(errors).toEqual([{ operation: 'unlock', tier: undefined }])
    expect(tier.map.get('k')?.value).toBe('factory')
    await cache.close()
  })
})

describe('getOrSet timeouts', () => {
  it('answers a factory that finishes within the hard timeout', async () => {
    const cache = createCache()
    expect(await cache.getOrSet('k', async () => 'quick', { timeouts: { hard: 60_000 } })).toBe(
      'quick',
    )
    expect(cache.getSync('k')).toBe('quick')
    await cache.close()
  })

  it('reports a factory failing after the soft timeout served the stale value', async () => {
    const clock = manualClock()
    const cache = createCache({ clock, tiers: [memoryTier({ clock })] })
    const errors = errorsOf(cache)
    await cache.set('k', 'old', { ttl: 1_000, grace: 60_000 })
    clock.advance(2_000)
    const fail = gate()
    const reported = new Promise<void>((resolve) => cache.on('error', () => resolve()))
    const value = await cache.getOrSet(
      'k',
      async () => {
        await fail.promise
        throw new Error('late failure')
      },
      { timeouts: { soft: 1 } },
    )
    expect(value).toBe('old')
    expect(errors).toEqual([])
    fail.open()
    await reported
    expect(errors).toEqual([{ operation: 'factory', tier: undefined }])
    expect(cache.getSync('k')).toBeUndefined()
    await cache.close()
  })
})
