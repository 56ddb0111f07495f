/**
 * A document's metadata as the cache stores it: JSON, one member per top-level field, with the
 * byte offset of each member. A hit can then write the metadata out (all of it, or without some
 * fields) as the stored bytes, decode a few fields, or decode it all, and pays only for what it
 * reads. Metadata that JSON would not round-trip (a `Date`, `undefined`, a `Map`, a class
 * instance, -0, NaN) is stored with `node:v8` instead, and read whole.
 *
 * Layout: field count n (u32) | n member offsets (u32, into the JSON) | the JSON `{m1,m2,…}`.
 */
import { isPlainJson } from './kernel'
import { lazyProperty } from './lazy-property'

/** The encoded metadata of a result, by result: what `metadataJson` and `metadataFields` read. */
const encodedOf = new WeakMap<object, Buffer>()

/**
 * The metadata as JSON with member offsets, or undefined when it is not a plain object of
 * JSON-safe values (the caller then stores it with `node:v8`).
 */
export function encodeMetadata(metadata: unknown): Buffer | undefined {
  if (!isPlainObject(metadata)) return undefined
  const members: string[] = []
  for (const key in metadata) {
    const value = (metadata as Record<string, unknown>)[key]
    if (!isPlainJson(value, 1)) return undefined
    members.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`)
  }
  const offsets = new Uint32Array(members.length)
  let at = 1
  members.forEach((member, i) => {
    offsets[i] = at
    at += Buffer.byteLength(member) + 1
  })
  const json = `{${members.join(',')}}`
  const head = 4 + 4 * members.length
  const out = Buffer.allocUnsafe(head + Buffer.byteLength(json))
  out.writeUInt32LE(members.length, 0)
  for (let i = 0; i < members.length; i++) out.writeUInt32LE(offsets[i] as number, 4 + 4 * i)
  out.write(json, head, 'utf8')
  return out
}

/** The JSON part of encoded metadata, and where each member starts in it. */
function parts(encoded: Buffer): { json: Buffer; starts: number[] } {
  const n = encoded.readUInt32LE(0)
  const head = 4 + 4 * n
  const starts: number[] = []
  for (let i = 0; i < n; i++) starts.push(encoded.readUInt32LE(4 + 4 * i))
  return { json: encoded.subarray(head), starts }
}

/**
 * Whether `encoded` has the layout: offsets in order and inside a JSON object's braces. (Its
 * bytes are checked by the tier that stored them; this catches a foreign or truncated value.)
 */
export function wellFormed(encoded: Buffer): boolean {
  if (encoded.length < 4) return false
  const n = encoded.readUInt32LE(0)
  const head = 4 + 4 * n
  if (head + 2 > encoded.length) return false
  const json = encoded.subarray(head)
  if (json[0] !== 0x7b || json[json.length - 1] !== 0x7d) return false
  let previous = 0
  for (let i = 0; i < n; i++) {
    const start = encoded.readUInt32LE(4 + 4 * i)
    if (start <= previous || start >= json.length - 1) return false
    previous = start
  }
  return true
}

/** Decodes encoded metadata whole. */
export function decodeMetadata(encoded: Buffer): unknown {
  return JSON.parse(parts(encoded).json.toString('utf8'))
}

/**
 * Makes `result.metadata` decode `encoded` on first read (then an ordinary property), and
 * remembers `encoded` for `metadataJson` and `metadataFields`.
 */
export function lazyMetadata<T extends { metadata: unknown }>(result: T, encoded: Buffer): T {
  encodedOf.set(result, encoded)
  // A caller's own metadata, set before reading: the stored bytes no longer describe it.
  return lazyProperty(
    result,
    'metadata',
    () => decodeMetadata(encoded),
    () => encodedOf.delete(result),
  )
}

/** Whether `result.metadata` is still the stored bytes (read through `metadataJson`/`metadataFields`). */
function stored(result: object): Buffer | undefined {
  const encoded = encodedOf.get(result)
  if (encoded === undefined) return undefined
  // Read (and so decoded) since: it may have been changed in place, the object is the truth.
  return Object.getOwnPropertyDescriptor(result, 'metadata')?.get ? encoded : undefined
}

/**
 * A successful result's metadata as UTF-8 JSON, without the fields in `omit`: the stored bytes
 * when the result came from the cache and its metadata was never read, else
 * `JSON.stringify(metadata)` of the object. Both give the same text as `JSON.stringify` of the
 * metadata without those fields, so a program can write a result out without decoding it.
 */
export function metadataJson(
  result: { metadata: unknown },
  options: { omit?: readonly string[] } = {},
): Buffer {
  const omit = options.omit ?? []
  const encoded = stored(result)
  if (encoded === undefined) {
    const metadata = result.metadata
    if (omit.length === 0 || !isPlainObject(metadata)) return Buffer.from(JSON.stringify(metadata))
    const kept: Record<string, unknown> = {}
    for (const key in metadata)
      if (!omit.includes(key)) setOwn(kept, key, (metadata as Record<string, unknown>)[key])
    return Buffer.from(JSON.stringify(kept))
  }
  const { json, starts } = parts(encoded)
  if (omit.length === 0) return json
  const skipped = omit.map((key) => Buffer.from(`${JSON.stringify(key)}:`))
  // The members kept, as [start, end) ranges of `json`: then one buffer, one copy each.
  const kept: number[] = []
  let length = 2
  starts.forEach((start, i) => {
    const end = i + 1 < starts.length ? (starts[i + 1] as number) - 1 : json.length - 1
    for (const prefix of skipped)
      if (
        end - start >= prefix.length &&
        json.compare(prefix, 0, prefix.length, start, start + prefix.length) === 0
      )
        return
    length += end - start + (kept.length === 0 ? 0 : 1)
    kept.push(start, end)
  })
  const out = Buffer.allocUnsafe(length)
  out[0] = 0x7b
  let at = 1
  for (let i = 0; i < kept.length; i += 2) {
    if (i > 0) out[at++] = 0x2c
    at += json.copy(out, at, kept[i], kept[i + 1])
  }
  out[at] = 0x7d
  return out
}

/**
 * Some fields of a successful result's metadata, decoded alone when the result came from the
 * cache and its metadata was never read (else read from the object). Missing fields are absent.
 */
export function metadataFields<K extends string>(
  result: { metadata: unknown },
  keys: readonly K[],
): Partial<Record<K, unknown>> {
  const encoded = stored(result)
  const out: Partial<Record<K, unknown>> = {}
  if (encoded === undefined) {
    const metadata = result.metadata as Record<string, unknown> | null
    if (typeof metadata === 'object' && metadata !== null)
      for (const key of keys) if (Object.hasOwn(metadata, key)) setOwn(out, key, metadata[key])
    return out
  }
  const { json, starts } = parts(encoded)
  const wanted = new Map(keys.map((key) => [key, Buffer.from(`${JSON.stringify(key)}:`)]))
  starts.forEach((start, i) => {
    const end = i + 1 < starts.length ? (starts[i + 1] as number) - 1 : json.length - 1
    for (const [key, prefix] of wanted) {
      if (json.subarray(start, start + prefix.length).equals(prefix)) {
        setOwn(out, key, JSON.parse(json.toString('utf8', start + prefix.length, end)))
        wanted.delete(key)
        break
      }
    }
  })
  return out
}

/**
 * `target[key] = value` as an own data property: a plain assignment of `__proto__` (a valid
 * JSON key) would set the prototype instead and lose the field.
 */
function setOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  })
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}
