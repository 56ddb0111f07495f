import { createHash, type Hash } from 'node:crypto'

/**
 * A stable key for any JSON-like parts (plus `Date`, `Map`, `Set`, `BigInt`, `undefined`,
 * typed arrays): the hex SHA-256 (first 32 characters) of a canonical encoding, so object key
 * order does not matter and different types never collide (`1` vs `'1'`).
 */
export function keyOf(...parts: unknown[]): string {
  const hash = createHash('sha256')
  feed(hash, parts, new Set())
  return hash.digest('hex').slice(0, 32)
}

function feed(hash: Hash, value: unknown, seen: Set<object>): void {
  switch (typeof value) {
    case 'string':
      hash.update(`s${value.length}:`).update(value)
      return
    case 'number':
      hash.update(`n${Object.is(value, -0) ? '0' : String(value)};`)
      return
    case 'bigint':
      hash.update(`b${value};`)
      return
    case 'boolean':
      hash.update(value ? 'T' : 'F')
      return
    case 'undefined':
      hash.update('u')
      return
    case 'function':
    case 'symbol':
      throw new TypeError(`keyOf cannot hash a ${typeof value}`)
  }
  if (value === null) {
    hash.update('z')
    return
  }
  const object = value as object
  if (seen.has(object)) throw new TypeError('keyOf cannot hash a circular structure')
  seen.add(object)
  if (ArrayBuffer.isView(object)) {
    hash.update(`v${object.constructor.name}${object.byteLength}:`)
    hash.update(new Uint8Array(object.buffer, object.byteOffset, object.byteLength))
  } else if (object instanceof Date) {
    hash.update(`d${object.getTime()};`)
  } else if (Array.isArray(object)) {
    hash.update(`a${object.length}[`)
    for (const item of object) feed(hash, item, seen)
  } else if (object instanceof Map) {
    const entries = [...object].map(([k, v]) => [keyOf(k), v] as const).sort(byKey)
    hash.update(`m${entries.length}[`)
    for (const [k, v] of entries) {
      hash.update(k)
      feed(hash, v, seen)
    }
  } else if (object instanceof Set) {
    const items = [...object].map((item) => keyOf(item)).sort()
    hash.update(`e${items.length}[`)
    for (const item of items) hash.update(item)
  } else {
    const keys = Object.keys(object).sort()
    hash.update(`o${keys.length}{`)
    for (const key of keys) {
      feed(hash, key, seen)
      feed(hash, (object as Record<string, unknown>)[key], seen)
    }
  }
  seen.delete(object)
}

function byKey(a: readonly [string, unknown], b: readonly [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0
}
