// What a histogram is measured in, and the Prometheus bucket boundaries (`le`) it is exposed
// with: base units (seconds, bytes) in the exposition whatever unit the values are recorded in.
import { InvalidOptionError } from './errors'
import { describeValue, HISTOGRAM_UNITS as UNITS } from './kernel'
import type { HistogramUnit } from './types'

/** Default boundaries in the base unit: latencies from 0.5 ms to a minute, sizes 1 KiB–1 GiB. */
const DEFAULT_BUCKETS: Record<'seconds' | 'bytes' | 'none', readonly number[]> = {
  seconds: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  bytes: [
    1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304, 16_777_216, 67_108_864, 268_435_456,
    1_073_741_824,
  ],
  // prom-client's defaults, for values with no unit
  none: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
}

/** Checks a `unit` option. */
export function checkUnit(metric: string, unit: unknown): HistogramUnit | undefined {
  if (unit === undefined) return undefined
  if (typeof unit === 'string' && Object.hasOwn(UNITS, unit)) return unit as HistogramUnit
  throw new InvalidOptionError(
    'unit',
    `unit of "${metric}" must be one of ${Object.keys(UNITS)
      .map((u) => `"${u}"`)
      .join(', ')}, got ${describeValue(unit)}`,
  )
}

/** Checks a `buckets` option: finite, positive, strictly increasing, at most 64 of them. */
export function checkBuckets(metric: string, buckets: unknown): readonly number[] | undefined {
  if (buckets === undefined) return undefined
  const ok =
    Array.isArray(buckets) &&
    buckets.length > 0 &&
    buckets.length <= 64 &&
    buckets.every(
      (b, i) =>
        typeof b === 'number' && Number.isFinite(b) && b > 0 && (i === 0 || b > buckets[i - 1]),
    )
  if (!ok) {
    throw new InvalidOptionError(
      'buckets',
      `buckets of "${metric}" must be 1 to 64 finite, positive, strictly increasing numbers (upper bounds in ` +
        `seconds or bytes), got ${describeValue(buckets)}`,
    )
  }
  return Object.freeze([...(buckets as number[])])
}

/** The boundaries of a histogram in its base unit: the given ones, or its unit's defaults. */
export function bucketsFor(
  unit: HistogramUnit | undefined,
  buckets: readonly number[] | undefined,
): readonly number[] {
  return buckets ?? DEFAULT_BUCKETS[unit ? UNITS[unit].base : 'none']
}

/** Index of the first bound ≥ `value` (`bounds.length` when above them all). */
export function searchBounds(bounds: Float64Array, value: number): number {
  let lo = 0
  let hi = bounds.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (value <= (bounds[mid] as number)) hi = mid
    else lo = mid + 1
  }
  return lo
}

/** Whether two bounds arrays hold the same boundaries. */
export function sameBounds(a: Float64Array, b: Float64Array): boolean {
  if (a === b) return true
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
