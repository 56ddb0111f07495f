// Hashing throughput: canonical serialisation + digest, node:crypto against xxHash peers.
import { strictEqual } from 'node:assert'
import * as crypto from 'node:crypto'
import { loadavg } from 'node:os'
import { type BenchFn, bench, formatBench, formatRatios } from '@mx/profiler/bench'
import { xxh3, xxh64 } from '@node-rs/xxhash'
import xxhashWasm from 'xxhash-wasm'
import { canonicalJson, hashElement, hashValue } from '../src/index'
import { type Block, makeDocument } from './documents'

const doc = makeDocument(10_000)
const texts = doc.map((element) => canonicalJson(element))
const bytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0)
const wasm = await xxhashWasm()
const oneShot = (crypto as unknown as { hash: (a: string, d: string, e: string) => string }).hash

// The digests hash what we hash: our sha1 of the canonical JSON is node:crypto's, and both
// xxHash peers compute the same XXH64.
const checked = doc[1] as Block
const text = canonicalJson(checked)
strictEqual(hashValue(checked), oneShot('sha1', text, 'base64url'))
strictEqual(BigInt(`0x${wasm.h64ToString(text)}`), xxh64(text))

/**
 * Each call is one pass over the 10,000 elements; samples are per MB, so ops/s reads as MB/s.
 * 20 samples each, one task after the other, after at least 150 ms of warm-up each.
 */
async function throughput<const T extends ReadonlyArray<readonly [string, BenchFn]>>(
  title: string,
  tasks: T,
) {
  console.log(`\n${title}`)
  const result = await bench(tasks, {
    minSamples: 20,
    maxSamples: 20,
    timeMs: 0,
    warmupMs: 150,
    opsPerCall: bytes / 1e6,
  })
  console.log(formatBench(result))
  return result.tasks
}

console.log(
  `hashing 10,000 elements, ${(bytes / 1e6).toFixed(2)} MB of canonical JSON (20 samples; ops/s = MB/s); load average ${loadavg()[0]?.toFixed(1)} on 2 cores`,
)
const [sha1, , , , wasm64, native3] = await throughput('digest only (pre-serialised strings):', [
  [
    'node:crypto sha1 (crypto.hash)',
    () => {
      for (const t of texts) oneShot('sha1', t, 'base64url')
    },
  ],
  [
    'node:crypto sha256 (crypto.hash)',
    () => {
      for (const t of texts) oneShot('sha256', t, 'base64url')
    },
  ],
  [
    'node:crypto md5 (crypto.hash)',
    () => {
      for (const t of texts) oneShot('md5', t, 'base64url')
    },
  ],
  [
    'node:crypto sha1 (createHash)',
    () => {
      for (const t of texts) crypto.createHash('sha1').update(t).digest('base64url')
    },
  ],
  [
    'xxhash-wasm h64',
    () => {
      for (const t of texts) wasm.h64ToString(t)
    },
  ],
  [
    '@node-rs/xxhash xxh3 64',
    () => {
      for (const t of texts) xxh3.xxh64(t).toString(36)
    },
  ],
  [
    '@node-rs/xxhash xxh64',
    () => {
      for (const t of texts) xxh64(t).toString(36)
    },
  ],
])
const [, ours, withWasm, withNative] = await throughput(
  'end to end (what the tracker pays per element):',
  [
    [
      'canonicalJson only',
      () => {
        for (const element of doc) canonicalJson(element)
      },
    ],
    [
      'hashElement (canonicalJson + sha1)',
      () => {
        for (const element of doc) hashElement(element)
      },
    ],
    [
      'canonicalJson + xxhash-wasm h64',
      () => {
        for (const element of doc) wasm.h64ToString(canonicalJson(element))
      },
    ],
    [
      'canonicalJson + @node-rs/xxhash xxh3',
      () => {
        for (const element of doc) xxh3.xxh64(canonicalJson(element)).toString(36)
      },
    ],
  ],
)
console.log('\nratios (the digest ours uses, and hashElement, against the xxHash peers):')
console.log(
  formatRatios([
    { what: 'digest', ours: sha1, peer: wasm64 },
    { what: 'digest', ours: sha1, peer: native3 },
    { what: 'end to end', ours, peer: withWasm },
    { what: 'end to end', ours, peer: withNative },
  ]),
)
