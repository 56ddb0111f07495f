import { CacheCore } from './core'
import { InvalidOptionError } from './errors'
import { invalidationMethods } from './invalidation'
import { describeValue } from './kernel'
import { keyOf } from './key'
import { namespaceOf, userKey } from './namespace'
import { checkNamespace, type ResolvedOptions, resolveOptions } from './options'
import { readMethods } from './read-path'
import type { Cache, CacheOptions, WrapOptions } from './types'
import { checkNumber } from './util'
import { warm, writeMethods } from './write-path'

/**
 * Creates a cache over `tiers` (fastest first; default one memory tier). See the package README.
 *
 * @example
 * const cache = createCache({ namespace: 'meta', tiers: [memoryTier(), diskTier({ dir })] })
 * const meta = await cache.getOrSet(keyOf(doc), () => extract(doc), { ttl: 60_000 })
 */
export function createCache(options: CacheOptions = {}): Cache {
  const resolved = resolveOptions(options)
  const core = new CacheCore(options, resolved.tiers)
  return view(core, resolved, resolved.namespace)
}

/**
 * A namespace view of `core` at `path`: the facade over its read path (`read-path.ts`, with the
 * single flight in `flight.ts`), write path (`write-path.ts`) and invalidation
 * (`invalidation.ts`); stored keys are formed in `namespace.ts`.
 */
function view(core: CacheCore, defaults: ResolvedOptions, path: string): Cache {
  const ns = namespaceOf(core, defaults, path)
  const { stats } = core
  const reads = readMethods(ns)
  const writes = writeMethods(ns)
  const drops = invalidationMethods(ns)

  const cache: Cache = {
    namespacePath: path,
    getOrSet: reads.getOrSet,
    getSync: reads.getSync,
    get: reads.get,
    set: writes.set,
    delete: drops.delete,
    has: reads.has,

    getMany<T>(keys: string[]) {
      if (!Array.isArray(keys)) {
        return Promise.reject(
          new InvalidOptionError('keys', `keys must be an array, got ${describeValue(keys)}`),
        )
      }
      return Promise.all(keys.map((key) => cache.get<T>(key)))
    },

    setMany: writes.setMany,
    invalidate: drops.invalidate,
    clear: drops.clear,

    async *keys() {
      core.assertOpen()
      for await (const full of core.listKeys(ns.prefix)) {
        const key = userKey(ns, full)
        if (key !== undefined) yield key
      }
    },

    namespace(name) {
      checkNamespace('namespace', name)
      return view(core, defaults, path === '' ? name : `${path}.${name}`)
    },

    wrap<A extends unknown[], R>(fn: (...args: A) => R | Promise<R>, options: WrapOptions<A> = {}) {
      const { key, ...rest } = options
      const keyFor = key ?? ((...args: A) => keyOf(fn.name, ...args))
      return (...args: A) => cache.getOrSet<R>(keyFor(...args), () => fn(...args), rest)
    },

    warm: (source, options = {}) => warm(core, cache, source, options),

    shrink(fraction) {
      checkNumber('fraction', fraction, { min: 0, max: 1 })
      let evicted = 0
      for (const tier of core.tiers)
        if (tier.kind === 'memory' && tier.shrink) evicted += tier.shrink(fraction)
      return evicted
    },

    stats: () => stats.snapshot(),

    on(event, listener) {
      core.events.on(event, listener)
      const refresh = () => {
        core.listenHit = core.events.listenerCount('hit') > 0
        core.listenMiss = core.events.listenerCount('miss') > 0
        core.listenSet = core.events.listenerCount('set') > 0
      }
      refresh()
      return () => {
        core.events.off(event, listener)
        refresh()
      }
    },

    ready: () => core.ready(),
    close: () => core.close(),
  }
  return cache
}
