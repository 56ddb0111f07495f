// The fleet's latency from every worker's Prometheus exposition: the buckets of one histogram
// summed over the workers, then the quantile as Prometheus' histogram_quantile reads it. Summed
// buckets are what a fleet dashboard aggregates; summaries' quantiles could not be.

/**
 * Cumulative bucket counts of `metric` in an exposition, by `le` (series with other labels are
 * added up too).
 * @param {string} text
 * @param {string} metric
 * @returns {Map<number, number>}
 */
export function bucketsOf(text, metric) {
  const buckets = new Map()
  const line = new RegExp(`^${metric}_bucket\\{(?:[^}]*,)?le="([^"]+)"[^}]*\\} (\\S+)$`, 'gm')
  for (const [, le, count] of text.matchAll(line)) {
    const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le)
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(count))
  }
  return buckets
}

/**
 * `histogram_quantile(q, …)` over cumulative buckets: the bucket the rank falls in, then linear
 * interpolation inside it (from 0 for the first; the lower bound of the `+Inf` bucket for a rank
 * in it). Undefined without observations.
 * @param {number} q
 * @param {Map<number, number>} buckets
 */
export function histogramQuantile(q, buckets) {
  const rows = [...buckets].sort((a, b) => a[0] - b[0])
  const total = rows.at(-1)?.[1] ?? 0
  if (total === 0) return undefined
  const rank = q * total
  let lower = 0
  let below = 0
  for (const [le, count] of rows) {
    if (count >= rank) {
      if (le === Number.POSITIVE_INFINITY) return lower
      return lower + (le - lower) * ((rank - below) / (count - below))
    }
    lower = le
    below = count
  }
  return lower
}

/**
 * p50 and p99 of `extract_duration_seconds` across the workers' expositions, in ms.
 * @param {string[]} expositions
 * @param {string} [prefix]
 */
export function fleetLatency(expositions, prefix = 'mx_') {
  const summed = new Map()
  for (const text of expositions) {
    for (const [le, count] of bucketsOf(text, `${prefix}extract_duration_seconds`)) {
      summed.set(le, (summed.get(le) ?? 0) + count)
    }
  }
  const ms = (q) => {
    const seconds = histogramQuantile(q, summed)
    return seconds === undefined ? undefined : Math.round(seconds * 1e4) / 10
  }
  return { p50Ms: ms(0.5), p99Ms: ms(0.99), documents: summed.get(Number.POSITIVE_INFINITY) ?? 0 }
}
