import { InvalidOptionError } from './errors'
import { checkKnownKeys } from './kernel'
import type { ObjectPoolOptions } from './types'
import { requireFunction, requireInteger } from './units'

// The keys the options take: `satisfies` makes the compiler keep the list complete.
const OBJECT_POOL_OPTIONS = Object.keys({
  create: true,
  reset: true,
  max: true,
  preallocate: true,
} satisfies Record<keyof ObjectPoolOptions<object>, true>)

/** Validates the object pool's options; returns the bounds with their defaults filled in. */
export function resolveObjectPoolOptions<T extends object>(options: ObjectPoolOptions<T>) {
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError('options', 'createObjectPool() needs an options object')
  }
  checkKnownKeys(options, OBJECT_POOL_OPTIONS, 'createObjectPool()')
  requireFunction(options.create, 'create')
  if (options.reset !== undefined) requireFunction(options.reset, 'reset')
  const max = requireInteger(options.max, 'max', 1)
  const preallocate = requireInteger(options.preallocate ?? 0, 'preallocate', 0)
  if (preallocate > max) {
    throw new InvalidOptionError(
      'preallocate',
      `preallocate must not exceed max (${max}), got ${preallocate}`,
    )
  }
  return { max, preallocate }
}
