import { InvalidValueError } from './errors'
import { describeValue } from './kernel'
import type { DistributionStats, HistogramHandle } from './types'

// Log-linear buckets read straight from the IEEE-754 bits: the exponent picks the octave and
// the top SUB_BITS mantissa bits pick one of 64 linear sub-buckets. A bucket spans at most
// 1/64 of its lower bound, so its midpoint is within 1/128 (0.78%) of any value inside it.
const SUB_BITS = 6
const SHIFT = 20 - SUB_BITS
/** Values below 2^-30 (~1e-9) share one underflow bucket and report as the minimum. */
const LOWEST = 2 ** -30
/** Values above 2^60 share the top bucket (bounded memory: at most 90 octaves of 64 counts). */
const HIGHEST = 2 ** 60
const LOWEST_INDEX = (1023 - 30) << SUB_BITS
const HIGHEST_INDEX = (1023 + 60) << SUB_BITS
const SLACK = 2 << SUB_BITS

const scratch = new Float64Array(1)
const words = new Uint32Array(scratch.buffer)
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0

function bucketIndex(value: number): number {
  scratch[0] = value
  return (words[HI] as number) >>> SHIFT
}

function bucketMidpoint(index: number): number {
  words[HI] = ((index << SHIFT) | (1 << (SHIFT - 1))) >>> 0
  words[1 - HI] = 0
  return scratch[0] as number
}

/**
 * A histogram of non-negative values in bounded memory with quantiles within 1% of the exact
 * sorted quantile. `record` is a few nanoseconds: no allocation, no logarithm.
 */
export class Histogram implements HistogramHandle {
  count = 0
  sum = 0
  min = Number.POSITIVE_INFINITY
  max = Number.NEGATIVE_INFINITY
  private underflow = 0
  private base = 0
  private counts = new Float64Array(0)

  constructor(readonly name = 'histogram') {}

  record(value: number): void {
    if (typeof value !== 'number' || !(value >= 0 && value <= Number.MAX_VALUE)) {
      throw new InvalidValueError(
        this.name,
        value,
        `histogram "${this.name}" records finite values ≥ 0, got ${describeValue(value)}`,
      )
    }
    this.count++
    this.sum += value
    if (value < this.min) this.min = value
    if (value > this.max) this.max = value
    if (value < LOWEST) {
      this.underflow++
      return
    }
    const offset = (value > HIGHEST ? HIGHEST_INDEX : bucketIndex(value)) - this.base
    const counts = this.counts
    if (offset >= 0 && offset < counts.length) counts[offset] = (counts[offset] as number) + 1
    else {
      const index = offset + this.base
      this.grow(index)
      this.counts[index - this.base] = (this.counts[index - this.base] as number) + 1
    }
  }

  /** Widens the bucket window so it covers `index`, with some slack on both sides. */
  private grow(index: number): void {
    const oldLength = this.counts.length
    const low = oldLength === 0 ? index : Math.min(index, this.base)
    const high = oldLength === 0 ? index : Math.max(index, this.base + oldLength - 1)
    const newBase = Math.max(LOWEST_INDEX, low - SLACK)
    const newTop = Math.min(HIGHEST_INDEX, high + SLACK)
    const next = new Float64Array(newTop - newBase + 1)
    if (oldLength > 0) next.set(this.counts, this.base - newBase)
    this.counts = next
    this.base = newBase
  }

  /** Value at quantile `q` (nearest rank), clamped to the exact min and max. */
  quantile(q: number): number {
    if (this.count === 0) return 0
    if (q <= 0) return this.min
    if (q >= 1) return this.max
    const rank = Math.max(1, Math.ceil(q * this.count))
    let seen = this.underflow
    if (seen >= rank) return this.min
    const counts = this.counts
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i] as number
      if (seen >= rank) {
        const mid = bucketMidpoint(i + this.base)
        return Math.min(this.max, Math.max(this.min, mid))
      }
    }
    return this.max
  }

  stats(): DistributionStats {
    const empty = this.count === 0
    return {
      count: this.count,
      sum: this.sum,
      min: empty ? 0 : this.min,
      max: empty ? 0 : this.max,
      mean: empty ? 0 : this.sum / this.count,
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p99: this.quantile(0.99),
    }
  }

  /** Adds every value of `other` into this histogram. */
  merge(other: Histogram): void {
    if (other.count === 0) return
    for (let i = 0; i < other.counts.length; i++) {
      const n = other.counts[i] as number
      if (n === 0) continue
      const index = i + other.base
      if (index < this.base || index >= this.base + this.counts.length) this.grow(index)
      this.counts[index - this.base] = (this.counts[index - this.base] as number) + n
    }
    this.count += other.count
    this.sum += other.sum
    this.underflow += other.underflow
    this.min = Math.min(this.min, other.min)
    this.max = Math.max(this.max, other.max)
  }

  /** Forgets every value, keeping the allocated buckets. */
  reset(): void {
    this.count = 0
    this.sum = 0
    this.underflow = 0
    this.min = Number.POSITIVE_INFINITY
    this.max = Number.NEGATIVE_INFINITY
    this.counts.fill(0)
  }

  /** Bytes held by the bucket array. */
  get footprint(): number {
    return this.counts.byteLength
  }
}
