// The option checkers every part of the engine's option validation shares: each throws
// InvalidOptionError naming the option (its full path, e.g. `workers.maxQueue`).

import { InvalidOptionError } from './errors'
import { describeValue } from './kernel'

export { positiveInteger } from './kernel'

/** Undefined, or a number > 0 (≥ 0 with `allowZero`). */
export function positiveNumber(name: string, value: unknown, allowZero = false): void {
  if (value === undefined) return
  const ok =
    typeof value === 'number' && !Number.isNaN(value) && (allowZero ? value >= 0 : value > 0)
  if (!ok) {
    const what = allowZero ? 'a number ≥ 0' : 'a positive number'
    throw new InvalidOptionError(name, `${name} must be ${what}, got ${describeValue(value)}`)
  }
}

/** Undefined, or a finite number of milliseconds > 0. */
export function positiveMs(option: string, value: unknown): void {
  if (value === undefined) return
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidOptionError(
      option,
      `${option} must be a positive number of ms, got ${describeValue(value)}`,
    )
  }
}

/** Undefined, or a string with something in it. */
export function nonEmptyString(name: string, value: unknown): void {
  if (value === undefined) return
  if (typeof value !== 'string' || value === '') {
    throw new InvalidOptionError(
      name,
      `${name} must be a non-empty string, got ${describeValue(value)}`,
    )
  }
}

/** A `redis://` or `rediss://` URL, else InvalidOptionError naming `option`. */
export function checkRedisUrl(option: string, value: unknown): void {
  let ok = false
  if (typeof value === 'string') {
    try {
      ok = ['redis:', 'rediss:'].includes(new URL(value).protocol)
    } catch {
      ok = false
    }
  }
  if (!ok) {
    throw new InvalidOptionError(
      option,
      `${option} must be a redis:// or rediss:// URL, got ${describeValue(value)}`,
    )
  }
}
