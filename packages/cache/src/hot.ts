import type { LRUCache } from 'lru-cache'
import type { CacheCore } from './core'
import { CacheClosedError } from './errors'
import { unstampedSync } from './tag-invalidation'
import { type Freshness, UNDEFINED } from './tiers/entries'
import { FAST_LOOKUP, HOT, type MemoryTier } from './tiers/memory'
import type { Stored } from './tiers/policy'
import type { Clock, TierEntry } from './types'
import { systemClock, systemNow } from './util'

/**
 * What {@link HotPath.read} returns when the first tier has no fresh value for the key. An object
 * (not a symbol) so that `value !== MISS` compiles to a pointer comparison.
 */
export const MISS: object = Object.freeze({ miss: true })

/** A namespace view's first-tier read path, specialised to the shape of its cache. */
export interface HotPath {
  /** The fresh first-tier value under a qualified key, or `MISS` (no stats, no events); undefined without a sync first tier. */
  readonly read: ((full: string) => unknown) | undefined
  /** `cache.getSync`: counts the hit or miss and emits `hit` when someone listens. */
  readonly getSync: <T>(key: string) => T | undefined
}

/**
 * Builds the hot path. Each cache shape gets its own function literal: V8 keeps type feedback
 * per literal, so a process holding several shapes still runs monomorphic, inlined code on each.
 * `qualify` maps a user key to the stored key and throws on a non-string; `named` says whether
 * it needs a prefix.
 *
 * On the system clock our memory tier keeps values in lru-cache as they are, and a timer keeps
 * its `state` flags current (see `ExpiryTimer`, `EntryIndex`): a hit is the lru-cache lookup
 * plus a test of one boolean, with no clock read, no expiry comparison and no wrapper object to
 * load. While some entry is in its grace window (or stands for `undefined`) the flag is off and
 * values are checked by key. Injected clocks and other tiers compare `expiresAt` with the clock.
 */
export function hotPath(
  core: CacheCore,
  named: boolean,
  qualify: (key: string) => string,
): HotPath {
  const l1 = core.tiers[0]?.getSync ? core.tiers[0] : undefined
  const ours = l1 as Partial<MemoryTier> | undefined
  const hot = core.clock === systemClock ? ours?.[HOT] : undefined
  if (hot !== undefined) {
    const { lru, lookup, state, stale } = hot
    if (lru === undefined) return live(core, lookup, state, stale, qualify)
    return named
      ? namedLru(core, lru, state, stale, qualify)
      : rootLru(core, lru, state, stale, qualify)
  }
  const entryOf = ours?.[FAST_LOOKUP] ?? l1?.getSync?.bind(l1)
  if (entryOf === undefined) return none(core)
  return checked(core, core.stamped[0] ? unstampedSync(core, entryOf) : entryOf, qualify)
}

/**
 * A `getSync` miss, counted; once the cache is closed, `CacheClosedError`, as every other method
 * throws (the first tier empties on close, so a closed cache's `getSync` always ends here).
 */
function missed(core: CacheCore): void {
  if (core.closed) throw new CacheClosedError()
  core.stats.l1Misses++
}

function emitHit(core: CacheCore, key: string): void {
  core.emit('hit', { key, tier: core.tiers[0]?.name ?? '', stale: false })
}

type Lru = LRUCache<string, Stored>

/** A stored value as the caller sees it, or `MISS` when it is absent or stale. */
function shown(value: Stored | undefined, full: string, stale: ReadonlySet<string>): unknown {
  if (value === undefined || stale.has(full)) return MISS
  return value === UNDEFINED ? undefined : value
}

/**
 * The rest of a named or `live` getSync after its fast path, kept out of it so the inlined code
 * stays small: a final miss when `state.plain` held, otherwise the value checked by key.
 */
function rest<T>(
  core: CacheCore,
  state: Freshness,
  stale: ReadonlySet<string>,
  full: string,
  lookup: (key: string) => Stored | undefined,
): T | undefined {
  const value = state.plain ? MISS : shown(lookup(full), full, stale)
  if (value !== MISS) {
    core.stats.l1Hits++
    if (core.listenHit) emitHit(core, full)
    return value as T
  }
  missed(core)
  return undefined
}

/**
 * Root namespace on plain-LRU memory. While `state.rootFast` holds (nothing stale, no
 * `undefined` value, no NUL-led key stored), the caller's key is looked up as is and the stored
 * value returned as is; a miss of a string key is then final, since the escaped form of a NUL-led
 * key is not stored either. Otherwise `careful` qualifies the key and checks the value.
 */
function rootLru(
  core: CacheCore,
  lru: Lru,
  state: Freshness,
  stale: ReadonlySet<string>,
  qualify: (key: string) => string,
): HotPath {
  const { stats } = core
  // Kept out of `getSync` so that its own bytecode stays small: V8 inlines `getSync`, lru-cache's
  // `get` and that one's helpers into the caller's loop only within a cumulative bytecode budget.
  const missOrCareful = <T>(key: string): T | undefined => {
    // With `rootFast`, a string key's miss is final: a NUL-led key's escaped form is not stored either.
    if (state.rootFast && typeof key === 'string') {
      missed(core)
      return undefined
    }
    return careful<T>(key)
  }
  const careful = <T>(key: string): T | undefined => {
    const full = qualify(key)
    const value = shown(lru.get(full), full, stale)
    if (value !== MISS) {
      stats.l1Hits++
      if (core.listenHit) emitHit(core, full)
      return value as T
    }
    missed(core)
    return undefined
  }
  return {
    read(full) {
      if (state.plain) {
        const value = lru.get(full)
        return value === undefined ? MISS : value
      }
      return shown(lru.get(full), full, stale)
    },
    getSync<T>(key: string): T | undefined {
      // Nothing stale and no NUL-led key stored: the caller's key is looked up as is.
      if (state.rootFast) {
        const value = lru.get(key)
        if (value !== undefined) {
          stats.l1Hits++
          if (core.listenHit) emitHit(core, key)
          return value as T
        }
      }
      return missOrCareful(key)
    },
  }
}

/** Named namespace on plain-LRU memory: `qualify` memoises recent stored keys (no string built per call). */
function namedLru(
  core: CacheCore,
  lru: Lru,
  state: Freshness,
  stale: ReadonlySet<string>,
  qualify: (key: string) => string,
): HotPath {
  const { stats } = core
  const find = (full: string) => lru.get(full)
  return {
    read(full) {
      if (state.plain) {
        const value = lru.get(full)
        return value === undefined ? MISS : value
      }
      return shown(lru.get(full), full, stale)
    },
    getSync<T>(key: string): T | undefined {
      const full = qualify(key)
      if (state.plain) {
        const value = lru.get(full)
        if (value !== undefined) {
          stats.l1Hits++
          if (core.listenHit) emitHit(core, full)
          return value as T
        }
      }
      return rest<T>(core, state, stale, full, find)
    },
  }
}

/** Our memory tier under another policy (`fifo`, `tinylfu`), on the system clock. */
function live(
  core: CacheCore,
  lookup: (key: string) => Stored | undefined,
  state: Freshness,
  stale: ReadonlySet<string>,
  qualify: (key: string) => string,
): HotPath {
  const { stats } = core
  return {
    read(full) {
      if (state.plain) {
        const value = lookup(full)
        return value === undefined ? MISS : value
      }
      return shown(lookup(full), full, stale)
    },
    getSync<T>(key: string): T | undefined {
      const full = qualify(key)
      if (state.plain) {
        const value = lookup(full)
        if (value !== undefined) {
          stats.l1Hits++
          if (core.listenHit) emitHit(core, full)
          return value as T
        }
      }
      return rest<T>(core, state, stale, full, lookup)
    },
  }
}

/** The clock read as a plain function: the default clock's cached reading is called directly. */
function reader(clock: Clock): () => number {
  return clock === systemClock ? systemNow : () => clock.now()
}

/** Any other synchronous first tier, or ours on an injected clock: compares `expiresAt` with the clock. */
function checked(
  core: CacheCore,
  entryOf: (key: string) => TierEntry | undefined,
  qualify: (key: string) => string,
): HotPath {
  const { stats } = core
  const now = reader(core.clock)
  return {
    read(full) {
      const entry = entryOf(full)
      return entry !== undefined && entry.expiresAt > now() ? entry.value : MISS
    },
    getSync<T>(key: string): T | undefined {
      const full = qualify(key)
      const entry = entryOf(full)
      if (entry !== undefined && entry.expiresAt > now()) {
        stats.l1Hits++
        if (core.listenHit) emitHit(core, full)
        return entry.value as T
      }
      missed(core)
      return undefined
    },
  }
}

/** No synchronous first tier: `getSync` always misses. */
function none(core: CacheCore): HotPath {
  return {
    read: undefined,
    getSync<T>(): T | undefined {
      missed(core)
      return undefined
    },
  }
}
