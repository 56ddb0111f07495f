// The bridge's spans exported over OTLP/HTTP, as to an OpenTelemetry Collector. No Collector can
// be installed here (it is on neither npm nor Debian's archive), so the receiver is a plain HTTP
// server in the test that reads what the SDK's OTLP/HTTP exporter posts to /v1/traces (OTLP JSON).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createProfiler } from '@mx/profiler'
import { otelBridge } from '@mx/profiler/otel'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { expect, it } from 'vitest'
import './fixtures/otel/setup.mjs'

interface OtlpSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  attributes?: Array<{ key: string; value: { stringValue?: string } }>
  status?: { code?: number; message?: string }
}

it('exports the profiler spans over OTLP/HTTP, one trace, parents and attributes kept', async () => {
  const received: Array<{ path: string | undefined; type: string | undefined; body: string }> = []
  const receiver = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk) => {
      body += chunk
    })
    req.on('end', () => {
      received.push({ path: req.url, type: req.headers['content-type'], body })
      res.setHeader('content-type', 'application/json')
      res.end('{}')
    })
  })
  await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done))
  const { port } = receiver.address() as AddressInfo
  const provider = new BasicTracerProvider({
    spanProcessors: [
      new SimpleSpanProcessor(new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces` })),
    ],
  })
  const profiler = createProfiler()
  const bridge = otelBridge(profiler, { tracer: provider.getTracer('mx'), meter: false })
  try {
    await profiler.span(
      'extract',
      async () => {
        await profiler.span('parse', async () => {})
        await profiler
          .span('document', async () => {
            throw new Error('bad front matter')
          })
          .catch(() => {})
      },
      { correlationId: 'c-7' },
    )
    await provider.forceFlush()
  } finally {
    bridge.close()
    profiler.close()
    await provider.shutdown()
    await new Promise((done) => receiver.close(done))
  }
  expect(received.length).toBeGreaterThan(0)
  expect(received.every((r) => r.path === '/v1/traces')).toBe(true)
  expect(received[0]?.type).toContain('application/json')
  const spans: OtlpSpan[] = received.flatMap((r) =>
    (
      JSON.parse(r.body) as {
        resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }>
      }
    ).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)),
  )
  const byName = Object.fromEntries(spans.map((s) => [s.name, s]))
  expect(Object.keys(byName).sort()).toEqual(['document', 'extract', 'parse'])
  const root = byName.extract as OtlpSpan
  expect(root.traceId).toMatch(/^[0-9a-f]{32}$/)
  for (const child of ['parse', 'document']) {
    expect(byName[child]?.traceId).toBe(root.traceId)
    expect(byName[child]?.parentSpanId).toBe(root.spanId)
  }
  expect(root.attributes).toEqual([{ key: 'correlationId', value: { stringValue: 'c-7' } }])
  expect(byName.document?.status).toMatchObject({ code: 2, message: 'bad front matter' })
})
