// Hit ratio of the memory tier's policies on synthetic traces (deterministic, seeded):
// Zipf(0.9) over 100k keys, and the same trace with scans of one-off keys mixed in.
import { seededRandom } from '@mx/testkit'
import { memoryTier } from '../src/index'
import type { EvictionPolicy } from '../src/tiers/memory'

function zipfTrace(requests: number, keys: number, skew: number, seed: number): Int32Array {
  const cdf = new Float64Array(keys)
  let sum = 0
  for (let i = 0; i < keys; i++) {
    sum += 1 / (i + 1) ** skew
    cdf[i] = sum
  }
  const next = seededRandom(seed)
  const trace = new Int32Array(requests)
  for (let r = 0; r < requests; r++) {
    const target = next() * sum
    let lo = 0
    let hi = keys - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((cdf[mid] ?? 0) < target) lo = mid + 1
      else hi = mid
    }
    trace[r] = lo
  }
  return trace
}

/** Every 10,000 requests, a scan of 2,000 keys never seen before (id >= keys). */
function withScans(trace: Int32Array, keys: number): Int32Array {
  const out: number[] = []
  let fresh = keys
  for (let r = 0; r < trace.length; r++) {
    out.push(trace[r] ?? 0)
    if (r % 10_000 === 9_999) for (let s = 0; s < 2_000; s++) out.push(fresh++)
  }
  return Int32Array.from(out)
}

function hitRatio(policy: EvictionPolicy, trace: Int32Array, capacity: number): number {
  const tier = memoryTier({ maxEntries: capacity, policy })
  const entry = {
    value: 1,
    expiresAt: Number.MAX_SAFE_INTEGER,
    staleUntil: Number.MAX_SAFE_INTEGER,
    tags: [],
  }
  let hits = 0
  for (let r = 0; r < trace.length; r++) {
    const key = `k${trace[r]}`
    if (tier.getSync(key)) hits++
    else tier.set(key, entry)
  }
  return hits / trace.length
}

const KEYS = 100_000
const CAPACITY = 1_000
const zipf = zipfTrace(1_000_000, KEYS, 0.9, 42)
const scanned = withScans(zipf, KEYS)
const pct = (x: number) => `${(x * 100).toFixed(2)} %`
for (const [name, trace] of [
  ['Zipf(0.9), 1M requests, 100k keys', zipf],
  ['Zipf(0.9) + scans (2k one-off keys every 10k requests)', scanned],
] as const) {
  console.log(`hit ratio, ${CAPACITY}-entry cache: ${name}`)
  const ratios = Object.fromEntries(
    (['lru', 'tinylfu', 'fifo'] as const).map((policy) => [
      policy,
      hitRatio(policy, trace, CAPACITY),
    ]),
  ) as Record<EvictionPolicy, number>
  for (const [policy, ratio] of Object.entries(ratios))
    console.log(`  ${policy.padEnd(8)} ${pct(ratio)}`)
  console.log(
    `  tinylfu - lru: ${((ratios.tinylfu - ratios.lru) * 100).toFixed(2)} percentage points (target >= 5)`,
  )
}
