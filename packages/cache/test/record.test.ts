import { crc32 } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { CorruptEntryError } from '../src/index'
import { decodeRecord, encodeRecord, fallbackCrc32 } from '../src/tiers/record'

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
