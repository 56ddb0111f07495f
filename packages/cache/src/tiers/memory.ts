import { LRUCache } from 'lru-cache'
import { InvalidOptionError } from '../errors'
import type { Clock, Tier, TierEntry, TierEvent } from '../types'
import { checkNumber, describe, estimateSize, globToRegExp, systemClock } from '../util'
import { FrequencySketch } from './sketch'

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

type Store = LRUCache<string, TierEntry>
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
        else if (entry.tags.length > 0) unindexTags(key, entry)
      },
    } as LRUCache.Options<string, TierEntry, unknown>
    return new LRUCache<string, TierEntry>(settings)
  }

  const evicted = (key: string, entry: TierEntry, reason: 'size' | 'shrink' | 'admission') => {
    if (entry.tags.length > 0) unindexTags(key, entry)
    if (listeners.size > 0) emit({ type: 'evict', key, reason })
  }

  let main: Store
  let window: Store | undefined
  let sketch: FrequencySketch | undefined

  if (policy === 'tinylfu') {
    const windowShare = (max: number | undefined) =>
      max === undefined ? undefined : Math.max(1, Math.floor(max * 0.01))
    const windowMax = windowShare(maxEntries)
    const windowBytes = windowShare(options.maxBytes)
    sketch = new FrequencySketch(maxEntries ?? 10_000)
    const frequencies = sketch
    main = makeStore(
      maxEntries === undefined ? undefined : Math.max(1, maxEntries - (windowMax ?? 0)),
      options.maxBytes === undefined
        ? undefined
        : Math.max(1, options.maxBytes - (windowBytes ?? 0)),
      (key, entry) => evicted(key, entry, 'size'),
    )
    window = makeStore(windowMax, windowBytes, (key, entry) => {
      // A candidate leaving the window enters the main space only if it is more popular than
      // the main space's next victim (or there is room).
      const full =
        (maxEntries !== undefined && main.size >= main.max) ||
        (options.maxBytes !== undefined && main.calculatedSize >= main.maxSize)
      if (full) {
        const victim = main.rkeys().next().value
        if (victim !== undefined && frequencies.frequency(key) <= frequencies.frequency(victim)) {
          evicted(key, entry, 'admission')
          return
        }
      }
      main.set(key, entry)
    })
  } else {
    main = makeStore(maxEntries, options.maxBytes, (key, entry) => evicted(key, entry, 'size'))
  }

  const expired = (key: string, entry: TierEntry): boolean => {
    if (entry.staleUntil > clock.now()) return false
    remove(key)
    return true
  }
  const remove = (key: string): boolean => {
    const a = main.delete(key)
    const b = window?.delete(key) ?? false
    return a || b
  }

  const lookup = lookupFor(policy, main, window, sketch)

  const getSync = (key: string): TierEntry | undefined => {
    const entry = lookup(key)
    if (entry === undefined || !expired(key, entry)) return entry
    return undefined
  }

  const allKeys = function* (): Generator<string> {
    yield* main.keys()
    if (window) yield* window.keys()
  }

  const tier: MemoryTier = {
    name: options.name ?? 'memory',
    kind: 'memory',
    [FAST_LOOKUP]: lookup,
    [LRU_STORE]: policy === 'lru' ? main : undefined,
    get size() {
      return main.size + (window?.size ?? 0)
    },
    getSync,
    get: getSync,
    set(key, entry) {
      if (entry.staleUntil <= clock.now()) {
        remove(key)
        return
      }
      if (window && sketch) {
        sketch.increment(key)
        if (main.has(key)) main.set(key, entry)
        else window.set(key, entry)
      } else {
        main.set(key, entry)
      }
      if (entry.tags.length > 0 && (main.has(key) || window?.has(key))) indexTags(key, entry)
    },
    delete(keys) {
      let count = 0
      for (const key of keys) if (remove(key)) count++
      return count
    },
    deleteTags(tags) {
      let count = 0
      for (const tag of tags) {
        const keys = tagIndex.get(tag)
        if (!keys) continue
        for (const key of [...keys]) if (remove(key)) count++
        tagIndex.delete(tag)
      }
      return count
    },
    deleteMatching(prefix, glob) {
      const pattern = globToRegExp(glob)
      const doomed: string[] = []
      for (const key of allKeys()) {
        if (inScope(key, prefix) && pattern.test(key.slice(prefix.length))) doomed.push(key)
      }
      for (const key of doomed) remove(key)
      return doomed.length
    },
    clear(prefix) {
      if (prefix === '') {
        main.clear()
        window?.clear()
        tagIndex.clear()
        return
      }
      for (const key of [...allKeys()]) if (key.startsWith(prefix)) remove(key)
    },
    shrink(fraction) {
      checkNumber('fraction', fraction, { min: 0, max: 1 })
      const target = Math.ceil(tier.size * fraction)
      const victims: string[] = []
      const stores = window ? [window, main] : [main]
      for (const store of stores) {
        for (const key of store.rkeys()) {
          if (victims.length >= target) break
          victims.push(key)
        }
      }
      for (const key of victims) {
        const entry = main.peek(key) ?? window?.peek(key)
        remove(key)
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
      main.clear()
      window?.clear()
      tagIndex.clear()
      listeners.clear()
    },
  }
  return tier
}

function lookupFor(
  policy: EvictionPolicy,
  main: Store,
  window: Store | undefined,
  sketch: FrequencySketch | undefined,
): (key: string) => TierEntry | undefined {
  if (policy === 'fifo') return (key) => main.peek(key)
  if (window && sketch) {
    return (key) => {
      sketch.increment(key)
      return window.get(key) ?? main.get(key)
    }
  }
  return (key) => main.get(key)
}

/**
 * Whether `key` is in the scope of a pattern invalidation under `prefix`: the empty prefix is
 * the root namespace, whose scope excludes the keys of named namespaces (they start with NUL).
 */
export function inScope(key: string, prefix: string): boolean {
  return prefix === '' ? key.charCodeAt(0) !== 0 : key.startsWith(prefix)
}
