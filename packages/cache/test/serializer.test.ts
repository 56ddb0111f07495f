import { describe, expect, it } from 'vitest'
import { createCodec } from '../src/index'

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
})
