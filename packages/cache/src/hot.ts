import type { LRUCache } from 'lru-cache'
import type { CacheCore } from './core'
import { FAST_LOOKUP, LRU_STORE, type MemoryTier } from './tiers/memory'
import type { Clock, TierEntry } from './types'
import { systemClock, systemNow } from './util'

/** A namespace view's first-tier read path, specialised to the shape of its cache. */
export interface HotPath {
  /** The fresh first-tier entry under a qualified key (no stats, no events); undefined without a sync first tier. */
  readonly read: ((full: string) => TierEntry | undefined) | undefined
  /** `cache.getSync`: counts the hit or miss and emits `hit` when someone listens. */
  readonly getSync: <T>(key: string) => T | undefined
}

type Store = LRUCache<string, TierEntry>

/**
 * Builds the hot path. Each cache shape (root or named namespace over a plain-LRU memory tier, or
 * any other first tier) gets its own function literal: V8 keeps type feedback per literal, so a
 * process holding several shapes still runs monomorphic, inlined code on each. `qualify` maps a
 * user key to the stored key and throws on a non-string; `named` says whether it needs a prefix.
 */
export function hotPath(
  core: CacheCore,
  named: boolean,
  qualify: (key: string) => string,
): HotPath {
  const l1 = core.tiers[0]?.getSync ? core.tiers[0] : undefined
  const ours = l1 as Partial<MemoryTier> | undefined
  const store = ours?.[LRU_STORE]
  if (store !== undefined) {
    return named ? namedLru(core, store, qualify) : rootLru(core, store, qualify)
  }
  const lookup = ours?.[FAST_LOOKUP] ?? l1?.getSync?.bind(l1)
  return lookup === undefined ? none(core) : generic(core, lookup, qualify)
}

/** The clock read as a plain function: the default clock's cached reading is called directly. */
function reader(clock: Clock): () => number {
  return clock === systemClock ? systemNow : () => clock.now()
}

function emitHit(core: CacheCore, key: string): void {
  core.emit('hit', { key, tier: core.tiers[0]?.name ?? '', stale: false })
}

/** Root namespace over one lru-cache: the user's key is the stored key unless it starts with NUL. */
function rootLru(core: CacheCore, store: Store, qualify: (key: string) => string): HotPath {
  const { stats } = core
  const now = reader(core.clock)
  return {
    read(full) {
      const entry = store.get(full)
      return entry !== undefined && entry.expiresAt > now() ? entry : undefined
    },
    getSync<T>(key: string): T | undefined {
      const full = typeof key === 'string' && key.charCodeAt(0) !== 0 ? key : qualify(key)
      const entry = store.get(full)
      if (entry !== undefined && entry.expiresAt > now()) {
        stats.l1Hits++
        if (core.listenHit) emitHit(core, full)
        return entry.value as T
      }
      stats.l1Misses++
      return undefined
    },
  }
}

/** Named namespace over one lru-cache: `qualify` remembers recent stored keys, so no string is built per call. */
function namedLru(core: CacheCore, store: Store, qualify: (key: string) => string): HotPath {
  const { stats } = core
  const now = reader(core.clock)
  return {
    read(full) {
      const entry = store.get(full)
      return entry !== undefined && entry.expiresAt > now() ? entry : undefined
    },
    getSync<T>(key: string): T | undefined {
      const full = qualify(key)
      const entry = store.get(full)
      if (entry !== undefined && entry.expiresAt > now()) {
        stats.l1Hits++
        if (core.listenHit) emitHit(core, full)
        return entry.value as T
      }
      stats.l1Misses++
      return undefined
    },
  }
}

/** Any other synchronous first tier (`fifo`/`tinylfu` memory tiers, custom tiers). */
function generic(
  core: CacheCore,
  lookup: (key: string) => TierEntry | undefined,
  qualify: (key: string) => string,
): HotPath {
  const { stats } = core
  const now = reader(core.clock)
  return {
    read(full) {
      const entry = lookup(full)
      return entry !== undefined && entry.expiresAt > now() ? entry : undefined
    },
    getSync<T>(key: string): T | undefined {
      const full = qualify(key)
      const entry = lookup(full)
      if (entry !== undefined && entry.expiresAt > now()) {
        stats.l1Hits++
        if (core.listenHit) emitHit(core, full)
        return entry.value as T
      }
      stats.l1Misses++
      return undefined
    },
  }
}

/** No synchronous first tier: `getSync` always misses. */
function none(core: CacheCore): HotPath {
  const { stats } = core
  return {
    read: undefined,
    getSync<T>(): T | undefined {
      stats.l1Misses++
      return undefined
    },
  }
}
