import { tracingChannel } from 'node:diagnostics_channel'
import type { CacheCore, Found } from './core'
import { CacheClosedError, FactoryError, FactoryTimeoutError } from './errors'
import { dependencies, expiry, metaOf, type Namespace, qualifyTags } from './namespace'
import { checkSetOptions } from './options'
import type { FactoryContext, GetOrSetOptions, TierEntry, TierLock } from './types'
import { checkNumber } from './util'
import { write } from './write-path'

/** How one `getOrSet` call caches what its factory returns. */
export interface FlightPlan {
  meta: Omit<TierEntry, 'value'>
  soft: number | undefined
  hard: number | undefined
  lockTtl: number
  lockWait: number
  /** Recomputes expiry when the factory changes its TTL (and grace, else the call's). */
  withTtl(ttl: number, grace?: number): Pick<TierEntry, 'expiresAt' | 'staleUntil'>
  /** Namespaces tags the factory sets. */
  qualifyTags(tags: string[]): string[]
}

/** A flight as invalidations see it (`CacheCore.running`). */
export interface Watch {
  superseded: boolean
  tags: readonly string[]
  factoryRunning: boolean
}

const factoryChannel = tracingChannel('mx:cache:factory')
const TIMED_OUT = Symbol('timed out')
const POLL_MS = 20

function timer(ms: number): { promise: Promise<typeof TIMED_OUT>; cancel(): void } {
  let handle: ReturnType<typeof setTimeout> | undefined
  const promise = new Promise<typeof TIMED_OUT>((resolve) => {
    handle = setTimeout(() => resolve(TIMED_OUT), ms)
  })
  return { promise, cancel: () => clearTimeout(handle) }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref?.())

/**
 * `getOrSet` past a first-tier miss, under the stored key `full`: joins the flight already
 * running for it in this process, or checks the options and starts one.
 */
export function getOrSetSlow<T>(
  ns: Namespace,
  key: string,
  full: string,
  factory: (ctx: FactoryContext<T>) => T | Promise<T>,
  options: GetOrSetOptions | undefined,
): Promise<T> {
  const { core, defaults } = ns
  const running = core.inflight.get(full)
  if (running !== undefined) return running as Promise<T>
  if (core.closed) return Promise.reject(new CacheClosedError())
  // A promise API rejects, never throws: `cache.getOrSet(…).catch()` sees bad options too.
  try {
    checkSetOptions(options, 'getOrSet')
    checkNumber('timeouts.soft', options?.timeouts?.soft, { exclusiveMin: true })
    checkNumber('timeouts.hard', options?.timeouts?.hard, { exclusiveMin: true })
  } catch (error) {
    return Promise.reject(error)
  }
  const grace = options?.grace ?? defaults.grace
  const plan: FlightPlan = {
    meta: metaOf(ns, options),
    soft: options?.timeouts?.soft ?? defaults.soft,
    hard: options?.timeouts?.hard ?? defaults.hard,
    lockTtl: defaults.lockTtl,
    lockWait: defaults.lockWait,
    withTtl: (ttl, ownGrace) => {
      checkNumber('ttl', ttl, { exclusiveMin: true, allowInfinity: true })
      checkNumber('grace', ownGrace)
      return expiry(ns, ttl, ownGrace ?? grace)
    },
    qualifyTags: (tags) => [...qualifyTags(ns, tags), ...dependencies(options?.dependsOn)],
  }
  const flight = fly(core, full, key, factory, plan)
  core.inflight.set(full, flight)
  const done = () => {
    if (core.inflight.get(full) === flight) core.inflight.delete(full)
  }
  flight.then(done, done)
  return flight
}

/**
 * The slow path of `getOrSet` (one run per key at a time in this process): look the key up in
 * every tier, take the distributed lock if a tier offers one, run the factory under the soft and
 * hard timeouts, write the result everywhere, and fall back to a stale value within grace.
 */
export async function fly<T>(
  core: CacheCore,
  key: string,
  userKey: string,
  factory: (ctx: FactoryContext<T>) => T | Promise<T>,
  plan: FlightPlan,
): Promise<T> {
  // Watched from the first lookup on: an invalidation or a newer write from here on makes this
  // flight's result obsolete (it is returned but not cached).
  const watch: Watch = { superseded: false, tags: plan.meta.tags, factoryRunning: false }
  core.watch(key, watch)
  const result = lookUpThenRun(core, key, userKey, factory, plan, watch)
  // A factory still running after the caller got an answer (soft timeout) stays watched.
  const unwatch = () => {
    if (!watch.factoryRunning) core.unwatch(key, watch)
  }
  result.then(unwatch, unwatch)
  return result
}

async function lookUpThenRun<T>(
  core: CacheCore,
  key: string,
  userKey: string,
  factory: (ctx: FactoryContext<T>) => T | Promise<T>,
  plan: FlightPlan,
  watch: Watch,
): Promise<T> {
  const first = await core.lookup(key)
  if (first.fresh) return hit<T>(core, key, first.fresh)
  let stale = first.stale
  let lock: TierLock | undefined
  const lockTier = core.lockTier
  if (lockTier) {
    const lockIndex = core.tiers.indexOf(lockTier)
    const deadline = core.clock.now() + plan.lockWait
    for (;;) {
      lock = await tryLock(core, lockIndex, key, plan.lockTtl)
      if (lock !== undefined) {
        // Another process may have finished between our miss and the lock.
        const again = await core.lookup(key, lockIndex)
        if (again.fresh) {
          await lock.release().catch((error: unknown) => core.fail(error, 'unlock', lockIndex))
          return hit<T>(core, key, again.fresh)
        }
        break
      }
      if (core.clock.now() >= deadline || core.closed) break
      await sleep(POLL_MS)
      const polled = await core.lookup(key, lockIndex)
      if (polled.fresh) return hit<T>(core, key, polled.fresh)
      stale = polled.stale ?? stale
    }
  }
  core.stats.misses++
  if (core.listenMiss) core.emit('miss', { key })
  return run(core, key, userKey, factory, plan, stale, lock, watch)
}

async function tryLock(
  core: CacheCore,
  index: number,
  key: string,
  ttl: number,
): Promise<TierLock | undefined> {
  try {
    return await core.tiers[index]?.lock?.(key, ttl)
  } catch (error) {
    core.fail(error, 'lock', index)
    return { release: async () => {} }
  }
}

function hit<T>(core: CacheCore, key: string, found: Found): T {
  core.stats.hits++
  if (core.listenHit)
    core.emit('hit', { key, tier: core.tiers[found.tier]?.name ?? '', stale: false })
  return found.value as T
}

async function run<T>(
  core: CacheCore,
  key: string,
  userKey: string,
  factory: (ctx: FactoryContext<T>) => T | Promise<T>,
  plan: FlightPlan,
  stale: Found | undefined,
  lock: TierLock | undefined,
  watch: Watch,
): Promise<T> {
  let meta = plan.meta
  let skipped = false
  const ctx: FactoryContext<T> = {
    key: userKey,
    stale: stale?.value as T | undefined,
    setTtl: (ttl, ownGrace) => {
      meta = { ...meta, ...plan.withTtl(ttl, ownGrace) }
    },
    setTags: (tags) => {
      meta = { ...meta, tags: plan.qualifyTags(tags) }
      watch.tags = meta.tags
    },
    skip: () => {
      skipped = true
    },
  }
  core.stats.factoryRuns++
  watch.factoryRunning = true
  const started = performance.now()
  const invoke = () => Promise.resolve().then(() => factory(ctx))
  const produced = factoryChannel.hasSubscribers
    ? factoryChannel.tracePromise(invoke, { key })
    : invoke()
  const settled = produced.then(async (value) => {
    core.record('mx_cache_factory_ms', performance.now() - started)
    // under a fencing lock, a shared tier refuses the write if a later holder took over meanwhile
    const fence = lock?.fence
    if (!skipped && !watch.superseded)
      await write(core, key, value, fence === undefined ? meta : { ...meta, fence }, true)
    return value
  })
  // The lock is released before any caller sees the result, so waiters in other processes
  // find the value. Errors the caller sees are reported in the catch below; this reports the
  // rest (a refresh still running after a timeout returned).
  let detached = false
  const finished = () => {
    watch.factoryRunning = false
    core.unwatch(key, watch)
  }
  settled.then(finished, finished)
  const done = settled.finally(() =>
    lock?.release().catch((error: unknown) => core.fail(error, 'unlock')),
  )
  done.catch((error: unknown) => {
    if (detached) core.fail(error, 'factory')
  })

  const servable = stale !== undefined && stale.entry.staleUntil > core.clock.now()
  const limits: Array<[number, boolean]> = []
  if (servable && plan.soft !== undefined) limits.push([plan.soft, true])
  if (plan.hard !== undefined) limits.push([plan.hard, false])
  try {
    if (limits.length === 0) return await done
    const [ms, soft] = limits[0] as [number, boolean]
    const clock = timer(ms)
    try {
      const winner = await Promise.race([done, clock.promise])
      if (winner !== TIMED_OUT) return winner
    } finally {
      clock.cancel()
    }
    detached = true
    if (soft || servable) return serveStaleWhileRefreshing<T>(core, key, stale as Found, done)
    throw new FactoryTimeoutError(userKey, ms)
  } catch (error) {
    if (error instanceof FactoryTimeoutError) throw error
    core.fail(error, 'factory')
    if (servable) return staleValue<T>(core, key, stale as Found)
    throw new FactoryError(userKey, error)
  }
}

/**
 * The stale value, for a caller whose refresh outlived a timeout: until that refresh settles,
 * later callers of the key get the stale value at once instead of starting another refresh.
 */
function serveStaleWhileRefreshing<T>(
  core: CacheCore,
  key: string,
  found: Found,
  refresh: Promise<unknown>,
): T {
  const value = staleValue<T>(core, key, found)
  const served = Promise.resolve(value)
  core.inflight.set(key, served)
  const clear = () => {
    if (core.inflight.get(key) === served) core.inflight.delete(key)
  }
  refresh.then(clear, clear)
  return value
}

function staleValue<T>(core: CacheCore, key: string, found: Found): T {
  if (core.listenHit)
    core.emit('hit', { key, tier: core.tiers[found.tier]?.name ?? '', stale: true })
  return found.value as T
}
