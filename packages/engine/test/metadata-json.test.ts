import { serialize } from 'node:v8'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cachedDocument, metadataFrom, packDocument, unpackDocument } from '../src/cached-document'
import {
  decodeMetadata,
  encodeMetadata,
  lazyMetadata,
  metadataFields,
  metadataJson,
  wellFormed,
} from '../src/metadata-json'

const metadata = {
  title: 'Café ☕',
  words: 12,
  terms: { 'a"b': 1, ü: 2 },
  outline: [{ id: 'x', depth: 1, text: 'X' }],
  nothing: null,
}

/** A result as the engine gives it for a cache hit whose metadata is stored as JSON. */
function hit(value: unknown) {
  const entry = unpackDocument(packDocument(value, serialize([]), 0))
  if (!entry) throw new Error('did not unpack')
  return metadataFrom(
    {
      ok: true as const,
      id: 'd',
      metadata: undefined as unknown,
      elements: [],
      stats: {
        elements: 0,
        extracted: 0,
        reused: 0,
        source: 'document-cache' as const,
        ranIn: 'none' as const,
        durationMs: 0,
      },
    },
    entry,
  )
}

const without = (value: Record<string, unknown>, omit: string[]) =>
  Object.fromEntries(Object.entries(value).filter(([key]) => !omit.includes(key)))

describe('metadata stored as JSON by field', () => {
  it('round-trips plain JSON metadata, byte for byte what JSON.stringify gives', () => {
    const encoded = encodeMetadata(metadata) as Buffer
    expect(wellFormed(encoded)).toBe(true)
    expect(decodeMetadata(encoded)).toEqual(metadata)
    const result = hit(metadata)
    expect(metadataJson(result).toString()).toBe(JSON.stringify(metadata))
    expect(metadataJson(result, { omit: ['terms', 'nothing'] }).toString()).toBe(
      JSON.stringify(without(metadata, ['terms', 'nothing'])),
    )
    expect(metadataFields(result, ['title', 'outline', 'missing'])).toEqual({
      title: metadata.title,
      outline: metadata.outline,
    })
    // None of that decoded the metadata: it is still the stored bytes until read.
    expect(Object.getOwnPropertyDescriptor(result, 'metadata')?.get).toBeTypeOf('function')
    expect(result.metadata).toEqual(metadata)
    expect(Object.getOwnPropertyDescriptor(result, 'metadata')?.value).toEqual(metadata)
  })

  it('keeps a field named __proto__ (a valid JSON key), stored or not, whole or by field', () => {
    const object = JSON.parse('{"__proto__":false,"a":1}') as Record<string, unknown>
    for (const result of [hit(object), { metadata: object }]) {
      expect(metadataJson(result, { omit: ['a'] }).toString()).toBe('{"__proto__":false}')
      const fields = metadataFields(result, ['__proto__', 'a'])
      expect(Object.getOwnPropertyDescriptor(fields, '__proto__')?.value).toBe(false)
      expect(Object.getPrototypeOf(fields)).toBe(Object.prototype)
      expect(JSON.stringify(fields)).toBe('{"__proto__":false,"a":1}')
    }
  })

  it('gives any JSON object back exactly, whole, without some fields, or field by field', () => {
    const key = fc.oneof(
      fc.string(),
      fc.constantFrom('__proto__', '__proto__x', 'a', 'ab', '"', '1', '10'),
    )
    const value = fc.jsonValue().filter((v) => !Object.is(v, -0))
    fc.assert(
      fc.property(fc.dictionary(key, value), fc.array(key), (object, omit) => {
        const result = hit(object)
        expect(metadataJson(result, { omit }).toString()).toBe(
          JSON.stringify(without(object, omit)),
        )
        const keys = Object.keys(object).slice(0, 3)
        expect(metadataFields(result, keys)).toEqual(
          Object.fromEntries(keys.map((k) => [k, object[k]])),
        )
        expect(result.metadata).toEqual(object)
      }),
    )
  })

  it('stores what JSON would change with node:v8, and reads it whole', () => {
    for (const value of [
      { when: new Date(0) },
      { missing: undefined },
      { zero: -0 },
      { n: Number.NaN },
      { set: new Set([1]) },
      [1, 2],
      'text',
      null,
    ]) {
      expect(encodeMetadata(value)).toBeUndefined()
      const result = hit(value)
      expect(result.metadata).toEqual(value)
      expect(metadataJson(result).toString()).toBe(JSON.stringify(value))
    }
  })

  it('follows the object once it is read and changed, or replaced', () => {
    const result = hit(metadata)
    ;(result.metadata as { title: string }).title = 'changed'
    expect(JSON.parse(metadataJson(result).toString()).title).toBe('changed')
    const other = hit(metadata)
    other.metadata = { title: 'replaced' }
    expect(metadataJson(other).toString()).toBe('{"title":"replaced"}')
    expect(metadataFields(other, ['title'])).toEqual({ title: 'replaced' })
  })

  it('gives each result of the same stored bytes its own decoded copy', () => {
    const packed = packDocument(metadata, serialize([]), 0)
    const entry = cachedDocument(packed)
    if (!entry) throw new Error('did not unpack')
    const base = { ok: true as const, id: 'd', elements: [], stats: hit({}).stats }
    const a = metadataFrom({ ...base, metadata: undefined as unknown }, entry)
    const b = metadataFrom({ ...base, metadata: undefined as unknown }, entry)
    expect(a.metadata).toEqual(b.metadata)
    expect(a.metadata).not.toBe(b.metadata)
  })

  it('refuses a truncated or foreign layout instead of decoding it later', () => {
    const encoded = encodeMetadata(metadata) as Buffer
    expect(wellFormed(encoded.subarray(0, encoded.length - 1))).toBe(false)
    const shuffled = Buffer.from(encoded)
    shuffled.writeUInt32LE(0xffffff, 4)
    expect(wellFormed(shuffled)).toBe(false)
    const packed = packDocument(metadata, serialize([]), 0)
    const broken = Buffer.from(packed)
    broken.writeUInt32LE(0xffffff, 13 + (broken[12] ?? 0) + 4)
    expect(unpackDocument(broken)).toBeNull()
  })

  it('answers from the object for results that were never stored', () => {
    const result = { metadata: { a: 1, b: [2] } }
    expect(metadataJson(result, { omit: ['a'] }).toString()).toBe('{"b":[2]}')
    expect(metadataFields(result, ['b', 'c'])).toEqual({ b: [2] })
    expect(
      lazyMetadata({ metadata: undefined }, encodeMetadata({ z: 1 }) as Buffer).metadata,
    ).toEqual({ z: 1 })
  })
})
