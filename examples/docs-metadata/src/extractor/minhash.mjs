// MinHash signatures over word 3-shingles. The signature of a union is the element-wise minimum
// of the parts' signatures, so each element's signature is computed (and cached) on its own and
// a document's signature is reduced from them.

/** Number of hash functions; LSH splits the signature into `bands` of `rows`. */
// 32 values keep each element result small (it is cloned, cached and stored per element); 8
// bands of 4 put the LSH threshold near a Jaccard similarity of (1/8)^(1/4) ≈ 0.6.
export const signatureSize = 32
export const bands = 8
export const rows = signatureSize / bands

const EMPTY = 0xffffffff
// Fixed odd multipliers and offsets (a seeded LCG), so signatures match across processes.
const multipliers = new Uint32Array(signatureSize)
const offsets = new Uint32Array(signatureSize)
let seed = 0x9e3779b9
for (let i = 0; i < signatureSize; i++) {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0
  multipliers[i] = seed | 1
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0
  offsets[i] = seed
}

function fnv1a(text) {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

function mix(x) {
  x ^= x >>> 16
  x = Math.imul(x, 0x85ebca6b)
  x ^= x >>> 13
  return x >>> 0
}

// Signatures travel (worker → main thread, cache, version store) as base64 of the uint32s:
// one string clones and serialises far cheaper than an array of numbers.
const encode = (signature) =>
  Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength).toString('base64')
const decode = (text) => {
  const bytes = Buffer.from(text, 'base64')
  return new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
}

/**
 * The MinHash of an element's word 3-shingles (lowercased), base64-encoded: `{ signature }`, or
 * `{ shingles }` (the shingle hashes themselves) when there are fewer shingles than hash
 * functions, which is smaller; `{}` under 3 words. mergeSignatures() takes both.
 * @param {string[]} tokens
 * @returns {{ signature?: string, shingles?: string }}
 */
export function minhash(tokens) {
  if (tokens.length < 3) return {}
  const lower = tokens.map((t) => t.toLowerCase())
  const shingles = new Uint32Array(lower.length - 2)
  for (let i = 0; i < shingles.length; i++)
    shingles[i] = fnv1a(`${lower[i]} ${lower[i + 1]} ${lower[i + 2]}`)
  if (shingles.length < signatureSize) return { shingles: encode(shingles) }
  return { signature: encode(signatureOf(shingles, new Uint32Array(signatureSize).fill(EMPTY))) }
}

/** Lowers `into` to the MinHash of `shingles` (so it also merges). */
function signatureOf(shingles, into) {
  for (const shingle of shingles) {
    for (let k = 0; k < signatureSize; k++) {
      const value = mix((Math.imul(shingle, multipliers[k]) + offsets[k]) >>> 0)
      if (value < into[k]) into[k] = value
    }
  }
  return into
}

/**
 * The signature of a document: the element-wise minimum of its elements' signatures (the
 * MinHash of a union), shingle lists hashed in. Null when no element had 3 words.
 * @param {Array<{ signature?: string, shingles?: string }>} parts
 */
export function mergeSignatures(parts) {
  let merged = null
  for (const part of parts) {
    if (!part.signature && !part.shingles) continue
    merged ??= new Uint32Array(signatureSize).fill(EMPTY)
    if (part.shingles) signatureOf(decode(part.shingles), merged)
    else {
      const signature = decode(part.signature)
      for (let k = 0; k < signatureSize; k++) if (signature[k] < merged[k]) merged[k] = signature[k]
    }
  }
  return merged ? encode(merged) : null
}

/** The LSH band keys of an encoded signature: `rows` values each. */
export function bandKeys(encoded) {
  const signature = decode(encoded)
  const keys = []
  for (let band = 0; band < bands; band++)
    keys.push(`${band}:${signature.subarray(band * rows, band * rows + rows).join(',')}`)
  return keys
}

/** Estimated Jaccard similarity of two encoded signatures: the share of equal positions. */
export function similarity(encodedA, encodedB) {
  const a = decode(encodedA)
  const b = decode(encodedB)
  let equal = 0
  for (let k = 0; k < signatureSize; k++) if (a[k] === b[k]) equal++
  return equal / signatureSize
}
