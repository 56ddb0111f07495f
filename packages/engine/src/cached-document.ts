/**
 * A document's cache entry. The main thread's element path stores its element results as an
 * array; a worker thread stores them encoded (`v8.serialize`, the bytes its reply carries too),
 * so a hit decodes the metadata and leaves the element results as bytes until something reads
 * `result.elements`.
 */
import { deserialize } from 'node:v8'
import type { ExtractSuccess } from './api'

export type CachedDocument =
  | { metadata: unknown; elements: unknown[] }
  | {
      /** First: the default serializer's JSON check stops at the first key that is not JSON. */
      elements: Uint8Array
      /** How many element results the bytes hold. */
      count: number
      metadata: unknown
      /** The V8 version that encoded them: another one may not read them (see `readableElements`). */
      v8: string
    }

/** The entry a worker thread stores for a document: its metadata and its encoded element results. */
export function encodedDocument(metadata: unknown, elements: Uint8Array, count: number) {
  return { elements, count, metadata, v8: process.versions.v8 } satisfies CachedDocument
}

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
 * Makes `result.elements` decode `bytes` on first read (then an ordinary property): most callers
 * read only the metadata, and decoding every element result on the main thread would make it
 * the serial part of a run. Enumerable, so spreading, `JSON.stringify` and `structuredClone` see
 * the elements as before.
 */
export function lazyElements<T extends ExtractSuccess>(result: T, bytes: Uint8Array): T {
  const settle = (value: unknown[]) => {
    Object.defineProperty(result, 'elements', {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    })
    return value
  }
  Object.defineProperty(result, 'elements', {
    enumerable: true,
    configurable: true,
    get: () => settle(decodeElements(bytes)),
    set: settle,
  })
  return result
}
