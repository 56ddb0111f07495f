/**
 * A document's cache entry. The main thread's element path stores its element results as an
 * array. A worker thread stores the whole entry as bytes (`packDocument`): the same bytes are its
 * reply, the disk tier stores them as they are, and a hit decodes the metadata and leaves the
 * element results as bytes until something reads `result.elements`.
 */
import { deserialize, serialize } from 'node:v8'
import type { ExtractSuccess } from './api'
import { lazyProperty } from './lazy-property'
import { encodeMetadata, lazyMetadata, wellFormed } from './metadata-json'

export type CachedDocument =
  | { metadata: unknown; elements: unknown[] }
  | {
      /** First: the default serializer's JSON check stops at the first key that is not JSON. */
      elements: Uint8Array
      /** How many element results the bytes hold. */
      count: number
      /** Decoded on first read when `json` holds it. */
      metadata: unknown
      /** The metadata as stored, JSON by field (see metadata-json.ts), when it was stored so. */
      json?: Buffer
      /** The V8 version that encoded them: another one may not read them (see `readableElements`). */
      v8: string
    }

/** A document entry whose element results are still bytes (a worker's, or a packed one). */
export type EncodedDocument = Extract<CachedDocument, { elements: Uint8Array }>

/**
 * First bytes of a packed document entry: "MXD" and the layout: 1, metadata by `v8.serialize`;
 * 2, metadata as JSON by field (`encodeMetadata`), for any metadata JSON gives back exactly.
 */
const PACKED = Buffer.from('MXD\u0001', 'latin1')
const PACKED_JSON = Buffer.from('MXD\u0002', 'latin1')
const V8 = Buffer.from(process.versions.v8, 'latin1')

/**
 * The entry a worker thread stores for a document, as one buffer: the reply that carries it to the
 * main thread and the value the disk tier stores are these bytes, encoded once.
 *
 * Layout: `MXD` + layout (1 or 2) | element count (u32) | metadata length (u32) | V8 version
 * length (u8) | V8 version | metadata | element results (`v8.serialize`, an array).
 */
export function packDocument(metadata: unknown, elements: Uint8Array, count: number): Buffer {
  const json = encodeMetadata(metadata)
  const meta = json ?? serialize(metadata)
  const head = PACKED.length + 9 + V8.length
  // Its own ArrayBuffer (not a slice of the shared pool): a reply posts exactly these bytes.
  const out = Buffer.allocUnsafeSlow(head + meta.length + elements.byteLength)
  ;(json ? PACKED_JSON : PACKED).copy(out, 0)
  out.writeUInt32BE(count, 4)
  out.writeUInt32BE(meta.length, 8)
  out[12] = V8.length
  V8.copy(out, 13)
  meta.copy(out, head)
  out.set(elements, head + meta.length)
  return out
}

/**
 * A packed entry (`packDocument`) as a `CachedDocument`: the metadata decoded, the element results
 * a view of the bytes. `undefined` when `value` is not a packed entry, `null` when it is one whose
 * metadata does not decode here (the caller counts it and treats it as a miss).
 */
export function unpackDocument(value: Uint8Array): EncodedDocument | null | undefined {
  const bytes = Buffer.isBuffer(value)
    ? value
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  if (bytes.length < 13 || bytes.compare(PACKED, 0, 3, 0, 3) !== 0) return undefined
  const layout = bytes[3]
  if (layout !== 1 && layout !== 2) return undefined
  const count = bytes.readUInt32BE(4)
  const metaLength = bytes.readUInt32BE(8)
  const head = 13 + (bytes[12] ?? 0)
  if (head + metaLength > bytes.length) return null
  const meta = bytes.subarray(head, head + metaLength)
  const entry: EncodedDocument = {
    elements: bytes.subarray(head + metaLength),
    count,
    metadata: undefined,
    v8: bytes.toString('latin1', 13, head),
  }
  try {
    if (layout === 1) entry.metadata = deserialize(meta)
    else {
      // Checked now (the offsets are in bounds, the JSON is whole), decoded when read.
      if (!wellFormed(meta)) return null
      entry.json = meta
      lazyMetadata(entry, meta)
    }
    return entry
  } catch {
    return null
  }
}

/**
 * The cache value `value` as a document entry: an object entry as it is, a packed one unpacked.
 * `undefined` for anything else, `null` for a packed entry that does not decode here.
 */
export function cachedDocument(value: unknown): CachedDocument | null | undefined {
  if (!(value instanceof Uint8Array)) return isCachedDocument(value) ? value : undefined
  // The memory tier hands out the same bytes on every hit: they are decoded once, as an object
  // entry held there would be.
  let entry: CachedDocument | null | undefined = unpacked.get(value)
  if (entry === undefined) {
    entry = unpackDocument(value)
    if (entry) unpacked.set(value, entry)
  }
  return entry
}

const unpacked = new WeakMap<Uint8Array, CachedDocument>()

/**
 * Whether this process can decode the entry's element results. An entry encoded by the same V8
 * can (its bytes passed the disk tier's checksum), and stays encoded until read; one from
 * another Node version is decoded now, and an entry that does not decode is treated as a miss
 * (the caller counts it), never handed out to fail later.
 */
export function readableElements(entry: CachedDocument): boolean {
  if (Array.isArray(entry.elements)) return true
  if ((entry as { v8?: unknown }).v8 === process.versions.v8) return true
  try {
    return decodeElements(entry.elements).length === elementCount(entry)
  } catch {
    return false
  }
}

export function isCachedDocument(value: unknown): value is CachedDocument {
  if (typeof value !== 'object' || value === null) return false
  const { elements, count } = value as { elements?: unknown; count?: unknown }
  return Array.isArray(elements) || (elements instanceof Uint8Array && typeof count === 'number')
}

export function elementCount(entry: CachedDocument): number {
  return Array.isArray(entry.elements) ? entry.elements.length : (entry as { count: number }).count
}

/** The element results of an entry, decoded (a new array for encoded ones). */
export function elementsOf(entry: CachedDocument): unknown[] {
  return Array.isArray(entry.elements) ? entry.elements : decodeElements(entry.elements)
}

export function decodeElements(bytes: Uint8Array): unknown[] {
  const value = deserialize(bytes)
  if (!Array.isArray(value)) throw new TypeError('encoded element results are not an array')
  return value
}

/**
 * Gives `result` the entry's metadata: decoded on first read when it is stored as JSON (each
 * result decodes its own copy), else the entry's object.
 */
export function metadataFrom<T extends ExtractSuccess>(result: T, entry: CachedDocument): T {
  const { json } = entry as { json?: Buffer }
  if (json) lazyMetadata(result, json)
  else result.metadata = entry.metadata
  return result
}

/**
 * Makes `result.elements` decode `bytes` on first read (then an ordinary property): most callers
 * read only the metadata, and decoding every element result on the main thread would make it
 * the serial part of a run. Enumerable, so spreading, `JSON.stringify` and `structuredClone` see
 * the elements as before.
 */
export function lazyElements<T extends ExtractSuccess>(result: T, bytes: Uint8Array): T {
  return lazyProperty(result, 'elements', () => decodeElements(bytes))
}
