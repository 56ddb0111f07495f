import { thrown } from '@mx/testkit'
import { context, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  type DataPoint,
  MeterProvider,
  MetricReader,
  type Histogram as OtelHistogram,
} from '@opentelemetry/sdk-metrics'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProfiler, InvalidOptionError } from '../src/index'
import { otelBridge } from '../src/otel'

/** A reader the test collects from on demand. */
class TestReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

const exporter = new InMemorySpanExporter()
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
const tracer = provider.getTracer('test')
const manager = new AsyncLocalStorageContextManager()

beforeAll(() => {
  manager.enable()
  context.setGlobalContextManager(manager)
})
afterAll(() => {
  context.disable()
})

describe('otelBridge: spans', () => {
  it('makes every span an OTel span, nested as the spans are, with attributes and errors', async () => {
    exporter.reset()
    const p = createProfiler()
    const bridge = otelBridge(p, { tracer, meter: false })
    let insideTrace: string | undefined
    await p.span(
      'extract',
      async () => {
        await p.span('parse', async () => {
          await new Promise((done) => setTimeout(done, 2))
          // what an OTel-instrumented library called from here sees
          insideTrace = trace.getActiveSpan()?.spanContext().traceId
        })
        p.span('count', () => 3)
        await p
          .span('fail', async () => {
            throw new Error('no such file')
          })
          .catch(() => {})
      },
      { correlationId: 'c-1' },
    )
    bridge.close()
    p.span('after', () => 1) // not bridged any more
    p.close()
    const spans = exporter.getFinishedSpans()
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]))
    expect(Object.keys(byName).sort()).toEqual(['count', 'extract', 'fail', 'parse'])
    const root = byName.extract
    expect(root?.attributes).toEqual({ correlationId: 'c-1' })
    for (const child of ['parse', 'count', 'fail']) {
      expect(byName[child]?.spanContext().traceId).toBe(root?.spanContext().traceId)
      expect(byName[child]?.parentSpanContext?.spanId).toBe(root?.spanContext().spanId)
    }
    // attributes stay on the span they were given to, as OTel has it (the profiler's own span
    // events also repeat them on nested spans)
    expect(byName.parse?.attributes).toEqual({})
    expect(insideTrace).toBe(root?.spanContext().traceId)
    expect(byName.fail?.status).toMatchObject({ code: 2, message: 'no such file' })
    expect(byName.fail?.events.map((e) => e.name)).toEqual(['exception'])
    // the profiler's own stage tree is still there
    expect(p.snapshot().stages[0]?.name).toBe('extract')
  })

  it('bridges a profiler whose own span recording is off', () => {
    exporter.reset()
    const p = createProfiler({ spans: false })
    const bridge = otelBridge(p, { tracer, meter: false })
    expect(p.span('only-otel', () => 'value')).toBe('value')
    bridge.close()
    p.close()
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['only-otel'])
  })

  it('refuses what it cannot bridge, naming the option', () => {
    const p = createProfiler()
    expect(thrown(() => otelBridge({} as never))).toMatchObject({ option: 'profiler' })
    expect(thrown(() => otelBridge(p, { tracer: {} as never }))).toMatchObject({ option: 'tracer' })
    expect(thrown(() => otelBridge(p, { meter: 1 as never }))).toMatchObject({ option: 'meter' })
    expect(thrown(() => otelBridge(p, { tracr: tracer } as never))).toBeInstanceOf(
      InvalidOptionError,
    )
    const bridge = otelBridge(p, { tracer, meter: false })
    expect(thrown(() => otelBridge(p, { tracer }))).toMatchObject({ option: 'profiler' })
    bridge.close()
    p.close()
  })
})

describe('otelBridge: metrics', () => {
  it('reports counters, gauges and histograms (in base units) to a Meter', async () => {
    const reader = new TestReader()
    const meterProvider = new MeterProvider({ readers: [reader] })
    const p = createProfiler()
    p.counter('documents.ok').inc(2)
    const bridge = otelBridge(p, { tracer, meter: meterProvider.getMeter('test') })
    // made after the bridge: reported too
    p.gauge('queue.depth', { labels: { lane: 'normal' } }).set(7)
    const h = p.histogram('extract.duration', { unit: 'milliseconds', buckets: [0.01, 0.1, 1] })
    for (const ms of [5, 50, 500, 5000]) h.record(ms)
    p.record('mx_cache_lookup_ms', 2, { outcome: 'miss' })
    p.counter('documents.ok').inc()
    const { resourceMetrics } = await reader.collect()
    const metrics = Object.fromEntries(
      resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]),
    )
    expect(metrics['documents.ok']?.dataPoints.map((d) => d.value)).toEqual([3])
    expect(metrics['queue.depth']?.dataPoints.map((d) => [d.attributes, d.value])).toEqual([
      [{ lane: 'normal' }, 7],
    ])
    const duration = metrics['extract.duration']
    expect(duration?.descriptor.unit).toBe('s')
    const point = duration?.dataPoints[0] as DataPoint<OtelHistogram>
    expect(point.value.count).toBe(4)
    expect(point.value.sum).toBeCloseTo(5.555, 10)
    expect(point.value.buckets.boundaries).toEqual([0.01, 0.1, 1])
    expect(point.value.buckets.counts).toEqual([1, 1, 1, 1])
    const lookups = metrics.mx_cache_lookup_ms?.dataPoints[0] as DataPoint<OtelHistogram>
    expect([lookups.attributes, lookups.value.sum]).toEqual([{ outcome: 'miss' }, 0.002])
    bridge.close()
    h.record(1) // after close: no longer reported
    const after = await reader.collect()
    const again = after.resourceMetrics.scopeMetrics.flatMap((s) => s.metrics)
    const last = again.find((m) => m.descriptor.name === 'extract.duration')
      ?.dataPoints[0] as DataPoint<OtelHistogram>
    expect(last.value.count).toBe(4)
    await meterProvider.shutdown()
    p.close()
  })
})
