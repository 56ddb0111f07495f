// One trace across threads and processes: a span on the main thread, a task on an @mx/workers
// thread, a BullMQ job it enqueues through @mx/engine, and the worker process that extracts it.
// Each side has OpenTelemetry's context manager and W3C propagator (test/fixtures/otel/setup.mjs);
// the packages carry the context themselves, as `traceparent` in the task message and the job.
import { type ChildProcess, fork } from 'node:child_process'
import { createProfiler } from '@mx/profiler'
import { otelBridge } from '@mx/profiler/otel'
import { describeRedis, keyPrefix, redisUrl } from '@mx/testkit'
import { createPool } from '@mx/workers'
import { trace } from '@opentelemetry/api'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, expect, it } from 'vitest'
import './fixtures/otel/setup.mjs'

describeRedis(
  'a trace from the main thread to a worker thread, a BullMQ job and a worker process',
  () => {
    const prefix = keyPrefix(import.meta.url).replace(/:$/, '')
    const queue = { redis: redisUrl(), name: 'traced', prefix }
    let consumer: ChildProcess | undefined

    beforeAll(async () => {
      consumer = fork(new URL('./fixtures/otel/consumer.mjs', import.meta.url), [], {
        env: { ...process.env, REDIS_URL: queue.redis, QUEUE: queue.name, PREFIX: queue.prefix },
        stdio: 'inherit',
      })
      await new Promise<void>((ready, fail) => {
        consumer?.once('message', () => ready())
        consumer?.once('exit', (code) => fail(new Error(`consumer exited with ${code}`)))
      })
    }, 30_000)

    afterAll(async () => {
      if (consumer?.connected) {
        const exited = new Promise((done) => consumer?.once('exit', done))
        consumer.send('stop')
        await exited
      }
      const client = new Redis(queue.redis)
      const keys = await client.keys(`${prefix}*`)
      if (keys.length > 0) await client.del(...keys)
      client.disconnect()
    })

    it('keeps one trace id all the way', async () => {
      const exporter = new InMemorySpanExporter()
      const provider = new BasicTracerProvider({
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      })
      const profiler = createProfiler()
      const bridge = otelBridge(profiler, { tracer: provider.getTracer('test'), meter: false })
      const pool = createPool({
        task: new URL('./fixtures/otel/task.mjs', import.meta.url),
        threads: 1,
      })
      try {
        let traceId: string | undefined
        const seen = await profiler.span('run', async () => {
          traceId = trace.getActiveSpan()?.spanContext().traceId
          return (await pool.run(queue)) as { inThread: string | null; inProcess: string | null }
        })
        expect(traceId).toMatch(/^[0-9a-f]{32}$/)
        expect(seen).toEqual({ inThread: traceId, inProcess: traceId })
        expect(exporter.getFinishedSpans().map((s) => [s.name, s.spanContext().traceId])).toEqual([
          ['run', traceId],
        ])
      } finally {
        await pool.close()
        bridge.close()
        profiler.close()
      }
    }, 30_000)
  },
)
