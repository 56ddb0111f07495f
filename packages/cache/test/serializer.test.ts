import { describe, expect, it } from 'vitest'
import { createCodec, v8Serializer } from '../src/index'

const sample = {
  date: new Date('2024-01-02T03:04:05.006Z'),
  map: new Map<unknown, unknown>([
    ['a', 1],
    [2, { nested: true }],
  ]),
  set: new Set(['x', 'y']),
  buffer: Buffer.from('buffer bytes'),
  bytes: new Uint8Array([1, 2, 3]),
  floats: new Float64Array([1.5, -2.25]),
  big: 12345678901234567890n,
  missing: undefined,
  list: [1, 'two', null],
}

describe('createCodec', () => {
  it('round-trips Date, Map, Set, Buffer, typed arrays, BigInt and undefined inside objects', () => {
    const codec = createCodec()
    const decoded = codec.decode('k', codec.encode('k', sample, 1, 2), 1, 2) as typeof sample
    expect(decoded).toEqual(sample)
    expect(decoded.date).toBeInstanceOf(Date)
    expect(Buffer.isBuffer(decoded.buffer)).toBe(true)
    expect(decoded.floats).toBeInstanceOf(Float64Array)
    expect('missing' in decoded).toBe(true)
  })

  it('round-trips plain JSON values exactly, and keeps -0, NaN and undefined array items', () => {
    const codec = createCodec()
    for (const value of [
      { a: [1, 'x', null, true, { b: 2.5 }] },
      'text',
      [],
      { nested: { deep: [[1]] } },
      [1, undefined, 3],
      { zero: -0, nan: Number.NaN, inf: Number.POSITIVE_INFINITY },
      Object.assign(Object.create(null) as object, { bare: 1 }),
    ]) {
      expect(codec.decode('k', codec.encode('k', value, 1, 2), 1, 2)).toEqual(value)
    }
    const negativeZero = codec.decode('k', codec.encode('k', { zero: -0 }, 1, 2), 1, 2) as {
      zero: number
    }
    expect(Object.is(negativeZero.zero, -0)).toBe(true)
  })

  it('compresses payloads of at least minBytes, and only when that makes them smaller', () => {
    const codec = createCodec({ compressMinBytes: 100 })
    const plain = createCodec()
    const big = 'abc'.repeat(1_000)
    const compressed = codec.encode('k', big, 1, 2)
    expect(compressed.byteLength).toBeLessThan(plain.encode('k', big, 1, 2).byteLength / 10)
    expect(codec.decode('k', compressed, 1, 2)).toBe(big)
    expect(codec.encode('k', 'short', 1, 2)).toEqual(plain.encode('k', 'short', 1, 2))
  })

  it('rejects a signed entry whose bytes, key or expiry were tampered with', () => {
    const codec = createCodec({ secret: 'top secret' })
    const bytes = codec.encode('k', { admin: false }, 1, 2)
    expect(codec.decode('k', bytes, 1, 2)).toEqual({ admin: false })
    const flipped = Buffer.from(bytes)
    flipped[5] = (flipped[5] ?? 0) ^ 1
    expect(() => codec.decode('k', flipped, 1, 2)).toThrow('bad signature')
    expect(() => codec.decode('other', bytes, 1, 2)).toThrow('bad signature')
    expect(() => codec.decode('k', bytes, 1, 99)).toThrow('bad signature')
    expect(() => createCodec({ secret: 'other' }).decode('k', bytes, 1, 2)).toThrow('bad signature')
    expect(() => codec.decode('k', createCodec().encode('k', 1, 1, 2), 1, 2)).toThrow(
      'unsigned entry',
    )
  })

  it('stores a Buffer or a Uint8Array as its own bytes and reads it back as the same type', () => {
    const codec = createCodec()
    const buffer = Buffer.from('raw bytes, no encoding')
    const encoded = codec.encode('k', buffer, 1, 2)
    // Two header bytes (version, flags), then the value's bytes as they are.
    expect(encoded.byteLength).toBe(2 + buffer.byteLength)
    expect(Buffer.from(encoded).subarray(2)).toEqual(buffer)
    const decoded = codec.decode('k', encoded, 1, 2)
    expect(Buffer.isBuffer(decoded)).toBe(true)
    expect(decoded).toEqual(buffer)

    const bytes = new Uint8Array([0, 255, 7])
    const back = codec.decode('k', codec.encode('k', bytes, 1, 2), 1, 2) as Uint8Array
    expect(Object.getPrototypeOf(back)).toBe(Uint8Array.prototype)
    expect([...back]).toEqual([0, 255, 7])
    // Other typed arrays keep their type through node:v8.
    const floats = codec.decode('k', codec.encode('k', new Float64Array([1.5]), 1, 2), 1, 2)
    expect(floats).toEqual(new Float64Array([1.5]))
  })

  it('compresses and signs binary values like any other', () => {
    const codec = createCodec({ compressMinBytes: 100, secret: 's' })
    const big = Buffer.alloc(10_000, 'ab')
    const encoded = codec.encode('k', big, 1, 2)
    expect(encoded.byteLength).toBeLessThan(1_000)
    expect(codec.decode('k', encoded, 1, 2)).toEqual(big)
    const flipped = Buffer.from(encoded)
    flipped[4] = (flipped[4] ?? 0) ^ 1
    expect(() => codec.decode('k', flipped, 1, 2)).toThrow('bad signature')
  })

  it('hands binary values to a serializer of the caller', () => {
    const codec = createCodec({ serializer: v8Serializer })
    const buffer = Buffer.from('through v8')
    const encoded = codec.encode('k', buffer, 1, 2)
    expect(encoded.byteLength).toBeGreaterThan(2 + buffer.byteLength)
    expect(codec.decode('k', encoded, 1, 2)).toEqual(buffer)
  })

  it('refuses bytes of an unknown format, a truncated signed entry and an undecodable payload', () => {
    const codec = createCodec()
    expect(() => codec.decode('k', new Uint8Array(0), 1, 2)).toThrow('unknown format')
    expect(() => codec.decode('k', new Uint8Array([9, 0, 1]), 1, 2)).toThrow('unknown format')
    const signed = createCodec({ secret: 's' })
    // Version 1, the signed flag, and fewer bytes than the signature itself.
    expect(() => signed.decode('k', new Uint8Array([1, 2, 0, 0]), 1, 2)).toThrow('truncated entry')
    // Version 1, the compressed flag, and bytes that are no deflate stream.
    expect(() => codec.decode('k', new Uint8Array([1, 1, 0xff, 0xff, 0xff]), 1, 2)).toThrow(
      /^undecodable payload: /,
    )
  })

  it('reads a signed entry without a secret by skipping its signature', () => {
    const bytes = createCodec({ secret: 's' }).encode('k', { n: 1 }, 1, 2)
    expect(createCodec().decode('k', bytes, 1, 2)).toEqual({ n: 1 })
  })

  it('stores incompressible payloads as they are even above minBytes', () => {
    const codec = createCodec({ compressMinBytes: 100 })
    let seed = 7
    const noise = Buffer.from(
      Array.from({ length: 300 }, () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
        return seed >>> 16
      }),
    )
    const encoded = codec.encode('k', noise, 1, 2)
    expect(encoded.byteLength).toBe(2 + noise.byteLength)
    expect(codec.decode('k', encoded, 1, 2)).toEqual(noise)
  })

  it('serializes a Uint8Array subclass instead of storing its bytes (its type would be lost)', () => {
    class Bytes extends Uint8Array {}
    const codec = createCodec()
    const value = new Bytes([1, 2, 3])
    const encoded = codec.encode('k', value, 1, 2)
    expect(encoded.byteLength).toBeGreaterThan(2 + value.byteLength)
    expect([...(codec.decode('k', encoded, 1, 2) as Uint8Array)]).toEqual([1, 2, 3])
  })

  it('v8Serializer reads a plain Uint8Array view as well as a Buffer', () => {
    const bytes = v8Serializer.serialize({ a: [1] })
    const copy = new Uint8Array(bytes.byteLength + 4)
    copy.set(bytes, 4)
    expect(v8Serializer.deserialize(copy.subarray(4))).toEqual({ a: [1] })
  })
})
