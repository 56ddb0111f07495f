import {
  createCache,
  diskTier,
  InvalidOptionError,
  keyOf,
  MxError,
  memoryTier,
  redisBus,
  redisTier,
} from '@mx/cache'
import { tempDir } from '@mx/testkit'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import {
  fuzzRuns,
  hostileNumber,
  hostileOptions,
  hostileString,
  hostileValue,
  hugeString,
  isWellFormed,
  onlyTypedErrors,
} from './helpers/hostile'

const dir = tempDir('mx-rel-fuzz-cache-')
afterAll(() => dir.remove())

const anyKey = fc.oneof(
  { weight: 8, arbitrary: hostileString },
  { weight: 1, arbitrary: hugeString },
)

describe('@mx/cache under hostile input', () => {
  it('createCache throws only MxError (MX_INVALID_OPTION) on any options', async () => {
    const names = ['namespace', 'tiers', 'bus', 'ttl', 'grace', 'timeouts', 'jitter', 'serializer']
    const more = ['compress', 'sign', 'metrics', 'clock', 'lock']
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(hostileValue, hostileOptions([...names, ...more])),
        async (opts) => {
          const outcome = await onlyTypedErrors(MxError, () => createCache(opts as never))
          if (outcome.ok) await outcome.value.close()
          else expect(outcome.error).toBeInstanceOf(InvalidOptionError)
        },
      ),
      fuzzRuns(300),
    )
  })

  it('tier and bus factories throw only MxError on any options', async () => {
    const factories = {
      memoryTier: (o: unknown) => memoryTier(o as never),
      diskTier: (o: unknown) => diskTier(o as never),
      redisTier: (o: unknown) => redisTier(o as never),
      redisBus: (o: unknown) => redisBus(o as never),
    }
    const names = ['maxEntries', 'maxBytes', 'maxEntrySize', 'policy', 'sizeOf', 'evictTo']
    const more = ['accessResolution', 'timeout', 'breaker', 'prefix', 'channel', 'name']
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(factories) as Array<keyof typeof factories>)),
        fc.oneof(hostileValue, hostileOptions([...names, ...more])),
        async (factory, opts) => {
          // A tier that validated its options is usable: never point it at a real place.
          if (factory === 'diskTier' && opts && typeof opts === 'object') {
            ;(opts as Record<string, unknown>).dir = `${dir.path}/opts-${Math.random()}`
          }
          if (
            (factory === 'redisTier' || factory === 'redisBus') &&
            opts &&
            typeof opts === 'object'
          ) {
            ;(opts as Record<string, unknown>).url = 'redis://127.0.0.1:1'
          }
          const outcome = await onlyTypedErrors(MxError, () => factories[factory](opts))
          if (outcome.ok) await outcome.value.close()
        },
      ),
      fuzzRuns(300),
    )
  })

  it('every key (empty, huge, unicode, "../", NUL) round-trips through memory and disk without collisions', async () => {
    const path = `${dir.path}/keys`
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(anyKey, { minLength: 1, maxLength: 20 }), async (keys) => {
        const cache = createCache({ tiers: [memoryTier(), diskTier({ dir: path })] })
        await Promise.all(keys.map((key, index) => cache.set(key, { index, key })))
        for (const [index, key] of keys.entries()) {
          expect(await cache.get(key)).toEqual({ index, key })
          expect(cache.getSync(key)).toEqual({ index, key })
        }
        await cache.close()
        // A fresh instance has an empty memory tier: the values now come from disk. A key that is
        // not well-formed UTF-16 (a lone surrogate) cannot be stored byte-exact, so the disk tier
        // may only miss it, never answer another key's value.
        const again = createCache({ tiers: [memoryTier(), diskTier({ dir: path })] })
        for (const [index, key] of keys.entries()) {
          const value = await again.get(key)
          if (isWellFormed(key) || value !== undefined) expect(value).toEqual({ index, key })
          await again.delete(key)
          expect(await again.has(key)).toBe(false)
        }
        await again.close()
      }),
      fuzzRuns(40),
    )
  })

  it('getOrSet runs the factory once per hostile key and never mixes keys up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(hostileString, { minLength: 1, maxLength: 30 }),
        async (keys) => {
          const cache = createCache({ namespace: 'fuzz' })
          const runs = new Map<string, number>()
          const factory = (key: string) => async () => {
            runs.set(key, (runs.get(key) ?? 0) + 1)
            return `value of ${key}`
          }
          const calls = keys.flatMap((key) =>
            [0, 1, 2].map(() => cache.getOrSet(key, factory(key))),
          )
          const values = await Promise.all(calls)
          expect(values).toEqual(keys.flatMap((key) => [0, 1, 2].map(() => `value of ${key}`)))
          for (const key of keys) expect(runs.get(key)).toBe(1)
          await cache.close()
        },
      ),
      fuzzRuns(100),
    )
  })

  it('hostile strings as keys, namespaces, patterns, tags and dependency ids give only MxError', async () => {
    const cache = createCache({ tiers: [memoryTier(), diskTier({ dir: `${dir.path}/ops` })] })
    const ops: Array<(text: string, other: string) => unknown> = [
      (text, other) => cache.set(text, other, { tags: [other], dependsOn: other }),
      (text, other) => cache.getOrSet(text, () => other, { tags: [text, other] }),
      (text) => cache.namespace(text),
      (text) => cache.invalidate({ pattern: text }),
      (text) => cache.invalidate({ tags: [text] }),
      (text, other) => cache.invalidate({ dependsOn: [text, other] }),
      (text, other) => cache.invalidate({ keys: [text, other] }),
      (text, other) => cache.getMany([text, other]),
      (text, other) => cache.setMany([{ key: text, value: other, tags: [other] }]),
      (text) => cache.namespace('ns').invalidate({ pattern: text }),
      (text, other) => cache.namespace('ns').set(text, other),
    ]
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: ops.length - 1 }),
        hostileString,
        hostileString,
        async (op, text, other) => {
          await onlyTypedErrors(MxError, () => ops[op]?.(text, other))
        },
      ),
      fuzzRuns(500),
    )
    await cache.close()
  })

  it('hostile per-call options give only MxError (well-formed option shapes)', async () => {
    const cache = createCache({ tiers: [memoryTier(), diskTier({ dir: `${dir.path}/opts` })] })
    await fc.assert(
      fc.asyncProperty(
        hostileString,
        fc.record(
          {
            ttl: hostileNumber,
            grace: hostileNumber,
            timeouts: fc.record({ soft: hostileNumber, hard: hostileNumber }, { requiredKeys: [] }),
          },
          { requiredKeys: [] },
        ),
        async (key, options) => {
          await onlyTypedErrors(MxError, () => cache.set(key, 1, options))
          await onlyTypedErrors(MxError, () => cache.getOrSet(key, () => 2, options))
        },
      ),
      fuzzRuns(300),
    )
    await cache.close()
  })

  it('keyOf hashes any JSON-like value to 32 hex characters', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withBigInt: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
        }),
        (value) => {
          expect(keyOf(value)).toMatch(/^[0-9a-f]{32}$/)
        },
      ),
      fuzzRuns(500),
    )
    fc.assert(
      fc.property(hostileNumber, (n) => {
        expect(keyOf(n)).toHaveLength(32)
      }),
      fuzzRuns(100),
    )
  })
})
