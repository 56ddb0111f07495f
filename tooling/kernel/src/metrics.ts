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
