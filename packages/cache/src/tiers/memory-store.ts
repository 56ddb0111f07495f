import { LRUCache } from 'lru-cache'
import type { TierEntry, TierEvent } from '../types'
import { checkNumber, estimateSize } from '../util'
import { type EntryIndex, UNDEFINED } from './entries'
import { ExpiryTimer } from './expiry'
import type { EvictionPolicy, MemoryTierOptions } from './memory'
import {
  type EvictReason,
  type PolicyHooks,
  type PolicyStore,
  type Store,
  type Stored,
  singleStore,
  tinyLfuStore,
} from './policy'

type DisposeReason = LRUCache.DisposeReason

/** The memory tier's values under its eviction policy, and `shrink` for memory pressure. */
export interface MemoryStore {
  readonly store: PolicyStore
  /** Evicts the least valuable `fraction` of the entries; returns how many. */
  readonly shrink: (fraction: number) => number
}

/**
 * The lru-cache segments of a memory tier under `policy`, sized by `options`, whose disposals
 * keep `index` in step and whose evictions (for room, admission or `shrink`) reach `listeners`.
 */
export function memoryStore(
  options: MemoryTierOptions,
  policy: EvictionPolicy,
  maxEntries: number | undefined,
  index: EntryIndex,
  listeners: ReadonlySet<(event: TierEvent) => void>,
): MemoryStore {
  const sizeOf = options.sizeOf ?? estimateSize
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
    // lru-cache allocates its tables for `max` entries up front (35 ms for 200 000): bounded by
    // bytes as well, the segment starts small and grows, and the entry cap is kept here.
    const capped = max !== undefined && maxSize !== undefined
    const settings: LRUCache.Options<string, Stored, unknown> = {
      ...(max === undefined || capped ? {} : { max }),
      ...(maxSize === undefined ? {} : { maxSize }),
      ...(sized
        ? {
            sizeCalculation: (value: Stored, key: string) =>
              Math.max(1, sizeOf(value === UNDEFINED ? undefined : value) + key.length * 2 + 64),
          }
        : {}),
      // The largest entry is the tier's, not the segment's: lru-cache would otherwise refuse (drop
      // silently) an entry above a tinylfu segment's share, e.g. anything over 1 % of maxBytes
      // in the window. Past a segment's share it is evicted onwards, as any other entry.
      ...(options.maxEntrySize !== undefined
        ? { maxEntrySize: options.maxEntrySize }
        : options.maxBytes !== undefined && maxSize !== undefined
          ? { maxEntrySize: options.maxBytes }
          : {}),
      // `set` replacements are handled by `tier.set`; moves between tinylfu segments keep the entry.
      dispose: (value: Stored, key: string, reason: DisposeReason) => {
        if (reason === 'evict') onEvict(key, value)
        else if (reason !== 'set' && !moving) index.forget(key)
      },
    } as LRUCache.Options<string, Stored, unknown>
    return capped ? new CappedLRU(settings, max) : new LRUCache<string, Stored>(settings)
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
  const shrink = (fraction: number): number => {
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
  }
  return { store, shrink }
}

/**
 * The timer (system clock only) that marks each entry of `index` stale at `expiresAt` and
 * deletes it from `store` at `staleUntil`.
 */
export function memoryExpiry(index: EntryIndex, store: PolicyStore): ExpiryTimer {
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
  return new ExpiryTimer(
    onDue,
    function* () {
      for (const [key, entry] of index.entries) yield [key, dueOf(key, entry)] as const
    },
    () => index.entries.size,
  )
}

/** An LRU segment bounded by bytes whose entry cap is enforced on `set`: the oldest go first. */
class CappedLRU extends LRUCache<string, Stored> {
  readonly #cap: number

  constructor(settings: LRUCache.Options<string, Stored, unknown>, cap: number) {
    super(settings)
    this.#cap = cap
  }

  override set(
    key: string,
    value: Stored,
    setOptions?: LRUCache.SetOptions<string, Stored, unknown>,
  ): this {
    super.set(key, value, setOptions)
    // `pop` evicts the least recently used entry, through `dispose` with reason 'evict'.
    while (this.size > this.#cap) this.pop()
    return this
  }
}
