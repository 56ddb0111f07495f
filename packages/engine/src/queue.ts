import { randomBytes } from 'node:crypto'
import { MissingPeerError } from '@mx/workers'
import { AbortedError, InvalidOptionError } from './errors'
import { describe } from './extractor'
// From the barrel, so this file does not depend on which internal module holds the types.
import type { Engine, ExtractFailure, ExtractResult, SourceDocument } from './index'

type BullMQ = typeof import('bullmq')

/** Where the queue lives: shared by `serveQueue` (consumers) and `extractViaQueue` (producers). */
export interface QueueConnectionOptions {
  /** Redis URL (`redis://` or `rediss://`). Give this or `connection`. */
  redis?: string
  /** ioredis options or an ioredis instance you already have (BullMQ's `connection`). */
  connection?: object
  /** BullMQ queue name (no `:`). Default `mx-documents`. */
  name?: string
  /** BullMQ key prefix. Default BullMQ's (`bull`). */
  prefix?: string
}

export interface ServeQueueOptions extends QueueConnectionOptions {
  /** Jobs run at once by this process. Default: 2 per thread of the engine's pool, else 4. */
  concurrency?: number
  /** Ms a job stays locked without renewal before another consumer may take it over. BullMQ default 30000. */
  lockDuration?: number
  /** Ms between checks for jobs whose consumer died (stalled jobs). BullMQ default 30000. */
  stalledInterval?: number
  /** Times a job may stall (its consumer died) before it fails with `MX_ENGINE_CRASH`. BullMQ default 1. */
  maxStalledCount?: number
}

export interface ExtractViaQueueOptions extends QueueConnectionOptions {
  /** Documents enqueued and not yet yielded. Default 64. */
  maxInFlight?: number
  signal?: AbortSignal
  /** Attempts of a job whose consumer threw (an engine closed under it). Default 3. */
  attempts?: number
}

/** A running queue consumer. */
export interface QueueServer {
  /** Jobs this process completed. */
  readonly processed: number
  /** Stops taking jobs and waits for the running ones; the engine stays open (it is yours). */
  close(): Promise<void>
}

const DEFAULT_NAME = 'mx-documents'
// Uint8Array content travels as base64 under this job name; string content as is.
const TEXT_JOB = 'document'
const BYTES_JOB = 'document:base64'
// Finished jobs stay in Redis this long (seconds), for producers that reconnect.
const KEEP_SECONDS = 3600
// How often (ms) a producer re-reads the state of its pending jobs, in case an event was missed.
const RECONCILE_MS = 5000

/** Loads the optional `bullmq` peer; a missing one says how to install it. `importer` is for tests. */
export async function loadBullMQ(
  importer: () => Promise<unknown> = () => import('bullmq'),
): Promise<BullMQ> {
  try {
    return (await importer()) as BullMQ
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new MissingPeerError('bullmq', '@mx/engine serveQueue and extractViaQueue', {
        cause: error,
      })
    }
    throw error
  }
}

function positiveInteger(name: string, value: unknown): void {
  if (value === undefined) return
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new InvalidOptionError(name, `${name} must be a positive integer, got ${describe(value)}`)
  }
}

/** Checks the connection options and returns BullMQ's `connection`, `name` and `prefix`. */
function checkConnection(fn: string, options: QueueConnectionOptions) {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(
      'options',
      `${fn} expects an options object, got ${describe(options)}`,
    )
  }
  const { redis, connection, name = DEFAULT_NAME, prefix } = options
  if (redis !== undefined && connection !== undefined) {
    throw new InvalidOptionError('redis', 'give redis or connection, not both')
  }
  if (redis === undefined && connection === undefined) {
    throw new InvalidOptionError('redis', `${fn} needs redis (a redis:// URL) or connection`)
  }
  if (connection !== undefined && (typeof connection !== 'object' || connection === null)) {
    throw new InvalidOptionError(
      'connection',
      `connection must be ioredis options or an ioredis instance, got ${describe(connection)}`,
    )
  }
  if (typeof name !== 'string' || name === '' || name.includes(':')) {
    throw new InvalidOptionError(
      'name',
      `name must be a non-empty string without ":", got ${describe(name)}`,
    )
  }
  if (prefix !== undefined && (typeof prefix !== 'string' || prefix === '')) {
    throw new InvalidOptionError(
      'prefix',
      `prefix must be a non-empty string, got ${describe(prefix)}`,
    )
  }
  return {
    connection: (connection ?? connectionFromUrl(redis)) as import('bullmq').ConnectionOptions,
    name,
    ...(prefix === undefined ? {} : { prefix }),
  }
}

/** ioredis options from a Redis URL (BullMQ 5 has no `url` option). */
function connectionFromUrl(value: unknown): Record<string, unknown> {
  let url: URL | undefined
  try {
    url = typeof value === 'string' ? new URL(value) : undefined
  } catch {}
  if (!url || !['redis:', 'rediss:'].includes(url.protocol)) {
    throw new InvalidOptionError(
      'redis',
      `redis must be a redis:// or rediss:// URL, got ${describe(value)}`,
    )
  }
  const db = Number(url.pathname.slice(1) || 0)
  return {
    host: url.hostname || '127.0.0.1',
    port: Number(url.port || 6379),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(Number.isInteger(db) && db > 0 ? { db } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  }
}

/**
 * Makes this process a BullMQ consumer of documents: each job's data is a `SourceDocument`
 * that runs through `engine.extract`, and its `ExtractResult` is the job's return value. A
 * failing document is a normal `ok: false` result, not a failed job; a process that dies
 * mid-job leaves a stalled job that BullMQ hands to another consumer, so nothing is lost.
 */
export async function serveQueue(engine: Engine, options: ServeQueueOptions): Promise<QueueServer> {
  if (typeof engine?.extract !== 'function') {
    throw new InvalidOptionError('engine', `serveQueue expects an engine, got ${describe(engine)}`)
  }
  const common = checkConnection('serveQueue', options)
  for (const name of ['concurrency', 'lockDuration', 'stalledInterval', 'maxStalledCount'] as const)
    positiveInteger(name, options[name])
  const bullmq = await loadBullMQ()
  const threads = engine.slots.workers?.threads
  let processed = 0
  const worker = new bullmq.Worker(
    common.name,
    async (job) => {
      const result = await engine.extract(decode(job.name, job.data))
      processed++
      return result
    },
    {
      ...common,
      concurrency: options.concurrency ?? (threads ? threads * 2 : 4),
      ...(options.lockDuration === undefined ? {} : { lockDuration: options.lockDuration }),
      ...(options.stalledInterval === undefined
        ? {}
        : { stalledInterval: options.stalledInterval }),
      ...(options.maxStalledCount === undefined
        ? {}
        : { maxStalledCount: options.maxStalledCount }),
    },
  )
  // A lost connection is retried by ioredis; without a listener the error would crash the process.
  worker.on('error', () => {})
  await worker.waitUntilReady()
  let closing: Promise<void> | undefined
  return {
    get processed() {
      return processed
    },
    close() {
      closing ??= worker.close()
      return closing
    },
  }
}

function decode(jobName: string, data: SourceDocument): SourceDocument {
  if (jobName !== BYTES_JOB || typeof data?.content !== 'string') return data
  return { ...data, content: new Uint8Array(Buffer.from(data.content, 'base64')) }
}

/** The job of a document, or the reason it cannot be one. */
function encode(doc: SourceDocument): { name: string; data: SourceDocument } | ExtractFailure {
  const id = typeof doc?.id === 'string' ? doc.id : ''
  if (id === '' || (typeof doc.content !== 'string' && !(doc.content instanceof Uint8Array))) {
    const message = 'a document needs a non-empty string id and string or Uint8Array content'
    return { ok: false, id, error: { code: 'MX_ENGINE_INPUT', message } }
  }
  if (typeof doc.content === 'string') return { name: TEXT_JOB, data: doc }
  const content = Buffer.from(doc.content.buffer, doc.content.byteOffset, doc.content.byteLength)
  return { name: BYTES_JOB, data: { ...doc, content: content.toString('base64') } }
}

function crashed(doc: SourceDocument, reason: string): ExtractFailure {
  return {
    ok: false,
    id: doc.id,
    error: { code: 'MX_ENGINE_CRASH', message: `the queue job failed: ${reason}` },
    ...(doc.meta === undefined ? {} : { meta: doc.meta }),
  }
}

/**
 * A producer: enqueues the documents of `source` (at most `maxInFlight` not yet yielded) for
 * the `serveQueue` consumers and yields their results as they complete. A job that failed in
 * the queue (its consumers kept dying) yields an `MX_ENGINE_CRASH` result; documents are
 * never dropped. Aborting through `signal` throws `AbortedError`; jobs not started are removed.
 */
export function extractViaQueue<D = unknown, M = unknown>(
  source: Iterable<SourceDocument> | AsyncIterable<SourceDocument>,
  options: ExtractViaQueueOptions,
): AsyncIterable<ExtractResult<D, M>> {
  const common = checkConnection('extractViaQueue', options)
  positiveInteger('maxInFlight', options.maxInFlight)
  positiveInteger('attempts', options.attempts)
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new InvalidOptionError(
      'signal',
      `signal must be an AbortSignal, got ${describe(options.signal)}`,
    )
  }
  if (source === null || typeof source !== 'object') {
    throw new InvalidOptionError('source', `source must be an iterable, got ${describe(source)}`)
  }
  return produce(source, options, common) as AsyncIterable<ExtractResult<D, M>>
}

async function* produce(
  source: Iterable<SourceDocument> | AsyncIterable<SourceDocument>,
  options: ExtractViaQueueOptions,
  common: ReturnType<typeof checkConnection>,
): AsyncGenerator<ExtractResult> {
  const { signal } = options
  const maxInFlight = options.maxInFlight ?? 64
  const bullmq = await loadBullMQ()
  const queue = new bullmq.Queue(common.name, common)
  const events = new bullmq.QueueEvents(common.name, common)
  queue.on('error', () => {})
  events.on('error', () => {})
  const pending = new Map<string, SourceDocument>()
  // Jobs whose add() resolved: only those can be looked up.
  const added = new Set<string>()
  const done: ExtractResult[] = []
  let wake: (() => void) | undefined
  const settle = (jobId: string, result: (doc: SourceDocument) => ExtractResult) => {
    const doc = pending.get(jobId)
    if (!doc) return
    pending.delete(jobId)
    added.delete(jobId)
    done.push(result(doc))
    wake?.()
  }
  events.on('completed', ({ jobId, returnvalue }) =>
    settle(jobId, () => returnvalue as unknown as ExtractResult),
  )
  events.on('failed', ({ jobId, failedReason }) =>
    settle(jobId, (doc) => crashed(doc, failedReason)),
  )
  // Events are the fast path; this re-read of pending jobs makes a missed event cost seconds,
  // not a hang, and reports a job someone removed from the queue instead of waiting for it.
  let reconciling = false
  const reconcile = setInterval(async () => {
    if (reconciling) return
    reconciling = true
    try {
      for (const jobId of [...added]) {
        const job = await bullmq.Job.fromId(queue, jobId)
        if (job === undefined) settle(jobId, (doc) => crashed(doc, 'removed from the queue'))
        else if (!job.finishedOn) continue
        // A completed job always has our result object; a failed one has none.
        else if (job.returnvalue != null) settle(jobId, () => job.returnvalue as ExtractResult)
        else settle(jobId, (doc) => crashed(doc, job.failedReason))
      }
    } catch {
      // Redis unreachable: the next round tries again.
    } finally {
      reconciling = false
    }
  }, RECONCILE_MS)
  reconcile.unref()
  const onAbort = () => wake?.()
  signal?.addEventListener('abort', onAbort)
  const run = randomBytes(6).toString('hex')
  const jobOptions = {
    attempts: options.attempts ?? 3,
    removeOnComplete: { age: KEEP_SECONDS },
    removeOnFail: { age: KEEP_SECONDS },
  }
  const iterator =
    Symbol.asyncIterator in source
      ? source[Symbol.asyncIterator]()
      : (source as Iterable<SourceDocument>)[Symbol.iterator]()
  let sourceDone = false
  let inFlight = 0
  let sequence = 0
  try {
    // Results come from the events stream, which must be listening before the first job exists.
    await events.waitUntilReady()
    while (true) {
      if (signal?.aborted) throw new AbortedError({ cause: signal.reason })
      const result = done.shift()
      if (result) {
        inFlight--
        yield result
        continue
      }
      if (!sourceDone && inFlight < maxInFlight) {
        const next = await iterator.next()
        if (next.done) {
          sourceDone = true
          continue
        }
        inFlight++
        const job = encode(next.value)
        if ('ok' in job) {
          done.push(job)
          continue
        }
        // The id is known before the job exists, so no completion can come before we listen for it.
        const jobId = `${run}.${++sequence}`
        pending.set(jobId, next.value)
        await queue.add(job.name, job.data, { ...jobOptions, jobId })
        if (pending.has(jobId)) added.add(jobId)
        continue
      }
      if (sourceDone && inFlight === 0) return
      await new Promise<void>((resolve) => {
        wake = resolve
      })
      wake = undefined
    }
  } finally {
    clearInterval(reconcile)
    signal?.removeEventListener('abort', onAbort)
    if (!sourceDone) await (iterator as AsyncIterator<unknown>).return?.()
    // Best effort: jobs nobody started are removed (a running job cannot be, and finishes).
    await Promise.all([...pending.keys()].map((id) => queue.remove(id).catch(() => 0)))
    await events.close()
    await queue.close()
  }
}
