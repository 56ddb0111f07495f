import { crc32 } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { CorruptEntryError } from '../src/index'
import { decodeRecord, encodeRecord, fallbackCrc32, recordKey } from '../src/tiers/record'

describe('shared-tier records', () => {
  it('computes the same CRC-32 as zlib on Node versions without zlib.crc32', () => {
    for (const text of ['', 'a', 'hello world', 'x'.repeat(10_000)]) {
      expect(fallbackCrc32(Buffer.from(text))).toBe(crc32(Buffer.from(text)))
    }
  })

  it('rejects a flipped byte, a truncated record and a record stored under another key', () => {
    const record = encodeRecord('k', {
      value: Buffer.from('value'),
      expiresAt: 1,
      staleUntil: 2,
      tags: ['t'],
    })
    expect(decodeRecord('disk', 'k', record)).toMatchObject({
      expiresAt: 1,
      staleUntil: 2,
      tags: ['t'],
    })
    const flipped = Buffer.from(record)
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 1
    expect(() => decodeRecord('disk', 'k', flipped)).toThrow(CorruptEntryError)
    expect(() => decodeRecord('disk', 'k', record.subarray(0, 10))).toThrow('truncated record')
    expect(() => decodeRecord('disk', 'other', record)).toThrow('record belongs to another key')
  })
})

describe('shared-tier record bounds', () => {
  const record = () =>
    encodeRecord('key', { value: Buffer.from('v'), expiresAt: 1, staleUntil: 2, tags: ['tag'] })
  /** Rewrites the u32 at `at` and fixes the CRC, as a writer with a bug (or an attacker) could. */
  const patched = (at: number, value: number) => {
    const bytes = Buffer.from(record())
    bytes.writeUInt32BE(value, at)
    bytes.writeUInt32BE(crc32(bytes.subarray(4)), 0)
    return bytes
  }

  it('refuses a value that is not bytes', () => {
    expect(() =>
      encodeRecord('k', { value: 'text', expiresAt: 1, staleUntil: 2, tags: [] }),
    ).toThrow(TypeError)
  })

  it('decodes a record handed over as a plain Uint8Array view', () => {
    const bytes = record()
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const decoded = decodeRecord('disk', 'key', view)
    expect(Buffer.from(decoded.value).toString()).toBe('v')
    expect(decoded.tags).toEqual(['tag'])
  })

  it('rejects key and tag lengths that point past the end, even with a valid checksum', () => {
    expect(() => decodeRecord('disk', 'key', patched(20, 10_000))).toThrow('bad key length')
    const tagsAt = 24 + 3
    expect(() => decodeRecord('disk', 'key', patched(tagsAt, 10_000))).toThrow('bad tags length')
    expect(() => decodeRecord('redis', 'key', patched(20, 10_000))).toThrow(CorruptEntryError)
  })

  it('rejects tags that do not parse, even with a valid checksum', () => {
    const bytes = Buffer.from(record())
    bytes.write('{', 24 + 3 + 4, 'utf8')
    bytes.writeUInt32BE(crc32(bytes.subarray(4)), 0)
    expect(() => decodeRecord('disk', 'key', bytes)).toThrow(CorruptEntryError)
    expect(() => decodeRecord('disk', 'key', bytes)).toThrow('bad tags')
  })

  it('reads the key of a record, or nothing from a short or inconsistent one', () => {
    expect(recordKey(record())).toBe('key')
    expect(recordKey(record().subarray(0, 10))).toBeUndefined()
    expect(recordKey(patched(20, 10_000))).toBeUndefined()
  })
})
