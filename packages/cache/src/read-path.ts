import { InvalidOptionError } from './errors'
import { getOrSetSlow } from './flight'
import { hotPath, MISS } from './hot'
import { describeValue } from './kernel'
import { keyError, type Namespace } from './namespace'
import type { Cache, FactoryContext, GetOrSetOptions } from './types'

/**
 * A namespace's `getOrSet`, `getSync`, `get` and `has`. The first two answer a fresh first-tier
 * value from the hot path (`hot.ts`) before anything else; `getOrSet` then joins or starts a
 * single flight (`flight.ts`), `get` and `has` look the key up tier by tier.
 */
/** What `getOrSet(key, 42)` rejects with: the value where the factory goes. */
function factoryError(factory: unknown): InvalidOptionError {
  return new InvalidOptionError(
    'factory',
    `getOrSet() takes a factory function as its second argument, got ${describeValue(factory)}; to store a value as it is, use set(key, value)`,
  )
}

export function readMethods(ns: Namespace): Pick<Cache, 'getOrSet' | 'getSync' | 'get' | 'has'> {
  const { core, qualify } = ns
  const { stats } = core
  const hot = hotPath(core, ns.prefix !== '', qualify)
  const read = hot.read
  const emitL1Hit = (full: string) =>
    core.emit('hit', { key: full, tier: core.tiers[0]?.name ?? '', stale: false })
  return {
    getOrSet<T>(
      key: string,
      factory: (ctx: FactoryContext<T>) => T | Promise<T>,
      options?: GetOrSetOptions,
    ): Promise<T> {
      if (typeof key !== 'string') return Promise.reject(keyError(key))
      if (typeof factory !== 'function') return Promise.reject(factoryError(factory))
      const full = qualify(key)
      if (read !== undefined) {
        const value = read(full)
        if (value !== MISS) {
          stats.l1Hits++
          if (core.listenHit) emitL1Hit(full)
          return Promise.resolve(value as T)
        }
      }
      return getOrSetSlow(ns, key, full, factory, options)
    },

    getSync: hot.getSync,

    async get<T>(key: string): Promise<T | undefined> {
      const full = qualify(key)
      if (read !== undefined) {
        const value = read(full)
        if (value !== MISS) {
          stats.l1Hits++
          if (core.listenHit) emitL1Hit(full)
          return value as T
        }
      }
      core.assertOpen()
      const { fresh } = await core.lookup(full)
      if (fresh) {
        stats.hits++
        if (core.listenHit) {
          core.emit('hit', { key: full, tier: core.tiers[fresh.tier]?.name ?? '', stale: false })
        }
        return fresh.value as T
      }
      stats.misses++
      if (core.listenMiss) core.emit('miss', { key: full })
      return undefined
    },

    async has(key) {
      core.assertOpen()
      const { fresh } = await core.lookup(qualify(key))
      return fresh !== undefined
    },
  }
}
