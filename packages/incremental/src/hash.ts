import * as crypto from 'node:crypto'
import { NotSerializableError } from './errors'
import type { Element, HashOptions } from './types'

/** Nested field names to drop while serialising: `true` drops the field, a map descends into it. */
type IgnoreTree = Map<string, IgnoreTree | true>

const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: string) => string })
  .hash

/** SHA-1 of a string as base64url: the fastest node:crypto digest in bench/hash.bench.ts. */
export function digest(text: string): string {
  if (oneShot) return oneShot('sha1', text, 'base64url')
  return crypto.createHash('sha1').update(text).digest('base64url')
}

const ignoreCache = new Map<string, IgnoreTree>()

function ignoreTree(fields: readonly string[] | undefined): IgnoreTree | undefined {
  if (!fields || fields.length === 0) return undefined
  const cacheKey = fields.join('\u0000')
  const cached = ignoreCache.get(cacheKey)
  if (cached) return cached
  const root: IgnoreTree = new Map()
  for (const field of fields) {
    const parts = field.split('.')
    let node = root
    parts.forEach((part, index) => {
      if (index === parts.length - 1) {
        node.set(part, true)
        return
      }
      const next = node.get(part)
      if (next === true) return
      const child: IgnoreTree = next ?? new Map()
      node.set(part, child)
      node = child
    })
  }
  if (ignoreCache.size > 64) ignoreCache.clear()
  ignoreCache.set(cacheKey, root)
  return root
}

/**
 * Canonical JSON of a value: object keys sorted, `undefined` fields dropped, dates as ISO
 * strings. Anything JSON cannot represent faithfully (functions, symbols, bigints, NaN and
 * infinities, cycles, Maps, Sets, class instances) throws `NotSerializableError`.
 */
export function canonicalJson(value: unknown, ignoreFields?: readonly string[]): string {
  return write(value, ignoreTree(ignoreFields), '$', new Set())
}

function write(value: unknown, ignore: IgnoreTree | undefined, path: string, seen: Set<object>) {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'number':
      if (!Number.isFinite(value)) throw new NotSerializableError(path, `${value} is not finite`)
      return Object.is(value, -0) ? '0' : String(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'object':
      if (value === null) return 'null'
      return writeObject(value, ignore, path, seen)
    default:
      throw new NotSerializableError(path, `${typeof value} values cannot be stored`)
  }
}

function writeObject(
  value: object,
  ignore: IgnoreTree | undefined,
  path: string,
  seen: Set<object>,
) {
  if (seen.has(value)) throw new NotSerializableError(path, 'circular reference')
  if (Array.isArray(value)) {
    seen.add(value)
    let out = '['
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ','
      const item = value[i]
      out += item === undefined ? 'null' : write(item, undefined, `${path}[${i}]`, seen)
    }
    seen.delete(value)
    return `${out}]`
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new NotSerializableError(path, 'invalid Date')
    return JSON.stringify(value.toISOString())
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) {
    const name = (proto?.constructor as { name?: string } | undefined)?.name ?? 'unknown'
    throw new NotSerializableError(path, `${name} instances cannot be stored as JSON`)
  }
  seen.add(value)
  const record = value as Record<string, unknown>
  const keys = Object.keys(record).sort()
  let out = '{'
  let first = true
  for (const key of keys) {
    const rule = ignore?.get(key)
    if (rule === true) continue
    const field = record[key]
    if (field === undefined) continue
    if (!first) out += ','
    first = false
    out += `${JSON.stringify(key)}:${write(field, rule, `${path}.${key}`, seen)}`
  }
  seen.delete(value)
  return `${out}}`
}

/** Stable hash of any JSON-like value (key order does not matter). */
export function hashValue(value: unknown): string {
  return digest(canonicalJson(value))
}

/**
 * Stable hash of an element's content: key order independent, the `id` excluded (so an element
 * whose id was regenerated still matches by hash) and `ignoreFields` (top-level names or dotted
 * paths such as `meta.modifiedAt`) left out, so volatile fields never mark an element changed.
 */
export function hashElement(element: Element, options: HashOptions = {}): string {
  const tree = ignoreTree(['id', ...(options.ignoreFields ?? [])])
  return digest(write(element, tree, '$', new Set()))
}
