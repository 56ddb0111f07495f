import { createCache } from './cache'
import { InvalidOptionError } from './errors'
import { describeValue } from './kernel'
import { TIER_METHODS } from './options'
import type { Cache, Tier } from './types'

/**
 * What the Keyv store and the unstorage driver work on: the cache they are given (its owner
 * closes it), or a new cache over the single tier they are given (closed with the adapter).
 */
export function cacheFrom(feature: string, source: unknown): { cache: Cache; owned: boolean } {
  if (checkSource(feature, source) === 'cache') return { cache: source as Cache, owned: false }
  return { cache: createCache({ tiers: [source as Tier] }), owned: true }
}

/** Throws `InvalidOptionError` unless `source` is a cache or a tier; says which. */
export function checkSource(feature: string, source: unknown): 'cache' | 'tier' {
  const candidate = source as Partial<Cache & Tier> | null
  if (typeof candidate?.getOrSet === 'function') return 'cache'
  if (TIER_METHODS.every((method) => typeof candidate?.[method] === 'function')) return 'tier'
  throw new InvalidOptionError(
    'cache',
    `${feature} needs a cache (createCache()) or a tier, got ${describeValue(source)}`,
  )
}

/** Throws `InvalidOptionError` unless `options` is undefined or a plain object. */
export function checkOptions(feature: string, options: unknown): void {
  if (options === undefined) return
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidOptionError(
      'options',
      `${feature} options must be an object, got ${describeValue(options)}`,
    )
  }
}
