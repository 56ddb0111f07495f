import { InvalidOptionError } from './errors'
import { checkKnownKeys, describeValue } from './kernel'
import type { MapOptions, RunOptions } from './types'

const priorities: ReadonlySet<unknown> = new Set(['high', 'normal', 'low'])

// The keys each call takes: `satisfies` makes the compiler keep both lists complete.
const RUN_OPTIONS = Object.keys({
  signal: true,
  priority: true,
  key: true,
  transfer: true,
  timeout: true,
} satisfies Record<keyof RunOptions, true>)
const MAP_OPTIONS = Object.keys({
  ordered: true,
  maxInFlight: true,
  signal: true,
  onProgress: true,
  key: true,
  transfer: true,
  priority: true,
  timeout: true,
} satisfies Record<keyof MapOptions<unknown>, true>)

function isSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function'
  )
}

function invalid(option: string, expected: string, value: unknown): InvalidOptionError {
  return new InvalidOptionError(
    option,
    `${option} must be ${expected}, got ${describeValue(value)}`,
  )
}

/** The per-call options both `run()` and `map()` take; `undefined` when they are all valid. */
function sharedOptionsError(
  options: RunOptions | MapOptions<unknown>,
): InvalidOptionError | undefined {
  const { signal, priority, timeout } = options
  if (signal !== undefined && !isSignal(signal)) return invalid('signal', 'an AbortSignal', signal)
  if (priority !== undefined && !priorities.has(priority)) {
    return invalid('priority', `'high', 'normal' or 'low'`, priority)
  }
  if (
    timeout !== undefined &&
    (typeof timeout !== 'number' || !(timeout >= 0) || !Number.isFinite(timeout))
  ) {
    return invalid('timeout', 'a non-negative number', timeout)
  }
  return undefined
}

/**
 * Checks `run()` options before the task is queued: a bad one would otherwise throw a
 * TypeError deep in dispatch (an uncaught exception that never settles the task).
 * Returns the error to reject with, so `submit()` can refuse without throwing.
 */
export function runOptionsError(options: unknown): InvalidOptionError | undefined {
  if (typeof options !== 'object' || options === null) {
    return invalid('options', 'an object', options)
  }
  try {
    checkKnownKeys(options, RUN_OPTIONS, 'pool.run()')
  } catch (error) {
    return error as InvalidOptionError
  }
  const run = options as RunOptions
  const { key, transfer } = run
  if (key !== undefined && typeof key !== 'string' && typeof key !== 'number') {
    return invalid('key', 'a string or a number', key)
  }
  if (transfer !== undefined && typeof transfer !== 'boolean' && !Array.isArray(transfer)) {
    return invalid('transfer', 'a boolean or an array of transferable objects', transfer)
  }
  return sharedOptionsError(run)
}

/** Validates `map()` options up front, so a bad one fails the map once, not every item. */
export function checkMapOptions(options: unknown): asserts options is MapOptions<unknown> {
  if (typeof options !== 'object' || options === null)
    throw invalid('options', 'an object', options)
  checkKnownKeys(options, MAP_OPTIONS, 'pool.map()')
  const map = options as MapOptions<unknown>
  const { maxInFlight, key, onProgress, transfer } = map
  if (
    maxInFlight !== undefined &&
    (typeof maxInFlight !== 'number' || !Number.isInteger(maxInFlight) || maxInFlight < 1)
  ) {
    throw invalid('maxInFlight', 'a positive integer', maxInFlight)
  }
  if (key !== undefined && typeof key !== 'function') throw invalid('key', 'a function', key)
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw invalid('onProgress', 'a function', onProgress)
  }
  if (transfer !== undefined && typeof transfer !== 'boolean') {
    throw invalid('transfer', 'a boolean', transfer)
  }
  const error = sharedOptionsError(map)
  if (error) throw error
}
