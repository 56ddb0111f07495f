import { tempDir } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import { createCache, diskTier, InvalidOptionError, memoryTier } from '../src/index'
import { manualClock } from '../src/test-suite'
import { cacheShapes as shapes } from './helpers'

// getSync / get / getOrSet take a specialised path per cache shape (root or named namespace,
// plain-LRU memory tier or another policy): every shape must behave the same.
describe.each(shapes)('hot path ($name)', ({ namespace, policy }) => {
  function setup() {
    const clock = manualClock()
    const cache = createCache({
      clock,
      ...(namespace ? { namespace } : {}),
      tiers: [memoryTier({ clock, policy })],
    })
    return { clock, cache }
  }

  it('serves a value until its ttl passes and counts hits and misses', async () => {
    const { cache, clock } = setup()
    await cache.set('k', 'v', { ttl: 1_000 })
    clock.advance(999)
    expect(cache.getSync('k')).toBe('v')
    expect(await cache.get('k')).toBe('v')
    expect(await cache.getOrSet('k', () => 'factory')).toBe('v')
    clock.advance(1)
    expect(cache.getSync('k')).toBeUndefined()
    expect(cache.getSync('absent')).toBeUndefined()
    const stats = cache.stats()
    expect(stats.hits).toBe(3)
    expect(stats.tiers[0]).toMatchObject({ hits: 3, misses: 2 })
  })

  it('keeps keys starting with NUL apart from namespaced keys', async () => {
    const { cache } = setup()
    const sub = cache.namespace('sub')
    await sub.set('k', 'child')
    await cache.set('\u0000sub\u0000k', 'hostile')
    await cache.set('\u0000', 'nul')
    expect(sub.getSync('k')).toBe('child')
    expect(cache.getSync('\u0000sub\u0000k')).toBe('hostile')
    expect(cache.getSync('\u0000')).toBe('nul')
    expect(cache.getSync('')).toBeUndefined()
  })

  it('emits hit only while someone listens', async () => {
    const { cache } = setup()
    await cache.set('k', 1)
    const seen: string[] = []
    const off = cache.on('hit', ({ tier }) => seen.push(tier))
    cache.getSync('k')
    off()
    cache.getSync('k')
    expect(seen).toEqual(['memory'])
  })

  it('rejects a non-string key', () => {
    const { cache } = setup()
    expect(() => cache.getSync(42 as unknown as string)).toThrow(InvalidOptionError)
  })
})

describe('hot path without a memory tier', () => {
  it('getSync misses and counts the miss while get reads the first tier', async () => {
    const dir = tempDir('mx-cache-hot-')
    const cache = createCache({ tiers: [diskTier({ dir: dir.path })] })
    try {
      await cache.set('k', 'v')
      expect(cache.getSync('k')).toBeUndefined()
      expect(await cache.get('k')).toBe('v')
      expect(cache.stats().misses).toBe(1)
    } finally {
      await cache.close()
      dir.remove()
    }
  })
})
