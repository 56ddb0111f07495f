import type { LRUCache } from 'lru-cache'
import { InvalidOptionError } from '../errors'
import { describeValue } from '../kernel'
import { checkKeys } from '../option-keys'
import type { Clock, Tier, TierEntry, TierEvent } from '../types'
import { checkNumber, checkTierOptions, systemClock } from '../util'
import { EntryIndex, type Freshness, UNDEFINED } from './entries'
import { memoryExpiry, memoryStore } from './memory-store'
import type { Stored } from './policy'

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
  readonly [HOT]: HotAccess | undefined
  getSync(key: string): TierEntry | undefined
  /** Native tag invalidation, through the tier's tag index. */
  deleteTags(tags: readonly string[]): number
  keys(prefix: string): string[]
  shrink(fraction: number): number
  subscribe(listener: (event: TierEvent) => void): () => void
  /** Number of entries held. */
  readonly size: number
}

/**
 * Internal: what the cache's hot path reads directly when the tier runs on the system clock.
 * Values sit in lru-cache as they are; while `state.fresh` holds, none of them is past its
 * `expiresAt`, otherwise the keys in `stale` are (a timer keeps both current).
 */
export interface HotAccess {
  /** The lru-cache itself under the plain `lru` policy (called directly: no wrapper call). */
  readonly lru: LRUCache<string, Stored> | undefined
  /** The policy's lookup (records the access): the stored value, `UNDEFINED`, or undefined. */
  readonly lookup: (key: string) => Stored | undefined
  readonly state: Freshness
  readonly stale: ReadonlySet<string>
}

/** Internal: the entry lookup without expiry check (recording the access) for injected clocks. */
export const FAST_LOOKUP: unique symbol = Symbol.for('mx.cache.memory.lookup')
/** Internal: {@link HotAccess}, present when the tier runs on the system clock. */
export const HOT: unique symbol = Symbol.for('mx.cache.memory.hot')

const policies: readonly EvictionPolicy[] = ['lru', 'tinylfu', 'fifo']

/**
 * In-process tier on lru-cache. Values are kept by reference (no serialization) and stored in
 * lru-cache as they are, with their expiry and tags in a side index touched only on writes,
 * deletions and expiry, so a hit is one lru-cache lookup. On the system clock a timer marks
 * entries stale at `expiresAt` and drops them at `staleUntil`. `tinylfu` puts a small LRU window
 * and a frequency admission filter in front of the main LRU (W-TinyLFU, as in Caffeine), which
 * resists scans and favours popular keys.
 */
export function memoryTier(options: MemoryTierOptions = {}): MemoryTier {
  checkTierOptions('memoryTier', options)
  checkKeys('memoryTier', options)
  checkNumber('maxEntries', options.maxEntries, { min: 1, integer: true })
  checkNumber('maxBytes', options.maxBytes, { min: 1, integer: true })
  checkNumber('maxEntrySize', options.maxEntrySize, { min: 1, integer: true })
  const policy = options.policy ?? 'lru'
  if (!policies.includes(policy)) {
    throw new InvalidOptionError(
      'policy',
      `policy must be one of "lru", "tinylfu", "fifo", got ${describeValue(policy)}`,
    )
  }
  const clock = options.clock ?? systemClock
  const maxEntries = options.maxEntries ?? (options.maxBytes === undefined ? 10_000 : undefined)
  const listeners = new Set<(event: TierEvent) => void>()
  const index = new EntryIndex()
  const { store, shrink } = memoryStore(options, policy, maxEntries, index, listeners)
  const expiry = clock === systemClock ? memoryExpiry(index, store) : undefined

  const lookup = store.lookup
  const entryOf = (key: string): TierEntry | undefined =>
    lookup(key) === undefined ? undefined : index.get(key)
  const getSync = (key: string): TierEntry | undefined => {
    const entry = entryOf(key)
    if (entry === undefined || entry.staleUntil > clock.now()) return entry
    store.delete(key)
    return undefined
  }

  const tier: MemoryTier = {
    name: options.name ?? 'memory',
    kind: 'memory',
    [FAST_LOOKUP]: entryOf,
    [HOT]:
      expiry === undefined
        ? undefined
        : { lru: store.lru, lookup, state: index.state, stale: index.stale },
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
      index.forget(key)
      store.set(key, entry.value === undefined ? UNDEFINED : (entry.value as Stored))
      if (!store.has(key)) return // larger than maxEntrySize
      const stale = expiry !== undefined && entry.expiresAt <= Date.now()
      index.add(key, entry, stale)
      expiry?.add(key, stale ? entry.staleUntil : entry.expiresAt)
    },
    delete(keys) {
      let count = 0
      for (const key of keys) if (store.delete(key)) count++
      return count
    },
    deleteTags(tags) {
      let count = 0
      for (const tag of tags) {
        for (const key of index.keysTagged(tag)) if (store.delete(key)) count++
      }
      return count
    },
    clear(prefix) {
      if (prefix === '') {
        store.clear()
        index.clear()
        expiry?.clear()
        return
      }
      for (const key of [...store.keys()]) if (key.startsWith(prefix)) store.delete(key)
    },
    keys(prefix) {
      const now = clock.now()
      const found: string[] = []
      for (const key of store.keys()) {
        if (key.startsWith(prefix) && (index.get(key)?.staleUntil ?? 0) > now) found.push(key)
      }
      return found
    },
    shrink,
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    close() {
      store.clear()
      index.clear()
      listeners.clear()
      expiry?.clear()
    },
  }
  return tier
}
