// MinHash signatures over word 3-shingles. The signature of a union is the element-wise minimum
// of the parts' signatures, so each element's signature is computed (and cached) on its own and
// a document's signature is reduced from them.

/** Number of hash functions; LSH splits the signature into `bands` of `rows`. */
export const signatureSize = 64
export const bands = 16
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

// Signatures travel (worker → main thread, cache, version store) as base64 of the 64 uint32s:
// one string clones and serialises far cheaper than an array of 64 numbers.
const encode = (signature) =>
  Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength).toString('base64')
const decode = (text) => {
  const bytes = Buffer.from(text, 'base64')
  return new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
}

/**
 * MinHash signature of the word 3-shingles of `tokens` (lowercased), base64-encoded, or null
 * when there are none.
 * @param {string[]} tokens
 * @returns {string | null}
 */
export function minhash(tokens) {
  if (tokens.length < 3) return null
  const signature = new Uint32Array(signatureSize).fill(EMPTY)
  const lower = tokens.map((t) => t.toLowerCase())
  for (let i = 0; i + 2 < lower.length; i++) {
    const shingle = fnv1a(`${lower[i]} ${lower[i + 1]} ${lower[i + 2]}`)
    for (let k = 0; k < signatureSize; k++) {
      const value = mix((Math.imul(shingle, multipliers[k]) + offsets[k]) >>> 0)
      if (value < signature[k]) signature[k] = value
    }
  }
  return encode(signature)
}

/** Element-wise minimum of encoded signatures (the signature of the union), or null if none. */
export function mergeSignatures(signatures) {
  let merged = null
  for (const encoded of signatures) {
    if (!encoded) continue
    const signature = decode(encoded)
    if (!merged) merged = signature
    else
      for (let k = 0; k < signatureSize; k++) if (signature[k] < merged[k]) merged[k] = signature[k]
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
