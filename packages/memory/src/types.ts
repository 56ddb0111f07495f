import type { Clock } from './kernel'
import type { Duration, Size } from './units'

export type { Duration, Size } from './units'

/**
 * Time source and timers (the one mx `Clock`). Every time-dependent part of `@mx/memory` takes
 * one so tests can drive time by hand instead of sleeping. The default uses `performance.now()`
 * and unref'd Node timers.
 */
export type { Clock }

/** Unsubscribes the listener it was returned for. */
export type Unsubscribe = () => void

// ---------------------------------------------------------------------------------------------
// Object pool

export interface ObjectPoolOptions<T extends object> {
  /** Makes a new object when the pool has none idle. */
  create: () => T
  /** Restores a released object to a clean state before it is reused. */
  reset?: (object: T) => void
  /** Most idle objects kept; releases beyond it let the object go to the garbage collector. */
  max: number
  /** Objects created up front (at most `max`). Default 0. */
  preallocate?: number
}

export interface ObjectPoolStats {
  idle: number
  borrowed: number
  created: number
  reused: number
  /** Releases that found the pool full, so the object was left to the garbage collector. */
  dropped: number
  max: number
}

export interface ObjectPool<T extends object> {
  /** Takes an idle object or creates one. Never blocks. */
  acquire(): T
  /** Resets and returns an object; throws `DoubleReleaseError` / `ForeignReleaseError` on misuse. */
  release(object: T): void
  /** Runs `fn` with a borrowed object and releases it afterwards (after settling, if async). */
  use<R>(fn: (object: T) => R): R
  stats(): ObjectPoolStats
  /** Forgets every idle object. */
  clear(): void
}

// ---------------------------------------------------------------------------------------------
// Resource pool

export interface ResourcePoolOptions<T> {
  /** Creates a resource (a parser, a connection, a worker). */
  create: () => T | Promise<T>
  /** Disposes of a resource evicted, invalidated or drained. */
  destroy?: (resource: T) => void | Promise<void>
  /** Checked when an idle resource is borrowed; `false` or a throw destroys it and moves on. */
  validate?: (resource: T) => boolean | Promise<boolean>
  /** Resources kept alive even when idle. Default 0. */
  min?: number
  /** Most resources alive at once (idle + borrowed + being created). Default 10. */
  max?: number
  /** How long `acquire()` waits before rejecting with `MX_MEMORY_ACQUIRE_TIMEOUT`. Default 30s. */
  acquireTimeout?: Duration
  /** Idle resources above `min` older than this are destroyed. 0 disables. Default 30s. */
  idleTimeout?: Duration
  /** Callers allowed to wait for a release; more are refused (`MX_MEMORY_MAX_WAITING`). Default ∞. */
  maxWaiting?: number
  /** Borrowed for longer than this, a resource is listed by `leaks()`. Default 30s. */
  leakThreshold?: Duration
  /** Capture the stack of `acquire()` / `use()` for `leaks()`. Costs ~2.3 µs. Default false. */
  captureStacks?: boolean
  clock?: Clock
}

export interface AcquireOptions {
  /** Aborts waiting; the promise rejects with the signal's reason. */
  signal?: AbortSignal
}

export interface Lease {
  /** When the resource was borrowed, in clock milliseconds. */
  acquiredAt: number
  /** How long it has been held, in milliseconds. */
  heldFor: number
  /** Stack captured at `acquire()` when `captureStacks` is on. */
  stack: string | undefined
}

export interface ResourcePoolStats {
  size: number
  idle: number
  borrowed: number
  creating: number
  waiting: number
  min: number
  max: number
  created: number
  destroyed: number
  acquired: number
  released: number
  timeouts: number
  refused: number
  validationFailures: number
  createErrors: number
  destroyErrors: number
  /** Borrowed resources garbage-collected without a release. */
  collectedWithoutRelease: number
}

export interface ResourcePoolEvents {
  /** A borrowed resource was garbage-collected without `release()`; its slot is free again. */
  leak: (lease: Lease) => void
  createError: (error: unknown) => void
  destroyError: (error: unknown) => void
}

export interface ResourcePool<T> {
  /** Borrows a resource, waiting FIFO behind earlier callers when all are in use. */
  acquire(options?: AcquireOptions): Promise<T>
  /** Gives a borrowed resource back. Throws `DoubleReleaseError` if it is not borrowed. */
  release(resource: T): void
  /** Destroys a borrowed resource instead of returning it (it is broken). */
  destroy(resource: T): Promise<void>
  /** Borrows a resource for the duration of `fn`, releasing it however `fn` ends. */
  use<R>(fn: (resource: T) => R | Promise<R>, options?: AcquireOptions): Promise<R>
  stats(): ResourcePoolStats
  /** Resources borrowed for longer than `leakThreshold` (or `olderThan`), oldest first. */
  leaks(olderThan?: Duration): Lease[]
  /** Destroys idle resources above `min` (or down to `keep`), e.g. under memory pressure. */
  shrink(keep?: number): Promise<number>
  /** Refuses new acquires, rejects waiters, waits for borrowed resources, destroys everything. */
  drain(): Promise<void>
  on<E extends keyof ResourcePoolEvents>(event: E, listener: ResourcePoolEvents[E]): Unsubscribe
}

// ---------------------------------------------------------------------------------------------
// Memory monitor

export type PressureLevel = 'normal' | 'moderate' | 'critical'

/** One memory reading, in bytes. Only `rss` is required from an injected reader. */
export interface MemoryReading {
  rss: number
  heapUsed: number
  heapTotal: number
  /** V8's heap size limit: the heap OOMs here whatever the budget says. */
  heapLimit: number
  external: number
}

export interface MemoryMonitorOptions {
  /** Bytes the process may use. Default: the cgroup limit if any, else total system memory. */
  budget?: Size
  /** Time between samples. Default `'1s'`. */
  interval?: Duration
  /** Usage ratios (of the budget) at which each level starts. Default 0.7 and 0.85. */
  levels?: { moderate?: number; critical?: number }
  /** How far below a level's threshold usage must fall to leave it. Default 0.05. */
  hysteresis?: number
  /** Start sampling on creation. Default true. */
  autoStart?: boolean
  /** Observe GC pauses with a `PerformanceObserver`. Default true. */
  gcStats?: boolean
  /** Replaces the real reader (`process.memoryUsage.rss()` + `v8.getHeapStatistics()`). */
  readMemory?: () => Partial<MemoryReading> & { rss: number }
  clock?: Clock
}

/** What drove the usage ratio: resident memory, the V8 heap, or bytes accounted by consumers. */
export type PressureSource = 'rss' | 'heap' | 'accounted'

export interface PressureChange {
  level: PressureLevel
  previous: PressureLevel
  /** Usage ratio that caused the change. */
  ratio: number
  source: PressureSource
  reading: MemoryReading
  at: number
}

/**
 * Runs when pressure reaches its level. It may be async, and may return (or resolve to) a
 * relief function, run when pressure falls back below the level.
 */
export type PressureHandler = (change: PressureChange) => unknown

export interface PressureHandlerOptions {
  /** Higher runs first (e.g. shrink caches at 10 before pausing intake at 0). Default 0. */
  priority?: number
}

export interface GcStats {
  count: number
  /** Total pause time, milliseconds. */
  totalPause: number
  maxPause: number
  byKind: Record<'minor' | 'major' | 'incremental' | 'weakcb', { count: number; pause: number }>
}

export interface MemoryMonitorStats {
  level: PressureLevel
  ratio: number
  source: PressureSource
  budget: number
  reading: MemoryReading
  peakRss: number
  /** Sum of the bytes consumers reported with `account()`. */
  accounted: number
  consumers: Record<string, number>
  /** Budget left: budget minus the larger of rss and accounted bytes (never negative). */
  available: number
  samples: number
  levelChanges: number
  handlerErrors: number
  /** Timer samples whose memory reader threw. */
  sampleErrors: number
  gc: GcStats | undefined
}

export interface MemoryMonitorEvents {
  /** The level changed (up or down). Never emitted for samples that keep the level. */
  level: (change: PressureChange) => void
  handlerError: (error: unknown, change: PressureChange) => void
  /** The memory reader threw during a timer sample; the next sample retries. */
  sampleError: (error: unknown) => void
}

export interface MemoryMonitor {
  level(): PressureLevel
  /** Takes one sample now (also what the interval timer does). */
  sample(): MemoryMonitorStats
  onPressure(
    level: Exclude<PressureLevel, 'normal'>,
    handler: PressureHandler,
    options?: PressureHandlerOptions,
  ): Unsubscribe
  /** Sets the bytes `consumer` holds (0 removes it); counts against the budget. */
  account(consumer: string, bytes: Size): void
  stats(): MemoryMonitorStats
  /** Resolves when the pressure handlers started so far have finished. */
  idle(): Promise<void>
  start(): void
  stop(): void
  on<E extends keyof MemoryMonitorEvents>(event: E, listener: MemoryMonitorEvents[E]): Unsubscribe
}

// ---------------------------------------------------------------------------------------------
// Lazy values

export interface LazyOptions<T> {
  /** Start loading right away, in the background. Default false. */
  preload?: boolean
  /** Drop the value after this long without a `get()`; the next `get()` loads it again. */
  idleTtl?: Duration
  /** Called with a value that is dropped (idle or `release()`), e.g. to free native memory. */
  dispose?: (value: T) => void | Promise<void>
  clock?: Clock
}

export type LazyState = 'empty' | 'loading' | 'loaded'

export interface LazyStats {
  state: LazyState
  loads: number
  failures: number
  releases: number
  disposeErrors: number
}

export interface Lazy<T> {
  /** The value, loading it on first use; concurrent callers share one load. */
  get(): Promise<T>
  /** The value if loaded, without loading or counting as a use. */
  peek(): T | undefined
  state(): LazyState
  /** Drops the value now (waiting for a load in flight) and disposes of it. */
  release(): Promise<void>
  stats(): LazyStats
}

// ---------------------------------------------------------------------------------------------
// Leak check

export interface LeakCheckOptions {
  /** Measured runs of `fn`. Default 50. */
  iterations?: number
  /** Unmeasured runs first, so caches, JIT and lazy initialisation settle. Default 10. */
  warmup?: number
  /** Growth per iteration above which a steady trend is called a leak. Default `'256b'`. */
  threshold?: Size
}

export interface LeakCheckResult {
  verdict: 'leak' | 'clean'
  leaking: boolean
  /** Robust (Theil–Sen) slope of retained bytes per iteration. */
  bytesPerIteration: number
  /** How well a straight line fits the samples, outliers aside (0..1): a leak grows steadily. */
  r2: number
  /** Retained bytes after the last iteration minus before the first. */
  growth: number
  iterations: number
  /** Retained bytes (heap used + external) after each iteration and a full GC. */
  samples: number[]
}
