import { describeRedis, keyPrefix, redisUrl, tempDir } from '@mx/testkit'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { createCache, diskTier, memoryTier, redisTier, type Tier } from '../src/index'
import { type ManualClock, manualClock } from '../src/test-suite'
import { deleteKeys } from './helpers'
import { mapTier } from './map-tier'

type Command =
  | { op: 'set'; key: string; value: number; ttl: number; tags: string[] }
  | { op: 'get'; key: string }
  | { op: 'getOrSet'; key: string; value: number; ttl: number }
  | { op: 'delete'; key: string }
  | { op: 'tags'; tag: string }
  | { op: 'pattern'; glob: string }
  | { op: 'advance'; ms: number }
  | { op: 'clear' }

const key = fc.constantFrom('a', 'b', 'c', 'doc:1', 'doc:2')
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    arbitrary: fc.record({
      op: fc.constant('set' as const),
      key,
      value: fc.integer(),
      ttl: fc.integer({ min: 1, max: 1_000 }),
      tags: fc.subarray(['x', 'y']),
    }),
    weight: 5,
  },
  { arbitrary: fc.record({ op: fc.constant('get' as const), key }), weight: 5 },
  {
    arbitrary: fc.record({
      op: fc.constant('getOrSet' as const),
      key,
      value: fc.integer(),
      ttl: fc.integer({ min: 1, max: 1_000 }),
    }),
    weight: 5,
  },
  { arbitrary: fc.record({ op: fc.constant('delete' as const), key }), weight: 5 },
  {
    arbitrary: fc.record({ op: fc.constant('tags' as const), tag: fc.constantFrom('x', 'y') }),
    weight: 5,
  },
  {
    arbitrary: fc.record({
      op: fc.constant('pattern' as const),
      glob: fc.constantFrom('doc:*', 'a', '?'),
    }),
    weight: 5,
  },
  {
    arbitrary: fc.record({
      op: fc.constant('advance' as const),
      ms: fc.integer({ min: 0, max: 1_500 }),
    }),
    weight: 5,
  },
  { arbitrary: fc.record({ op: fc.constant('clear' as const) }), weight: 1 },
)

/**
 * Runs random command sequences against a cache (a 3-entry memory tier in front of `shared`, so
 * reads also come from the shared tier and get promoted) and a Map-based model. `scale`
 * stretches every TTL and clock step, so that a tier expiring entries in real time (Redis)
 * never does so during a run.
 */
async function checkAgainstModel(
  policy: 'lru' | 'tinylfu' | 'fifo',
  clock: ManualClock,
  shared: Tier,
  scale: number,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.array(command, { minLength: 20, maxLength: 60 }), async (commands) => {
      await shared.clear('')
      const cache = createCache({
        clock,
        tiers: [memoryTier({ maxEntries: 3, clock, policy }), shared],
      })
      const model = new Map<string, { value: number; expiresAt: number; tags: string[] }>()
      const alive = (k: string) => {
        const entry = model.get(k)
        return entry !== undefined && entry.expiresAt > clock.now() ? entry : undefined
      }
      for (const c of commands) {
        switch (c.op) {
          case 'set':
            await cache.set(c.key, c.value, { ttl: c.ttl * scale, tags: c.tags })
            model.set(c.key, {
              value: c.value,
              expiresAt: clock.now() + c.ttl * scale,
              tags: c.tags,
            })
            break
          case 'get': {
            // Both tiers are large enough to keep everything, so the cache must match exactly.
            const expected = alive(c.key)?.value
            expect(await cache.get(c.key)).toBe(expected)
            expect(cache.getSync(c.key)).toBe(expected)
            break
          }
          case 'getOrSet': {
            const current = alive(c.key)
            const got = await cache.getOrSet(c.key, () => c.value, { ttl: c.ttl * scale })
            expect(got).toBe(current ? current.value : c.value)
            if (!current)
              model.set(c.key, { value: c.value, expiresAt: clock.now() + c.ttl * scale, tags: [] })
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
            clock.advance(c.ms * scale)
            break
          case 'clear':
            await cache.clear()
            model.clear()
            break
        }
      }
    }),
    { numRuns: 100 },
  )
}

describe('cache (memory + disk) against a reference model', () => {
  const dir = tempDir('mx-cache-model-')
  afterAll(() => dir.remove())

  it.each(['lru', 'tinylfu', 'fifo'] as const)(
    'never returns a value the model says is deleted, expired or invalidated (%s memory tier)',
    async (policy) => {
      const clock = manualClock()
      const disk = diskTier({ dir: dir.path, clock })
      await checkAgainstModel(policy, clock, disk, 1)
      await disk.close()
    },
    60_000,
  )
})

describe('cache (memory + a five-method user tier) against a reference model', () => {
  it('never returns a value the model says is deleted, expired or invalidated', async () => {
    const clock = manualClock()
    await checkAgainstModel('lru', clock, mapTier(clock, { keys: true, async: true }), 1)
  }, 60_000)
})

describeRedis('cache (memory + Redis) against a reference model', () => {
  const prefix = keyPrefix(import.meta.url)
  afterAll(() => deleteKeys(prefix))

  it('never returns a value the model says is deleted, expired or invalidated', async () => {
    const clock = manualClock()
    const redis = redisTier({ url: redisUrl(), prefix, clock })
    await checkAgainstModel('tinylfu', clock, redis, 1_000_000)
    await redis.close()
  }, 60_000)
})
