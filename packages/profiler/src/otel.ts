/**
 * `@mx/profiler/otel`: a profiler's spans and metrics in OpenTelemetry, for the traces and
 * metrics pipelines a fleet already runs (`@opentelemetry/api` is an optional peer; the SDK, its
 * exporters and its context manager are the application's).
 */
import {
  type Attributes,
  type Meter,
  metrics as otelMetrics,
  type Span,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api'
import { InvalidOptionError } from './errors'
import { checkKnownKeys, checkOptionsObject, describeValue, HISTOGRAM_UNITS } from './kernel'
import type { Family } from './metrics'
import { internalsOf, type Profiler } from './profiler'

export interface OtelBridgeOptions {
  /** Tracer the spans go to. Default: `trace.getTracer('@mx/profiler')` (the global provider). */
  tracer?: Tracer
  /**
   * Meter the metrics go to; `false` leaves metrics out. Default:
   * `metrics.getMeter('@mx/profiler')` (the global provider).
   */
  meter?: Meter | false
}

export interface OtelBridge {
  /** Stops: spans are the profiler's alone again, and the metrics stop reporting. */
  close(): void
}

const OPTIONS = ['tracer', 'meter']

/**
 * Bridges a profiler to OpenTelemetry:
 *
 * - every `span(name, fn, attributes)` also runs as an OTel span, active around `fn` (so spans
 *   it starts, and OTel-instrumented libraries it calls, are its children), with the span's
 *   attributes and, when `fn` throws or rejects, the exception and an error status;
 * - counters become observable counters, gauges observable gauges (read at each collection),
 *   and every value a histogram records goes to an OTel histogram, in its base unit (a
 *   histogram recorded in milliseconds is reported in seconds, unit `s`). Names stay the
 *   profiler's (`extract.duration`); labels become attributes.
 *
 * Trace context crosses into `@mx/workers` threads and `@mx/engine`'s BullMQ jobs by itself
 * when `@opentelemetry/api` is installed and a propagator is registered.
 */
export function otelBridge(profiler: Profiler, options: OtelBridgeOptions = {}): OtelBridge {
  checkOptionsObject(options, 'options', 'otelBridge()')
  checkKnownKeys(options, OPTIONS, 'otelBridge()')
  const internals = internalsOf(profiler)
  if (!internals) {
    throw new InvalidOptionError(
      'profiler',
      `otelBridge(): profiler must come from createProfiler(), got ${describeValue(profiler)}`,
    )
  }
  if (options.tracer !== undefined && typeof options.tracer?.startActiveSpan !== 'function') {
    throw new InvalidOptionError(
      'tracer',
      `otelBridge(): tracer must be an OpenTelemetry Tracer, got ${describeValue(options.tracer)}`,
    )
  }
  const meterOption = options.meter
  if (
    meterOption !== undefined &&
    meterOption !== false &&
    typeof meterOption?.createHistogram !== 'function'
  ) {
    throw new InvalidOptionError(
      'meter',
      `otelBridge(): meter must be an OpenTelemetry Meter or false, got ${describeValue(meterOption)}`,
    )
  }
  const tracer = options.tracer ?? trace.getTracer('@mx/profiler')
  const { spans, registry } = internals
  if (spans.wrapper || registry.histogramTap) {
    throw new InvalidOptionError('profiler', 'otelBridge(): this profiler is bridged already')
  }
  spans.wrapper = (name, fn, attributes) =>
    tracer.startActiveSpan(name, attributes ? { attributes } : {}, (span) => runIn(span, fn))

  const meter =
    meterOption === false ? undefined : (meterOption ?? otelMetrics.getMeter('@mx/profiler'))
  let stopMetrics = () => {}
  if (meter) {
    const instruments = new Map<Family, { record(value: number, attributes?: Attributes): void }>()
    registry.setHistogramTap((family, labels) => {
      let histogram = instruments.get(family)
      if (!histogram) {
        const unit = family.unit ? HISTOGRAM_UNITS[family.unit] : undefined
        histogram = meter.createHistogram(family.name, {
          description: family.help,
          ...(unit ? { unit: unit.base === 'seconds' ? 's' : 'By' } : {}),
          ...(family.buckets ? { advice: { explicitBucketBoundaries: [...family.buckets] } } : {}),
        })
        instruments.set(family, histogram)
      }
      const per = family.unit ? HISTOGRAM_UNITS[family.unit].per : 1
      const target = histogram
      return (value) => target.record(value / per, labels)
    })
    // counters and gauges: read when the meter collects, one instrument per family (also for
    // families made after the bridge)
    const callbacks: Array<() => void> = []
    const observe = (family: Family) => {
      if (family.type === 'histogram') return
      const instrument =
        family.type === 'counter'
          ? meter.createObservableCounter(family.name, { description: family.help })
          : meter.createObservableGauge(family.name, { description: family.help })
      const callback = (result: { observe(value: number, attributes?: Attributes): void }) => {
        for (const { labels, metric } of family.series.values()) {
          result.observe((metric as { value: number }).value, labels)
        }
      }
      instrument.addCallback(callback)
      callbacks.push(() => instrument.removeCallback(callback))
    }
    for (const family of registry.families.values()) observe(family)
    registry.onFamily = observe
    stopMetrics = () => {
      registry.onFamily = undefined
      for (const remove of callbacks) remove()
      registry.setHistogramTap(undefined)
    }
  }
  let closed = false
  return {
    close() {
      if (closed) return
      closed = true
      spans.wrapper = undefined
      stopMetrics()
    },
  }
}

/** Runs `fn` as the body of `span`: ends it when `fn` returns or settles, an error recorded. */
function runIn<T>(span: Span, fn: () => T): T {
  const fail = (error: unknown) => {
    span.recordException(error instanceof Error ? error : String(error))
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    })
    span.end()
  }
  let result: T
  try {
    result = fn()
  } catch (error) {
    fail(error)
    throw error
  }
  if (typeof (result as { then?: unknown } | null)?.then === 'function') {
    return Promise.resolve(result).then(
      (value) => {
        span.end()
        return value
      },
      (error: unknown) => {
        fail(error)
        throw error
      },
    ) as T
  }
  span.end()
  return result
}
