import { canLendNow, destroyBorrowed, releaseResource, wait } from './resource-pool-borrow'
import { drainPool, shrinkIdle } from './resource-pool-drain'
import { resolveOptions } from './resource-pool-options'
import { PoolState } from './resource-pool-state'
import type {
  AcquireOptions,
  ResourcePool,
  ResourcePoolOptions,
  ResourcePoolStats,
} from './resource-pool-types'
import { runInto, runNow } from './run-borrowed'
import type { Duration } from './types'
import { parseDuration } from './units'

/**
 * An async pool of costly resources (parsers, connections, browser pages) with FIFO fairness,
 * acquire timeouts that can never leak a resource, validation on borrow, idle eviction,
 * `maxWaiting` back-pressure and leak attribution.
 */
export function createResourcePool<T>(options: ResourcePoolOptions<T>): ResourcePool<T> {
  // The pool's state and its balancing moves are in `PoolState` (resource-pool-state.ts), the
  // waiting and give-back paths in resource-pool-borrow.ts, `shrink()` and `drain()` in
  // resource-pool-drain.ts.
  const pool = new PoolState<T>(resolveOptions(options))
  const { idle, leases, min } = pool

  const release = (resource: T): void => releaseResource(pool, resource)

  // `acquire` and `use` stay here, as the very functions the pool returns: `leases.trace()`
  // leaves out the frames from the function it is given up, so it must be the one called.
  function acquire(acquireOptions?: AcquireOptions): Promise<T> {
    const trace = leases.trace(acquire)
    if (canLendNow(pool)) return Promise.resolve(pool.lend(idle.pop() as T, undefined, trace))
    return new Promise<T>((resolve, reject) => wait(pool, acquireOptions, trace, resolve, reject))
  }

  function use<R>(
    fn: (resource: T) => R | Promise<R>,
    acquireOptions?: AcquireOptions,
  ): Promise<R> {
    const trace = leases.trace(use)
    if (canLendNow(pool)) return runNow(pool.lend(idle.pop() as T, undefined, trace), fn, release)
    return new Promise<R>((resolve, reject) => {
      wait(
        pool,
        acquireOptions,
        trace,
        (resource) => runInto(resource, fn, release, resolve, reject),
        reject,
      )
    })
  }

  const stats = (): ResourcePoolStats => ({
    size: pool.size(),
    idle: idle.length,
    borrowed: leases.count,
    creating: pool.creating + pool.validating,
    waiting: pool.waiters.live,
    min,
    max: pool.max,
    ...pool.counters,
  })

  const leaks = (olderThan?: Duration) =>
    leases.list(
      pool.clock.now(),
      olderThan === undefined ? pool.leakThreshold : parseDuration(olderThan, 'olderThan', true),
    )

  pool.dispatch()

  return {
    acquire,
    release,
    destroy: (resource: T): Promise<void> => destroyBorrowed(pool, resource),
    use,
    stats,
    leaks,
    shrink: (keep = min): Promise<number> => shrinkIdle(pool, keep),
    drain: (): Promise<void> => drainPool(pool),
    on: (event, listener) => pool.events.on(event, listener),
  }
}
