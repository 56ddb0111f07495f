import { LRUCache } from 'lru-cache'
import { InvalidOptionError } from '../errors'
import { describeValue } from '../kernel'
import type { Clock, Tier, TierEntry, TierEvent } from '../types'
import { checkNumber, checkTierOptions, estimateSize, globToRegExp, systemClock } from '../util'
import { EntryIndex, type Freshness, UNDEFINED } from './entries'
import { ExpiryTimer } from './expiry'
import {
  type EvictReason,
  type PolicyHooks,
  type Store,
  type Stored,
  singleStore,
  tinyLfuStore,
} from './policy'

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

type DisposeReason = LRUCache.DisposeReason

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
  const sizeOf = options.sizeOf ?? estimateSize
  const maxEntries = options.maxEntries ?? (options.maxBytes === undefined ? 10_000 : undefined)
  const listeners = new Set<(event: TierEvent) => void>()
  const index = new EntryIndex()
  let moving = false

  const emit = (event: TierEvent) => {
    for (const listener of listeners) listener(event)
  }

  const makeStore = (
    max: number | undefined,
    maxSize: number | undefined,
    onEvict: (key: string, value: Stored) => void,
  ): Store => {
    const sized = maxSize !== undefined || options.maxEntrySize !== undefined
    const settings: LRUCache.Options<string, Stored, unknown> = {
      ...(max === undefined ? {} : { max }),
      ...(maxSize === undefined ? {} : { maxSize }),
      ...(sized
        ? {
            sizeCalculation: (value: Stored, key: string) =>
              Math.max(1, sizeOf(value === UNDEFINED ? undefined : value) + key.length * 2 + 64),
          }
        : {}),
      ...(options.maxEntrySize === undefined ? {} : { maxEntrySize: options.maxEntrySize }),
      // `set` replacements are handled by `tier.set`; moves between tinylfu segments keep the entry.
      dispose: (value: Stored, key: string, reason: DisposeReason) => {
        if (reason === 'evict') onEvict(key, value)
        else if (reason !== 'set' && !moving) index.forget(key)
      },
    } as LRUCache.Options<string, Stored, unknown>
    return new LRUCache<string, Stored>(settings)
  }

  const evicted = (key: string, reason: EvictReason) => {
    index.forget(key)
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

  // A key's next change of state: going stale at `expiresAt`, leaving at `staleUntil`.
  const dueOf = (key: string, entry: TierEntry) =>
    index.stale.has(key) ? entry.staleUntil : entry.expiresAt
  const onDue = (key: string, due: number, now: number): number | undefined => {
    const entry = index.get(key)
    if (entry === undefined || dueOf(key, entry) !== due) return undefined
    if (!index.stale.has(key) && entry.staleUntil > now) {
      index.markStale(key)
      return entry.staleUntil
    }
    store.delete(key)
    return undefined
  }
  const expiry =
    clock === systemClock
      ? new ExpiryTimer(
          onDue,
          function* () {
            for (const [key, entry] of index.entries) yield [key, dueOf(key, entry)] as const
          },
          () => index.entries.size,
        )
      : undefined

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
    shrink(fraction) {
      checkNumber('fraction', fraction, { min: 0, max: 1 })
      const target = Math.ceil(store.size * fraction)
      const victims: string[] = []
      for (const key of store.victims()) {
        if (victims.length >= target) break
        victims.push(key)
      }
      for (const key of victims) {
        if (store.delete(key)) evicted(key, 'shrink')
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
      index.clear()
      listeners.clear()
      expiry?.clear()
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
