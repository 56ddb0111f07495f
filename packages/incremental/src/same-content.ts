import { type IgnoreTree, isPlain } from './hash'

const MAX_DEPTH = 32

/**
 * Proves that two values hash the same without hashing either: true only when both hold the
 * same primitives (strings, finite numbers, booleans, null, undefined) in plain objects and
 * arrays of the same structure, the fields the hash ignores aside (`ignore`, as for
 * `hashElement`: it does not reach into arrays). Any doubt answers false: a Date, a class
 * instance, a different set of keys, a non-finite number, a function, a cycle. The caller then
 * hashes both, so a false never costs correctness, and a value the hash would reject is still
 * hashed and rejected. Key order does not matter here, as it does not in the hash.
 */
export function sameContent(a: unknown, b: unknown, ignore: IgnoreTree | undefined): boolean {
  // `for...in` below must see own keys only, as the hash does: no enumerable inherited ones
  for (const _ in Object.prototype) return false
  // undefined is dropped as a field and null in an array, but not a value of its own
  return a !== undefined && same(a, b, ignore, 0)
}

function same(a: unknown, b: unknown, ignore: IgnoreTree | undefined, depth: number): boolean {
  if (typeof a !== 'object' || a === null) {
    if (a !== b) return false
    // only kinds the hash accepts (NaN never gets here: it is not equal to itself)
    const kind = typeof a
    return (
      kind === 'string' ||
      kind === 'boolean' ||
      a == null ||
      (kind === 'number' && (a as number) - (a as number) === 0)
    )
  }
  if (typeof b !== 'object' || b === null || depth >= MAX_DEPTH) return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) {
      if (!same(a[i], b[i], undefined, depth + 1)) return false
    }
    return true
  }
  if (!isPlain(a) || !isPlain(b)) return false
  const left = a as Record<string, unknown>
  const right = b as Record<string, unknown>
  let keys = 0
  for (const key in left) {
    keys++
    const rule = ignore === undefined ? undefined : ignore.get(key)
    if (rule === true) {
      // not compared, but it must be there for the key count below to mean anything
      if (!Object.hasOwn(right, key)) return false
      continue
    }
    const value = left[key]
    if (!same(value, right[key], rule, depth + 1)) return false
    // a key missing from `b` reads undefined too
    if (value === undefined && !Object.hasOwn(right, key)) return false
  }
  // every key of `a` is in `b`: the same number of keys means the same keys
  for (const _ in right) keys--
  return keys === 0
}
