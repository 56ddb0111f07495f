#!/usr/bin/env node
// mx distributed: a producer and worker processes on BullMQ. The producer (this process) puts
// the Markdown files of a folder on a queue; each worker process runs them through its own
// engine, whose cache shares a Redis tier and bus with the others. Run it twice: the second run
// is served from the Redis tier.
import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { folderDocuments, readCorpus } from '@mx/corpus'
import { extractViaQueue } from '@mx/engine'
import { Redis } from 'ioredis'
import { fleetLatency } from './fleet-latency.mjs'
import { startWorker, stopWorker } from './workers.mjs'

const usage = `usage: node src/main.mjs [dir] [--workers N] [--redis URL] [--queue NAME] [--prefix P] [--level L] [--json]

  dir        folder of Markdown files (default: this workspace)
  --workers  worker processes (default 2)
  --redis    Redis URL (default: REDIS_URL or redis://127.0.0.1:6379)
  --queue    BullMQ queue name (default mx-documents)
  --prefix   Redis key prefix of the queue and the cache (default mx-distributed)
  --level    engine level of the workers (default standard)
  --json     print the summary as JSON
  --crash-worker N  worker 1 kills itself in the middle of its Nth job: its jobs go to the others
  --metrics-port N  worker i serves Prometheus metrics on 127.0.0.1:N+i-1 (see prometheus.yml)`

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    workers: { type: 'string', default: '2' },
    redis: { type: 'string', default: process.env.REDIS_URL || 'redis://127.0.0.1:6379' },
    queue: { type: 'string', default: 'mx-documents' },
    prefix: { type: 'string', default: 'mx-distributed' },
    level: { type: 'string', default: 'standard' },
    json: { type: 'boolean', default: false },
    'crash-worker': { type: 'string', default: '0' },
    'metrics-port': { type: 'string', default: '0' },
    help: { type: 'boolean', short: 'h', default: false },
  },
})
const workerCount = Number(values.workers)
const metricsPort = Number(values['metrics-port'])
const badPort = !Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535
if (values.help || !Number.isInteger(workerCount) || workerCount < 1 || badPort) {
  console.log(usage)
  process.exit(values.help ? 0 : 2)
}
const dir = resolve(positionals[0] ?? new URL('../../..', import.meta.url).pathname)
if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
  console.error(`not a folder: ${dir}`)
  process.exit(2)
}
// The .md files under dir (node_modules, .git, dist and caches skipped), sorted by id.
const files = await folderDocuments(dir)
// Fail fast with a hint: BullMQ would otherwise wait for Redis forever.
const probe = new Redis(values.redis, { lazyConnect: true, retryStrategy: () => null })
probe.on('error', () => {})
try {
  await probe.connect()
  await probe.ping()
} catch {
  console.error(`no Redis answers at ${values.redis}: start one, or pass --redis URL / REDIS_URL`)
  process.exit(1)
} finally {
  probe.disconnect()
}
const log = values.json ? () => {} : (line) => console.log(line)
log(`mx distributed: ${files.length} Markdown documents under ${dir}`)
log(`queue ${values.queue} on ${values.redis}, ${workerCount} worker processes`)

const env = {
  REDIS_URL: values.redis,
  MX_QUEUE: values.queue,
  MX_PREFIX: values.prefix,
  MX_LEVEL: values.level,
}
const crashAt = values['crash-worker']
const workers = await Promise.all(
  Array.from({ length: workerCount }, (_, i) =>
    startWorker({
      ...env,
      ...(i === 0 ? { MX_CRASH_AT: crashAt } : {}),
      ...(metricsPort > 0 ? { MX_METRICS_PORT: String(metricsPort + i) } : {}),
    }),
  ),
)
const results = []
const started = performance.now()
try {
  // Read one file when the producer pulls the next document; as text, which the queue carries.
  const source = readCorpus(files, { text: true })
  const options = { redis: values.redis, name: values.queue, prefix: values.prefix }
  for await (const result of extractViaQueue(source, options)) results.push(result)
} catch (error) {
  for (const worker of workers) worker.kill()
  throw error
}
const seconds = (performance.now() - started) / 1000
const stats = await Promise.all(workers.map(stopWorker))

const ok = results.filter((r) => r.ok)
const summary = {
  documents: results.length,
  ok: ok.length,
  failed: results.length - ok.length,
  fromCache: ok.filter((r) => r.stats.source === 'document-cache').length,
  elements: ok.reduce((sum, r) => sum + r.stats.elements, 0),
  elementsExtracted: ok.reduce((sum, r) => sum + r.stats.extracted, 0),
  documentsPerSecond: Math.round(results.length / seconds),
  // p50/p99 of the workers' extract_duration_seconds, their buckets summed as Prometheus would
  latency: fleetLatency(stats.flatMap((s) => (s.exposition ? [s.exposition] : []))),
  workers: stats.map(({ type: _type, exposition: _exposition, ...counts }) => counts),
  ids: results.map((r) => r.id),
  failures: results.filter((r) => !r.ok).map((r) => ({ id: r.id, error: r.error })),
}
if (values.json) {
  console.log(JSON.stringify(summary, null, 2))
} else {
  for (const [i, worker] of summary.workers.entries()) {
    if (worker.crashed) {
      log(
        `worker ${i + 1} (pid ${worker.pid}): died mid-job (${worker.signal}); its jobs went to the others`,
      )
      continue
    }
    const redis = worker.tiers.find((tier) => tier.name === 'redis')
    log(
      `worker ${i + 1} (pid ${worker.pid}): ${worker.documents} documents, ${worker.fromCache} from the cache` +
        (redis ? ` (redis tier: ${redis.hits} hits, ${redis.misses} misses)` : ''),
    )
  }
  log(
    `total: ${summary.ok} ok, ${summary.failed} failed, ${summary.elements} elements ` +
      `(${summary.elementsExtracted} extracted), ${summary.documentsPerSecond} documents/s`,
  )
  const { p50Ms, p99Ms } = summary.latency
  if (p50Ms !== undefined)
    log(
      `latency across the workers (their histogram buckets summed): p50 ${p50Ms} ms, p99 ${p99Ms} ms`,
    )
  log(
    summary.fromCache === summary.documents && summary.documents > 0
      ? `cache: all ${summary.fromCache} documents served from the shared cache`
      : `cache: ${summary.fromCache} of ${summary.documents} documents served from the shared cache (run again to be served from Redis)`,
  )
  for (const failure of summary.failures)
    log(`failed: ${failure.id}: ${failure.error.code} ${failure.error.message}`)
}
