// One worker process: an engine whose cache has the shared Redis tier and bus (the `redis`
// option), serving the BullMQ queue. It talks to the producer over the IPC channel of fork():
// `ready` once it takes jobs; on `stop` it finishes its running jobs and answers `stats`.
import { createServer } from 'node:http'
import { createEngine, serveQueue } from '@mx/engine'
import { createProfiler } from '@mx/profiler'

const { REDIS_URL, MX_QUEUE, MX_PREFIX, MX_LEVEL, MX_CRASH_AT, MX_METRICS_PORT } = process.env
// --crash-worker: die (SIGKILL, no cleanup) inside this job, before BullMQ hears of its result.
const crashAt = Number(MX_CRASH_AT || 0)

// Its metrics, for Prometheus (`--metrics-port`) and for the producer's fleet latency.
const profiler = createProfiler({ prefix: 'mx_' })
const engine = createEngine({
  extractor: new URL('./extractor.mjs', import.meta.url),
  profiler,
  // Checked by the engine: an unknown level throws MX_INVALID_OPTION naming `level`.
  level: /** @type {import('@mx/engine').LevelName} */ (MX_LEVEL || 'standard'),
  redis: REDIS_URL,
  redisPrefix: `${MX_PREFIX}:cache:`,
})
const counts = { documents: 0, ok: 0, failed: 0, fromCache: 0, elementsExtracted: 0 }
engine.on('document', (result) => {
  counts.documents++
  if (counts.documents === crashAt) process.kill(process.pid, 'SIGKILL')
  if (!result.ok) {
    counts.failed++
    return
  }
  counts.ok++
  counts.elementsExtracted += result.stats.extracted
  if (result.stats.source === 'document-cache') counts.fromCache++
})

// Load the extractor now, not in the first job.
await engine.ready()
// GET /metrics: what a Prometheus scraping the fleet reads (prometheus.yml lists the ports).
const metrics = MX_METRICS_PORT
  ? createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end()
        return
      }
      engine.report() // brings the gauges up to date
      res.setHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8')
      res.end(profiler.toPrometheus())
    }).listen(Number(MX_METRICS_PORT), '127.0.0.1')
  : undefined
const server = await serveQueue(engine, {
  redis: REDIS_URL,
  name: MX_QUEUE,
  prefix: MX_PREFIX,
  // The job of a worker that died goes to another after its lock expires: seconds, not
  // BullMQ's default 30 s. A live worker renews its locks every lockDuration / 2.
  lockDuration: 5000,
  stalledInterval: 2500,
})
// Started by fork() (workers.mjs): the IPC channel is there.
const send = /** @type {NonNullable<typeof process.send>} */ (process.send).bind(process)
send({ type: 'ready', pid: process.pid })

process.on('message', async (/** @type {{ type?: string } | undefined} */ message) => {
  if (message?.type !== 'stop') return
  await server.close()
  metrics?.close()
  const tiers = engine.report().cache?.tiers ?? []
  const exposition = profiler.toPrometheus()
  await engine.close()
  profiler.close()
  send({ type: 'stats', pid: process.pid, ...counts, tiers, exposition }, undefined, {}, () =>
    process.exit(0),
  )
})
// The producer went away without a word: stop taking jobs; BullMQ re-queues any we held.
process.on('disconnect', () => process.exit(1))
