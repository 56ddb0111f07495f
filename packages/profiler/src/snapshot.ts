import type { Counter } from './counter-gauge'
import { Histogram } from './histogram'
import type { Family, Registry } from './metrics'
import type {
  HitRatio,
  MetricSummary,
  ProfilerSnapshot,
  RuntimeSnapshot,
  TimelinePoint,
} from './types'

/** `name` for an unlabelled series, `name{k="v",…}` otherwise (label names sorted). */
export function seriesKey(name: string, labels: Record<string, string>): string {
  const entries = Object.entries(labels)
  return entries.length ? `${name}{${entries.map(([k, v]) => `${k}="${v}"`).join(',')}}` : name
}

function counterTotal(family: Family | undefined): number {
  if (!family) return 0
  let total = 0
  for (const series of family.series.values()) total += (series.metric as Counter).value
  return total
}

function seriesCount(metric: unknown): number {
  return metric instanceof Histogram ? metric.count : (metric as Counter).value
}

/** Hits and misses of a family labelled `outcome="hit"|"miss"` (as `@mx/cache` records). */
function outcomeTotals(family: Family): { hits: number; misses: number } | undefined {
  if (family.type === 'gauge' || !family.labelNames.includes('outcome')) return undefined
  let hits = 0
  let misses = 0
  for (const { labels, metric } of family.series.values()) {
    if (labels.outcome === 'hit' || labels.outcome === 'hits') hits += seriesCount(metric)
    else if (labels.outcome === 'miss' || labels.outcome === 'misses') misses += seriesCount(metric)
  }
  return hits + misses > 0 ? { hits, misses } : undefined
}

/**
 * Hit ratios: every `X.hits` (or `X_hits`) counter with its `X.misses` sibling, and every
 * counter or histogram labelled `outcome="hit" | "miss"`.
 */
export function hitRatios(registry: Registry): HitRatio[] {
  const out: HitRatio[] = []
  const push = (name: string, hits: number, misses: number) => {
    const total = hits + misses
    out.push({ name, hits, misses, ratio: total ? hits / total : 0 })
  }
  for (const family of registry.families.values()) {
    const byOutcome = outcomeTotals(family)
    if (byOutcome) push(family.name, byOutcome.hits, byOutcome.misses)
    const match = /^(.*)[._]hits$/.exec(family.name)
    if (family.type !== 'counter' || !match) continue
    const base = match[1] as string
    const misses =
      registry.families.get(`${base}.misses`) ?? registry.families.get(`${base}_misses`)
    if (misses?.type !== 'counter') continue
    push(base, counterTotal(family), counterTotal(misses))
  }
  return out
}

function summary(histogram: Histogram, labels?: Record<string, string>): MetricSummary {
  return { ...histogram.stats(), p95: histogram.quantile(0.95), ...(labels ? { labels } : {}) }
}

type MetricParts = Pick<ProfilerSnapshot, 'counters' | 'gauges' | 'histograms' | 'metrics'>

/**
 * Every series as lists, plus the flat `metrics` map alert rules read: one entry per series
 * key, and for a labelled metric one more under its bare name aggregating all its series
 * (counters and gauges summed, histograms merged).
 */
export function collectMetrics(registry: Registry): MetricParts {
  const parts: MetricParts = { counters: [], gauges: [], histograms: [], metrics: {} }
  for (const family of registry.families.values()) {
    const labelled = family.labelNames.length > 0
    let merged: Histogram | undefined
    let total = 0
    for (const { labels, metric } of family.series.values()) {
      const key = seriesKey(family.name, labels)
      if (family.type === 'histogram') {
        const histogram = metric as Histogram
        parts.histograms.push({ name: family.name, labels: { ...labels }, ...histogram.stats() })
        parts.metrics[key] = summary(histogram, labelled ? { ...labels } : undefined)
        if (labelled) {
          merged ??= new Histogram(family.name)
          merged.merge(histogram)
        }
      } else {
        const value = (metric as Counter).value
        const list = family.type === 'counter' ? parts.counters : parts.gauges
        list.push({ name: family.name, labels: { ...labels }, value })
        parts.metrics[key] = labelled ? { value, labels: { ...labels } } : { value }
        total += value
      }
    }
    if (labelled) {
      parts.metrics[family.name] = merged ? summary(merged) : { value: total }
    }
  }
  return parts
}

/**
 * One point of the profiler's timeline: every counter's value, memory (from the runtime
 * collector's last reading, or `process.memoryUsage()` without one), event-loop delay and
 * utilisation, and the hit ratios.
 */
export function timelinePoint(
  registry: Registry,
  stats: RuntimeSnapshot | undefined,
): TimelinePoint {
  const memory = stats?.memory ?? process.memoryUsage()
  const counters: Record<string, number> = {}
  for (const family of registry.families.values()) {
    if (family.type !== 'counter') continue
    for (const { labels, metric } of family.series.values()) {
      counters[seriesKey(family.name, labels)] = (metric as Counter).value
    }
  }
  return {
    time: Date.now(),
    counters,
    heapUsed: memory.heapUsed,
    rss: memory.rss,
    eventLoopDelayP99Ms: stats?.eventLoopDelay.p99Ms ?? 0,
    eventLoopUtilization: stats?.eventLoopUtilization ?? 0,
    hitRatios: Object.fromEntries(hitRatios(registry).map((r) => [r.name, r.ratio])),
  }
}
