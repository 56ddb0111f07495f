import type { Duration, Size } from './units'

export type { Duration, Size } from './units'

/**
 * Time source and timers. Every time-dependent part of `@mx/memory` takes one so tests can
 * drive time by hand instead of sleeping. The default uses `performance.now()` and unref'd
 * Node timers.
 */
export interface Clock {
  now(): number
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

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
  /** How long `acquire()` waits before rejecting with `MX_POOL_ACQUIRE_TIMEOUT`. Default 30s. */
  acquireTimeout?: Duration
  /** Idle resources above `min` older than this are destroyed. 0 disables. Default 30s. */
  idleTimeout?: Duration
  /** Callers allowed to wait at once; more are refused with `MX_POOL_MAX_WAITING`. Default ∞. */
  maxWaiting?: number
  /** Borrowed for longer than this, a resource is listed by `leaks()`. Default 30s. */
  leakThreshold?: Duration
  /** Capture the caller's stack at `acquire()` for `leaks()`. Costs ~1 µs. Default false. */
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
