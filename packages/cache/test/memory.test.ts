import { describe, expect, it } from 'vitest'
import { memoryTier } from '../src/index'
import { manualClock, runTierSuite } from '../src/test-suite'
import type { TierEvent } from '../src/types'
import { entryOn } from './helpers'

runTierSuite('memoryTier (lru)', (clock) => memoryTier({ clock }))
runTierSuite('memoryTier (tinylfu)', (clock) => memoryTier({ clock, policy: 'tinylfu' }))
runTierSuite('memoryTier (fifo)', (clock) => memoryTier({ clock, policy: 'fifo' }))

const clock = manualClock()
const entry = entryOn(clock)

describe('memoryTier', () => {
  it('evicts the least recently used entry when maxEntries is reached', () => {
    const tier = memoryTier({ maxEntries: 2, clock })
    tier.set('a', entry(1))
    tier.set('b', entry(2))
    tier.getSync('a')
    tier.set('c', entry(3))
    expect(tier.getSync('b')).toBeUndefined()
    expect(tier.getSync('a')?.value).toBe(1)
    expect(tier.getSync('c')?.value).toBe(3)
  })

  it.each(['lru', 'fifo'] as const)(
    'keeps maxEntries with maxBytes too (%s), evicting the oldest and saying so',
    (policy) => {
      const tier = memoryTier({ maxEntries: 2, maxBytes: 1_000_000, clock, policy })
      const evicted: string[] = []
      tier.subscribe?.((event) => {
        if (event.type === 'evict') evicted.push(`${event.key}:${event.reason}`)
      })
      tier.set('a', entry(1))
      tier.set('b', entry(2))
      if (policy === 'lru') tier.getSync('a')
      tier.set('c', entry(3))
      tier.set('c', entry(4))
      const gone = policy === 'lru' ? 'b' : 'a'
      expect(evicted).toEqual([`${gone}:size`])
      expect(tier.getSync(gone)).toBeUndefined()
      expect(tier.getSync('c')?.value).toBe(4)
    },
  )

  it('evicts the oldest insertion first under fifo, whatever was read', () => {
    const tier = memoryTier({ maxEntries: 2, clock, policy: 'fifo' })
    tier.set('a', entry(1))
    tier.set('b', entry(2))
    tier.getSync('a')
    tier.set('c', entry(3))
    expect(tier.getSync('a')).toBeUndefined()
    expect(tier.getSync('b')?.value).toBe(2)
  })

  it('keeps popular keys under tinylfu while one-off keys stream through, unlike lru', () => {
    // 80 hot keys reused in turn, each access followed by a never-seen key: under lru the hot
    // keys' reuse distance (160 distinct keys) exceeds the 100 entries, so they never hit.
    const hotHitRatio = (policy: 'lru' | 'tinylfu') => {
      const tier = memoryTier({ maxEntries: 100, clock, policy })
      let hits = 0
      for (let i = 0; i < 8_000; i++) {
        const hot = `hot${i % 80}`
        if (tier.getSync(hot)) hits++
        else tier.set(hot, entry(i))
        if (!tier.getSync(`scan${i}`)) tier.set(`scan${i}`, entry(i))
      }
      return hits / 8_000
    }
    expect(hotHitRatio('lru')).toBeLessThan(0.05)
    expect(hotHitRatio('tinylfu')).toBeGreaterThan(0.5)
  })

  it('bounds the estimated bytes with maxBytes and skips entries above maxEntrySize', () => {
    const tier = memoryTier({ maxBytes: 10_000, maxEntrySize: 5_000, clock })
    for (let i = 0; i < 100; i++) tier.set(`k${i}`, entry('x'.repeat(500)))
    expect(tier.size).toBeGreaterThan(0)
    expect(tier.size).toBeLessThan(20)
    tier.set('big', entry('x'.repeat(10_000)))
    expect(tier.getSync('big')).toBeUndefined()
  })

  it('shrinks by a fraction, least recently used first, and reports evictions', () => {
    const tier = memoryTier({ clock })
    const events: TierEvent[] = []
    tier.subscribe((event) => events.push(event))
    for (let i = 0; i < 10; i++) tier.set(`k${i}`, entry(i))
    tier.getSync('k0')
    expect(tier.shrink(0.5)).toBe(5)
    expect(tier.size).toBe(5)
    expect(tier.getSync('k0')?.value).toBe(0)
    expect(tier.getSync('k1')).toBeUndefined()
    expect(events.filter((e) => e.type === 'evict')).toHaveLength(5)
    expect(events[0]).toEqual({ type: 'evict', key: 'k1', reason: 'shrink' })
  })

  it('forgets the tags of evicted entries so a tag invalidation only counts live ones', () => {
    const tier = memoryTier({ maxEntries: 1, clock })
    tier.set('a', entry(1, ['t']))
    tier.set('b', entry(2, ['t']))
    expect(tier.deleteTags(['t'])).toBe(1)
    expect(tier.getSync('b')).toBeUndefined()
  })

  it('rejects an unknown policy with an exact message', () => {
    expect(() => memoryTier({ policy: 'mru' as never })).toThrow(
      'policy must be one of "lru", "tinylfu", "fifo", got "mru"',
    )
    expect(() => memoryTier({ maxEntries: 0 })).toThrow('maxEntries must be an integer >= 1, got 0')
  })
})
