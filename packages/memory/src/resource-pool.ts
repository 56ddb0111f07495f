import { acquireTimeoutChannel, leakChannel } from './channels'
import { TypedEmitter } from './emitter'
import {
  AcquireTimeoutError,
  DoubleReleaseError,
  MaxWaitingError,
  PoolDrainedError,
  ResourceCreateError,
} from './errors'
import { IdleList } from './idle-list'
import { type LeaseRecord, LeaseTracker, type Trace, toLease } from './lease-tracker'
import { resolveOptions } from './resource-pool-options'
import { runInto, runNow } from './run-borrowed'
import type {
  AcquireOptions,
  Duration,
  ResourcePool,
  ResourcePoolEvents,
  ResourcePoolOptions,
  ResourcePoolStats,
} from './types'
import { parseDuration, requireInteger, signalError } from './units'
import { type Waiter, WaiterQueue } from './waiters'

/**
 * An async pool of costly resources (parsers, connections, browser pages) with FIFO fairness,
 * acquire timeouts that can never leak a resource, validation on borrow, idle eviction,
 * `maxWaiting` back-pressure and leak attribution.
 */
export function createResourcePool<T>(options: ResourcePoolOptions<T>): ResourcePool<T> {
  const { create, destroy: destroyFn, validate, ...config } = resolveOptions(options)
  const { min, max, acquireTimeout, idleTimeout, maxWaiting, leakThreshold, clock } = config

  const events = new TypedEmitter<ResourcePoolEvents>()
  const waiters = new WaiterQueue<T>(clock, (waiter) => {
    counters.timeouts++
    if (acquireTimeoutChannel.hasSubscribers) {
      acquireTimeoutChannel.publish({ timeout: acquireTimeout, waiting: waiters.live })
    }
    waiter.signal?.removeEventListener('abort', waiter.onAbort as () => void)
    waiter.reject(new AcquireTimeoutError(acquireTimeout))
  })
  const idle = new IdleList<T>(clock, idleTimeout, () =>
    idle.reap(() => size() > min, destroyResource),
  )
  const pendingDestroys = new Set<Promise<void>>()
  let creating = 0
  let validating = 0
  let draining = false
  let drainResolve: (() => void) | undefined
  const counters = {
    created: 0,
    destroyed: 0,
    acquired: 0,
    released: 0,
    timeouts: 0,
    refused: 0,
    validationFailures: 0,
    createErrors: 0,
    destroyErrors: 0,
    collectedWithoutRelease: 0,
  }

  const leases = new LeaseTracker<T>(config.captureStacks, (record: LeaseRecord) => {
    counters.collectedWithoutRelease++
    const lease = toLease(record, clock.now())
    events.emit('leak', lease)
    if (leakChannel.hasSubscribers) leakChannel.publish(lease)
    settle()
  })

  const size = (): number => idle.length + leases.count + creating + validating

  const lend = (resource: T, waiter: Waiter<T> | undefined, trace?: Trace): T => {
    leases.borrow(resource, clock.now(), waiter === undefined ? trace : waiter.trace)
    counters.acquired++
    if (waiter !== undefined) {
      if (waiter.signal !== undefined) {
        waiter.signal.removeEventListener('abort', waiter.onAbort as () => void)
      }
      waiter.resolve(resource)
    }
    return resource
  }

  /** A resource became available: the oldest live waiter gets it, otherwise it goes idle. */
  const offer = (resource: T): void => {
    const waiter = waiters.live > 0 ? waiters.shift() : undefined
    if (waiter !== undefined) {
      lend(resource, waiter)
      return
    }
    idle.push(resource)
  }

  const destroyResource = (resource: T): void => {
    counters.destroyed++
    leases.retire(resource)
    if (destroyFn === undefined) return
    const done = (async () => {
      try {
        await destroyFn(resource)
      } catch (error) {
        counters.destroyErrors++
        events.emit('destroyError', error)
      }
    })()
    pendingDestroys.add(done)
    void done.then(() => {
      pendingDestroys.delete(done)
      checkDrained()
    })
  }

  const startCreate = (): void => {
    creating++
    Promise.resolve()
      .then(create)
      .then(
        (resource) => {
          creating--
          counters.created++
          leases.adopt(resource)
          if (draining) destroyResource(resource)
          else offer(resource)
          checkDrained()
        },
        (error: unknown) => {
          creating--
          counters.createErrors++
          events.emit('createError', error)
          const waiter = waiters.shift()
          if (waiter !== undefined) {
            waiter.signal?.removeEventListener('abort', waiter.onAbort as () => void)
            waiter.reject(new ResourceCreateError(error))
          }
          // No refill of `min` here: a factory that keeps failing must not spin.
          dispatch(false)
          checkDrained()
        },
      )
  }

  const startValidate = (resource: T): void => {
    validating++
    Promise.resolve()
      .then(() => (validate as (r: T) => boolean | Promise<boolean>)(resource))
      .then(
        (ok) => ok === true,
        () => false,
      )
      .then((ok) => {
        validating--
        if (ok && !draining) {
          offer(resource)
        } else {
          if (!ok) counters.validationFailures++
          destroyResource(resource)
        }
        settle()
      })
  }

  /** Starts enough validations and creations to serve the waiters not yet being served. */
  const dispatch = (fillMin = true): void => {
    if (draining) return
    let needed = waiters.live - creating - validating
    while (needed > 0) {
      if (idle.length > 0) {
        const resource = idle.pop() as T
        if (validate === undefined) offer(resource)
        else startValidate(resource)
      } else if (size() < max) {
        startCreate()
      } else {
        break
      }
      needed--
    }
    while (fillMin && size() < min) startCreate()
  }

  /** Re-balances after any change in capacity. */
  const settle = (): void => {
    dispatch()
    checkDrained()
  }

  const checkDrained = (): void => {
    if (drainResolve === undefined) return
    if (leases.count + creating + validating + pendingDestroys.size > 0) return
    const resolve = drainResolve
    drainResolve = undefined
    resolve()
  }

  /** Queues a caller; `resolve` gets the resource once it is lent. */
  const wait = (
    acquireOptions: AcquireOptions | undefined,
    trace: Trace | undefined,
    resolve: (resource: T) => void,
    reject: (error: unknown) => void,
  ): void => {
    const signal = acquireOptions?.signal
    // A bad signal is refused here, not met as a TypeError when listened to.
    const badSignal = signalError(signal)
    let refusal: unknown
    if (badSignal) refusal = badSignal
    else if (draining) refusal = new PoolDrainedError()
    else if (signal?.aborted) refusal = signal.reason
    // Only callers that must wait for a release count: one served by an idle resource being
    // validated or a resource being created is not refused.
    else if (waiters.live >= maxWaiting && idle.length === 0 && size() >= max) {
      counters.refused++
      refusal = new MaxWaitingError(maxWaiting)
    }
    if (refusal !== undefined) {
      reject(refusal)
      return
    }
    const waiter: Waiter<T> = {
      resolve,
      reject,
      deadline: clock.now() + acquireTimeout,
      signal,
      trace,
      onAbort: undefined,
      done: false,
    }
    if (signal !== undefined) {
      waiter.onAbort = () => {
        if (waiter.done) return
        waiters.cancel(waiter)
        reject(signal.reason)
      }
      signal.addEventListener('abort', waiter.onAbort, { once: true })
    }
    waiters.push(waiter)
    dispatch()
  }

  /** True when a caller can take an idle resource right now without queueing. */
  const canLendNow = (): boolean =>
    !draining && waiters.live === 0 && idle.length > 0 && validate === undefined

  function acquire(acquireOptions?: AcquireOptions): Promise<T> {
    const trace = leases.trace(acquire)
    if (canLendNow()) return Promise.resolve(lend(idle.pop() as T, undefined, trace))
    return new Promise<T>((resolve, reject) => wait(acquireOptions, trace, resolve, reject))
  }

  const takeBack = (resource: T): void => {
    if (!leases.giveBack(resource)) {
      throw new DoubleReleaseError(
        'release() called for a resource that is not borrowed from this pool (released twice or never acquired)',
      )
    }
    counters.released++
  }

  const release = (resource: T): void => {
    takeBack(resource)
    if (draining) {
      destroyResource(resource)
      checkDrained()
    } else {
      offer(resource)
    }
  }

  const destroy = async (resource: T): Promise<void> => {
    takeBack(resource)
    destroyResource(resource)
    settle()
  }

  function use<R>(
    fn: (resource: T) => R | Promise<R>,
    acquireOptions?: AcquireOptions,
  ): Promise<R> {
    const trace = leases.trace(use)
    if (canLendNow()) return runNow(lend(idle.pop() as T, undefined, trace), fn, release)
    return new Promise<R>((resolve, reject) => {
      wait(
        acquireOptions,
        trace,
        (resource) => runInto(resource, fn, release, resolve, reject),
        reject,
      )
    })
  }

  const stats = (): ResourcePoolStats => ({
    size: size(),
    idle: idle.length,
    borrowed: leases.count,
    creating: creating + validating,
    waiting: waiters.live,
    min,
    max,
    ...counters,
  })

  const leaks = (olderThan?: Duration) =>
    leases.list(
      clock.now(),
      olderThan === undefined ? leakThreshold : parseDuration(olderThan, 'olderThan', true),
    )

  const shrink = async (keep = min): Promise<number> => {
    requireInteger(keep, 'keep', 0)
    let removed = 0
    while (idle.length > 0 && size() > keep) {
      destroyResource(idle.shift() as T)
      removed++
    }
    await Promise.all(pendingDestroys)
    return removed
  }

  const drain = (): Promise<void> => {
    if (!draining) {
      draining = true
      waiters.stop()
      for (let waiter = waiters.shift(); waiter !== undefined; waiter = waiters.shift()) {
        waiter.signal?.removeEventListener('abort', waiter.onAbort as () => void)
        waiter.reject(new PoolDrainedError())
      }
      for (const resource of idle.stop()) destroyResource(resource)
    }
    const done = new Promise<void>((resolve) => {
      const previous = drainResolve
      drainResolve = () => {
        previous?.()
        resolve()
      }
    })
    checkDrained()
    return done
  }

  dispatch()

  return {
    acquire,
    release,
    destroy,
    use,
    stats,
    leaks,
    shrink,
    drain,
    on: (event, listener) => events.on(event, listener),
  }
}
