// Hashing throughput: canonical serialisation + digest, node:crypto against xxHash peers.
import * as crypto from 'node:crypto'
import { loadavg } from 'node:os'
import { xxh3, xxh64 } from '@node-rs/xxhash'
import xxhashWasm from 'xxhash-wasm'
import { canonicalJson, hashElement } from '../src/index'
import { makeDocument } from './util'

const doc = makeDocument(10_000)
const texts = doc.map((element) => canonicalJson(element))
const bytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0)
const wasm = await xxhashWasm()
const oneShot = (crypto as unknown as { hash: (a: string, d: string, e: string) => string }).hash

function throughput(label: string, run: () => void): number {
  for (let i = 0; i < 5; i++) run()
  const rounds = 20
  const samples: number[] = []
  for (let i = 0; i < rounds; i++) {
    const start = performance.now()
    run()
    samples.push(performance.now() - start)
  }
  samples.sort((a, b) => a - b)
  const ms = samples[rounds >> 1] as number
  const mbs = bytes / 1e6 / (ms / 1000)
  console.log(
    `${label.padEnd(44)} ${ms.toFixed(2).padStart(7)} ms  ${mbs.toFixed(0).padStart(6)} MB/s`,
  )
  return mbs
}

console.log(
  `hashing 10,000 elements, ${(bytes / 1e6).toFixed(2)} MB of canonical JSON (p50 of 20); load average ${loadavg()[0]?.toFixed(1)} on 2 cores\n`,
)
console.log('digest only (pre-serialised strings):')
const sha1 = throughput('  node:crypto sha1 (crypto.hash)', () => {
  for (const t of texts) oneShot('sha1', t, 'base64url')
})
throughput('  node:crypto sha256 (crypto.hash)', () => {
  for (const t of texts) oneShot('sha256', t, 'base64url')
})
throughput('  node:crypto md5 (crypto.hash)', () => {
  for (const t of texts) oneShot('md5', t, 'base64url')
})
throughput('  node:crypto sha1 (createHash)', () => {
  for (const t of texts) crypto.createHash('sha1').update(t).digest('base64url')
})
const wasm64 = throughput('  xxhash-wasm h64', () => {
  for (const t of texts) wasm.h64ToString(t)
})
const native3 = throughput('  @node-rs/xxhash xxh3 64', () => {
  for (const t of texts) xxh3.xxh64(t).toString(36)
})
throughput('  @node-rs/xxhash xxh64', () => {
  for (const t of texts) xxh64(t).toString(36)
})
console.log('\nend to end (what the tracker pays per element):')
const serialise = throughput('  canonicalJson only', () => {
  for (const element of doc) canonicalJson(element)
})
const ours = throughput('  hashElement (canonicalJson + sha1)', () => {
  for (const element of doc) hashElement(element)
})
const withWasm = throughput('  canonicalJson + xxhash-wasm h64', () => {
  for (const element of doc) wasm.h64ToString(canonicalJson(element))
})
const withNative = throughput('  canonicalJson + @node-rs/xxhash xxh3', () => {
  for (const element of doc) xxh3.xxh64(canonicalJson(element)).toString(36)
})
console.log(
  `\nratios: digest xxhash-wasm/sha1 ${(wasm64 / sha1).toFixed(2)}x, xxh3/sha1 ${(native3 / sha1).toFixed(2)}x;` +
    ` end to end xxhash-wasm/ours ${(withWasm / ours).toFixed(2)}x, xxh3/ours ${(withNative / ours).toFixed(2)}x;` +
    ` serialisation alone ${serialise.toFixed(0)} MB/s`,
)
