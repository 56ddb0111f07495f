/**
 * Content snapshots: a flat record of an element's fields, taken when the element is hashed, so
 * the next update can tell whether an element still holds exactly that content by comparing
 * field by field (string equality, no serialisation, no digest). A match proves the hash is
 * still right whether the caller passes the same object, a mutated one or a fresh copy; any
 * doubt (a different key order, a Date, a class instance, a cycle) is a mismatch, and the
 * element is simply hashed again.
 */

/** Flat, depth-first record of a plain JSON-like value. */
export type Snapshot = readonly unknown[]

// markers are unique objects, so they never equal a recorded primitive
const OBJECT = Object.freeze({ marker: 'object' })
const ARRAY = Object.freeze({ marker: 'array' })
const MAX_DEPTH = 32

/**
 * Records the content of a value, or returns undefined when it holds anything but plain
 * objects, arrays and primitives (such elements are hashed on every update).
 */
export function takeSnapshot(value: unknown): Snapshot | undefined {
  const out: unknown[] = []
  return record(value, out, 0) ? out : undefined
}

function record(value: unknown, out: unknown[], depth: number): boolean {
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'function' || typeof value === 'symbol') return false
    out.push(value)
    return true
  }
  if (depth >= MAX_DEPTH) return false
  if (Array.isArray(value)) {
    out.push(ARRAY, value.length)
    for (let i = 0; i < value.length; i++) if (!record(value[i], out, depth + 1)) return false
    return true
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return false
  const keys = Object.keys(value)
  out.push(OBJECT, keys.length)
  const fields = value as Record<string, unknown>
  for (const key of keys) {
    out.push(key)
    if (!record(fields[key], out, depth + 1)) return false
  }
  return true
}

/** True when `value` holds exactly the content recorded in `snapshot` (same keys, same order). */
export function matchesSnapshot(value: unknown, snapshot: Snapshot): boolean {
  return compare(value, snapshot, 0, 0) === snapshot.length
}

/** Returns the position after `value` in the snapshot, or -1 on the first difference. */
function compare(value: unknown, snapshot: Snapshot, at: number, depth: number): number {
  const expected = snapshot[at]
  if (typeof value !== 'object' || value === null) {
    // NaN never matches itself, so a NaN field is re-hashed (and rejected) every time
    return value === expected ? at + 1 : -1
  }
  if (depth >= MAX_DEPTH) return -1
  if (Array.isArray(value)) {
    if (expected !== ARRAY || snapshot[at + 1] !== value.length) return -1
    let next = at + 2
    for (let i = 0; i < value.length && next !== -1; i++) {
      next = compare(value[i], snapshot, next, depth + 1)
    }
    return next
  }
  if (expected !== OBJECT) return -1
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return -1
  // for...in walks the enum cache without allocating a key array; an inherited enumerable key
  // (a polluted prototype) only makes the comparison fail, never pass wrongly
  const fields = value as Record<string, unknown>
  let next = at + 2
  let count = 0
  for (const key in fields) {
    if (snapshot[next] !== key) return -1
    const field = fields[key]
    if (typeof field !== 'object' || field === null) {
      // primitive fields inline (the common case), nested values recurse
      if (field !== snapshot[next + 1]) return -1
      next += 2
    } else {
      next = compare(field, snapshot, next + 1, depth + 1)
      if (next === -1) return -1
    }
    count++
  }
  if (snapshot[at + 1] !== count) return -1
  return next
}
