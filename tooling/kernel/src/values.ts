import { InvalidOptionError } from './errors'

/**
 * Prints a bad value for an error message: strings quoted (cut at 80 characters), numbers,
 * booleans, null, undefined and BigInts as written, a Date or a URL by its text, anything else
 * by its kind ("an array", "an object", "a function"). Never throws: `String()` of a Symbol or of
 * a null-prototype object would, turning a typed error into a TypeError.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)
  }
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'symbol') return 'a symbol'
  if (typeof value === 'function') return 'a function'
  if (value === null || typeof value !== 'object') return String(value)
  if (Array.isArray(value)) return 'an array'
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()
  }
  if (value instanceof URL) return value.href
  return 'an object'
}

/**
 * An integer option above 0: `value`, or `fallback` when `value` is undefined. `Infinity` passes
 * with `allowInfinity`. Anything else throws `InvalidOptionError` naming `option`.
 */
export function positiveInteger(option: string, value: unknown): number | undefined
export function positiveInteger(
  option: string,
  value: unknown,
  fallback: number,
  allowInfinity?: boolean,
): number
export function positiveInteger(
  option: string,
  value: unknown,
  fallback?: number,
  allowInfinity = false,
): number | undefined {
  if (value === undefined) return fallback
  if (allowInfinity && value === Number.POSITIVE_INFINITY) return value
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    const what = allowInfinity ? 'a positive integer or Infinity' : 'a positive integer'
    throw new InvalidOptionError(option, `${option} must be ${what}, got ${describeValue(value)}`)
  }
  return value
}

/** How deep `isPlainJson` looks before it answers false. */
const MAX_JSON_DEPTH = 32

/**
 * True when JSON gives `value` back exactly: strings, finite numbers (not -0), booleans, null,
 * and arrays and plain objects of those, at most 32 levels deep. False for undefined, NaN, a
 * Date, a Map, a class instance, a sparse array, a `__proto__` key: what `node:v8` must encode.
 */
export function isPlainJson(value: unknown, depth = 0): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0)
    case 'object': {
      if (value === null) return true
      if (depth >= MAX_JSON_DEPTH) return false
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i], depth + 1)) return false
        return true
      }
      const proto = Object.getPrototypeOf(value)
      if (proto !== Object.prototype && proto !== null) return false
      for (const key in value) {
        if (key === '__proto__') return false
        if (!isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false
      }
      return true
    }
    default:
      return false
  }
}
