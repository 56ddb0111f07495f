import { describe, expect, it, vi } from 'vitest'
import { createCache, memoryTier } from '../src/index'
import { ExpiryTimer } from '../src/tiers/expiry'
import { cacheShapes as shapes } from './helpers'

// On the system clock the memory tier keeps values in lru-cache as they are and marks expiry
// with a timer, and getSync takes a path with no clock read (see src/hot.ts). These tests run
// that path with real time; the manual-clock tests elsewhere run the clock-comparing one.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.each(shapes)('system-clock hot path ($name)', ({ namespace, policy }) => {
  function setup(options: { grace?: number } = {}) {
    const tier = memoryTier({ policy })
    const cache = createCache({ ...(namespace ? { namespace } : {}), tiers: [tier], ...options })
    return { cache, tier }
  }

  it('stops serving a value once its ttl has passed, and drops it from the tier', async () => {
    const { cache, tier } = setup()
    await cache.set('short', 's', { ttl: 20 })
    await cache.set('long', 'l', { ttl: 60_000 })
    expect(cache.getSync('short')).toBe('s')
    await sleep(60)
    expect(cache.getSync('short')).toBeUndefined()
    expect(await cache.get('short')).toBeUndefined()
    expect(cache.getSync('long')).toBe('l')
    expect(tier.size).toBe(1)
    expect(cache.stats().tiers[0]).toMatchObject({ hits: 2 })
  })

  it('serves a stale value within grace only to a failing getOrSet, then forgets it', async () => {
    const { cache, tier } = setup({ grace: 150 })
    await cache.set('k', 'old', { ttl: 20 })
    await cache.set('fresh', 'f', { ttl: 60_000 })
    await sleep(60)
    expect(cache.getSync('k')).toBeUndefined()
    expect(cache.getSync('fresh')).toBe('f')
    expect(await cache.getOrSet('k', () => Promise.reject(new Error('down')))).toBe('old')
    expect(tier.size).toBe(2)
    await sleep(200)
    expect(tier.size).toBe(1)
    await expect(cache.getOrSet('k', () => Promise.reject(new Error('down')))).rejects.toThrow()
    expect(cache.getSync('fresh')).toBe('f')
  })

  it('caches undefined as a value: a hit, and no second factory run', async () => {
    const { cache } = setup()
    const factory = vi.fn(() => undefined)
    expect(await cache.getOrSet('nothing', factory)).toBeUndefined()
    expect(await cache.getOrSet('nothing', factory)).toBeUndefined()
    expect(factory).toHaveBeenCalledTimes(1)
    await cache.set('v', 1)
    expect(cache.getSync('nothing')).toBeUndefined()
    expect(cache.getSync('v')).toBe(1)
    expect(await cache.get('v')).toBe(1)
    // The first getOrSet missed; the second, both getSync and get hit.
    expect(cache.stats().tiers[0]).toMatchObject({ hits: 4, misses: 1 })
    await cache.delete('nothing')
    expect(cache.getSync('v')).toBe(1)
    expect(cache.getSync('nothing')).toBeUndefined()
    expect(cache.stats().tiers[0]).toMatchObject({ hits: 5, misses: 2 })
  })

  it('keeps NUL-led keys, escaped root keys and namespaces apart, before and after deletes', async () => {
    const { cache } = setup()
    const sub = cache.namespace('sub')
    await cache.set('k', 'plain')
    expect(cache.getSync('\u0000sub\u0000k')).toBeUndefined()
    await sub.set('k', 'child')
    await cache.set('\u0000sub\u0000k', 'hostile')
    expect(sub.getSync('k')).toBe('child')
    expect(cache.getSync('\u0000sub\u0000k')).toBe('hostile')
    expect(cache.getSync('k')).toBe('plain')
    await cache.delete('\u0000sub\u0000k')
    await sub.delete('k')
    expect(cache.getSync('\u0000sub\u0000k')).toBeUndefined()
    expect(sub.getSync('k')).toBeUndefined()
    expect(cache.getSync('k')).toBe('plain')
    expect(() => cache.getSync(7 as unknown as string)).toThrow('key must be a string, got 7')
  })

  it('drops entries by tag, pattern and clear, and serves rewritten values', async () => {
    const { cache } = setup()
    await cache.set('doc:1', 'a', { tags: ['t'] })
    await cache.set('doc:2', 'b')
    await cache.set('img:1', 'c')
    await cache.set('doc:2', 'b2', { ttl: 20 })
    await cache.set('doc:2', 'b3')
    await cache.invalidate({ tags: ['t'] })
    expect(cache.getSync('doc:1')).toBeUndefined()
    await sleep(40)
    expect(cache.getSync('doc:2')).toBe('b3')
    await cache.invalidate({ pattern: 'doc:*' })
    expect(cache.getSync('doc:2')).toBeUndefined()
    expect(cache.getSync('img:1')).toBe('c')
    await cache.clear()
    expect(cache.getSync('img:1')).toBeUndefined()
  })
})

it('expires the right entries after many rewrites of the same keys (queue rebuilt)', async () => {
  const cache = createCache({ tiers: [memoryTier({ maxEntries: 100 })] })
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 100; i++) await cache.set(`k${i}`, round, { ttl: 60_000 })
  }
  for (let i = 0; i < 50; i++) await cache.set(`k${i}`, 'short', { ttl: 20 })
  await sleep(60)
  expect(cache.getSync('k0')).toBeUndefined()
  expect(cache.getSync('k49')).toBeUndefined()
  expect(cache.getSync('k50')).toBe(49)
  expect(cache.getSync('k99')).toBe(49)
})

describe('ExpiryTimer', () => {
  it('runs every due key exactly once, earliest first, and re-schedules what the callback returns', () => {
    const live = new Map<string, number>()
    const seen: Array<[string, number]> = []
    const timer = new ExpiryTimer(
      (key, due) => {
        seen.push([key, due])
        return key.startsWith('again') && due < 10_000 ? due + 10_000 : undefined
      },
      () => live.entries(),
      () => live.size,
    )
    let seed = 7
    const random = () => {
      seed = (seed * 48_271) % 2_147_483_647
      return seed / 2_147_483_647
    }
    for (let i = 0; i < 3_000; i++) {
      const due = Math.floor(random() * 5_000)
      const key = `${i % 3 === 0 ? 'again' : 'k'}${i}`
      live.set(key, due)
      timer.add(key, due)
    }
    timer.add('never', Number.POSITIVE_INFINITY)
    timer.settle(2_500)
    const first = seen.length
    expect(first).toBe([...live.values()].filter((due) => due <= 2_500).length)
    timer.settle(20_000)
    timer.clear()
    const dues = seen.map(([, due]) => due)
    expect(dues).toEqual([...dues].sort((a, b) => a - b))
    const again = [...live.keys()].filter((key) => key.startsWith('again')).length
    expect(seen.length).toBe(live.size + again)
    expect(seen.some(([key]) => key === 'never')).toBe(false)
  })

  it('rebuilds from the stored keys when stale pairs pile up', () => {
    const live = new Map<string, number>([['kept', 50]])
    const seen: string[] = []
    const timer = new ExpiryTimer(
      (key) => {
        seen.push(key)
        return undefined
      },
      () => live.entries(),
      () => live.size,
    )
    timer.add('kept', 50)
    for (let i = 0; i < 2_000; i++) timer.add(`gone${i}`, 10 + (i % 30))
    timer.settle(100)
    timer.clear()
    // The rebuild dropped pairs of keys no longer stored; the survivors still ran in order.
    expect(seen).toContain('kept')
    expect(seen.length).toBeLessThan(2_001)
  })
})
