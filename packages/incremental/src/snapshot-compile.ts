// Matchers compiled for one shape (see snapshot.ts): the comparison of snapshot-compare.ts,
// written out as straight-line JavaScript for one structure. Where the general comparison walks
// the shape's tokens and reads every field by a key it holds in a variable, a compiled matcher
// reads `element.text` by name: V8 then loads the field from where the element's hidden class
// keeps it, and the token walk is gone. On the usual element it is about three times faster.
//
// Only the structure goes into the source: keys as JSON string literals, value positions as
// numbers. Values stay in the pool and are read from it, never written into code.
import { ARRAY, END, IGNORED, OBJECT, PRIM } from './snapshot-encode'

/** True when `value` holds the content of the shape whose values start at `at` in `values`. */
export type Matcher = (value: unknown, values: readonly unknown[], at: number) => boolean

/**
 * Compiled matchers by shape signature, one cache per tracker: its documents share them. Not one
 * per process: a matcher sees the hidden classes of the elements it compares and is fastest with
 * few, so a tracker's callers (which build their elements one way) do not share a matcher with
 * another tracker's, whose elements are built another way (frozen, copied, spread).
 */
export type MatcherCache = Map<string, Matcher>

/** Larger shapes (long arrays, wide records) keep the general comparison: less code to hold. */
const MAX_TOKENS = 256
/** Compiled matchers a cache keeps before it starts over. */
const MAX_COMPILED = 1024

/**
 * The matcher of the shape with these tokens, compiled on first request and then shared through
 * `cache` by every shape with the same signature; undefined when the shape is too large or this
 * runtime forbids code generation (`--disallow-code-generation-from-strings`, a content security
 * policy), and the general comparison then stays in use.
 */
export function compiledMatcher(
  cache: MatcherCache,
  signature: string,
  tokens: readonly unknown[],
): Matcher | undefined {
  const known = cache.get(signature)
  if (known) return known
  if (tokens.length > MAX_TOKENS) return undefined
  let matcher: Matcher
  try {
    matcher = compileMatcher(tokens)
  } catch {
    return undefined
  }
  if (cache.size >= MAX_COMPILED) cache.clear()
  cache.set(signature, matcher)
  return matcher
}

/**
 * Writes the checks of `walkShape` (snapshot-compare.ts) for one shape: a primitive equals its
 * pooled value; an object is plain and has exactly the shape's keys in the shape's order (a
 * field the hash ignores must be present, its value is not read); an array has exactly the
 * shape's items. Throws where code generation is disallowed.
 */
export function compileMatcher(tokens: readonly unknown[]): Matcher {
  const keyLists: string[][] = []
  let position = 0
  let valueIndex = 0
  let variables = 0

  /** The checks of the value in variable `name`, from the token at `position`. */
  function checks(name: string): string {
    const token = tokens[position++]
    if (token === PRIM) return `if (${name} !== values[at + ${valueIndex++}]) return false;\n`
    if (token === ARRAY) {
      let items = ''
      let count = 0
      while (tokens[position] !== END) {
        const item = `v${++variables}`
        items += `const ${item} = ${name}[${count++}];\n${checks(item)}`
      }
      position++
      return `if (!Array.isArray(${name}) || ${name}.length !== ${count}) return false;\n${items}`
    }
    if (token !== OBJECT) throw new Error('not a shape')
    const keys: string[] = []
    let fields = ''
    while (tokens[position] !== END) {
      const key = tokens[position++] as string
      keys.push(key)
      if (tokens[position] === IGNORED) {
        position++
        continue
      }
      const field = `v${++variables}`
      fields += `const ${field} = ${name}[${JSON.stringify(key)}];\n${checks(field)}`
    }
    position++
    keyLists.push(keys)
    const list = `k${keyLists.length - 1}`
    // plain (as isPlain in hash.ts), checked here rather than by calling isPlain: a check of its
    // own sees this shape's hidden classes only, where isPlain sees every caller's. for...in
    // reads the keys from the hidden class's enum cache: no array is allocated.
    return (
      `if (typeof ${name} !== 'object' || ${name} === null) return false;\n` +
      `proto = getPrototypeOf(${name});\n` +
      'if (proto !== objectPrototype && proto !== null) return false;\n' +
      `n = 0;\nfor (const key in ${name}) if (key !== ${list}[n++]) return false;\n` +
      `if (n !== ${keys.length}) return false;\n${fields}`
    )
  }

  const body = `let n = 0;\nlet proto;\n${checks('v0')}return true;\n`
  if (position !== tokens.length) throw new Error('not a shape')
  // each key list a constant of the closure: one load, not two, per key compared
  const lists = keyLists.map((_, i) => `const k${i} = keys[${i}];\n`).join('')
  const factory = new Function(
    'keys',
    'getPrototypeOf',
    'objectPrototype',
    `${lists}return function matchShape(v0, values, at) {\n${body}}`,
  ) as (keys: string[][], getPrototypeOf: (value: object) => unknown, prototype: object) => Matcher
  return factory(keyLists, Object.getPrototypeOf, Object.prototype)
}
