import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type Cache, createCache, memoryTier, type Tier } from '../src/index'
import { type ManualClock, manualClock } from '../src/test-suite'
import { mapTier } from './map-tier'

type Step =
  | { op: 'write'; by: number; key: string; tags: string[] }
  | { op: 'invalidate'; by: number; tag: string }
  | { op: 'read'; by: number; key: string }
  | { op: 'advance'; ms: number }

const key = fc.constantFrom('a', 'b', 'c')
const tag = fc.constantFrom('x', 'y')
const by = fc.integer({ min: 0, max: 1 })
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('write' as const), by, key, tags: fc.subarray(['x', 'y']) }),
  fc.record({ op: fc.constant('invalidate' as const), by, tag }),
  fc.record({ op: fc.constant('read' as const), by, key }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.constantFrom(0, 1, 2, 1_000) }),
)

/**
 * Runs `steps` against `caches` and a model: a read must return exactly the last value written
 * under its key, unless a tag it was written with was invalidated after it. With `apart`, the
 * clock moves 1 ms before each step (caches in different processes share no ordering but time).
 */
async function check(
  clock: ManualClock,
  caches: Cache[],
  steps: Step[],
  apart: boolean,
): Promise<void> {
  const model = new Map<string, { value: number; tags: string[] }>()
  let next = 0
  for (const s of steps) {
    if (apart) await clock.advance(1)
    const cache = caches[s.op === 'advance' ? 0 : s.by % caches.length] as Cache
    if (s.op === 'write') {
      const value = next++
      await cache.set(s.key, value, { tags: s.tags, ttl: 1e9 })
      model.set(s.key, { value, tags: s.tags })
    } else if (s.op === 'invalidate') {
      await cache.invalidate({ tags: [s.tag] })
      for (const [k, entry] of model) if (entry.tags.includes(s.tag)) model.delete(k)
    } else if (s.op === 'read') {
      expect(await cache.get(s.key)).toBe(model.get(s.key)?.value)
      if (cache.getSync !== undefined && caches.length === 1) {
        const sync = cache.getSync(s.key)
        if (sync !== undefined) expect(sync).toBe(model.get(s.key)?.value)
      }
    } else {
      await clock.advance(s.ms)
    }
  }
}

const shapes: Array<[string, (clock: ManualClock) => Tier[]]> = [
  ['a five-method tier alone', (clock) => [mapTier(clock)]],
  ['a getSync tier first', (clock) => [mapTier(clock, { kind: 'memory', getSync: true })]],
  [
    'a memory tier, then an async tier',
    (clock) => [memoryTier({ clock, maxEntries: 2 }), mapTier(clock, { async: true })],
  ],
]

describe('tag invalidation through stamps', () => {
  it.each(shapes)(
    'never returns a value written before an invalidation, always one written after (%s)',
    async (_, tiers) => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 40 }), async (steps) => {
          const clock = manualClock()
          const cache = createCache({ clock, tiers: tiers(clock) })
          await check(clock, [cache], steps, false)
          await cache.close()
        }),
        { numRuns: 150 },
      )
    },
  )

  it('holds across two caches sharing a tier when their steps are at least 1 ms apart', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 40 }), async (steps) => {
        const clock = manualClock()
        const shared = mapTier(clock, { async: true })
        const caches = [0, 1].map(() => createCache({ clock, tiers: [shared] }))
        await check(clock, caches, steps, true)
      }),
      { numRuns: 150 },
    )
  })

  // Across caches (processes), a write and an invalidation in the same millisecond are
  // unordered: the tie counts the write as before the invalidation (a miss, never stale data).
  it.each([
    { order: 'write, then invalidate', writeFirst: true, gap: 0, kept: false },
    { order: 'invalidate, then write', writeFirst: false, gap: 0, kept: false },
    { order: 'write, then invalidate 1 ms later', writeFirst: true, gap: 1, kept: false },
    { order: 'invalidate, then write 1 ms later', writeFirst: false, gap: 1, kept: true },
  ])('between two caches: $order keeps the value: $kept', async ({ writeFirst, gap, kept }) => {
    const clock = manualClock()
    const shared = mapTier(clock)
    const [writer, invalidator] = [0, 1].map(() => createCache({ clock, tiers: [shared] })) as [
      Cache,
      Cache,
    ]
    const write = () => writer.set('k', 'v', { tags: ['t'] })
    const invalidate = () => invalidator.invalidate({ tags: ['t'] })
    await (writeFirst ? write() : invalidate())
    await clock.advance(gap)
    await (writeFirst ? invalidate() : write())
    expect(await writer.get('k')).toBe(kept ? 'v' : undefined)
  })

  it('treats an entry its tier stored without writtenAt as written before any stamp', async () => {
    const clock = manualClock()
    const forgetful = mapTier(clock)
    const set = forgetful.set
    forgetful.set = (k, { writtenAt: _, ...entry }) => set(k, entry)
    const cache = createCache({ clock, tiers: [forgetful] })
    await cache.set('k', 1, { tags: ['t'] })
    expect(await cache.get('k')).toBe(1)
    await cache.invalidate({ tags: ['t'] })
    await clock.advance(1_000)
    await cache.set('k', 2, { tags: ['t'] })
    expect(await cache.get('k')).toBeUndefined()
  })
})
