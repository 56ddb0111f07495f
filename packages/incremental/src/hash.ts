import * as crypto from 'node:crypto'
import { NotSerializableError } from './errors'
import type { Element, HashOptions } from './types'

/** Nested field names to drop while serialising: `true` drops the field, a map descends into it. */
export type IgnoreTree = Map<string, IgnoreTree | true>

const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: string) => string })
  .hash

/** SHA-1 of a string as base64url: the fastest node:crypto digest in bench/hash.bench.ts. */
export function digest(text: string): string {
  if (oneShot) return oneShot('sha1', text, 'base64url')
  return crypto.createHash('sha1').update(text).digest('base64url')
}

/** FNV-1a (32-bit) over the UTF-16 code units: a quick non-cryptographic hash for ids. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return h
}

/** A plain object (`{}` or `Object.create(null)`): the only objects the hash serialises. */
export function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

const ignoreCache = new Map<string, IgnoreTree>()
const elementTrees = new WeakMap<readonly string[], IgnoreTree>()
const ID_ONLY: IgnoreTree = new Map([['id', true]])

/** The ignore tree for an element: its `id` plus the configured fields (cached per array). */
export function elementIgnoreTree(fields: readonly string[] | undefined): IgnoreTree {
  if (!fields || fields.length === 0) return ID_ONLY
  let tree = elementTrees.get(fields)
  if (!tree) {
    tree = ignoreTree(['id', ...fields]) as IgnoreTree
    elementTrees.set(fields, tree)
  }
  return tree
}

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

/** Thrown deep inside the serialiser; each level adds its path segment on the way out. */
class PathError {
  constructor(
    readonly segments: string[],
    readonly reason: string,
  ) {}
}

const quoted = new Map<string, string>()
function quoteKey(key: string): string {
  let out = quoted.get(key)
  if (out === undefined) {
    out = JSON.stringify(key)
    if (quoted.size < 10_000) quoted.set(key, out)
  }
  return out
}

/**
 * Canonical JSON of a value: object keys sorted, `undefined` fields dropped, dates as ISO
 * strings. Anything JSON cannot represent faithfully (functions, symbols, bigints, NaN and
 * infinities, cycles, Maps, Sets, class instances) throws `NotSerializableError`.
 */
export function canonicalJson(value: unknown, ignoreFields?: readonly string[]): string {
  return serialise(value, ignoreTree(ignoreFields))
}

function serialise(value: unknown, ignore: IgnoreTree | undefined): string {
  try {
    return write(value, ignore, [])
  } catch (error) {
    if (!(error instanceof PathError)) throw error
    throw new NotSerializableError(`$${error.segments.reverse().join('')}`, error.reason)
  }
}

function write(value: unknown, ignore: IgnoreTree | undefined, ancestors: object[]): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'number':
      if (!Number.isFinite(value)) throw new PathError([], `${value} is not finite`)
      return Object.is(value, -0) ? '0' : String(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'object':
      if (value === null) return 'null'
      if (ancestors.includes(value)) throw new PathError([], 'circular reference')
      return Array.isArray(value)
        ? writeArray(value, ancestors)
        : writeObject(value, ignore, ancestors)
    default:
      throw new PathError([], `${typeof value} values cannot be stored`)
  }
}

function writeArray(value: unknown[], ancestors: object[]): string {
  ancestors.push(value)
  let out = '['
  for (let i = 0; i < value.length; i++) {
    if (i > 0) out += ','
    const item = value[i]
    try {
      out += item === undefined ? 'null' : write(item, undefined, ancestors)
    } catch (error) {
      if (error instanceof PathError) error.segments.push(`[${i}]`)
      throw error
    }
  }
  ancestors.pop()
  return `${out}]`
}

function writeObject(value: object, ignore: IgnoreTree | undefined, ancestors: object[]): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new PathError([], 'invalid Date')
    return JSON.stringify(value.toISOString())
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) {
    const name = (proto?.constructor as { name?: string } | undefined)?.name ?? 'unknown'
    throw new PathError([], `${name} instances cannot be stored as JSON`)
  }
  ancestors.push(value)
  const record = value as Record<string, unknown>
  const keys = Object.keys(record)
  if (keys.length > 1) keys.sort()
  let out = '{'
  for (const key of keys) {
    const rule = ignore === undefined ? undefined : ignore.get(key)
    if (rule === true) continue
    const field = record[key]
    if (field === undefined) continue
    if (out.length > 1) out += ','
    try {
      out += `${quoteKey(key)}:${write(field, rule, ancestors)}`
    } catch (error) {
      if (error instanceof PathError) error.segments.push(`.${key}`)
      throw error
    }
  }
  ancestors.pop()
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
  return digest(serialise(element, elementIgnoreTree(options.ignoreFields)))
}
