import { expectInvalidOption, rejected, tempDir, thrown } from '@mx/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import { createCache, diskTier, InvalidOptionError, memoryTier, SerializeError } from '../src/index'

const dir = tempDir('mx-cache-input-')
afterAll(() => dir.remove())

const expectInvalid = (error: unknown, option: string, message: string) =>
  expectInvalidOption(error, InvalidOptionError, option, message)

describe('memoryTier options of any type', () => {
  it.each([
    [null, 'options', 'memoryTier() options must be an object, got null'],
    ['big', 'options', 'memoryTier() options must be an object, got "big"'],
    [{ clock: '' }, 'clock', 'clock must have a now() method, got ""'],
    [{ clock: Object.create(null) }, 'clock', 'clock must have a now() method, got an object'],
    [{ sizeOf: 8 }, 'sizeOf', 'sizeOf must be a function, got 8'],
    [{ name: Symbol('n') }, 'name', 'name must be a string, got a symbol'],
    [{ maxEntries: 10n }, 'maxEntries', 'maxEntries must be an integer >= 1, got 10n'],
  ])('refuses %o with MX_INVALID_OPTION naming the option', (options, option, message) => {
    expectInvalid(
      thrown(() => memoryTier(options as never)),
      option,
      message,
    )
  })
})

describe('cache.set() options of any type', () => {
  const cache = createCache()
  afterAll(() => cache.close())

  it.each([
    [null, 'options', 'options must be an object, got null'],
    [5, 'options', 'options must be an object, got 5'],
    [{ tags: 'a' }, 'tags', 'tags must be an array of strings, got "a"'],
    [{ tags: ['a', 1] }, 'tags', 'tags must be an array of strings, got an array'],
    [{ dependsOn: 7 }, 'dependsOn', 'dependsOn must be an array of strings, got 7'],
    [
      { ttl: Symbol('t') },
      'ttl',
      'ttl must be a number > 0, or Infinity (no expiry), got a symbol',
    ],
  ])('refuses %o and stores nothing', async (options, option, message) => {
    expectInvalid(await rejected(() => cache.set('k', 1, options as never)), option, message)
    expect(await cache.get('k')).toBeUndefined()
  })

  it('refuses the same options in getOrSet() without running the factory', async () => {
    let runs = 0
    const error = await rejected(() => cache.getOrSet('g', () => runs++, { tags: 'a' as never }))
    expectInvalid(error, 'tags', 'tags must be an array of strings, got "a"')
    expect(runs).toBe(0)
  })

  it('refuses setMany() and getMany() arguments that are not arrays', async () => {
    expectInvalid(
      await rejected(() => cache.setMany(null as never)),
      'entries',
      'entries must be an array of { key, value } objects, got null',
    )
    expectInvalid(
      await rejected(() => cache.setMany([undefined] as never)),
      'entries',
      'entries must be an array of { key, value } objects, got an array',
    )
    expectInvalid(
      await rejected(() => cache.getMany('k' as never)),
      'keys',
      'keys must be an array, got "k"',
    )
  })
})

describe('cache.invalidate() targets of any type', () => {
  const cache = createCache()
  afterAll(() => cache.close())
  const needs = 'invalidate() needs one of { keys }, { tags }, { pattern }, { dependsOn }'

  it.each([
    ['', 'target', `${needs}, got ""`],
    [null, 'target', `${needs}, got null`],
    [{ keys: 'k' }, 'keys', 'keys must be an array of strings, got "k"'],
    [{ tags: [Symbol('t')] }, 'tags', 'tags must be an array of strings, got an array'],
    [{ dependsOn: {} }, 'dependsOn', 'dependsOn must be an array of strings, got an object'],
  ])('refuses %o before touching any tier', async (target, option, message) => {
    await cache.set('kept', 1, { tags: ['t'] })
    expectInvalid(await rejected(() => cache.invalidate(target as never)), option, message)
    expect(await cache.get('kept')).toBe(1)
  })
})

describe('cache.set() of a value the disk tier cannot serialize', () => {
  it('throws SerializeError (MX_CACHE_SERIALIZE) and leaves every tier without the key', async () => {
    const cache = createCache({
      tiers: [memoryTier(), diskTier({ dir: `${dir.path}/clone` })],
    })
    try {
      for (const value of [() => {}, Symbol('s'), { nested: () => {} }]) {
        const error = await rejected(() => cache.set('k', value))
        expect(error).toBeInstanceOf(SerializeError)
        expect(error.code).toBe('MX_CACHE_SERIALIZE')
        expect(error.message).toMatch(/^value cannot be serialized for the disk or Redis tier: /)
        expect(error.cause).toBeInstanceOf(Error)
        expect(await cache.get('k')).toBeUndefined()
      }
      await cache.set('k', { ok: true })
      expect(await cache.get('k')).toEqual({ ok: true })
    } finally {
      await cache.close()
    }
  })

  it('getOrSet returns a factory value the disk tier cannot encode, keeps it in memory only and counts the failure', async () => {
    const cache = createCache({
      tiers: [memoryTier(), diskTier({ dir: `${dir.path}/factory` })],
    })
    const errors: string[] = []
    cache.on('error', (event) =>
      errors.push(`${event.operation}:${(event.error as SerializeError).code}`),
    )
    try {
      const fn = () => 1
      expect(await cache.getOrSet('f', async () => fn)).toBe(fn)
      expect(cache.getSync('f')).toBe(fn)
      expect(cache.stats().errors).toBe(1)
      expect(errors).toEqual(['encode:MX_CACHE_SERIALIZE'])
      // Nothing reached the disk tier: a cache without the memory tier would miss.
      const diskOnly = createCache({ tiers: [diskTier({ dir: `${dir.path}/factory` })] })
      expect(await diskOnly.get('f')).toBeUndefined()
      await diskOnly.close()
    } finally {
      await cache.close()
    }
  })

  it('keeps storing functions in a memory-only cache, which never serializes', async () => {
    const cache = createCache()
    const fn = () => 1
    await cache.set('f', fn)
    expect(await cache.get('f')).toBe(fn)
    await cache.close()
  })
})
