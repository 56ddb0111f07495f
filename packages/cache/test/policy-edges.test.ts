import { describe, expect, it } from 'vitest'
import { createCache, memoryTier } from '../src/index'
import { manualClock } from '../src/test-suite'
import { entryOn } from './helpers'

const clock = manualClock()
const entry = entryOn(clock)

describe('memoryTier tinylfu bounded by bytes', () => {
  it('keeps an entry larger than the 1 % window share of maxBytes, as lru does', () => {
    for (const policy of ['lru', 'tinylfu'] as const) {
      const tier = memoryTier({ policy, maxBytes: 20_000, clock })
      tier.set('big', entry(new Uint8Array(1_000)))
      expect(tier.getSync('big')?.value).toEqual(new Uint8Array(1_000))
      expect(tier.size).toBe(1)
    }
  })

  it('keeps entries within maxBytes alone (no maxEntries) and evicts for room', () => {
    const tier = memoryTier({ policy: 'tinylfu', maxBytes: 20_000, clock })
    const evicted: string[] = []
    tier.subscribe((event) => {
      if (event.type === 'evict') evicted.push(event.key)
    })
    for (let i = 0; i < 40; i++) tier.set(`k${i}`, entry(new Uint8Array(1_000)))
    expect(evicted.length).toBeGreaterThan(0)
    expect(tier.size).toBe(40 - evicted.length)
    expect(tier.size).toBeLessThan(20)
    for (const key of evicted) expect(tier.getSync(key)).toBeUndefined()
  })

  it('keeps maxEntries and maxBytes together', () => {
    const tier = memoryTier({ policy: 'tinylfu', maxEntries: 200, maxBytes: 1_000_000, clock })
    for (let i = 0; i < 300; i++) tier.set(`k${i}`, entry(i))
    expect(tier.size).toBeLessThanOrEqual(200)
    expect(tier.getSync('k299')?.value).toBe(299)
  })

  it('shrinks probation, window and protected entries alike', () => {
    const tier = memoryTier({ policy: 'tinylfu', maxEntries: 1_000, clock })
    const shrunk: string[] = []
    tier.subscribe((event) => {
      if (event.type === 'evict' && event.reason === 'shrink') shrunk.push(event.key)
    })
    for (let i = 0; i < 50; i++) tier.set(`k${i}`, entry(i))
    // Reading a probation entry promotes it to the protected segment.
    for (let i = 0; i < 10; i++) tier.getSync(`k${i}`)
    expect(tier.shrink(1)).toBe(50)
    expect(new Set(shrunk).size).toBe(50)
    expect(tier.size).toBe(0)
  })

  it('cache.shrink reaches only the memory tiers of a cache', async () => {
    const cache = createCache({ clock, tiers: [memoryTier({ clock, policy: 'tinylfu' })] })
    await cache.setMany([
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
    ])
    expect(cache.shrink(0.5)).toBe(1)
    expect([cache.getSync('a'), cache.getSync('b')].filter((v) => v !== undefined)).toHaveLength(1)
    await cache.close()
  })
})
