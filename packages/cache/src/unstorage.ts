import { type Driver, defineDriver, type TransactionOptions } from 'unstorage'
import { cacheFrom, checkOptions } from './adapter'
import { InvalidOptionError } from './errors'
import { checkKeys } from './option-keys'
import type { Cache, SetOptions, Tier } from './types'
import { checkNumber } from './util'

export interface MxDriverOptions {
  /** The cache to mount (`createCache()`, or a namespace of one); you close it. */
  cache?: Cache
  /** Or a single tier: the driver makes a cache over it and closes it on `dispose()`. */
  tier?: Tier
}

/** The ttl option of unstorage calls is in seconds; ours in ms. */
function setOptions(...sources: Array<TransactionOptions | undefined>): SetOptions | undefined {
  let ttl: unknown
  for (const source of sources) if (source?.ttl !== undefined) ttl = source.ttl
  if (ttl === undefined) return undefined
  checkNumber('ttl', ttl, { exclusiveMin: true })
  return { ttl: (ttl as number) * 1000 }
}

async function keysUnder(cache: Cache, base: string | undefined): Promise<string[]> {
  const keys: string[] = []
  for await (const key of cache.keys()) if (!base || key.startsWith(base)) keys.push(key)
  return keys
}

/**
 * An unstorage driver over an `@mx/cache` cache (or one tier). unstorage hands `setItem` strings
 * (it stringifies values) and `setItemRaw` bytes; both are stored as given, so the memory tier
 * keeps them as they are and the disk and Redis tiers encode them once. `ttl` is in seconds.
 */
export const mxDriver = defineDriver((options: MxDriverOptions): Driver<MxDriverOptions, Cache> => {
  checkOptions('mxDriver()', options)
  checkKeys('mxDriver', options)
  if (options?.cache !== undefined && options.tier !== undefined) {
    throw new InvalidOptionError('tier', 'mxDriver() takes a cache or a tier, not both')
  }
  const { cache, owned } = cacheFrom('mxDriver()', options?.cache ?? options?.tier)
  const get = async (key: string) => (await cache.get(key)) ?? null
  const set = (key: string, value: unknown, opts: TransactionOptions) =>
    cache.set(key, value, setOptions(opts))
  return {
    name: 'mx-cache',
    flags: { ttl: true },
    options,
    getInstance: () => cache,
    hasItem: (key) => cache.has(key),
    getItem: get,
    getItemRaw: get,
    async getItems(items) {
      const values = await cache.getMany(items.map((item) => item.key))
      return items.map((item, index) => ({ key: item.key, value: values[index] ?? null }))
    },
    setItem: set,
    setItemRaw: set,
    setItems: (items, common) =>
      cache.setMany(
        items.map(({ key, value, options }) => ({ key, value, ...setOptions(common, options) })),
      ),
    removeItem: (key) => cache.delete(key),
    getKeys: (base) => keysUnder(cache, base),
    async clear(base) {
      if (!base) return cache.clear()
      // Our globs have no escape: a base holding `*` or `?` is cleared key by key.
      if (!/[*?]/.test(base)) return cache.invalidate({ pattern: `${base}*` })
      const keys = await keysUnder(cache, base)
      if (keys.length > 0) await cache.invalidate({ keys })
    },
    async dispose() {
      if (owned) await cache.close()
    },
  }
})

export default mxDriver
