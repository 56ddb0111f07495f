import { performance } from 'node:perf_hooks'
import EventEmitter from 'eventemitter3'
import type { Histogram } from './histogram'
import { Registry } from './metrics'
import { profileCpu, profileHeap } from './profile-runs'
import { resolveOptions } from './profiler-options'
import {
  checkPrometheusOptions,
  type PrometheusOptions,
  prefersProtobuf,
  TEXT_CONTENT_TYPE,
  toPrometheus,
} from './prometheus'
import { PROTOBUF_CONTENT_TYPE, toPrometheusProtobuf } from './prometheus-protobuf'
import { type RuntimeCollector, startRuntimeCollector } from './runtime'
import { collectMetrics, hitRatios, timelinePoint } from './snapshot'
import { type SpanAttributes, SpanTracker } from './spans'
import { followTracingChannels } from './trace-channels'
import type {
  Clock,
  CounterHandle,
  CpuProfileOptions,
  CpuProfileResult,
  GaugeHandle,
  HeapProfileOptions,
  HeapProfileResult,
  HistogramHandle,
  HistogramOptions,
  Labels,
  MetricOptions,
  ProfilerEvents,
  ProfilerSnapshot,
  RuntimeSnapshot,
  TimelinePoint,
} from './types'

export interface ProfilerOptions {
  /** Start the runtime collectors (event loop, GC, memory) and the timeline ticker. Default false. */
  collectRuntime?: boolean
  /** Record spans into the stage tree. With false, `span()` only times work when a diagnostics_channel subscriber listens. Default true. */
  spans?: boolean
  /** Milliseconds between timeline points while collecting runtime stats. Default 1000. */
  intervalMs?: number
  /** Timeline points kept (a ring). Default 300. */
  timelineSize?: number
  /** Prefix of every name in the Prometheus exposition, e.g. `mx_`. Default none. */
  prefix?: string
  /** Clock for span durations, in milliseconds. Default `performance.now`. */
  now?: Clock
  /**
   * `diagnostics_channel` tracing channels to follow (e.g. `mx:cache:factory`): each traced
   * call becomes a stage named after the channel under the span that made it.
   */
  traceChannels?: readonly string[]
}

/** Metrics, spans, runtime stats and profiles of one process. */
export interface Profiler {
  counter(name: string, options?: MetricOptions): CounterHandle
  gauge(name: string, options?: MetricOptions): GaugeHandle
  /** A histogram series; with `labels`, the returned handle is bound to those values. */
  histogram(name: string, options?: HistogramOptions): HistogramHandle
  /**
   * Records `value` into histogram `name`: the `{ record(name, value, labels?) }` sink other
   * mx packages accept. Label sets may differ between calls (missing labels read as `""`).
   */
  record(name: string, value: number, labels?: Labels): void
  /**
   * Runs `fn` as a stage nested under the current span and returns its result. `attributes`
   * (string values such as a correlation id) go with its `span` events and diagnostics_channel
   * messages, and with those of the spans nested under it.
   */
  span<T>(name: string, fn: () => T, attributes?: SpanAttributes): T
  /** Path of the span the caller runs in (`parse/tokenize`), or undefined. */
  currentSpan(): string | undefined
  snapshot(): ProfilerSnapshot
  /**
   * Every metric in the Prometheus text format. Histograms are classic histograms (exact
   * counts under each bucket bound, summable across instances), or summaries with
   * `{ histograms: 'summary' }`; either way in base units (seconds, bytes).
   */
  toPrometheus(options?: PrometheusOptions): string
  /**
   * Every metric in the Prometheus protobuf format: histograms with their classic buckets and as
   * native histograms (schema 6), for a Prometheus run with `--enable-feature=native-histograms`.
   */
  toPrometheusProtobuf(): Uint8Array
  /**
   * What a `/metrics` endpoint answers: the protobuf format when the scraper's `Accept` header
   * prefers it (Prometheus with native histograms does), the text format otherwise.
   */
  exposition(
    accept?: string,
    options?: PrometheusOptions,
  ): { contentType: string; body: string | Uint8Array }
  /** Appends a timeline point now and emits `tick`. */
  tick(): TimelinePoint
  /** True while the profiler appends timeline points on its own. */
  readonly ticking: boolean
  cpuProfile<T>(fn: () => Promise<T> | T, options?: CpuProfileOptions): Promise<CpuProfileResult<T>>
  heapProfile<T>(
    fn: () => Promise<T> | T,
    options?: HeapProfileOptions,
  ): Promise<HeapProfileResult<T>>
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends keyof ProfilerEvents>(
    event: E,
    listener: (payload: ProfilerEvents[E]) => void,
  ): () => void
  /** Stops the collectors, the ticker and following trace channels. */
  close(): void
}

/** Creates a profiler. Options are checked up front and throw `InvalidOptionError`. */
export function createProfiler(options: ProfilerOptions = {}): Profiler {
  const { intervalMs, timelineSize, prefix, traceChannels } = resolveOptions(options)
  const now = options.now ?? (() => performance.now())
  const events = new EventEmitter()
  const registry = new Registry()
  const spans = new SpanTracker(now, options.spans ?? true)
  const emitSpan = (end: ProfilerEvents['span']) => events.emit('span', end)
  const unfollow = traceChannels.length ? followTracingChannels(traceChannels, spans) : undefined
  const timeline: TimelinePoint[] = []
  let runtime: RuntimeCollector | undefined
  let lastRuntime: RuntimeSnapshot | undefined
  let timer: NodeJS.Timeout | undefined
  const recordHandles = new Map<string, Histogram>()

  const readRuntime = () => {
    if (runtime) lastRuntime = runtime.read()
    return lastRuntime
  }

  const profiler: Profiler = {
    counter: (name, metricOptions) => registry.get('counter', name, metricOptions),
    gauge: (name, metricOptions) => registry.get('gauge', name, metricOptions),
    histogram: (name, metricOptions) => registry.get('histogram', name, metricOptions),
    record(name, value, labels) {
      if (labels && Object.keys(labels).length) {
        registry.getWidening('histogram', name, labels).record(value)
        return
      }
      let handle = recordHandles.get(name)
      if (!handle) {
        handle = registry.getWidening('histogram', name)
        recordHandles.set(name, handle)
      }
      handle.record(value)
    },
    span: (name, fn, attributes) => spans.run(name, fn, attributes),
    currentSpan: () => spans.currentPath(),
    snapshot() {
      const runtimeStats = readRuntime()
      return {
        time: Date.now(),
        ...collectMetrics(registry),
        hitRatios: hitRatios(registry),
        stages: spans.snapshot(),
        ...(runtimeStats ? { runtime: runtimeStats } : {}),
        timeline: timeline.map((point) => ({
          ...point,
          counters: { ...point.counters },
          hitRatios: { ...point.hitRatios },
        })),
      }
    },
    toPrometheus(exposition) {
      checkPrometheusOptions(exposition)
      readRuntime()
      return toPrometheus(registry, prefix, exposition)
    },
    toPrometheusProtobuf() {
      readRuntime()
      return toPrometheusProtobuf(registry, prefix)
    },
    exposition(accept, exposition) {
      if (prefersProtobuf(accept)) {
        return { contentType: PROTOBUF_CONTENT_TYPE, body: profiler.toPrometheusProtobuf() }
      }
      return { contentType: TEXT_CONTENT_TYPE, body: profiler.toPrometheus(exposition) }
    },
    tick() {
      const point = timelinePoint(registry, readRuntime())
      timeline.push(point)
      if (timeline.length > timelineSize) timeline.splice(0, timeline.length - timelineSize)
      events.emit('tick', point)
      return point
    },
    get ticking() {
      return timer !== undefined
    },
    cpuProfile: (fn, profileOptions) => profileCpu(spans, fn, profileOptions),
    heapProfile: (fn, profileOptions) => profileHeap(fn, profileOptions),
    on(event, listener) {
      events.on(event, listener)
      if (event === 'span') spans.onEnd = emitSpan
      return () => {
        events.off(event, listener)
        if (events.listenerCount('span') === 0) spans.onEnd = undefined
      }
    },
    close() {
      if (timer) clearInterval(timer)
      timer = undefined
      runtime?.stop()
      runtime = undefined
      unfollow?.()
    },
  }

  if (options.collectRuntime) {
    runtime = startRuntimeCollector(registry)
    timer = setInterval(() => profiler.tick(), intervalMs)
    timer.unref()
  }
  Object.defineProperty(profiler, INTERNALS, { value: { spans, registry } })
  return profiler
}

/**
 * Where `@mx/profiler/otel` finds a profiler's span tracker and registry: a registered symbol,
 * so a profiler made by the CommonJS build is found by the ESM one and the other way round.
 */
export const INTERNALS: unique symbol = Symbol.for('mx.profiler.internals') as never

/** A profiler's span tracker and metric registry; undefined for one `createProfiler` did not make. */
export function internalsOf(
  profiler: Profiler,
): { spans: SpanTracker; registry: Registry } | undefined {
  return (profiler as unknown as Record<symbol, { spans: SpanTracker; registry: Registry }>)[
    INTERNALS
  ]
}
