import { InvalidOptionError } from './errors'
import { describeValue, toBytes, toMilliseconds } from './kernel'

// A byte count (`'512mb'`, `'1gb'`, `'64 KiB'`) and a duration (`'500ms'`, `'5m'`, `'1h30m'`):
// the kernel's one grammar, shared with @mx/alerts.
export type { Duration, Size } from './kernel'

/** Throws unless `value` is an options object (`what` names the call in the message). */
export function requireOptions(value: unknown, what: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError(
      'options',
      `${what} needs an options object, got ${describeValue(value)}`,
    )
  }
}

/** The error for a `signal` option that is neither undefined nor an AbortSignal, else undefined. */
export function signalError(value: unknown, option = 'signal'): InvalidOptionError | undefined {
  if (value === undefined) return undefined
  const signal = value as AbortSignal | null
  if (
    typeof signal === 'object' &&
    signal !== null &&
    typeof signal.aborted === 'boolean' &&
    typeof signal.addEventListener === 'function'
  ) {
    return undefined
  }
  return new InvalidOptionError(
    option,
    `${option} must be an AbortSignal, got ${describeValue(value)}`,
  )
}

/**
 * Parses a size (`'1gb'`, `'512mb'`, `'64kb'`, `1024`) into bytes, with binary units
 * (1 kb = 1024 bytes). Throws `InvalidOptionError` naming `option` unless the result is a
 * positive number of bytes (`allowZero` also accepts 0).
 */
export function parseSize(value: unknown, option = 'size', allowZero = false): number {
  const bytes = toBytes(value)
  if (bytes === undefined || !(bytes > 0 || (allowZero && bytes === 0))) {
    throw new InvalidOptionError(
      option,
      `${option} must be a ${allowZero ? 'non-negative' : 'positive'} size in bytes or a string such as '512mb' or '1gb', got ${describeValue(value)}`,
    )
  }
  return bytes
}

/**
 * Parses a duration (`'500ms'`, `'30s'`, `'5m'`, `'1h'`, `250`) into milliseconds. Throws
 * `InvalidOptionError` naming `option` unless the result is positive (`allowZero` also accepts 0).
 */
export function parseDuration(value: unknown, option = 'duration', allowZero = false): number {
  const ms = toMilliseconds(value)
  if (ms === undefined || !(ms > 0 || (allowZero && ms === 0))) {
    throw new InvalidOptionError(
      option,
      `${option} must be a ${allowZero ? 'non-negative' : 'positive'} duration in milliseconds or a string such as '500ms' or '5m', got ${describeValue(value)}`,
    )
  }
  return ms
}

/** Throws unless `value` is a function. */
export function requireFunction(value: unknown, option: string): void {
  if (typeof value !== 'function') {
    throw new InvalidOptionError(
      option,
      `${option} must be a function, got ${describeValue(value)}`,
    )
  }
}

/** Throws unless `value` is an integer ≥ `min` (Infinity allowed when `allowInfinity`). */
export function requireInteger(
  value: unknown,
  option: string,
  min: number,
  allowInfinity = false,
): number {
  const ok =
    typeof value === 'number' &&
    value >= min &&
    (Number.isInteger(value) || (allowInfinity && value === Number.POSITIVE_INFINITY))
  if (!ok) {
    const kind =
      min > 1
        ? `an integer of at least ${min}`
        : min === 1
          ? 'a positive integer'
          : 'a non-negative integer'
    throw new InvalidOptionError(option, `${option} must be ${kind}, got ${describeValue(value)}`)
  }
  return value
}

/** Throws unless `value` is a number strictly between 0 and 1 (or [0, 1) with `allowZero`). */
export function requireRatio(value: unknown, option: string, allowZero = false): number {
  const ok = typeof value === 'number' && (allowZero ? value >= 0 : value > 0) && value < 1
  if (!ok) {
    throw new InvalidOptionError(
      option,
      `${option} must be a ratio ${allowZero ? 'from 0' : 'above 0'} and below 1, got ${describeValue(value)}`,
    )
  }
  return value
}
