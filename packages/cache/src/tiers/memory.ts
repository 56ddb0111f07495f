import { LRUCache } from 'lru-cache'
import { InvalidOptionError } from '../errors'
import type { Clock, Tier, TierEntry, TierEvent } from '../types'
import { checkNumber, describe, estimateSize, globToRegExp, systemClock } from '../util'
import { type EvictReason, type PolicyHooks, type Store, singleStore, tinyLfuStore } from './policy'

export type EvictionPolicy = 'lru' | 'tinylfu' | 'fifo'

export interface MemoryTierOptions {
  /** Most entries kept. Default 10 000 (unless only `maxBytes` is given). */
  maxEntries?: number
  /** Most estimated bytes kept (values are sized by a structural estimate). */
  maxBytes?: number
  /** Entries estimated larger than this are not kept. */
  maxEntrySize?: number
  /** Eviction policy. Default `lru`. */
  policy?: EvictionPolicy
  /** Custom size estimate for `maxBytes`. */
  sizeOf?: (value: unknown) => number
  clock?: Clock
  name?: string
}

/** Memory tier with the `shrink` method for memory pressure. */
export interface MemoryTier extends Tier {
  readonly kind: 'memory'
  readonly [FAST_LOOKUP]: (key: string) => TierEntry | undefined
  readonly [LRU_STORE]: LRUCache<string, TierEntry> | undefined
  getSync(key: string): TierEntry | undefined
  shrink(fraction: number): number
  subscribe(listener: (event: TierEvent) => void): () => void
  /** Number of entries held. */
  readonly size: number
}

type DisposeReason = LRUCache.DisposeReason

/** Internal: the raw lookup (no expiry check) `createCache` uses on its hot path. */
export const FAST_LOOKUP: unique symbol = Symbol.for('mx.cache.memory.lookup')
/** Internal: the lru-cache instance when the policy is plain `lru`, called directly on the hot path. */
export const LRU_STORE: unique symbol = Symbol.for('mx.cache.memory.store')

const policies: readonly EvictionPolicy[] = ['lru', 'tinylfu', 'fifo']

/**
 * In-process tier on lru-cache. Values are kept by reference (no serialization), so the hit path
 * is a map lookup. `tinylfu` puts a small LRU window and a frequency admission filter in front of
 * the main LRU (W-TinyLFU, as in Caffeine), which resists scans and favours popular keys.
 */
export function memoryTier(options: MemoryTierOptions = {}): MemoryTier {
  checkNumber('maxEntries', options.maxEntries, { min: 1, integer: true })
  checkNumber('maxBytes', options.maxBytes, { min: 1, integer: true })
  checkNumber('maxEntrySize', options.maxEntrySize, { min: 1, integer: true })
  const policy = options.policy ?? 'lru'
  if (!policies.includes(policy)) {
    throw new InvalidOptionError(
      'policy',
      `policy must be one of "lru", "tinylfu", "fifo", got ${describe(policy)}`,
    )
  }
  const clock = options.clock ?? systemClock
  const sizeOf = options.sizeOf ?? estimateSize
  const maxEntries = options.maxEntries ?? (options.maxBytes === undefined ? 10_000 : undefined)
  const listeners = new Set<(event: TierEvent) => void>()
  const tagIndex = new Map<string, Set<string>>()
  let moving = false

  const emit = (event: TierEvent) => {
    for (const listener of listeners) listener(event)
  }
  const indexTags = (key: string, entry: TierEntry) => {
    for (const tag of entry.tags) {
      const keys = tagIndex.get(tag)
      if (keys) keys.add(key)
      else tagIndex.set(tag, new Set([key]))
    }
  }
  const unindexTags = (key: string, entry: TierEntry) => {
    for (const tag of entry.tags) {
      const keys = tagIndex.get(tag)
      if (keys?.delete(key) && keys.size === 0) tagIndex.delete(tag)
    }
  }

  const makeStore = (
    max: number | undefined,
    maxSize: number | undefined,
    onEvict: (key: string, entry: TierEntry) => void,
  ): Store => {
    const sized = maxSize !== undefined || options.maxEntrySize !== undefined
    const settings: LRUCache.Options<string, TierEntry, unknown> = {
      ...(max === undefined ? {} : { max }),
      ...(maxSize === undefined ? {} : { maxSize }),
      ...(sized
        ? {
            sizeCalculation: (entry: TierEntry, key: string) =>
              Math.max(1, sizeOf(entry.value) + key.length * 2 + 64),
          }
        : {}),
      ...(options.maxEntrySize === undefined ? {} : { maxEntrySize: options.maxEntrySize }),
      dispose: (entry: TierEntry, key: string, reason: DisposeReason) => {
        if (reason === 'evict') onEvict(key, entry)
        else if (!moving && entry.tags.length > 0) unindexTags(key, entry)
      },
    } as LRUCache.Options<string, TierEntry, unknown>
    return new LRUCache<string, TierEntry>(settings)
  }

  const evicted = (key: string, entry: TierEntry, reason: EvictReason) => {
    if (entry.tags.length > 0) unindexTags(key, entry)
    if (listeners.size > 0) emit({ type: 'evict', key, reason })
  }
  const hooks: PolicyHooks = {
    make: makeStore,
    evicted,
    setMoving: (value) => {
      moving = value
    },
  }
  const store =
    policy === 'tinylfu'
      ? tinyLfuStore(maxEntries, options.maxBytes, hooks)
      : singleStore(policy, maxEntries, options.maxBytes, hooks)

  const lookup = store.lookup
  const getSync = (key: string): TierEntry | undefined => {
    const entry = lookup(key)
    if (entry === undefined || entry.staleUntil > clock.now()) return entry
    store.delete(key)
    return undefined
  }

  const tier: MemoryTier = {
    name: options.name ?? 'memory',
    kind: 'memory',
    [FAST_LOOKUP]: lookup,
    [LRU_STORE]: store.lru,
    get size() {
      return store.size
    },
    getSync,
    get: getSync,
    set(key, entry) {
      if (entry.staleUntil <= clock.now()) {
        store.delete(key)
        return
      }
      store.set(key, entry)
      if (entry.tags.length > 0 && store.has(key)) indexTags(key, entry)
    },
    delete(keys) {
      let count = 0
      for (const key of keys) if (store.delete(key)) count++
      return count
    },
    deleteTags(tags) {
      let count = 0
      for (const tag of tags) {
        const keys = tagIndex.get(tag)
        if (!keys) continue
        for (const key of [...keys]) if (store.delete(key)) count++
        tagIndex.delete(tag)
      }
      return count
    },
    deleteMatching(prefix, glob) {
      const pattern = globToRegExp(glob)
      const doomed: string[] = []
      for (const key of store.keys()) {
        if (inScope(key, prefix) && pattern.test(key.slice(prefix.length))) doomed.push(key)
      }
      for (const key of doomed) store.delete(key)
      return doomed.length
    },
    clear(prefix) {
      if (prefix === '') {
        store.clear()
        tagIndex.clear()
        return
      }
      for (const key of [...store.keys()]) if (key.startsWith(prefix)) store.delete(key)
    },
    shrink(fraction) {
      checkNumber('fraction', fraction, { min: 0, max: 1 })
      const target = Math.ceil(store.size * fraction)
      const victims: string[] = []
      for (const key of store.victims()) {
        if (victims.length >= target) break
        victims.push(key)
      }
      for (const key of victims) {
        const entry = store.peek(key)
        store.delete(key)
        if (entry) evicted(key, entry, 'shrink')
      }
      return victims.length
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    close() {
      store.clear()
      tagIndex.clear()
      listeners.clear()
    },
  }
  return tier
}

/**
 * Whether `key` is in the scope of a pattern invalidation under `prefix`: the empty prefix is
 * the root namespace, whose scope excludes the keys of named namespaces (they start with NUL).
 */
export function inScope(key: string, prefix: string): boolean {
  return prefix === '' ? key.charCodeAt(0) !== 0 : key.startsWith(prefix)
}
