import { describe, expect, it } from 'vitest'
import {
  CacheClosedError,
  createCache,
  KeysUnsupportedError,
  memoryTier,
  type Tier,
} from '../src/index'

const list = async (keys: AsyncIterable<string>) => {
  const found: string[] = []
  for await (const key of keys) found.push(key)
  return found.sort()
}

describe('cache.keys()', () => {
  it("lists exactly this namespace's keys, root keys starting with NUL included", async () => {
    const cache = createCache()
    await cache.set('a', 1)
    await cache.set('\u0000x', 2)
    await cache.namespace('ns').set('b', 3)
    await cache.namespace('ns').namespace('sub').set('c', 4)
    await cache.namespace('nsx').set('d', 5)
    expect(await list(cache.keys())).toEqual(['\u0000x', 'a'])
    expect(await list(cache.namespace('ns').keys())).toEqual(['b'])
    expect(await list(cache.namespace('ns').namespace('sub').keys())).toEqual(['c'])
    await cache.delete('a')
    expect(await list(cache.keys())).toEqual(['\u0000x'])
    await cache.close()
  })

  it('lists each key once across tiers, and keys only a lower tier still holds', async () => {
    const top = memoryTier({ maxEntries: 1 })
    const cache = createCache({ tiers: [top, memoryTier()] })
    await cache.set('a', 1)
    await cache.set('b', 2) // evicts a from the first tier
    expect(top.size).toBe(1)
    expect(await list(cache.keys())).toEqual(['a', 'b'])
    await cache.close()
  })

  it('counts a tier failing while listing and goes on with the others', async () => {
    const broken: Tier = {
      ...memoryTier(),
      name: 'broken',
      keys: () => {
        throw new Error('cannot list')
      },
    }
    const cache = createCache({ tiers: [memoryTier(), broken] })
    const errors: string[] = []
    cache.on('error', ({ operation, tier }) => errors.push(`${operation} ${tier}`))
    await cache.set('a', 1)
    expect(await list(cache.keys())).toEqual(['a'])
    expect(errors).toEqual(['keys broken'])
    expect(cache.stats().tiers[1]?.errors).toBe(1)
    await cache.close()
  })

  it('throws KeysUnsupportedError when no tier can list keys, CacheClosedError once closed', async () => {
    const blind: Tier = { ...memoryTier(), name: 'blind', keys: undefined }
    const cache = createCache({ tiers: [blind] })
    await expect(list(cache.keys())).rejects.toMatchObject({
      name: 'KeysUnsupportedError',
      code: 'MX_CACHE_KEYS_UNSUPPORTED',
      context: { tiers: ['blind'] },
    })
    await expect(list(cache.keys())).rejects.toBeInstanceOf(KeysUnsupportedError)
    await cache.close()
    await expect(list(createCache().keys())).resolves.toEqual([])
    await expect(list(cache.keys())).rejects.toBeInstanceOf(CacheClosedError)
  })
})
