import type { Clock as KernelClock } from './kernel'
import type { CircuitState, Tier } from './tier-types'

/** A value or a promise of it: memory tiers answer synchronously, shared tiers asynchronously. */
export type MaybePromise<T> = T | Promise<T>

/**
 * Source of time in epoch milliseconds (the `now()` of the one mx `Clock`: any mx package's clock
 * fits); inject a fake one in tests.
 */
export type Clock = Pick<KernelClock, 'now'>

// The tier contract lives in tier-types.ts; re-exported here, where every type of the package is.
export type { CircuitState, Tier, TierEntry, TierEvent, TierLock } from './tier-types'

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
