// The contract between the cache and its tiers (ours and users'): what a tier stores for a key,
// what it reports, its lock, and the methods it implements. `@mx/cache/test-suite` checks it.
import type { MaybePromise } from './types'

/**
 * What a tier stores for one key. `expiresAt` ends freshness; between `expiresAt` and
 * `staleUntil` the value may only be served as stale (grace); after `staleUntil` it is gone.
 * Memory tiers hold `value` as is; shared tiers (disk, Redis) receive a `Uint8Array`.
 */
export interface TierEntry<V = unknown> {
  value: V
  expiresAt: number
  staleUntil: number
  tags: readonly string[]
  /**
   * When the value was written (the cache's clock), set while some tier of the cache has no
   * native `deleteTags`: tiers store it with the entry and return it from `get`, so the cache can
   * tell whether a tag invalidation came after it (see the README, "Writing a tier").
   */
  writtenAt?: number
  /**
   * The fencing token of the lock a factory's value was computed under (`TierLock.fence`): a
   * tier that issues fences refuses the write when a later holder has taken that lock since.
   */
  fence?: number
}

/** Something a tier reports on its own: an eviction, or its circuit breaker changing state. */
export type TierEvent =
  | { type: 'evict'; key: string; reason: 'size' | 'expired' | 'shrink' | 'admission' }
  | { type: 'circuit'; state: CircuitState }

export type CircuitState = 'closed' | 'open' | 'half-open'

/** A held distributed lock; `release()` frees it only if this holder still owns it. */
export interface TierLock {
  release(): Promise<void>
  /**
   * Optional fencing token: larger for each later holder of the same key. A holder cut off past
   * its lock's TTL writes with its old token, and the tier refuses it (`set` resolves false).
   */
  readonly fence?: number
}

/**
 * The contract every cache tier implements (ours and users'); `@mx/cache/test-suite` checks it.
 * Keys arrive fully qualified (namespace included). Tiers must treat keys as opaque strings:
 * no path, glob or protocol meaning. Five methods are required (`get`, `set`, `delete`, `clear`,
 * `close`); the cache does tags, `dependsOn` and glob patterns itself on top of them, and uses
 * each optional method below when a tier has it.
 */
export interface Tier {
  readonly name: string
  /** `memory` tiers keep values by reference in-process; `shared` tiers store bytes. */
  readonly kind: 'memory' | 'shared'
  /** Entry for `key`, or undefined when absent or past `staleUntil`. Throws `CorruptEntryError` on an entry that fails its integrity check (after deleting it). */
  get(key: string): MaybePromise<TierEntry | undefined>
  /**
   * Stores the entry as given, every field included (`writtenAt` too), until its `staleUntil`.
   * A tier with fencing locks resolves false, storing nothing, for an entry whose `fence` a
   * later lock holder has overtaken.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a tier that never refuses keeps returning void
  set(key: string, entry: TierEntry): MaybePromise<void | boolean>
  /** Deletes the keys; resolves how many existed. */
  delete(keys: readonly string[]): MaybePromise<number>
  /** Deletes every entry whose key starts with `prefix` (`''` = everything, all namespaces). */
  clear(prefix: string): MaybePromise<void>
  close(): MaybePromise<void>
  /** Optional: synchronous `get`, for `cache.getSync` (a memory tier first in line). */
  getSync?(key: string): TierEntry | undefined
  /** Optional: writes several entries at once (one transaction, one pipeline); else `set` per entry. */
  setMany?(entries: ReadonlyArray<readonly [key: string, entry: TierEntry]>): MaybePromise<void>
  /**
   * Optional: lists the stored keys that start with `prefix` (`''` = every key, all namespaces),
   * for `cache.keys()` and for `invalidate({ pattern })` on a tier without `deleteMatching`. A key
   * may be listed more than once, or after its entry expired (until the tier drops it).
   */
  keys?(prefix: string): AsyncIterable<string> | Iterable<string>
  /** Optional: evicts about `fraction` (0..1) of the entries, least valuable first (memory pressure). */
  shrink?(fraction: number): number
  /** Optional: distributed lock for single-flight across processes (Redis). */
  lock?(key: string, ttlMs: number): Promise<TierLock | undefined>
  /** Optional: reports evictions and circuit changes to the cache's stats and events. */
  subscribe?(listener: (event: TierEvent) => void): () => void
  /**
   * Optional, native tag invalidation: deletes every entry carrying any of `tags`; resolves how
   * many. Without it the cache writes invalidation stamps into the tier and checks them on read.
   */
  deleteTags?(tags: readonly string[]): MaybePromise<number>
  /**
   * Optional, native pattern invalidation: deletes entries whose key starts with `prefix` and
   * whose remainder matches `glob` (`*`, `?`, everything else literal); with `prefix` `''` (the
   * root namespace), keys starting with NUL (named namespaces) are out of scope. Without it the
   * cache lists `keys(prefix)` and deletes what matches.
   */
  deleteMatching?(prefix: string, glob: string): MaybePromise<number>
}
