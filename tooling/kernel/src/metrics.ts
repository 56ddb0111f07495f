/**
 * One metric as a snapshot gives it: a counter or gauge `value`, or a distribution summary
 * (count, sum, min, max, mean, percentiles), with its labels. `@mx/profiler`'s snapshots are made
 * of these, and `@mx/alerts`' rules read them.
 */
export interface MetricSummary {
  value?: number
  count?: number
  sum?: number
  min?: number
  max?: number
  mean?: number
  p50?: number
  p90?: number
  p95?: number
  p99?: number
  labels?: Record<string, string>
}

/** Units a histogram may be recorded in; the Prometheus exposition uses the base unit. */
export type HistogramUnit = 'seconds' | 'milliseconds' | 'bytes'

/** Each unit's Prometheus base unit, and how many recorded units make one base unit. */
export const HISTOGRAM_UNITS: Record<HistogramUnit, { base: 'seconds' | 'bytes'; per: number }> = {
  // dividing by 1000 keeps 31.5 ms at 0.0315 s, where multiplying by 0.001 drifts in binary
  seconds: { base: 'seconds', per: 1 },
  milliseconds: { base: 'seconds', per: 1000 },
  bytes: { base: 'bytes', per: 1 },
}

/** The unit a histogram name's suffix says (`.ms`/`_ms`, `.milliseconds`, `.seconds`, `.bytes`). */
export function unitFromName(name: string): HistogramUnit | undefined {
  if (/[._](ms|milliseconds)$/.test(name)) return 'milliseconds'
  if (/[._]seconds$/.test(name)) return 'seconds'
  if (/[._]bytes$/.test(name)) return 'bytes'
  return undefined
}

/**
 * A metric name as `@mx/profiler` exposes it to Prometheus, before any prefix: dots become
 * underscores, camelCase snake_case (`cache.hitRatio` is `cache_hit_ratio`), and a histogram
 * with a unit ends in its base unit (`lookup_ms` is `lookup_seconds`, a `duration` recorded in
 * milliseconds `duration_seconds`). Counters get `_total` on top, which is the exposition's.
 */
export function prometheusName(name: string, unit?: HistogramUnit): string {
  const snake = name
    .replace(/\./g, '_')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
  if (!unit) return snake
  return `${snake.replace(/_(ms|milliseconds|seconds|bytes)$/, '')}_${HISTOGRAM_UNITS[unit].base}`
}
