// The consumer side of the queue: a process that extracts the documents other processes enqueue.

import { createQueueWorker } from '@mx/workers/bullmq'
import type { Job } from 'bullmq'
import { InvalidOptionError } from '../errors'
// From the barrel, so this file does not depend on which internal module holds the types.
import type { Engine, SourceDocument } from '../index'
import { describeValue, withTraceCarrier } from '../kernel'
import { checkLogger, type LoggerSlot, levelEnabled } from '../logging/logger'
import {
  CONNECTION_OPTIONS,
  checkConnection,
  loadBullMQ,
  positiveInteger,
  type QueueConnectionOptions,
} from './connection'
import { decode } from './jobs'

export interface ServeQueueOptions extends QueueConnectionOptions {
  /** Jobs run at once by this process. Default: 2 per thread of the engine's pool, else 4. */
  concurrency?: number
  /** Ms a job stays locked without renewal before another consumer may take it over. BullMQ default 30000. */
  lockDuration?: number
  /** Ms between checks for jobs whose consumer died (stalled jobs). BullMQ default 30000. */
  stalledInterval?: number
  /** Times a job may stall (its consumer died) before it fails with `MX_ENGINE_CRASH`. BullMQ default 1. */
  maxStalledCount?: number
  /**
   * Logger of the consumer's `debug` lines (job received, job done), through
   * `logger.child({ correlationId, docId })` with the correlation id the producer put in the job.
   * Default: the engine's logger slot; `false` for none.
   */
  logger?: LoggerSlot | false
}

// The keys the options take: `satisfies` makes the compiler keep the list complete.
const OPTIONS = Object.keys({
  ...CONNECTION_OPTIONS,
  concurrency: true,
  lockDuration: true,
  stalledInterval: true,
  maxStalledCount: true,
  logger: true,
} satisfies Record<keyof ServeQueueOptions, true>)

/** A running queue consumer. */
export interface QueueServer {
  /** Jobs this process completed. */
  readonly processed: number
  /** Stops taking jobs and waits for the running ones; the engine stays open (it is yours). */
  close(): Promise<void>
}

/**
 * Makes this process a BullMQ consumer of documents: each job's data is a `SourceDocument`
 * that runs through `engine.extract`, and its `ExtractResult` is the job's return value. A
 * failing document is a normal `ok: false` result, not a failed job; a process that dies
 * mid-job leaves a stalled job that BullMQ hands to another consumer, so nothing is lost.
 */
export async function serveQueue(engine: Engine, options: ServeQueueOptions): Promise<QueueServer> {
  if (typeof engine?.extract !== 'function') {
    throw new InvalidOptionError(
      'engine',
      `serveQueue expects an engine, got ${describeValue(engine)}`,
    )
  }
  const common = checkConnection('serveQueue', options, OPTIONS)
  for (const name of ['concurrency', 'lockDuration', 'stalledInterval', 'maxStalledCount'] as const)
    positiveInteger(name, options[name])
  checkLogger(options.logger, false)
  const logger =
    options.logger === false ? undefined : (options.logger ?? engine.slots?.logger ?? undefined)
  // The engine's own MissingPeerError (naming serveQueue) before the workers' queue worker loads it.
  await loadBullMQ()
  const threads = engine.slots.workers?.threads
  let processed = 0
  const queueWorker = await createQueueWorker<
    SourceDocument & { correlationId?: unknown; trace?: unknown }
  >({
    name: common.name,
    connection: common.connection,
    ...(common.prefix === undefined ? {} : { prefix: common.prefix }),
    process: async (data, job) => {
      const result = await extractJob(engine, logger, data, job)
      processed++
      return result
    },
    concurrency: options.concurrency ?? (threads ? threads * 2 : 4),
    // A lost connection is retried by ioredis (the queue worker listens for its errors).
    workerOptions: {
      ...(options.lockDuration === undefined ? {} : { lockDuration: options.lockDuration }),
      ...(options.stalledInterval === undefined
        ? {}
        : { stalledInterval: options.stalledInterval }),
      ...(options.maxStalledCount === undefined
        ? {}
        : { maxStalledCount: options.maxStalledCount }),
    },
  })
  await queueWorker.worker.waitUntilReady()
  let closing: Promise<void> | undefined
  return {
    get processed() {
      return processed
    },
    close() {
      closing ??= queueWorker.close()
      return closing
    },
  }
}

/**
 * One job: its document through `engine.extract`, with the producer's correlation id, and the
 * consumer's `debug` lines (job received, job done or failed) when the logger has them.
 */
async function extractJob(
  engine: Engine,
  logger: LoggerSlot | undefined,
  jobData: SourceDocument & { correlationId?: unknown; trace?: unknown },
  job: Job,
): Promise<Awaited<ReturnType<Engine['extract']>>> {
  // The producer's correlation id (its job id; the job's own id for an older producer), and
  // its OpenTelemetry trace context, which the extraction continues.
  const { correlationId: sent, trace, ...data } = jobData
  const correlationId =
    typeof sent === 'string' && sent !== '' && sent.length <= 128 ? sent : String(job.id)
  const doc = decode(job.name, data)
  const log =
    logger && levelEnabled(logger, 'debug')
      ? logger.child({ correlationId, docId: doc?.id })
      : undefined
  const started = performance.now()
  const waited = Math.max(0, Date.now() - job.timestamp)
  log?.debug(
    {
      stage: 'queue',
      outcome: 'ok',
      jobId: job.id,
      attempt: job.attemptsMade + 1,
      waitedMs: waited,
    },
    'job received',
  )
  let result: Awaited<ReturnType<Engine['extract']>>
  try {
    result = await withTraceCarrier(trace, () => engine.extract(doc, { correlationId }))
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code
    log?.debug(
      { stage: 'queue', outcome: 'failed', code, durationMs: performance.now() - started },
      'job failed',
    )
    throw error
  }
  log?.debug(
    {
      stage: 'queue',
      outcome: result.ok ? 'ok' : 'failed',
      ...(result.ok ? {} : { code: result.error.code }),
      durationMs: performance.now() - started,
    },
    'job done',
  )
  return result
}
