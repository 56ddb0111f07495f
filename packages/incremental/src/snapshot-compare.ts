// Whether an element still holds the content of its snapshot (see snapshot.ts): the loop that
// runs once per unchanged element on every update.
import { isPlain } from './hash'
import { ARRAY, END, IGNORED, MAX_DEPTH, OBJECT, PRIM, type Shape } from './snapshot-encode'

// The comparison walks one shape and one run of the pool. Its cursors live in one object
// rather than being passed and returned (two values) or kept in module-level `let`s (slower:
// every access is checked for the temporal dead zone). It is synchronous and reaches no tracker
// code, so nothing can interleave.
const EMPTY: readonly unknown[] = []
const cursor = { tokens: EMPTY, values: EMPTY, token: 0, at: 0 }

/**
 * True when `value` holds exactly the content of `shape` whose values start at `at` in
 * `values`. The usual element (a plain object whose fields are primitives, or plain objects
 * of primitives such as a `meta` record) is compared in this one function; anything else goes
 * through the general `compareValue`.
 */
export function matchesShape(value: unknown, shape: Shape, values: readonly unknown[], at: number) {
  const tokens = shape.tokens
  if (typeof value !== 'object' || value === null || tokens[0] !== OBJECT || !isPlain(value)) {
    return compareFrom(value, tokens, values, 0, at, 0) === tokens.length
  }
  let token = 1
  const fields = value as Record<string, unknown>
  for (const key in fields) {
    if (tokens[token] !== key) return false
    const kind = tokens[token + 1]
    if (kind === IGNORED) {
      token += 2
      continue
    }
    const field = fields[key]
    if (typeof field !== 'object' || field === null) {
      if (kind !== PRIM || values[at] !== field) return false
      token += 2
      at++
      continue
    }
    if (kind !== OBJECT || !isPlain(field)) {
      token = compareFrom(field, tokens, values, token + 1, at, 1)
      if (token < 0) return false
      at = cursor.at
      continue
    }
    // a nested plain object: its primitive fields here too, anything deeper recurses
    token += 2
    const nested = field as Record<string, unknown>
    for (const inner in nested) {
      if (tokens[token] !== inner) return false
      const innerKind = tokens[token + 1]
      if (innerKind === IGNORED) {
        token += 2
        continue
      }
      const item = nested[inner]
      if (typeof item !== 'object' || item === null) {
        if (innerKind !== PRIM || values[at] !== item) return false
        token += 2
        at++
        continue
      }
      token = compareFrom(item, tokens, values, token + 1, at, 2)
      if (token < 0) return false
      at = cursor.at
    }
    if (tokens[token] !== END) return false
    token++
  }
  return tokens[token] === END && token + 1 === tokens.length
}

/**
 * Compares `value` with the shape tokens from `token` and the values from `at`; returns the
 * token after it (and leaves the value position in `cursor.at`), or -1 on any difference.
 */
function compareFrom(
  value: unknown,
  tokens: readonly unknown[],
  values: readonly unknown[],
  token: number,
  at: number,
  depth: number,
): number {
  cursor.tokens = tokens
  cursor.values = values
  cursor.token = token
  cursor.at = at
  const same = compareValue(value, depth)
  cursor.tokens = EMPTY
  cursor.values = EMPTY
  return same ? cursor.token : -1
}

function compareValue(value: unknown, depth: number): boolean {
  const { tokens, values } = cursor
  let token = cursor.token
  let at = cursor.at
  if (typeof value !== 'object' || value === null) {
    // NaN never matches itself, so a NaN field is re-hashed (and rejected) every time
    if (tokens[token] !== PRIM || values[at] !== value) return false
    cursor.token = token + 1
    cursor.at = at + 1
    return true
  }
  if (depth >= MAX_DEPTH) return false
  if (Array.isArray(value)) {
    if (tokens[token] !== ARRAY) return false
    cursor.token = token + 1
    for (let i = 0; i < value.length; i++) if (!compareValue(value[i], depth + 1)) return false
    token = cursor.token
    at = cursor.at
  } else {
    // a Date or a class instance never matches, even with the same enumerable fields
    if (tokens[token] !== OBJECT || !isPlain(value)) return false
    token++
    // for...in walks the enum cache without allocating a key array; an inherited enumerable
    // key (a polluted prototype) only makes the comparison fail, never pass wrongly
    const fields = value as Record<string, unknown>
    for (const key in fields) {
      if (tokens[token] !== key) return false
      const next = tokens[token + 1]
      if (next === IGNORED) {
        // present, value not read: it cannot change the hash
        token += 2
        continue
      }
      const field = fields[key]
      if (typeof field !== 'object' || field === null) {
        // primitive fields inline (the common case), nested values recurse
        if (next !== PRIM || values[at] !== field) return false
        token += 2
        at++
      } else {
        cursor.token = token + 1
        cursor.at = at
        if (!compareValue(field, depth + 1)) return false
        token = cursor.token
        at = cursor.at
      }
    }
  }
  if (tokens[token] !== END) return false
  cursor.token = token + 1
  cursor.at = at
  return true
}
