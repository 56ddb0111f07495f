import { DoubleReleaseError, MaxWaitingError, PoolDrainedError } from './errors'
import type { Trace } from './lease-tracker'
import type { PoolState } from './resource-pool-state'
import type { AcquireOptions } from './resource-pool-types'
import { signalError } from './units'
import type { Waiter } from './waiters'

/** True when a caller can take an idle resource right now without queueing. */
export function canLendNow<T>(pool: PoolState<T>): boolean {
  return (
    !pool.draining && pool.waiters.live === 0 && pool.idle.length > 0 && pool.validate === undefined
  )
}

/** Queues a caller; `resolve` gets the resource once it is lent. */
export function wait<T>(
  pool: PoolState<T>,
  acquireOptions: AcquireOptions | undefined,
  trace: Trace | undefined,
  resolve: (resource: T) => void,
  reject: (error: unknown) => void,
): void {
  const signal = acquireOptions?.signal
  // A bad signal is refused here, not met as a TypeError when listened to.
  const badSignal = signalError(signal)
  let refusal: unknown
  if (badSignal) refusal = badSignal
  else if (pool.draining) refusal = new PoolDrainedError()
  else if (signal?.aborted) refusal = signal.reason
  // Only callers that must wait for a release count: one served by an idle resource being
  // validated or a resource being created is not refused.
  else if (
    pool.waiters.live >= pool.maxWaiting &&
    pool.idle.length === 0 &&
    pool.size() >= pool.max
  ) {
    pool.counters.refused++
    refusal = new MaxWaitingError(pool.maxWaiting)
  }
  if (refusal !== undefined) {
    reject(refusal)
    return
  }
  const waiter: Waiter<T> = {
    resolve,
    reject,
    deadline: pool.clock.now() + pool.acquireTimeout,
    signal,
    trace,
    onAbort: undefined,
    done: false,
  }
  if (signal !== undefined) {
    waiter.onAbort = () => {
      if (waiter.done) return
      pool.waiters.cancel(waiter)
      reject(signal.reason)
    }
    signal.addEventListener('abort', waiter.onAbort, { once: true })
  }
  pool.waiters.push(waiter)
  pool.dispatch()
}

/** Ends the borrow of `resource`, refusing one that is not borrowed from this pool. */
function takeBack<T>(pool: PoolState<T>, resource: T): void {
  if (!pool.leases.giveBack(resource)) {
    throw new DoubleReleaseError(
      'release() called for a resource that is not borrowed from this pool (released twice or never acquired)',
    )
  }
  pool.counters.released++
}

/** `release()`: the resource goes to the next waiter or idle, or is destroyed when draining. */
export function releaseResource<T>(pool: PoolState<T>, resource: T): void {
  takeBack(pool, resource)
  if (pool.draining) {
    pool.destroyResource(resource)
    pool.checkDrained()
  } else {
    pool.offer(resource)
  }
}

/** `destroy()`: a broken borrowed resource is destroyed and its slot refilled if needed. */
export async function destroyBorrowed<T>(pool: PoolState<T>, resource: T): Promise<void> {
  takeBack(pool, resource)
  pool.destroyResource(resource)
  pool.settle()
}
