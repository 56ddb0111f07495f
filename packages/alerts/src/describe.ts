/**
 * Prints a bad value for an error message. Never throws: `JSON.stringify` of a BigInt and
 * `String()` of a null-prototype object do, which would turn a typed error into a TypeError.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value)
  if (typeof value === 'bigint') return `${value}n`
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()
  if (value instanceof URL) return value.href
  if (Array.isArray(value)) return 'an array'
  return typeof value
}
