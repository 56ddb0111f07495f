import type { CacheStats, Tier } from './types'

const SAMPLES = 1024

/** Counters behind `cache.stats()`: plain numbers and arrays so the hot path only increments. */
export class StatsRecorder {
  hits = 0
  misses = 0
  factoryRuns = 0
  /** Memory-tier drops after the bus reconnected (`BusDelivery.resync`). */
  busResyncs = 0
  /** Factory results a shared tier refused by their lock's fencing token. */
  fenced = 0
  /** Hot-path counters of the first tier, kept apart so the hot path increments a field. */
  l1Hits = 0
  l1Misses = 0
  readonly tierHits: number[]
  readonly tierMisses: number[]
  readonly tierErrors: number[]
  readonly tierEvictions: number[]
  readonly tierCorrupt: number[]
  private readonly latencies = new Float64Array(SAMPLES)
  private latencyCount = 0

  constructor(private readonly tiers: readonly Tier[]) {
    this.tierHits = tiers.map(() => 0)
    this.tierMisses = tiers.map(() => 0)
    this.tierErrors = tiers.map(() => 0)
    this.tierEvictions = tiers.map(() => 0)
    this.tierCorrupt = tiers.map(() => 0)
  }

  /** Records one lookup latency in ms into a ring of the most recent samples. */
  latency(ms: number): void {
    this.latencies[this.latencyCount++ % SAMPLES] = ms
  }

  snapshot(): CacheStats {
    const count = Math.min(this.latencyCount, SAMPLES)
    const sorted = Array.from(this.latencies.subarray(0, count)).sort((a, b) => a - b)
    const at = (q: number) =>
      count === 0 ? 0 : (sorted[Math.min(count - 1, Math.floor(q * count))] ?? 0)
    const ratio = (h: number, m: number) => (h + m === 0 ? 0 : h / (h + m))
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0)
    return {
      hits: this.hits + this.l1Hits,
      misses: this.misses + this.l1Misses,
      hitRatio: ratio(this.hits + this.l1Hits, this.misses + this.l1Misses),
      tiers: this.tiers.map((tier, i) => {
        const hits = (this.tierHits[i] ?? 0) + (i === 0 ? this.l1Hits : 0)
        const misses = (this.tierMisses[i] ?? 0) + (i === 0 ? this.l1Misses : 0)
        return {
          name: tier.name,
          hits,
          misses,
          hitRatio: ratio(hits, misses),
          errors: this.tierErrors[i] ?? 0,
          evictions: this.tierEvictions[i] ?? 0,
          corrupt: this.tierCorrupt[i] ?? 0,
        }
      }),
      latency: { p50: at(0.5), p99: at(0.99), samples: count },
      factoryRuns: this.factoryRuns,
      errors: sum(this.tierErrors),
      evictions: sum(this.tierEvictions),
      busResyncs: this.busResyncs,
      fenced: this.fenced,
    }
  }
}
