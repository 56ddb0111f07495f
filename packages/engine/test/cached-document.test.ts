import { serialize } from 'node:v8'
import { describe, expect, it } from 'vitest'
import {
  cachedDocument,
  decodeElements,
  elementCount,
  elementsOf,
  packDocument,
  readableElements,
  unpackDocument,
} from '../src/cached-document'
import { documentKey, elementKeys } from '../src/keys'
import { metadataFields, wellFormed } from '../src/metadata-json'

const metadata = { title: 'Doc', words: 12, when: new Date(0), tags: new Set(['a']) }
const elements = [{ words: 5 }, { words: 7 }]

describe('packed document entries', () => {
  it('round-trip the metadata, and keep the element results as bytes', () => {
    const packed = packDocument(metadata, serialize(elements), elements.length)
    expect(packed.subarray(0, 3).toString('latin1')).toBe('MXD')
    const entry = unpackDocument(packed)
    expect(entry).toMatchObject({ count: 2, metadata, v8: process.versions.v8 })
    expect(entry?.elements).toBeInstanceOf(Uint8Array)
    expect(unpackDocument(new Uint8Array(packed))).toEqual(entry)
    expect(cachedDocument(packed)).toEqual(entry)
    // The same bytes (a memory-tier hit) are decoded once.
    expect(cachedDocument(packed)).toBe(cachedDocument(packed))
  })

  it('owns exactly its bytes, so a reply posts no unrelated ones', () => {
    const packed = packDocument({}, serialize([]), 0)
    expect(packed.byteOffset).toBe(0)
    expect(packed.buffer.byteLength).toBe(packed.byteLength)
  })

  it('tell other bytes apart: undefined when not packed, null when packed but undecodable', () => {
    expect(unpackDocument(Buffer.from('not a document at all'))).toBeUndefined()
    expect(cachedDocument(Buffer.alloc(3))).toBeUndefined()
    const packed = packDocument(metadata, serialize(elements), elements.length)
    expect(unpackDocument(packed.subarray(0, 20))).toBeNull()
    const garbled = Buffer.from(packed)
    // The metadata's first bytes (after the header and the V8 version) no longer decode.
    garbled.fill(0xfe, 13 + (garbled[12] ?? 0), 13 + (garbled[12] ?? 0) + 4)
    expect(unpackDocument(garbled)).toBeNull()
  })

  it('reads the object entries of the main thread and of earlier versions as they are', () => {
    const plain = { metadata, elements }
    expect(cachedDocument(plain)).toBe(plain)
    expect(cachedDocument({ metadata })).toBeUndefined()
    expect(cachedDocument('text')).toBeUndefined()
  })

  it('refuse an unknown layout byte after the MXD magic', () => {
    const packed = packDocument(metadata, serialize(elements), elements.length)
    const future = Buffer.from(packed)
    future[3] = 3
    expect(unpackDocument(future)).toBeUndefined()
  })

  it('read an object entry’s element results as its array, and refuse bytes that are no array', () => {
    const plain = { metadata, elements }
    expect(readableElements(plain)).toBe(true)
    expect(elementCount(plain)).toBe(2)
    expect(elementsOf(plain)).toBe(elements)
    const packed = unpackDocument(packDocument(metadata, serialize(elements), 2))
    expect(packed && elementsOf(packed)).toEqual(elements)
    expect(() => decodeElements(serialize({ not: 'a list' }))).toThrow(
      new TypeError('encoded element results are not an array'),
    )
  })
})

describe('keys and stored metadata', () => {
  it('keys a document by the kind of its content: the same text as bytes is another document', () => {
    const text = { id: 'a', content: 'same text' }
    const bytes = { id: 'a', content: new TextEncoder().encode('same text') }
    expect(documentKey(text, 'x@1')).not.toBe(documentKey(bytes, 'x@1'))
    expect(documentKey(bytes, 'x@1')).toBe(
      documentKey({ ...bytes, content: new Uint8Array(bytes.content) }, 'x@1'),
    )
  })

  it('throws MX_ENGINE_PARSE for an element that is not JSON data', () => {
    const error = (() => {
      try {
        elementKeys('doc', [{ id: 'ok' }, { id: 'big', n: 10n } as never], 'x@1')
      } catch (caught) {
        return caught as { code?: string; message?: string }
      }
    })()
    expect(error?.code).toBe('MX_ENGINE_PARSE')
    expect(error?.message).toMatch(/^element big is not JSON-serializable: /)
  })

  it('tells a too-short value from stored metadata, and reads no fields of non-object metadata', () => {
    expect(wellFormed(Buffer.alloc(3))).toBe(false)
    expect(metadataFields({ metadata: 'text' }, ['title'])).toEqual({})
    expect(metadataFields({ metadata: null }, ['title'])).toEqual({})
    expect(metadataFields({ metadata: { title: 'T', words: 2 } }, ['title'])).toEqual({
      title: 'T',
    })
  })
})
