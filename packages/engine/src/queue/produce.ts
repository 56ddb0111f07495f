// The producer side of the queue: enqueue documents, yield their results as consumers finish.
import { randomBytes } from 'node:crypto'
import { AbortedError, InvalidOptionError } from '../errors'
// From the barrel, so this file does not depend on which internal module holds the types.
import type { ExtractResult, SourceDocument } from '../index'
import { describeValue, traceCarrier } from '../kernel'
import { checkLogger, type LoggerSlot, levelEnabled } from '../logging/logger'
import {
  CONNECTION_OPTIONS,
  checkConnection,
  loadBullMQ,
  positiveInteger,
  type QueueConnectionOptions,
} from './connection'
import { crashed, encode } from './jobs'
import { closeQueue, type OpenQueue, openQueue, type Settle } from './producer-queue'

export interface ExtractViaQueueOptions extends QueueConnectionOptions {
  /** Documents enqueued and not yet yielded. Default 64. */
  maxInFlight?: number
  signal?: AbortSignal
  /** Attempts of a job whose consumer threw (an engine closed under it). Default 3. */
  attempts?: number
  /**
   * A pino-compatible logger for the producer's lines: `debug` when a document is enqueued,
   * `info` (`error` when it failed) when its result is back, each with the document's
   * correlation id, which is its job id and travels in the job to the consumer. Default none.
   */
  logger?: LoggerSlot | false
}

// The keys the options take: `satisfies` makes the compiler keep the list complete.
const OPTIONS = Object.keys({
  ...CONNECTION_OPTIONS,
  maxInFlight: true,
  signal: true,
  attempts: true,
  logger: true,
} satisfies Record<keyof ExtractViaQueueOptions, true>)

// Finished jobs stay in Redis this long (seconds), for producers that reconnect.
const KEEP_SECONDS = 3600
// How often (ms) a producer re-reads the state of its pending jobs, in case an event was missed.
const RECONCILE_MS = 5000

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
  const common = checkConnection('extractViaQueue', options, OPTIONS)
  positiveInteger('maxInFlight', options.maxInFlight)
  positiveInteger('attempts', options.attempts)
  checkLogger(options.logger, false)
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new InvalidOptionError(
      'signal',
      `signal must be an AbortSignal, got ${describeValue(options.signal)}`,
    )
  }
  if (source === null || typeof source !== 'object') {
    throw new InvalidOptionError(
      'source',
      `source must be an iterable, got ${describeValue(source)}`,
    )
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
  const pending = new Map<string, SourceDocument>()
  const logger = options.logger || undefined
  // The producer's log context of each pending job (with a logger only).
  const logs = new Map<string, { log: LoggerSlot; at: number }>()
  // Jobs whose add() resolved: only those can be looked up.
  const added = new Set<string>()
  const done: ExtractResult[] = []
  let wake: (() => void) | undefined
  const settle: Settle = (jobId, result) => {
    const doc = pending.get(jobId)
    if (!doc) return
    pending.delete(jobId)
    added.delete(jobId)
    const outcome = result(doc)
    // A consumer's result carries the id already; a result made here (crashed) gets it too.
    if (outcome && typeof outcome === 'object' && outcome.correlationId === undefined)
      outcome.correlationId = jobId
    done.push(outcome)
    const log = logs.get(jobId)
    logs.delete(jobId)
    if (log) logResult(log.log, outcome, performance.now() - log.at)
    wake?.()
  }
  // The queue and its event stream are opened with the first job: a source with nothing to
  // enqueue needs no Redis at all.
  let opened: OpenQueue | undefined
  // (only jobs whose add resolved are looked up: the queue is open by then)
  const findJob = (jobId: string) => bullmq.Job.fromId((opened as OpenQueue).queue, jobId)
  const reconcile = reconcileEvery(RECONCILE_MS, findJob, added, settle)
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
  // Adds are not awaited one by one (one round trip each: at 20 ms a link, 25 documents a second
  // at most): up to `maxInFlight` travel at once, pipelined on the connection. The first that
  // fails fails the stream, as an awaited one did.
  const adding = new Set<Promise<void>>()
  let addFailed: { error: unknown } | undefined
  try {
    while (true) {
      if (signal?.aborted) throw new AbortedError({ cause: signal.reason })
      if (addFailed) throw addFailed.error
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
        // The id is known before the job exists, so no completion can come before we listen for
        // it. It is also the document's correlation id, here and on the consumer.
        const jobId = `${run}.${++sequence}`
        const job = encode(next.value)
        if ('ok' in job) {
          job.correlationId = jobId
          if (logger) logResult(docLogger(logger, jobId, job.id), job, 0)
          done.push(job)
          continue
        }
        pending.set(jobId, next.value)
        if (logger) logs.set(jobId, enqueuedLog(logger, jobId, job.data.id))
        // the caller's OpenTelemetry trace context travels in the job: the consumer continues it
        const trace = traceCarrier()
        const data = { ...job.data, correlationId: jobId, ...(trace ? { trace } : {}) }
        opened ??= await openQueue(bullmq, common, settle)
        const add: Promise<void> = opened.queue.add(job.name, data, { ...jobOptions, jobId }).then(
          () => {
            adding.delete(add)
            if (pending.has(jobId)) added.add(jobId)
          },
          (error: unknown) => {
            adding.delete(add)
            addFailed ??= { error }
            wake?.()
          },
        )
        adding.add(add)
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
    // (they never reject: a failure is kept in addFailed)
    await Promise.all(adding)
    if (opened) await closeQueue(opened, [...pending.keys()])
  }
}

/** The log context of a job just enqueued (its `debug` line written). */
function enqueuedLog(logger: LoggerSlot, jobId: string, docId: string) {
  const log = docLogger(logger, jobId, docId)
  if (levelEnabled(logger, 'debug'))
    log.debug({ stage: 'queue', outcome: 'ok', jobId }, 'document enqueued')
  return { log, at: performance.now() }
}

/**
 * Events are the fast path; this re-read of the pending jobs (`added`) every `ms` makes a missed
 * event cost seconds, not a hang, and reports a job someone removed from the queue instead of
 * waiting for it. Returns the (unref'd) interval.
 */
function reconcileEvery(
  ms: number,
  findJob: (
    jobId: string,
  ) => Promise<{ finishedOn?: number; returnvalue: unknown; failedReason: string } | undefined>,
  added: ReadonlySet<string>,
  settle: (jobId: string, result: (doc: SourceDocument) => ExtractResult) => void,
): ReturnType<typeof setInterval> {
  let reconciling = false
  const reconcile = setInterval(async () => {
    if (reconciling) return
    reconciling = true
    try {
      for (const jobId of [...added]) {
        const job = await findJob(jobId)
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
  }, ms)
  reconcile.unref()
  return reconcile
}

function docLogger(logger: LoggerSlot, correlationId: string, docId: string): LoggerSlot {
  return logger.child({ correlationId, docId })
}

/** The producer's last line of a document: `info` when it is ok, `error` when it failed. */
function logResult(log: LoggerSlot, result: ExtractResult, durationMs: number): void {
  const fields = { stage: 'queue', durationMs: Math.round(durationMs * 1000) / 1000 }
  if (result.ok) log.info({ ...fields, outcome: 'ok' }, 'document done')
  else log.error({ ...fields, outcome: 'failed', code: result.error.code }, 'document failed')
}
