import { DurationInvalidError, InvalidOptionError } from './errors'
import type { Duration } from './types'

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
}

const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g

/**
 * Parses a duration into milliseconds: a non-negative finite number of ms, or a string of
 * Prometheus-style parts such as `'30s'`, `'5m'`, `'1h30m'`, `'250ms'`. `field` names the
 * option in the error thrown for anything else (negatives included).
 */
export function parseDuration(input: Duration, field = 'duration'): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) throw new DurationInvalidError(field, input)
    return input
  }
  if (typeof input !== 'string') throw new DurationInvalidError(field, input)
  const text = input.trim()
  if (text === '0') return 0
  if (!WHOLE.test(text)) throw new DurationInvalidError(field, input)
  let total = 0
  for (const match of text.matchAll(PART)) {
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number)
  }
  // Hundreds of digits parse to Infinity, which no timer can wait for.
  if (!Number.isFinite(total)) throw new DurationInvalidError(field, input)
  return total
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
