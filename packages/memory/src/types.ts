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

// The resource pool's and the memory monitor's types are in resource-pool-types.ts and
// monitor-types.ts.

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
