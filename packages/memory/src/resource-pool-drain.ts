import { PoolDrainedError } from './errors'
import type { PoolState } from './resource-pool-state'
import { requireInteger } from './units'

/** `shrink()`: destroys the longest-idle resources until `keep` are left (or none is idle). */
export async function shrinkIdle<T>(pool: PoolState<T>, keep: number): Promise<number> {
  requireInteger(keep, 'keep', 0)
  let removed = 0
  while (pool.idle.length > 0 && pool.size() > keep) {
    pool.destroyResource(pool.idle.shift() as T)
    removed++
  }
  await Promise.all(pool.pendingDestroys)
  return removed
}

/**
 * `drain()`: the first call stops the pool (waiters rejected, idle resources destroyed); every
 * call resolves once borrowed resources are back and every destroy has finished.
 */
export function drainPool<T>(pool: PoolState<T>): Promise<void> {
  if (!pool.draining) {
    pool.draining = true
    pool.waiters.stop()
    for (let waiter = pool.waiters.shift(); waiter !== undefined; waiter = pool.waiters.shift()) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort as () => void)
      waiter.reject(new PoolDrainedError())
    }
    for (const resource of pool.idle.stop()) pool.destroyResource(resource)
  }
  const done = new Promise<void>((resolve) => {
    const previous = pool.drainResolve
    pool.drainResolve = () => {
      previous?.()
      resolve()
    }
  })
  pool.checkDrained()
  return done
}
