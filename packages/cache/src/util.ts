import { InvalidOptionError } from './errors'
import { describeValue } from './kernel'
import type { Clock } from './types'

let cachedNow = 0

function resetNow(): void {
  cachedNow = 0
}

/**
 * The default clock's reading: `Date.now()` cached for 1 ms (as lru-cache does with
 * `ttlResolution`), so the hot path does not pay for a clock read on every lookup.
 */
export function systemNow(): number {
  if (cachedNow !== 0) return cachedNow
  cachedNow = Date.now()
  setTimeout(resetNow, 1).unref()
  return cachedNow
}

/** The default clock (see {@link systemNow}). */
export const systemClock: Clock = { now: systemNow }

/** Compiles a glob (`*` any run, `?` one character, everything else literal) to an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  let source = ''
  for (const char of glob) {
    if (char === '*') source += '[\\s\\S]*'
    else if (char === '?') source += '[\\s\\S]'
    else source += char.replace(/[\\^$.|+()[\]{}*?/-]/g, '\\$&')
  }
  return new RegExp(`^${source}$`)
}

/** Rough retained size in bytes of a value, for `maxBytes` accounting. */
export function estimateSize(value: unknown, depth = 0): number {
  switch (typeof value) {
    case 'string':
      return 16 + value.length * 2
    case 'number':
    case 'boolean':
    case 'undefined':
      return 8
    case 'bigint':
      return 16 + Math.ceil(value.toString(16).length / 2)
    case 'object':
      break
    default:
      return 16
  }
  if (value === null) return 8
  if (ArrayBuffer.isView(value)) return 64 + value.byteLength
  if (value instanceof ArrayBuffer) return 32 + value.byteLength
  if (depth > 8) return 64
  let size = 32
  if (value instanceof Map) {
    for (const [k, v] of value) size += estimateSize(k, depth + 1) + estimateSize(v, depth + 1)
    return size
  }
  if (value instanceof Set) {
    for (const v of value) size += 8 + estimateSize(v, depth + 1)
    return size
  }
  if (value instanceof Date) return 48
  if (Array.isArray(value)) {
    for (const v of value) size += 8 + estimateSize(v, depth + 1)
    return size
  }
  for (const k in value) {
    size += 16 + k.length * 2 + estimateSize((value as Record<string, unknown>)[k], depth + 1)
  }
  return size
}

/** Throws `InvalidOptionError` unless `value` is undefined or a finite number within [min, max]. */
export function checkNumber(
  option: string,
  value: unknown,
  {
    min = 0,
    max = Number.POSITIVE_INFINITY,
    integer = false,
    exclusiveMin = false,
    allowInfinity = false,
  } = {},
): void {
  if (value === undefined) return
  if (allowInfinity && value === Number.POSITIVE_INFINITY) return
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (exclusiveMin ? value > min : value >= min) &&
    value <= max &&
    (!integer || Number.isInteger(value))
  if (!ok) {
    const kind = integer ? 'an integer' : 'a number'
    const range = exclusiveMin ? `> ${min}` : `>= ${min}`
    const upper = max === Number.POSITIVE_INFINITY ? '' : ` and <= ${max}`
    const forever = allowInfinity ? ', or Infinity (no expiry)' : ''
    throw new InvalidOptionError(
      option,
      `${option} must be ${kind} ${range}${upper}${forever}, got ${describeValue(value)}`,
    )
  }
}

/**
 * Checks the shape of a tier factory's options (the numbers are checked by the tier): an object,
 * `clock` with a `now()` function, `sizeOf` a function, `name` a string.
 */
export function checkTierOptions(tier: string, options: unknown): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidOptionError(
      'options',
      `${tier}() options must be an object, got ${describeValue(options)}`,
    )
  }
  const { clock, sizeOf, name } = options as Record<string, unknown>
  if (clock !== undefined && typeof (clock as Record<string, unknown> | null)?.now !== 'function') {
    throw new InvalidOptionError(
      'clock',
      `clock must have a now() method, got ${describeValue(clock)}`,
    )
  }
  if (sizeOf !== undefined && typeof sizeOf !== 'function') {
    throw new InvalidOptionError(
      'sizeOf',
      `sizeOf must be a function, got ${describeValue(sizeOf)}`,
    )
  }
  if (name !== undefined && typeof name !== 'string') {
    throw new InvalidOptionError('name', `name must be a string, got ${describeValue(name)}`)
  }
}

/** Resolves `promise`, or rejects with `onTimeout()` after `ms`; the timer never keeps the process alive. */
export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => Error,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms)
    timer.unref?.()
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      },
    )
  })
}
