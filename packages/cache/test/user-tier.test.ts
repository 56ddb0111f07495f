import { describe, expect, it } from 'vitest'
import {
  type Bus,
  type BusMessage,
  createCache,
  memoryTier,
  PatternUnsupportedError,
  type Tier,
} from '../src/index'
import { keyvStore } from '../src/keyv'
import { manualClock, runTierSuite } from '../src/test-suite'
import { mapTier } from './map-tier'

// The conformance suite, cache-level checks included, on tiers with only the five methods.
runTierSuite('five-method user tier (memory kind)', (clock) => mapTier(clock, { kind: 'memory' }))
runTierSuite('five-method user tier with keys (shared, async)', (clock) =>
  mapTier(clock, { keys: true, async: true }),
)
runTierSuite('five-method user tier with getSync (memory kind)', (clock) =>
  mapTier(clock, { kind: 'memory', getSync: true }),
)

/** Buses joined in one process: what one publishes, the others receive (in order, at once). */
function joinedBuses(count: number): Bus[] {
  const handlers: Array<Array<(message: BusMessage) => void>> = []
  return Array.from({ length: count }, (_, index) => {
    handlers[index] = []
    return {
      async publish(message) {
        handlers.forEach((list, other) => {
          if (other !== index) for (const handler of list) handler(structuredClone(message))
        })
      },
      async subscribe(handler) {
        handlers[index]?.push(handler)
        return () => {}
      },
      async close() {},
    }
  })
}

describe('a five-method user tier behind a memory tier', () => {
  it('drops tagged entries from both tiers, and promotes only live ones', async () => {
    const clock = manualClock()
    const shared = mapTier(clock, { keys: true, async: true })
    const cache = createCache({ clock, tiers: [memoryTier({ clock }), shared] })
    await cache.set('a', 1, { tags: ['t'], dependsOn: 'file:x' })
    await cache.set('b', 2, { tags: ['u'] })
    // Another process's view: the same shared tier, its own empty memory tier.
    const other = createCache({ clock, tiers: [memoryTier({ clock }), shared] })
    expect(await other.get('a')).toBe(1)
    await clock.advance(1)
    await cache.invalidate({ dependsOn: 'file:x' })
    expect(cache.getSync('a')).toBeUndefined()
    expect(await cache.get('a')).toBeUndefined()
    expect(shared.map.has('a')).toBe(false)
    expect(await cache.get('b')).toBe(2)
    // Without a bus, `other`'s memory tier keeps its copy until its TTL (as with any tier).
    expect(other.getSync('a')).toBe(1)
    await other.close()
    await cache.close()
  })

  it('dates an entry promoted from a tier with native tags when it was read', async () => {
    const clock = manualClock()
    const first = mapTier(clock, { kind: 'memory', getSync: true })
    const native = memoryTier({ clock })
    // Written by a cache whose tiers all have deleteTags: no write time is recorded.
    await createCache({ clock, tiers: [native] }).set('k', 'v', { tags: ['t'] })
    const cache = createCache({ clock, tiers: [first, native] })
    expect(await cache.get('k')).toBe('v')
    expect(first.map.get('k')?.writtenAt).toBe(clock.now())
    expect(cache.getSync('k')).toBe('v')
    await cache.invalidate({ tags: ['t'] })
    expect(cache.getSync('k')).toBeUndefined()
    expect(await cache.get('k')).toBeUndefined()
    await cache.close()
  })

  it("applies another instance's invalidations to its memory tiers (stamps, or the whole scope)", async () => {
    const clock = manualClock()
    const shared = mapTier(clock, { keys: true, async: true })
    const [busA, busB] = joinedBuses(2) as [Bus, Bus]
    const l1 = (keys: boolean) => mapTier(clock, { kind: 'memory', getSync: true, keys })
    const a = createCache({ clock, tiers: [l1(false), shared], bus: busA })
    const b = createCache({ clock, tiers: [l1(true), shared], bus: busB })
    await Promise.all([a.ready(), b.ready()])
    await b.set('k', 'v', { tags: ['t'] })
    await b.set('doc:1', 'd')
    expect(await a.get('k')).toBe('v')
    expect(await a.get('doc:1')).toBe('d')
    expect(a.getSync('k')).toBe('v')
    await clock.advance(1)
    await b.invalidate({ tags: ['t'] })
    expect(a.getSync('k')).toBeUndefined()
    // a's memory tier cannot list keys: a pattern from b drops its whole scope.
    await b.invalidate({ pattern: 'doc:*' })
    expect(a.getSync('doc:1')).toBeUndefined()
    await expect(a.invalidate({ pattern: 'doc:*' })).rejects.toThrow(PatternUnsupportedError)
    await a.close()
    await b.close()
  })
})

describe('what the cache needs of a tier', () => {
  it('refuses a pattern, naming the tier, before touching any tier', async () => {
    const clock = manualClock()
    const cache = createCache({ clock, tiers: [memoryTier({ clock }), mapTier(clock)] })
    await cache.set('doc:1', 1)
    const error = await cache.invalidate({ pattern: 'doc:*' }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(PatternUnsupportedError)
    expect(error).toMatchObject({
      code: 'MX_CACHE_PATTERN_UNSUPPORTED',
      message:
        'invalidate({ pattern }) needs every tier to delete by pattern or list its keys: tier "map" has neither deleteMatching() nor keys()',
      context: { tier: 'map' },
    })
    expect(cache.getSync('doc:1')).toBe(1)
    await cache.close()
  })

  it('counts a tier failing to store a stamp, and does not fail the invalidation', async () => {
    const clock = manualClock()
    const broken: Tier = {
      ...mapTier(clock),
      set() {
        throw new Error('disk full')
      },
    }
    const cache = createCache({ clock, tiers: [memoryTier({ clock }), broken] })
    await cache.invalidate({ tags: ['t'] })
    expect(cache.stats().tiers.map((tier) => tier.errors)).toEqual([0, 1])
    await cache.close()
  })

  it('takes a five-method tier where a tier is expected', async () => {
    const clock = manualClock()
    const store = keyvStore(mapTier(clock))
    await store.set('k', 'v')
    expect(await store.get('k')).toBe('v')
    await store.disconnect()
    expect(() =>
      createCache({ tiers: [{ ...mapTier(clock), close: undefined } as never] }),
    ).toThrow('tiers[0] is not a tier: it has no close() method')
  })
})
