import type { Clock as KernelClock } from './kernel'

/** A value or a promise of it: memory tiers answer synchronously, shared tiers asynchronously. */
export type MaybePromise<T> = T | Promise<T>

/**
 * Source of time in epoch milliseconds (the `now()` of the one mx `Clock`: any mx package's clock
 * fits); inject a fake one in tests.
 */
export type Clock = Pick<KernelClock, 'now'>

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

/**
 * An ioredis client (`new Redis(...)` from the optional peer `ioredis`), described by the members
 * the cache relies on rather than imported from ioredis: the types of `@mx/cache` never name
 * ioredis, so a project without it compiles, `skipLibCheck` or not. Pass the client itself.
 */
export interface RedisClient {
  readonly status: string
  duplicate(): RedisClient
  quit(): Promise<unknown>
  disconnect(): void
}

/** A message on the bus: what another instance invalidated. Keys and tags are fully qualified. */
export type BusMessage =
  | { op: 'keys'; keys: string[] }
  | { op: 'tags'; tags: string[] }
  | { op: 'pattern'; prefix: string; glob: string }
  | { op: 'clear'; prefix: string }

/**
 * `resync`: the bus is subscribed again after a disconnection and may have missed messages. It
 * comes with `{ op: 'clear', prefix: '' }`, and the cache drops its memory tiers (`busResyncs`).
 */
export interface BusDelivery {
  resync: boolean
}

/** Carries invalidations between processes so every memory tier stays coherent. */
export interface Bus {
  publish(message: BusMessage): Promise<void>
  /** Registers the handler for messages from OTHER instances; resolves an unsubscribe. */
  subscribe(handler: (message: BusMessage, delivery?: BusDelivery) => void): Promise<() => void>
  close(): Promise<void>
}

/** Turns values into bytes for shared tiers. The default uses `node:v8`. */
export interface Serializer {
  serialize(value: unknown): Uint8Array
  deserialize(bytes: Uint8Array): unknown
}

/** Structural metrics sink (a `@mx/profiler` instance fits). */
export interface MetricsSink {
  record(name: string, value: number, labels?: Record<string, string>): void
}

export interface CacheOptions {
  /** Namespace of this cache (letters, digits, `_`, `-`). */
  namespace?: string
  /** Tiers from fastest to slowest. Default: one `memoryTier()`. */
  tiers?: Tier[]
  bus?: Bus
  /** Default freshness in ms. Default 60 000. */
  ttl?: number
  /** How long after expiry a stale value may still be served when refreshing fails, in ms. Default 0. */
  grace?: number
  /** Factory timeouts in ms: `soft` returns a stale value and keeps refreshing; `hard` gives up. */
  timeouts?: { soft?: number; hard?: number }
  /** Random TTL reduction, a fraction in [0, 1): spreads expiries to avoid synchronized misses. */
  jitter?: number
  serializer?: Serializer
  /** Compress shared-tier payloads of at least `minBytes` bytes (deflate). */
  compress?: { minBytes: number }
  /** HMAC-sign shared-tier entries; tampered entries are rejected as corrupt. */
  sign?: { secret: string | Uint8Array }
  metrics?: MetricsSink
  clock?: Clock
  /** Distributed lock for `getOrSet` when a tier supports it: lock TTL and how long to wait. */
  lock?: { ttl?: number; wait?: number }
  /**
   * Copy a hit from a slower tier into the faster ones, so the next read of that key is faster.
   * Default true; false for a process that reads each key once (a one-shot command line run),
   * which then spends neither the time nor the memory.
   */
  promote?: boolean
}

export interface SetOptions {
  ttl?: number
  grace?: number
  tags?: string[]
  /** Resource ids this value was derived from; `invalidate({ dependsOn })` drops it. */
  dependsOn?: string | string[]
}

export interface GetOrSetOptions extends SetOptions {
  timeouts?: { soft?: number; hard?: number }
}

/** Lets a factory adapt how its result is cached. */
export interface FactoryContext<T = unknown> {
  readonly key: string
  /** The stale value (within grace), if any. */
  readonly stale: T | undefined
  /** Sets this value's freshness in ms, and optionally its grace (how long it may then be served stale). */
  setTtl(ms: number, grace?: number): void
  setTags(tags: string[]): void
  /** Return the value to the caller but do not cache it. */
  skip(): void
}

export type InvalidateTarget =
  | { keys: string[] }
  | { tags: string[] }
  | { pattern: string }
  | { dependsOn: string | string[] }

export interface TierStats {
  name: string
  hits: number
  misses: number
  hitRatio: number
  errors: number
  evictions: number
  corrupt: number
}

export interface CacheStats {
  hits: number
  misses: number
  hitRatio: number
  tiers: TierStats[]
  /** Lookup latency in ms over a sample of recent async lookups. */
  latency: { p50: number; p99: number; samples: number }
  factoryRuns: number
  errors: number
  evictions: number
  /** Times the memory tiers were dropped because the bus reconnected (`BusDelivery.resync`). */
  busResyncs: number
  /**
   * Factory results not cached because their lock had passed to a later holder meanwhile (a
   * fencing token refused by a shared tier): the late value never replaces the newer one.
   */
  fenced: number
}

/** Event name → payload. */
export interface CacheEvents {
  hit: { key: string; tier: string; stale: boolean }
  miss: { key: string }
  set: { key: string }
  evict: { key: string; tier: string; reason: string }
  error: { error: unknown; tier?: string; operation: string }
  circuit: { tier: string; state: CircuitState }
}

/** An entry for `setMany` / `warm`. */
export interface CacheEntryInput<T = unknown> extends SetOptions {
  key: string
  value: T
}

export interface WrapOptions<A extends unknown[]> extends GetOrSetOptions {
  /** Builds the cache key from the arguments. Default: `keyOf(fn.name, ...args)`. */
  key?: (...args: A) => string
}

export interface WarmOptions {
  /** Re-run the loader every `interval` ms until `stop()` or `close()`. */
  interval?: number
}

export interface WarmHandle {
  /** How many entries the first warm-up wrote. */
  readonly count: number
  stop(): void
}

export type WarmSource =
  | Iterable<CacheEntryInput>
  | (() => Iterable<CacheEntryInput> | Promise<Iterable<CacheEntryInput>>)

/** A multi-tier cache (or a namespace view of one; views share tiers, stats and events). */
export interface Cache {
  /** Full namespace path (`''` for an unnamed root). */
  readonly namespacePath: string
  getOrSet<T>(
    key: string,
    factory: (ctx: FactoryContext<T>) => T | Promise<T>,
    options?: GetOrSetOptions,
  ): Promise<T>
  get<T = unknown>(key: string): Promise<T | undefined>
  /** Memory-tier lookup without a promise; undefined when not in the first (memory) tier. */
  getSync<T = unknown>(key: string): T | undefined
  set(key: string, value: unknown, options?: SetOptions): Promise<void>
  delete(key: string): Promise<void>
  has(key: string): Promise<boolean>
  getMany<T = unknown>(keys: string[]): Promise<Array<T | undefined>>
  setMany(entries: CacheEntryInput[]): Promise<void>
  invalidate(target: InvalidateTarget): Promise<void>
  /** Deletes every entry of this namespace in every tier (and other instances' memory tiers). */
  clear(): Promise<void>
  /**
   * The keys of this namespace held by the tiers that can list keys (`Tier.keys`: all three of
   * ours), each once. An entry that expired but is still held (grace, or not yet dropped) may be
   * listed: `get` each key for its fresh value. A tier that fails while listing is counted
   * (`stats().errors`) and skipped. Iterating throws `KeysUnsupportedError` when no tier can list keys.
   */
  keys(): AsyncIterable<string>
  namespace(name: string): Cache
  wrap<A extends unknown[], R>(
    fn: (...args: A) => R | Promise<R>,
    options?: WrapOptions<A>,
  ): (...args: A) => Promise<R>
  warm(source: WarmSource, options?: WarmOptions): Promise<WarmHandle>
  /** Evicts `fraction` of the memory tiers' entries (memory pressure); returns how many. */
  shrink(fraction: number): number
  stats(): CacheStats
  on<E extends keyof CacheEvents>(event: E, listener: (payload: CacheEvents[E]) => void): () => void
  /** Resolves once the bus subscription is live. */
  ready(): Promise<void>
  close(): Promise<void>
}
