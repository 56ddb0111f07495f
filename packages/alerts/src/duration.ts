import { DurationInvalidError, InvalidOptionError } from './errors'
import { toMilliseconds } from './kernel'
import type { Duration } from './types'

/**
 * Parses a duration into milliseconds: a non-negative finite number of ms, or a string of
 * Prometheus-style parts such as `'30s'`, `'5m'`, `'1h30m'`, `'250ms'` (the kernel's grammar,
 * shared with `@mx/memory`). `field` names the option in the error thrown for anything else
 * (negatives included).
 */
export function parseDuration(input: Duration, field = 'duration'): number {
  const ms = toMilliseconds(input)
  if (ms === undefined) throw new DurationInvalidError(field, input)
  return ms
}

/** Formats milliseconds as a compact duration string (`90000` → `'1m30s'`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s'
  let rest = ms
  let out = ''
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ] as const) {
    const count = Math.floor(rest / size)
    if (count > 0) {
      out += `${count}${unit}`
      rest -= count * size
    }
  }
  return out
}

/** `parseDuration` for a factory option: a bad value throws `InvalidOptionError` naming `field`. */
export function durationOption(field: string, value: Duration): number {
  try {
    return parseDuration(value, field)
  } catch (error) {
    if (error instanceof DurationInvalidError) {
      throw new InvalidOptionError(field, error.message, { cause: error })
    }
    throw error
  }
}
