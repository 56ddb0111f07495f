// The public types of `createResourcePool()`, exported from the package index.
import type { Clock, Duration, Unsubscribe } from './types'

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
