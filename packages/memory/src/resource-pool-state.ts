import { acquireTimeoutChannel, leakChannel } from './channels'
import { TypedEmitter } from './emitter'
import { AcquireTimeoutError, ResourceCreateError } from './errors'
import { IdleList } from './idle-list'
import { type LeaseRecord, LeaseTracker, type Trace, toLease } from './lease-tracker'
import type { resolveOptions } from './resource-pool-options'
import type { ResourcePoolEvents } from './resource-pool-types'
import { type Waiter, WaiterQueue } from './waiters'

type ResolvedOptions<T> = ReturnType<typeof resolveOptions<T>>

/**
 * The state of one resource pool and the moves that keep it balanced: lending, taking
 * resources back into circulation, creating, validating and destroying them. Every change in
 * capacity ends in `settle()` (or `dispatch()` / `checkDrained()`), which serves waiters, tops
 * the pool up to `min` and resolves a pending `drain()`.
 */
export class PoolState<T> {
  readonly create: ResolvedOptions<T>['create']
  readonly destroyFn: ResolvedOptions<T>['destroy']
  readonly validate: ResolvedOptions<T>['validate']
  readonly min: number
  readonly max: number
  readonly acquireTimeout: number
  readonly maxWaiting: number
  readonly leakThreshold: number
  readonly clock: ResolvedOptions<T>['clock']
  readonly events = new TypedEmitter<ResourcePoolEvents>()
  readonly waiters: WaiterQueue<T>
  readonly idle: IdleList<T>
  readonly leases: LeaseTracker<T>
  readonly pendingDestroys = new Set<Promise<void>>()
  creating = 0
  validating = 0
  draining = false
  drainResolve: (() => void) | undefined
  readonly counters = {
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

  constructor(options: ResolvedOptions<T>) {
    this.create = options.create
    this.destroyFn = options.destroy
    this.validate = options.validate
    this.min = options.min
    this.max = options.max
    this.acquireTimeout = options.acquireTimeout
    this.maxWaiting = options.maxWaiting
    this.leakThreshold = options.leakThreshold
    this.clock = options.clock
    this.waiters = new WaiterQueue<T>(this.clock, (waiter) => {
      this.counters.timeouts++
      if (acquireTimeoutChannel.hasSubscribers) {
        acquireTimeoutChannel.publish({ timeout: this.acquireTimeout, waiting: this.waiters.live })
      }
      waiter.signal?.removeEventListener('abort', waiter.onAbort as () => void)
      waiter.reject(new AcquireTimeoutError(this.acquireTimeout))
    })
    this.idle = new IdleList<T>(this.clock, options.idleTimeout, () =>
      this.idle.reap(
        () => this.size() > this.min,
        (resource) => this.destroyResource(resource),
      ),
    )
    this.leases = new LeaseTracker<T>(options.captureStacks, (record: LeaseRecord) => {
      this.counters.collectedWithoutRelease++
      const lease = toLease(record, this.clock.now())
      this.events.emit('leak', lease)
      if (leakChannel.hasSubscribers) leakChannel.publish(lease)
      this.settle()
    })
  }

  size(): number {
    return this.idle.length + this.leases.count + this.creating + this.validating
  }

  lend(resource: T, waiter: Waiter<T> | undefined, trace?: Trace): T {
    this.leases.borrow(resource, this.clock.now(), waiter === undefined ? trace : waiter.trace)
    this.counters.acquired++
    if (waiter !== undefined) {
      if (waiter.signal !== undefined) {
        waiter.signal.removeEventListener('abort', waiter.onAbort as () => void)
      }
      waiter.resolve(resource)
    }
    return resource
  }

  /** A resource became available: the oldest live waiter gets it, otherwise it goes idle. */
  offer(resource: T): void {
    const waiter = this.waiters.live > 0 ? this.waiters.shift() : undefined
    if (waiter !== undefined) {
      this.lend(resource, waiter)
      return
    }
    this.idle.push(resource)
  }

  destroyResource(resource: T): void {
    this.counters.destroyed++
    this.leases.retire(resource)
    const destroyFn = this.destroyFn
    if (destroyFn === undefined) return
    const done = (async () => {
      try {
        await destroyFn(resource)
      } catch (error) {
        this.counters.destroyErrors++
        this.events.emit('destroyError', error)
      }
    })()
    this.pendingDestroys.add(done)
    void done.then(() => {
      this.pendingDestroys.delete(done)
      this.checkDrained()
    })
  }

  startCreate(): void {
    this.creating++
    Promise.resolve()
      .then(this.create)
      .then(
        (resource) => {
          this.creating--
          this.counters.created++
          this.leases.adopt(resource)
          if (this.draining) this.destroyResource(resource)
          else this.offer(resource)
          this.checkDrained()
        },
        (error: unknown) => {
          this.creating--
          this.counters.createErrors++
          this.events.emit('createError', error)
          const waiter = this.waiters.shift()
          if (waiter !== undefined) {
            waiter.signal?.removeEventListener('abort', waiter.onAbort as () => void)
            waiter.reject(new ResourceCreateError(error))
          }
          // No refill of `min` here: a factory that keeps failing must not spin.
          this.dispatch(false)
          this.checkDrained()
        },
      )
  }

  startValidate(resource: T): void {
    this.validating++
    const validate = this.validate as (r: T) => boolean | Promise<boolean>
    Promise.resolve()
      .then(() => validate(resource))
      .then(
        (ok) => ok === true,
        () => false,
      )
      .then((ok) => {
        this.validating--
        if (ok && !this.draining) {
          this.offer(resource)
        } else {
          if (!ok) this.counters.validationFailures++
          this.destroyResource(resource)
        }
        this.settle()
      })
  }

  /** Starts enough validations and creations to serve the waiters not yet being served. */
  dispatch(fillMin = true): void {
    if (this.draining) return
    let needed = this.waiters.live - this.creating - this.validating
    while (needed > 0) {
      if (this.idle.length > 0) {
        const resource = this.idle.pop() as T
        if (this.validate === undefined) this.offer(resource)
        else this.startValidate(resource)
      } else if (this.size() < this.max) {
        this.startCreate()
      } else {
        break
      }
      needed--
    }
    while (fillMin && this.size() < this.min) this.startCreate()
  }

  /** Re-balances after any change in capacity. */
  settle(): void {
    this.dispatch()
    this.checkDrained()
  }

  checkDrained(): void {
    if (this.drainResolve === undefined) return
    if (this.leases.count + this.creating + this.validating + this.pendingDestroys.size > 0) return
    const resolve = this.drainResolve
    this.drainResolve = undefined
    resolve()
  }
}
