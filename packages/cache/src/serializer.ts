import { createHmac, timingSafeEqual } from 'node:crypto'
import { deserialize, serialize } from 'node:v8'
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { isPlainJson } from './kernel'
import { checkKeys } from './option-keys'
import type { Serializer } from './types'

/**
 * The default serializer, on `node:v8` (the structured clone format): round-trips `Date`, `Map`,
 * `Set`, `Buffer`, typed arrays, `BigInt`, `undefined` inside objects, cycles. Not functions or
 * class instances (they come back as plain objects).
 */
export const v8Serializer: Serializer = {
  serialize: (value) => serialize(value),
  deserialize: (bytes) => deserialize(asBuffer(bytes)),
}

const JSON_TAG = 0x7b // '{' never starts a v8 payload (those start with 0xff)

/**
 * The default serializer: plain JSON-safe values go through JSON (several times faster to
 * decode), everything else through `node:v8`, which round-trips `Date`, `Map`, `Set`, `Buffer`,
 * typed arrays, `BigInt`, `undefined` inside objects, -0, NaN and cycles. Class instances come
 * back as plain objects.
 */
export const defaultSerializer: Serializer = {
  serialize(value) {
    if (isPlainJson(value)) {
      const json = Buffer.from(` ${JSON.stringify(value)}`)
      json[0] = JSON_TAG
      return json
    }
    return serialize(value)
  },
  deserialize(bytes) {
    const buffer = asBuffer(bytes)
    if (buffer[0] === JSON_TAG) return JSON.parse(buffer.toString('utf8', 1))
    return deserialize(buffer)
  },
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

const VERSION = 1
const COMPRESSED = 1
const SIGNED = 2
/** The payload is the value's own bytes (a `Buffer`), not a serialized value. */
const RAW_BUFFER = 4
/** The payload is the value's own bytes (a plain `Uint8Array`). */
const RAW_BYTES = 8
const MAC_BYTES = 32

/**
 * The flag of a value stored as its own bytes: a `Buffer` or a plain `Uint8Array` (not a subclass
 * or another typed array, whose type the bytes alone would lose). 0 for any other value.
 */
function rawFlag(value: unknown): number {
  if (!(value instanceof Uint8Array)) return 0
  if (Buffer.isBuffer(value)) return RAW_BUFFER
  return Object.getPrototypeOf(value) === Uint8Array.prototype ? RAW_BYTES : 0
}

export interface CodecOptions {
  serializer?: Serializer
  compressMinBytes?: number
  secret?: string | Uint8Array
}

/** Why a payload could not be decoded; the cache treats it as a corrupt entry. */
export class DecodeError extends Error {}

/** Encodes values for shared tiers: serialize, deflate above a size, HMAC-sign bound to key and expiry. */
export interface Codec {
  encode(key: string, value: unknown, expiresAt: number, staleUntil: number): Uint8Array
  decode(key: string, bytes: Uint8Array, expiresAt: number, staleUntil: number): unknown
}

/**
 * With the default serializer, a binary value (`Buffer` or `Uint8Array`) is stored as its own
 * bytes: no encoding on write, and a read returns a view of the stored bytes, of the same type.
 */
export function createCodec(options: CodecOptions = {}): Codec {
  checkKeys('createCodec', options)
  const serializer = options.serializer ?? defaultSerializer
  const passBinary = serializer === defaultSerializer
  const minBytes = options.compressMinBytes
  const secret = options.secret

  const mac = (key: string, expiresAt: number, staleUntil: number, body: Uint8Array) => {
    const hmac = createHmac('sha256', secret as string | Uint8Array)
    const meta = Buffer.alloc(20)
    meta.writeDoubleBE(expiresAt, 0)
    meta.writeDoubleBE(staleUntil, 8)
    meta.writeUInt32BE(Buffer.byteLength(key), 16)
    return hmac.update(meta).update(key).update(body).digest()
  }

  return {
    encode(key, value, expiresAt, staleUntil) {
      let flags = passBinary ? rawFlag(value) : 0
      let payload: Uint8Array = flags === 0 ? serializer.serialize(value) : (value as Uint8Array)
      if (minBytes !== undefined && payload.byteLength >= minBytes) {
        const deflated = deflateRawSync(payload)
        if (deflated.byteLength < payload.byteLength) {
          payload = deflated
          flags |= COMPRESSED
        }
      }
      if (secret !== undefined) flags |= SIGNED
      const out = Buffer.allocUnsafe(
        2 + payload.byteLength + (secret === undefined ? 0 : MAC_BYTES),
      )
      out[0] = VERSION
      out[1] = flags
      out.set(payload, 2)
      if (secret !== undefined) {
        const body = out.subarray(0, 2 + payload.byteLength)
        out.set(mac(key, expiresAt, staleUntil, body), 2 + payload.byteLength)
      }
      return out
    },
    decode(key, bytes, expiresAt, staleUntil) {
      const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      if (buffer.length < 2 || buffer[0] !== VERSION) throw new DecodeError('unknown format')
      const flags = buffer[1] ?? 0
      let end = buffer.length
      if (secret !== undefined) {
        if ((flags & SIGNED) === 0) throw new DecodeError('unsigned entry')
        end -= MAC_BYTES
        if (end < 2) throw new DecodeError('truncated entry')
        const expected = mac(key, expiresAt, staleUntil, buffer.subarray(0, end))
        if (!timingSafeEqual(expected, buffer.subarray(end))) throw new DecodeError('bad signature')
      } else if ((flags & SIGNED) !== 0) {
        end -= MAC_BYTES
      }
      let payload: Uint8Array = buffer.subarray(2, end)
      try {
        if ((flags & COMPRESSED) !== 0) payload = inflateRawSync(payload)
        if ((flags & RAW_BUFFER) !== 0) return payload
        if ((flags & RAW_BYTES) !== 0)
          return new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength)
        return serializer.deserialize(payload)
      } catch (error) {
        throw new DecodeError(`undecodable payload: ${(error as Error).message}`)
      }
    },
  }
}
