// A shape compiled into one comparison function (see snapshot.ts): the same answers as the
// token walk of snapshot-compare.ts, without walking tokens. Re-parsed documents hand the
// tracker a fresh object for every element, so every unchanged element is compared field by
// field on every update; for a shape thousands of elements share, straight-line code that reads
// each field by name is about twice as fast as the walk.
import { isPlain } from './hash'
import { ARRAY, END, IGNORED, OBJECT, PRIM, type Shape } from './snapshot-encode'

/** True when `value` holds the content whose values start at `at` in `values`. */
export type Matcher = (value: unknown, values: readonly unknown[], at: number) => boolean

/** Larger shapes are walked: their code would cost more to compile than it saves. */
const MAX_TOKENS = 256

/**
 * The comparison function of `shape`, or undefined when it is too large or the process does
 * not allow code generation from strings (`--disallow-code-generation-from-strings`, a CSP).
 * Keys enter the code only as JSON string literals, so no key can change what the code does.
 */
export function compileShape(shape: Shape): Matcher | undefined {
  if (shape.tokens.length > MAX_TOKENS) return undefined
  const writer = new Writer(shape.tokens)
  const root = writer.value('value')
  if (root === undefined || writer.token !== shape.tokens.length) return undefined
  try {
    const factory = new Function(
      'isPlain',
      'keys',
      `return function matchCompiled(value, values, at) {\n${root}return true\n}`,
    ) as (plain: typeof isPlain, keys: readonly (readonly string[])[]) => Matcher
    return factory(isPlain, writer.keys)
  } catch {
    return undefined
  }
}

/** Writes the checks of one value after another, reading the shape's tokens in order. */
class Writer {
  token = 0
  /** The values read so far: the next primitive is `values[at + value]`. */
  private at = 0
  private variables = 0
  /** Each object's keys in order, checked against a `for...in` walk. */
  readonly keys: string[][] = []

  constructor(private readonly tokens: readonly unknown[]) {}

  /** The checks for the value held by the variable `name`; undefined for a malformed shape. */
  value(name: string): string | undefined {
    const marker = this.tokens[this.token++]
    if (marker === PRIM) return `if (${name} !== values[at + ${this.at++}]) return false\n`
    if (marker === ARRAY) return this.array(name)
    if (marker === OBJECT) return this.object(name)
    return undefined
  }

  private array(name: string): string | undefined {
    const items: string[] = []
    while (this.token < this.tokens.length && this.tokens[this.token] !== END) {
      const item = this.variable()
      const checks = this.value(item)
      if (checks === undefined) return undefined
      items.push(`const ${item} = ${name}[${items.length}]\n${checks}`)
    }
    if (this.tokens[this.token++] !== END) return undefined
    return `if (!Array.isArray(${name}) || ${name}.length !== ${items.length}) return false\n${items.join('')}`
  }

  private object(name: string): string | undefined {
    const keys: string[] = []
    const fields: string[] = []
    while (this.token < this.tokens.length && this.tokens[this.token] !== END) {
      const key = this.tokens[this.token++]
      if (typeof key !== 'string') return undefined
      keys.push(key)
      if (this.tokens[this.token] === IGNORED) {
        this.token++
        continue
      }
      const field = this.variable()
      const checks = this.value(field)
      if (checks === undefined) return undefined
      fields.push(`const ${field} = ${name}[${JSON.stringify(key)}]\n${checks}`)
    }
    if (this.tokens[this.token++] !== END) return undefined
    const list = `keys[${this.keys.length}]`
    this.keys.push(keys)
    // the keys in order and no other (an inherited enumerable key makes it fail, never pass)
    return (
      `if (typeof ${name} !== 'object' || ${name} === null || !isPlain(${name})) return false\n` +
      `{ let n = 0; for (const key in ${name}) { if (key !== ${list}[n]) return false; n++ }\n` +
      `if (n !== ${keys.length}) return false }\n${fields.join('')}`
    )
  }

  private variable(): string {
    return `v${this.variables++}`
  }
}
