import * as zlib from 'node:zlib'
import { CorruptEntryError } from '../errors'
import type { TierEntry } from '../types'

/** `zlib.crc32` (Node >= 20.15), or a table-driven CRC-32 (same polynomial) on older Node 20. */
const crc32: (data: Uint8Array) => number =
  (zlib as { crc32?: (data: Uint8Array) => number }).crc32 ?? tableCrc32

let table: Uint32Array | undefined
function tableCrc32(data: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256)
    for (let n = 0; n < 256; n++) {
      let c = n
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
      table[n] = c >>> 0
    }
  }
  let crc = 0xffffffff
  for (let i = 0; i < data.length; i++) {
    crc = (table[(crc ^ (data[i] ?? 0)) & 0xff] ?? 0) ^ (crc >>> 8)
  }
  return (crc ^ 0xffffffff) >>> 0
}

/** Exposed for tests: the fallback must agree with zlib. */
export const fallbackCrc32 = tableCrc32

// Layout: crc32 u32 | expiresAt f64 | staleUntil f64 | keyLength u32 | key | tagsLength u32 | tags (JSON) | value
const HEADER = 4 + 8 + 8 + 4

/**
 * Binary record shared tiers store: the entry plus its key (so a hash collision or a swapped
 * value is detected) and a CRC-32 over everything, so a torn or flipped byte is a miss. With
 * `reserve`, the returned buffer starts with that many bytes left for the caller (the disk tier's
 * access time), and the record follows them: one allocation, the value copied once.
 */
export function encodeRecord(key: string, entry: TierEntry, reserve = 0): Buffer {
  const value = entry.value
  if (!(value instanceof Uint8Array)) throw new TypeError('shared tiers store Uint8Array values')
  const keyLength = Buffer.byteLength(key)
  const tags = entry.tags.length === 0 ? '' : JSON.stringify(entry.tags)
  const tagsLength = Buffer.byteLength(tags)
  const buffer = Buffer.allocUnsafe(
    reserve + HEADER + keyLength + 4 + tagsLength + value.byteLength,
  )
  const out = reserve === 0 ? buffer : buffer.subarray(reserve)
  out.writeDoubleBE(entry.expiresAt, 4)
  out.writeDoubleBE(entry.staleUntil, 12)
  out.writeUInt32BE(keyLength, 20)
  out.write(key, HEADER, 'utf8')
  out.writeUInt32BE(tagsLength, HEADER + keyLength)
  if (tagsLength > 0) out.write(tags, HEADER + keyLength + 4, 'utf8')
  out.set(value, HEADER + keyLength + 4 + tagsLength)
  out.writeUInt32BE(crc32(out.subarray(4)), 0)
  return buffer
}

/** Decodes and verifies a record; throws `CorruptEntryError` when it is damaged or for another key. */
export function decodeRecord(tier: string, key: string, bytes: Uint8Array): TierEntry<Uint8Array> {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (buffer.length < HEADER + 4) throw new CorruptEntryError(tier, 'truncated record')
  if (buffer.readUInt32BE(0) !== crc32(buffer.subarray(4))) {
    throw new CorruptEntryError(tier, 'checksum mismatch')
  }
  const keyLength = buffer.readUInt32BE(20)
  const tagsAt = HEADER + keyLength
  if (tagsAt + 4 > buffer.length) throw new CorruptEntryError(tier, 'bad key length')
  if (buffer.toString('utf8', HEADER, tagsAt) !== key) {
    throw new CorruptEntryError(tier, 'record belongs to another key')
  }
  const tagsLength = buffer.readUInt32BE(tagsAt)
  const valueAt = tagsAt + 4 + tagsLength
  if (valueAt > buffer.length) throw new CorruptEntryError(tier, 'bad tags length')
  let tags: string[] = []
  if (tagsLength > 0) {
    try {
      tags = JSON.parse(buffer.toString('utf8', tagsAt + 4, valueAt)) as string[]
    } catch {
      // A record whose checksum holds but whose tags do not parse is as damaged as a torn one.
      throw new CorruptEntryError(tier, 'bad tags')
    }
  }
  return {
    value: buffer.subarray(valueAt),
    expiresAt: buffer.readDoubleBE(4),
    staleUntil: buffer.readDoubleBE(12),
    tags,
  }
}

/** Reads only the key stored in a record, for pattern matching; undefined when unreadable. */
export function recordKey(bytes: Uint8Array): string | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (buffer.length < HEADER) return undefined
  const keyLength = buffer.readUInt32BE(20)
  if (HEADER + keyLength > buffer.length) return undefined
  return buffer.toString('utf8', HEADER, HEADER + keyLength)
}
