import { serialize } from 'node:v8'
import { describe, expect, it } from 'vitest'
import { cachedDocument, packDocument, unpackDocument } from '../src/cached-document'

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
})
