import { expect, it } from 'vitest'
import { createCache } from './cache'
import { FactoryError, PatternUnsupportedError } from './errors'
import type { ManualClock } from './kernel'
import type { Cache, CacheOptions, Tier } from './types'

/** The tier under test and its clock, as `runTierSuite` sets them before each test. */
export interface SuiteSubject {
  clock: ManualClock
  tier: Tier
}

const failing = (): never => {
  throw new Error('source down')
}

/**
 * The conformance suite's cache-level checks: `invalidate` by keys, tags, `dependsOn` and
 * pattern, `clear`, namespaces and grace, through a cache over the tier alone, whichever of
 * the optional methods it has (the cache does the rest). The suite closes the tier, so the
 * caches here are not closed.
 */
export function cacheInvalidation(subject: SuiteSubject): void {
  const cacheOf = (options: CacheOptions = {}): Cache =>
    createCache({ clock: subject.clock, tiers: [subject.tier], ...options })

  it('cache: invalidates and deletes by keys', async () => {
    const cache = cacheOf()
    await cache.setMany([
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
      { key: 'c', value: 3 },
    ])
    await cache.invalidate({ keys: ['a'] })
    await cache.delete('b')
    expect(await cache.getMany(['a', 'b', 'c'])).toEqual([undefined, undefined, 3])
  })

  it('cache: drops exactly the tagged entries, and keeps what is written after', async () => {
    const cache = cacheOf()
    await cache.set('a', 'a', { tags: ['red'] })
    await cache.set('b', 'b', { tags: ['blue', 'red'] })
    await cache.set('c', 'c', { tags: ['blue'] })
    await cache.set('d', 'd')
    await cache.invalidate({ tags: ['red'] })
    expect(await cache.getMany(['a', 'b', 'c', 'd'])).toEqual([undefined, undefined, 'c', 'd'])
    // Same millisecond as the invalidation: a later write still counts as after it.
    await cache.set('a', 'again', { tags: ['red'] })
    expect(await cache.get('a')).toBe('again')
    await subject.clock.advance(1)
    await cache.invalidate({ tags: ['red'] })
    expect(await cache.get('a')).toBeUndefined()
  })

  it('cache: reruns a tagged factory after its tag is invalidated', async () => {
    const cache = cacheOf()
    let runs = 0
    const load = () => cache.getOrSet('k', () => ++runs, { tags: ['t'] })
    expect(await load()).toBe(1)
    expect(await load()).toBe(1)
    await cache.invalidate({ tags: ['t'] })
    expect(await load()).toBe(2)
    expect(await cache.has('k')).toBe(true)
  })

  it('cache: drops the entries that depend on an invalidated resource', async () => {
    const cache = cacheOf()
    await cache.set('x', 1, { dependsOn: 'file:a' })
    await cache.set('y', 2, { dependsOn: ['file:a', 'file:b'] })
    await cache.invalidate({ dependsOn: 'file:b' })
    expect(await cache.getMany(['x', 'y'])).toEqual([1, undefined])
    await cache.invalidate({ dependsOn: ['file:a'] })
    expect(await cache.get('x')).toBeUndefined()
  })

  it('cache: invalidates by pattern, or refuses before touching a tier that cannot', async () => {
    const cache = cacheOf()
    const named = cache.namespace('n')
    await cache.setMany(['doc:1', 'doc:22', 'doc*', 'img:1'].map((key) => ({ key, value: key })))
    await named.set('doc:1', 'named')
    const { tier } = subject
    if (!tier.deleteMatching && !tier.keys) {
      await expect(cache.invalidate({ pattern: 'doc:?' })).rejects.toThrow(PatternUnsupportedError)
      expect(await cache.get('doc:1')).toBe('doc:1')
      return
    }
    await cache.invalidate({ pattern: 'doc:?' })
    expect(await cache.getMany(['doc:1', 'doc:22'])).toEqual([undefined, 'doc:22'])
    await cache.invalidate({ pattern: 'doc\\*' })
    expect(await cache.get('doc*')).toBe('doc*')
    await cache.invalidate({ pattern: '*' })
    expect(await cache.getMany(['doc:22', 'doc*', 'img:1'])).toEqual([
      undefined,
      undefined,
      undefined,
    ])
    expect(await named.get('doc:1')).toBe('named')
  })

  it('cache: clears a namespace, or everything from the root', async () => {
    const cache = cacheOf()
    const named = cache.namespace('n')
    await cache.set('k', 'root', { tags: ['t'] })
    await named.set('k', 'named', { tags: ['t'] })
    await named.clear()
    expect([await cache.get('k'), await named.get('k')]).toEqual(['root', undefined])
    await named.set('k', 'named')
    await cache.clear()
    expect([await cache.get('k'), await named.get('k')]).toEqual([undefined, undefined])
  })

  it("cache: keeps namespaces' tags apart", async () => {
    const cache = cacheOf()
    const named = cache.namespace('n')
    await cache.set('k', 'root', { tags: ['t'] })
    await named.set('k', 'named', { tags: ['t'] })
    await named.invalidate({ tags: ['t'] })
    expect([await cache.get('k'), await named.get('k')]).toEqual(['root', undefined])
    await cache.invalidate({ tags: ['t'] })
    expect(await cache.get('k')).toBeUndefined()
    if (subject.tier.keys) expect(await keysOf(cache)).toEqual([])
  })

  it('cache: serves a stale value within grace, but never an invalidated one', async () => {
    const cache = cacheOf({ grace: 5_000 })
    await cache.set('k', 'old', { ttl: 1_000, tags: ['t'] })
    await subject.clock.advance(2_000)
    expect(await cache.get('k')).toBeUndefined()
    expect(await cache.getOrSet('k', failing)).toBe('old')
    await cache.invalidate({ tags: ['t'] })
    await expect(cache.getOrSet('k', failing)).rejects.toThrow(FactoryError)
  })
}

async function keysOf(cache: Cache): Promise<string[]> {
  const keys: string[] = []
  for await (const key of cache.keys()) keys.push(key)
  return keys.sort()
}
