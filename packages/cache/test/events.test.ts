import { tempDir } from '@mx/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { type Cache, type CacheEvents, createCache, diskTier, memoryTier } from '../src/index'
import { manualClock } from '../src/test-suite'
import { cacheShapes as shapes } from './helpers'
import { mapTier } from './map-tier'

type Hit = CacheEvents['hit']

function listen(cache: Cache): { hits: Hit[]; misses: string[]; off(): void } {
  const hits: Hit[] = []
  const misses: string[] = []
  const offs = [
    cache.on('hit', (event) => hits.push(event)),
    cache.on('miss', ({ key }) => misses.push(key)),
  ]
  return {
    hits,
    misses,
    off: () => {
      for (const off of offs) off()
    },
  }
}

const opened: Cache[] = []
afterEach(async () => {
  for (const cache of opened.splice(0)) await cache.close()
})

// On the system clock each cache shape reads its memory tier through its own specialised path
// (see src/hot.ts): every one of them must emit `hit` when someone listens.
describe.each(shapes)('hit events on the system clock ($name)', ({ namespace, policy }) => {
  function setup(): Cache {
    const cache = createCache({
      ...(namespace ? { namespace } : {}),
      tiers: [memoryTier({ policy })],
    })
    opened.push(cache)
    return cache
  }

  it('emits hit from getSync, get and getOrSet on a first-tier hit', async () => {
    const cache = setup()
    await cache.set('k', 'v', { ttl: 60_000 })
    const { hits, misses, off } = listen(cache)
    expect(cache.getSync('k')).toBe('v')
    expect(await cache.get('k')).toBe('v')
    expect(await cache.getOrSet('k', () => 'factory')).toBe('v')
    off()
    expect(hits).toHaveLength(3)
    for (const hit of hits) expect(hit).toMatchObject({ tier: 'memory', stale: false })
    expect(hits[0]?.key).toContain('k')
    expect(misses).toEqual([])
    expect(cache.stats()).toMatchObject({ hits: 3, misses: 0 })
  })

  it('emits hit from the checked path while an undefined value is stored', async () => {
    const cache = setup()
    // A stored `undefined` turns the fast flags off: values are then checked key by key.
    await cache.set('nothing', undefined, { ttl: 60_000 })
    await cache.set('k', 'v', { ttl: 60_000 })
    const { hits, off } = listen(cache)
    expect(cache.getSync('k')).toBe('v')
    expect(cache.getSync('nothing')).toBeUndefined()
    expect(cache.getSync('absent')).toBeUndefined()
    off()
    expect(hits.map((hit) => hit.tier)).toEqual(['memory', 'memory'])
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 1 })
  })
})

describe('hit and miss events past the first tier', () => {
  it('get emits hit naming the slower tier it came from, and miss on an absent key', async () => {
    const clock = manualClock()
    const l2 = mapTier(clock, { name: 'shared-map' })
    const cache = createCache({ clock, tiers: [memoryTier({ clock }), l2] })
    opened.push(cache)
    await cache.set('k', { n: 1 }, { ttl: 60_000 })
    cache.shrink(1)
    const { hits, misses, off } = listen(cache)
    expect(await cache.get('k')).toEqual({ n: 1 })
    expect(await cache.get('absent')).toBeUndefined()
    off()
    expect(hits).toEqual([{ key: 'k', tier: 'shared-map', stale: false }])
    expect(misses).toEqual(['absent'])
    // The hit was promoted: the memory tier answers now.
    expect(cache.getSync('k')).toEqual({ n: 1 })
  })

  it('getOrSet emits hit naming the slower tier without running the factory', async () => {
    const clock = manualClock()
    const l2 = mapTier(clock, { name: 'shared-map', async: true })
    const cache = createCache({ clock, tiers: [memoryTier({ clock }), l2] })
    opened.push(cache)
    await cache.set('k', 'stored', { ttl: 60_000 })
    cache.shrink(1)
    const { hits, off } = listen(cache)
    let runs = 0
    expect(
      await cache.getOrSet('k', () => {
        runs++
        return 'factory'
      }),
    ).toBe('stored')
    off()
    expect(runs).toBe(0)
    expect(hits).toEqual([{ key: 'k', tier: 'shared-map', stale: false }])
    expect(cache.stats().factoryRuns).toBe(0)
  })

  it('emits a stale hit when a failing factory falls back to the grace value', async () => {
    const clock = manualClock()
    const cache = createCache({ clock, tiers: [memoryTier({ clock })] })
    opened.push(cache)
    await cache.set('k', 'old', { ttl: 1_000, grace: 60_000 })
    clock.advance(2_000)
    const { hits, misses, off } = listen(cache)
    const errors: string[] = []
    cache.on('error', ({ operation }) => errors.push(operation))
    expect(
      await cache.getOrSet('k', () => {
        throw new Error('backend down')
      }),
    ).toBe('old')
    off()
    expect(misses).toEqual(['k'])
    expect(hits).toEqual([{ key: 'k', tier: 'memory', stale: true }])
    expect(errors).toEqual(['factory'])
  })

  it('emits hit from a getSync first tier that is not ours, on the system clock', async () => {
    const l1 = mapTier({ now: () => Date.now() }, { kind: 'memory', getSync: true })
    const cache = createCache({ tiers: [l1] })
    opened.push(cache)
    await cache.set('k', 'v', { ttl: 60_000 })
    const { hits, off } = listen(cache)
    expect(cache.getSync('k')).toBe('v')
    expect(await cache.get('k')).toBe('v')
    off()
    expect(hits).toEqual([
      { key: 'k', tier: 'map', stale: false },
      { key: 'k', tier: 'map', stale: false },
    ])
  })

  it('a disk tier first: get emits hit naming the disk tier', async () => {
    const dir = tempDir('mx-cache-events-')
    const cache = createCache({ tiers: [diskTier({ dir: dir.path })] })
    try {
      await cache.set('k', [1, 2, 3], { ttl: 60_000 })
      const { hits, off } = listen(cache)
      expect(await cache.get('k')).toEqual([1, 2, 3])
      off()
      expect(hits).toEqual([{ key: 'k', tier: 'disk', stale: false }])
    } finally {
      await cache.close()
      dir.remove()
    }
  })
})
