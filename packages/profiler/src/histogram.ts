import { InvalidValueError } from './errors'
import { sameBounds, searchBounds } from './histogram-buckets'
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
 *
 * With `bounds` (upper bounds in the unit values are recorded in, increasing), it also counts
 * exactly how many values fell at or under each: the buckets of a Prometheus histogram, which
 * add up across instances (the log-linear buckets do not line up with chosen boundaries).
 */
export class Histogram implements HistogramHandle {
  count = 0
  sum = 0
  min = Number.POSITIVE_INFINITY
  max = Number.NEGATIVE_INFINITY
  private underflow = 0
  private base = 0
  private counts = new Float64Array(0)
  /** Values in (bounds[i - 1], bounds[i]], by i (not cumulative); the rest are above the last. */
  private readonly inBounds: Float64Array
  /** Gets every recorded value while set (the OpenTelemetry bridge's histogram). */
  tap: ((value: number) => void) | undefined = undefined
  /** The bound index of each log bucket (see `boundTable`); undefined without bounds. */
  private readonly boundOf: Uint8Array | undefined

  constructor(
    readonly name = 'histogram',
    readonly bounds: Float64Array = new Float64Array(0),
  ) {
    for (let i = 0; i < bounds.length; i++) {
      const bound = bounds[i] as number
      if (
        !(bound > 0 && bound < Number.POSITIVE_INFINITY) ||
        (i > 0 && bound <= (bounds[i - 1] as number))
      ) {
        throw new RangeError(
          `histogram "${name}": bounds must be finite, positive and increasing, got [${bounds.join(', ')}]`,
        )
      }
    }
    if (bounds.length > 64)
      throw new RangeError(`histogram "${name}": at most 64 bounds, got ${bounds.length}`)
    this.inBounds = new Float64Array(bounds.length)
    this.boundOf = bounds.length > 0 ? boundTable(bounds) : undefined
  }

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
    if (this.tap !== undefined) this.tapValue(value)
    if (value < this.min) this.min = value
    if (value > this.max) this.max = value
    if (value < LOWEST) {
      if (this.bounds.length > 0) this.countInBounds(searchBounds(this.bounds, value))
      this.underflow++
      return
    }
    const index = value > HIGHEST ? HIGHEST_INDEX : bucketIndex(value)
    const bound = this.boundOf
    if (bound !== undefined) {
      // the log bucket tells the bound, but for the few buckets a bound cuts in two
      const at = bound[index - LOWEST_INDEX] as number
      this.countInBounds(at === CUT ? searchBounds(this.bounds, value) : at)
    }
    const offset = index - this.base
    const counts = this.counts
    if (offset >= 0 && offset < counts.length) counts[offset] = (counts[offset] as number) + 1
    else {
      const index = offset + this.base
      this.grow(index)
      this.counts[index - this.base] = (this.counts[index - this.base] as number) + 1
    }
  }

  /** Hands a value to the tap; a tap that throws never fails the caller's `record`. */
  private tapValue(value: number): void {
    try {
      this.tap?.(value)
    } catch {
      // the OpenTelemetry API does not throw; a broken SDK must not break the caller's work
    }
  }

  /** Counts a value under bound `at` (none when it is above them all). */
  private countInBounds(at: number): void {
    if (at < this.inBounds.length) this.inBounds[at] = (this.inBounds[at] as number) + 1
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

  /**
   * How many values were at or under each bound, in order (cumulative, as Prometheus `le`
   * buckets are); the `+Inf` bucket is `count`.
   */
  cumulative(): number[] {
    const out: number[] = []
    let seen = 0
    for (const n of this.inBounds) {
      seen += n
      out.push(seen)
    }
    return out
  }

  /**
   * The values as a Prometheus native histogram of schema 6 (64 exponential buckets per power of
   * two; bucket `i` holds (2^((i-1)/64), 2^(i/64)]), in the unit `value / per`: each log-linear
   * bucket's count goes to the native bucket that holds its midpoint, so a value may be counted
   * one native bucket off (about 1%). Values under 2^-30 are the zero bucket's.
   */
  nativeBuckets(per = 1): {
    zeroCount: number
    zeroThreshold: number
    buckets: Map<number, number>
  } {
    const buckets = new Map<number, number>()
    const counts = this.counts
    for (let i = 0; i < counts.length; i++) {
      const n = counts[i] as number
      if (n === 0) continue
      const index = Math.ceil(Math.log2(bucketMidpoint(i + this.base) / per) * 64)
      buckets.set(index, (buckets.get(index) ?? 0) + n)
    }
    return { zeroCount: this.underflow, zeroThreshold: LOWEST / per, buckets }
  }

  /**
   * Adds every value of `other` into this histogram. A histogram with bounds takes only one
   * with the same bounds (its bound counts could not be kept exact otherwise); one without
   * bounds takes any.
   */
  merge(other: Histogram): void {
    const same = sameBounds(this.bounds, other.bounds)
    if (!same && this.bounds.length > 0) {
      throw new RangeError(
        `histogram "${this.name}" cannot merge "${other.name}": their bucket bounds differ`,
      )
    }
    if (other.count === 0) return
    if (same) {
      for (let i = 0; i < other.inBounds.length; i++) {
        this.inBounds[i] = (this.inBounds[i] as number) + (other.inBounds[i] as number)
      }
    }
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
    this.inBounds.fill(0)
  }

  /** Bytes held by the bucket arrays. */
  get footprint(): number {
    return this.counts.byteLength + this.inBounds.byteLength
  }
}

/** A log bucket that a bound cuts in two: its values are compared with the bounds. */
const CUT = 255
const tables = new WeakMap<Float64Array, Uint8Array>()

function bucketLowerEdge(index: number): number {
  words[HI] = (index << SHIFT) >>> 0
  words[1 - HI] = 0
  return scratch[0] as number
}

/**
 * For every log bucket from 2^-30 up, the index of the first bound at or above all its values,
 * or `CUT` when a bound lies inside it: `record` then finds a value's Prometheus bucket with
 * one table read instead of a search (at most 64 bounds, so at most 64 buckets are cut). One
 * table per bounds array, shared by every series of a histogram family.
 */
function boundTable(bounds: Float64Array): Uint8Array {
  let table = tables.get(bounds)
  if (table) return table
  table = new Uint8Array(HIGHEST_INDEX - LOWEST_INDEX + 1)
  let next = 0
  for (let index = LOWEST_INDEX; index <= HIGHEST_INDEX; index++) {
    // the bucket holds [lower, upper); the top one also holds everything above 2^60, so a
    // bound up there cuts it too
    const lower = bucketLowerEdge(index)
    const upper = index === HIGHEST_INDEX ? Number.POSITIVE_INFINITY : bucketLowerEdge(index + 1)
    while (next < bounds.length && (bounds[next] as number) < lower) next++
    table[index - LOWEST_INDEX] =
      next < bounds.length && (bounds[next] as number) < upper ? CUT : next
  }
  tables.set(bounds, table)
  return table
}
