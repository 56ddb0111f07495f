import type { MetricSummary } from './kernel'
/** Label values by label name. Values are stringified; names follow Prometheus rules. */
export type Labels = Readonly<Record<string, string | number | boolean>>

/** Milliseconds from an arbitrary origin, monotonic (`performance.now` by default). */
export type Clock = () => number

/** Options shared by every metric factory on a profiler. */
export interface MetricOptions {
  /** Label values, resolved once: the handle returned records into that one series. */
  labels?: Labels
  /** `# HELP` text in the Prometheus exposition (defaults to the metric name). */
  help?: string
}

/** What a histogram's values are measured in; the Prometheus exposition uses base units. */
export type { HistogramUnit } from './kernel'

import type { HistogramUnit } from './kernel'

/** Options of `histogram()`. */
export interface HistogramOptions extends MetricOptions {
  /**
   * Unit of the recorded values. The exposition converts to the base unit (milliseconds to
   * seconds) and ends the name with it (`_seconds`, `_bytes`). Default: read from a name that
   * ends in `.ms`/`_ms`, `.milliseconds`, `.seconds` or `.bytes`; otherwise none.
   */
  unit?: HistogramUnit
  /**
   * Upper bounds (`le`) of the Prometheus buckets, in the base unit (seconds, bytes),
   * increasing. Default: 0.5 ms to 60 s for durations, 1 KiB to 1 GiB for sizes, prom-client's
   * 0.005–10 otherwise. Each series counts exactly how many values fell under each bound.
   */
  buckets?: readonly number[]
}

/** A monotonically increasing count. */
export interface CounterHandle {
  /** Adds `n` (default 1); `n` must be finite and ≥ 0. */
  inc(n?: number): void
  readonly value: number
}

/** A value that goes up and down. */
export interface GaugeHandle {
  /** Sets the value; it must be finite. */
  set(value: number): void
  inc(n?: number): void
  dec(n?: number): void
  readonly value: number
}

/** Summary of a distribution; quantiles are within 1% of the exact sorted quantile. */
export interface DistributionStats {
  count: number
  sum: number
  min: number
  max: number
  mean: number
  p50: number
  p90: number
  p99: number
}

/** A distribution of non-negative values with bounded memory. */
export interface HistogramHandle {
  /** Records one value; it must be finite and ≥ 0. */
  record(value: number): void
  /** The value at quantile `q` in [0, 1]. */
  quantile(q: number): number
  stats(): DistributionStats
  readonly count: number
}

export type MetricType = 'counter' | 'gauge' | 'histogram'

export interface CounterSnapshot {
  name: string
  labels: Record<string, string>
  value: number
}

export type GaugeSnapshot = CounterSnapshot

export interface HistogramSnapshot extends DistributionStats {
  name: string
  labels: Record<string, string>
}

/** One node of the stage tree built from nested spans; times are in milliseconds. */
export interface StageSnapshot {
  name: string
  /** Names from the root down to this stage, joined with `/`. */
  path: string
  count: number
  errors: number
  /** Wall time spent inside this stage, children included. */
  totalMs: number
  /** `totalMs` minus the time covered by direct children (the union of their intervals). */
  selfMs: number
  p50: number
  p90: number
  p99: number
  maxMs: number
  children: StageSnapshot[]
}

/** Pause statistics for one kind of garbage collection. */
export interface GcKindStats {
  count: number
  totalMs: number
  maxMs: number
}

export interface RuntimeSnapshot {
  eventLoopDelay: { minMs: number; meanMs: number; p50Ms: number; p99Ms: number; maxMs: number }
  /** Event-loop utilization in [0, 1] since the collectors started. */
  eventLoopUtilization: number
  gc: Record<string, GcKindStats>
  memory: { rss: number; heapUsed: number; heapTotal: number; external: number }
}

/** A point of the timeline a profiler keeps while it ticks (runtime collection or dashboard). */
export interface TimelinePoint {
  /** Epoch milliseconds. */
  time: number
  /** Counter totals by `name{labels}` key. */
  counters: Record<string, number>
  heapUsed: number
  rss: number
  eventLoopDelayP99Ms: number
  eventLoopUtilization: number
  /** Hit ratio by name (as in `ProfilerSnapshot.hitRatios`) at this point. */
  hitRatios: Record<string, number>
}

/**
 * `hits / (hits + misses)` for every `X.hits` counter that has an `X.misses` sibling, and for
 * every counter or histogram labelled `outcome="hit" | "miss"` (named after the metric).
 */
export interface HitRatio {
  name: string
  hits: number
  misses: number
  ratio: number
}

/** One entry of `ProfilerSnapshot.metrics`: a counter/gauge `value`, or a distribution summary. */
export type { MetricSummary }

/** Everything a profiler knows at one instant, as plain JSON. */
export interface ProfilerSnapshot {
  /** Epoch milliseconds when the snapshot was taken. */
  time: number
  counters: CounterSnapshot[]
  gauges: GaugeSnapshot[]
  histograms: HistogramSnapshot[]
  /**
   * Every series by key (`name` or `name{k="v"}`), and every labelled metric aggregated under
   * its bare name: the `{ metrics }` shape alert rules read (`extract.ms.p95`).
   */
  metrics: Record<string, MetricSummary>
  hitRatios: HitRatio[]
  stages: StageSnapshot[]
  runtime?: RuntimeSnapshot
  timeline: TimelinePoint[]
}

/** Payloads of the events a profiler emits. */
export interface ProfilerEvents {
  /** A span ended (emitted only while someone listens). */
  span: {
    name: string
    path: string
    durationMs: number
    error: boolean
    /** The span's attributes (or its parent's), when it was given some. */
    attributes?: Readonly<Record<string, string>>
  }
  /** The profiler appended a timeline point. */
  tick: TimelinePoint
}

/** One function found in a CPU profile, ranked by self time. */
export interface Hotspot {
  functionName: string
  url: string
  /** 1-based line and column, as editors show them. */
  line: number
  column: number
  /** `url:line:column`, or the function name for native frames. */
  location: string
  selfMs: number
  selfPercent: number
}

export interface CpuProfileResult<T> {
  result: T
  /** Path of the written `.cpuprofile` (Chrome DevTools / speedscope format), when `out` was given. */
  file?: string
  profile: unknown
  hotspots: Hotspot[]
  durationMs: number
  /** The stage (span path) with the most self time while profiling, if any span ran. */
  dominantSpan?: { path: string; selfMs: number; share: number }
}

export interface AllocationSite {
  functionName: string
  url: string
  line: number
  column: number
  location: string
  bytes: number
  percent: number
}

export interface HeapProfileResult<T> {
  result: T
  file?: string
  profile: unknown
  topAllocations: AllocationSite[]
  totalBytes: number
}

export interface CpuProfileOptions {
  /** Write the profile to this path (`.cpuprofile`). */
  out?: string
  /** Sampling interval in microseconds (default 100). */
  samplingIntervalUs?: number
  /** How many hotspots to return (default 10). */
  top?: number
}

export interface HeapProfileOptions {
  out?: string
  /** Average bytes between samples (default 32768). */
  samplingIntervalBytes?: number
  top?: number
}
