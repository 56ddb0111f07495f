import { tempDir } from '@mx/testkit'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { createCache, diskTier, memoryTier } from '../src/index'
import { manualClock } from '../src/test-suite'

type Command =
  | { op: 'set'; key: string; value: number; ttl: number; tags: string[] }
  | { op: 'get'; key: string }
  | { op: 'delete'; key: string }
  | { op: 'tags'; tag: string }
  | { op: 'pattern'; glob: string }
  | { op: 'advance'; ms: number }

const key = fc.constantFrom('a', 'b', 'c', 'doc:1', 'doc:2')
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    op: fc.constant('set' as const),
    key,
    value: fc.integer(),
    ttl: fc.integer({ min: 1, max: 1_000 }),
    tags: fc.subarray(['x', 'y']),
  }),
  fc.record({ op: fc.constant('get' as const), key }),
  fc.record({ op: fc.constant('delete' as const), key }),
  fc.record({ op: fc.constant('tags' as const), tag: fc.constantFrom('x', 'y') }),
  fc.record({ op: fc.constant('pattern' as const), glob: fc.constantFrom('doc:*', 'a', '?') }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 1_500 }) }),
)

describe('cache against a reference model', () => {
  const dir = tempDir('mx-cache-model-')
  afterAll(() => dir.remove())

  it.each(['lru', 'tinylfu', 'fifo'] as const)(
    'never returns a value the model says is deleted, expired or invalidated (%s memory tier)',
    async (policy) => {
      const clock = manualClock()
      const disk = diskTier({ dir: dir.path, clock })
      await fc.assert(
        fc.asyncProperty(fc.array(command, { maxLength: 40 }), async (commands) => {
          await disk.clear('')
          // A 2-entry memory tier forces evictions, so reads also come from disk and get promoted.
          const cache = createCache({
            clock,
            tiers: [memoryTier({ maxEntries: 3, clock, policy }), disk],
          })
          const model = new Map<string, { value: number; expiresAt: number; tags: string[] }>()
          const alive = (k: string) => {
            const entry = model.get(k)
            return entry !== undefined && entry.expiresAt > clock.now() ? entry : undefined
          }
          for (const c of commands) {
            switch (c.op) {
              case 'set':
                await cache.set(c.key, c.value, { ttl: c.ttl, tags: c.tags })
                model.set(c.key, { value: c.value, expiresAt: clock.now() + c.ttl, tags: c.tags })
                break
              case 'get': {
                const got = await cache.get(c.key)
                const expected = alive(c.key)
                // Both tiers are large enough to keep everything, so the cache must match exactly.
                expect(got).toBe(expected?.value)
                expect(cache.getSync(c.key)).toBe(expected?.value)
                break
              }
              case 'delete':
                await cache.delete(c.key)
                model.delete(c.key)
                break
              case 'tags':
                await cache.invalidate({ tags: [c.tag] })
                for (const [k, entry] of model) if (entry.tags.includes(c.tag)) model.delete(k)
                break
              case 'pattern': {
                await cache.invalidate({ pattern: c.glob })
                const regex = new RegExp(`^${c.glob.replace('*', '.*').replace('?', '.')}$`)
                for (const k of [...model.keys()]) if (regex.test(k)) model.delete(k)
                break
              }
              case 'advance':
                clock.advance(c.ms)
                break
            }
          }
        }),
        { numRuns: 60 },
      )
      await disk.close()
    },
    60_000,
  )
})
