import { coarseClock, systemClock } from './clock'
import { InvalidOptionError } from './errors'
import { checkClock, checkKnownKeys } from './kernel'
import type { ResourcePoolOptions } from './resource-pool-types'
import { parseDuration, requireFunction, requireInteger } from './units'

// The keys the options take: `satisfies` makes the compiler keep the list complete.
const RESOURCE_POOL_OPTIONS = Object.keys({
  create: true,
  destroy: true,
  validate: true,
  min: true,
  max: true,
  acquireTimeout: true,
  idleTimeout: true,
  maxWaiting: true,
  leakThreshold: true,
  captureStacks: true,
  clock: true,
} satisfies Record<keyof ResourcePoolOptions<unknown>, true>)

/** Validates the options and fills in defaults. */
export function resolveOptions<T>(options: ResourcePoolOptions<T>) {
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError('options', 'createResourcePool() needs an options object')
  }
  checkKnownKeys(options, RESOURCE_POOL_OPTIONS, 'createResourcePool()')
  requireFunction(options.create, 'create')
  if (options.destroy !== undefined) requireFunction(options.destroy, 'destroy')
  if (options.validate !== undefined) requireFunction(options.validate, 'validate')
  const max = requireInteger(options.max ?? 10, 'max', 1)
  const min = requireInteger(options.min ?? 0, 'min', 0)
  if (min > max) throw new InvalidOptionError('min', `min must not exceed max (${max}), got ${min}`)
  if (options.clock !== undefined) checkClock(options.clock)
  return {
    create: options.create,
    destroy: options.destroy,
    validate: options.validate,
    min,
    max,
    acquireTimeout: parseDuration(options.acquireTimeout ?? 30_000, 'acquireTimeout'),
    idleTimeout: parseDuration(options.idleTimeout ?? 30_000, 'idleTimeout', true),
    maxWaiting: requireInteger(options.maxWaiting ?? Infinity, 'maxWaiting', 0, true),
    leakThreshold: parseDuration(options.leakThreshold ?? 30_000, 'leakThreshold'),
    captureStacks: options.captureStacks === true,
    // Borrow paths read the time twice; the default clock is read at most once per turn.
    clock: options.clock ?? coarseClock(systemClock),
  }
}
