// How a snapshot is written (see snapshot.ts): the markers a shape is made of and the walk that
// records an element's structure as tokens and its primitive values in order.
import { type IgnoreTree, isPlain } from './hash'

/** Structure of a snapshot: keys and markers in depth-first order, and how many values. */
export interface Shape {
  readonly tokens: readonly unknown[]
  readonly count: number
}

// markers are unique objects, so they never equal a key string
export const PRIM = Object.freeze({ marker: 'primitive' })
export const OBJECT = Object.freeze({ marker: 'object' })
export const ARRAY = Object.freeze({ marker: 'array' })
export const END = Object.freeze({ marker: 'end' })
export const IGNORED = Object.freeze({ marker: 'ignored' })
export const MAX_DEPTH = 32

/**
 * Appends the structure of `value` to `tokens` and its primitive values to `values`; false when
 * it holds anything but plain objects, arrays and primitives, or nests deeper than `MAX_DEPTH`.
 * `ignore` is the hash's ignore tree: those fields are recorded as present, their values not.
 */
export function encode(
  value: unknown,
  tokens: unknown[],
  values: unknown[],
  depth: number,
  ignore: IgnoreTree | undefined,
): boolean {
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'function' || typeof value === 'symbol') return false
    tokens.push(PRIM)
    values.push(typeof value === 'string' ? ownString(value) : value)
    return true
  }
  if (depth >= MAX_DEPTH) return false
  if (Array.isArray(value)) {
    // as in the hash, ignore rules do not reach into arrays
    tokens.push(ARRAY)
    for (let i = 0; i < value.length; i++) {
      if (!encode(value[i], tokens, values, depth + 1, undefined)) return false
    }
  } else {
    if (!isPlain(value)) return false
    tokens.push(OBJECT)
    const fields = value as Record<string, unknown>
    for (const key of Object.keys(fields)) {
      tokens.push(key)
      const rule = ignore?.get(key)
      if (rule === true) {
        tokens.push(IGNORED)
        continue
      }
      if (!encode(fields[key], tokens, values, depth + 1, rule)) return false
    }
  }
  tokens.push(END)
  return true
}

/**
 * A string that holds its own characters. A parser's strings are usually slices of the source
 * text, and V8 keeps the whole source alive for as long as one slice of it is: a snapshot that
 * kept the slice of each edited element would keep the source text of every version ever
 * updated. Shorter strings are never slices (V8 copies them); a longer one is copied, once, when
 * it is recorded, which costs only changed elements.
 */
function ownString(value: string): string {
  return value.length < 13 ? value : structuredClone(value)
}

/**
 * True when nothing in `value` can ever change: every object and array in it is frozen and
 * holds data properties only (a frozen getter could still return something new).
 */
export function deeplyFrozen(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null) return true
  if (depth >= MAX_DEPTH || !Object.isFrozen(value)) return false
  const descriptors = Object.getOwnPropertyDescriptors(value)
  for (const key in descriptors) {
    const descriptor = descriptors[key] as PropertyDescriptor
    if (!('value' in descriptor) || !deeplyFrozen(descriptor.value, depth + 1)) return false
  }
  return true
}
