import type {
  ConnectionOptions,
  Job,
  JobsOptions,
  Queue,
  QueueEvents,
  Worker,
  WorkerOptions,
} from 'bullmq'
import { checkQueueOptions, checkQueueWorkerOptions } from './bullmq-options'
import { InvalidOptionError, MissingPeerError, TaskInputError, TaskModuleError } from './errors'
import type { BackoffOptions, Pool, Priority } from './types'

type BullMQ = typeof import('bullmq')

/**
 * Loads the optional `bullmq` peer lazily; a missing one gives `MissingPeerError` saying how to
 * install it and what needs it (`neededBy`, default `@mx/workers/bullmq`). `importer` exists
 * for tests.
 */
export async function loadBullMQ(
  options: { neededBy?: string; importer?: () => Promise<unknown> } = {},
): Promise<BullMQ> {
  const { neededBy = '@mx/workers/bullmq', importer = () => import('bullmq') } = options
  try {
    return (await importer()) as BullMQ
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new MissingPeerError('bullmq', neededBy, { cause: error })
    }
    throw error
  }
}

export interface QueueRetryOptions {
  /** Total attempts of a job across the fleet (BullMQ `attempts`). Default 3. */
  attempts?: number
  /** Maps to BullMQ's exponential backoff: `delay` and `jitter` (0..1). */
  backoff?: Pick<BackoffOptions, 'delay' | 'jitter'>
}

export interface QueueOptions {
  /** Queue name, shared by producers and queue workers. */
  name: string
  /** ioredis options or an ioredis instance you already have. */
  connection: ConnectionOptions
  /** Redis key prefix (BullMQ `prefix`). */
  prefix?: string
  retries?: QueueRetryOptions
  /** Extra BullMQ job options applied to every job. */
  jobOptions?: JobsOptions
}

export interface AddOptions {
  jobId?: string
  priority?: Priority
  delay?: number
}

/** A job in the queue; `result()` waits until some queue worker finished it. */
export interface QueuedJob<O> {
  readonly id: string
  result(timeoutMs?: number): Promise<O>
}

export interface DistributedQueue<I, O> {
  add(input: I, options?: AddOptions): Promise<QueuedJob<O>>
  addBulk(inputs: readonly I[], options?: AddOptions): Promise<QueuedJob<O>[]>
  /** `add` then wait for the result. */
  run(input: I, options?: AddOptions): Promise<O>
  /** The BullMQ queue, for anything this wrapper does not cover. */
  readonly queue: Queue
  close(): Promise<void>
}

// BullMQ: 1 is the highest priority; unprioritised jobs come before prioritised ones.
const priorities: Record<Priority, number | undefined> = { high: undefined, normal: 10, low: 100 }

function jobOptions(options: QueueOptions, add: AddOptions = {}): JobsOptions {
  const { attempts = 3, backoff = {} } = options.retries ?? {}
  return {
    attempts,
    backoff: { type: 'exponential', delay: backoff.delay ?? 1000, jitter: backoff.jitter ?? 0.5 },
    ...options.jobOptions,
    ...(add.jobId === undefined ? {} : { jobId: add.jobId }),
    ...(add.delay === undefined ? {} : { delay: add.delay }),
    ...(priorities[add.priority ?? 'normal'] === undefined
      ? {}
      : { priority: priorities[add.priority ?? 'normal'] }),
  }
}

/** A producer: adds inputs as BullMQ jobs and lets callers await the results. */
export async function createQueue<I = unknown, O = unknown>(
  options: QueueOptions,
): Promise<DistributedQueue<I, O>> {
  checkQueueOptions(options)
  const bullmq = await loadBullMQ()
  const common = {
    connection: options.connection,
    ...(options.prefix ? { prefix: options.prefix } : {}),
  }
  const queue = new bullmq.Queue(options.name, common)
  // Each pending result() adds a 'closing' listener to the queue.
  queue.setMaxListeners(0)
  let events: Promise<QueueEvents> | undefined
  // Results come through QueueEvents (its own Redis connection), created once, before the first job.
  const queueEvents = () => {
    events ??= (async () => {
      const instance = new bullmq.QueueEvents(options.name, common)
      instance.setMaxListeners(0)
      await instance.waitUntilReady()
      return instance
    })()
    return events
  }
  const wrap = (job: Job): QueuedJob<O> => ({
    id: job.id as string,
    result: async (timeoutMs?: number) =>
      (await job.waitUntilFinished(await queueEvents(), timeoutMs)) as O,
  })
  const add = async (input: I, add?: AddOptions) => {
    await queueEvents()
    return wrap(await queue.add('task', input, jobOptions(options, add)))
  }
  return {
    queue,
    add,
    async addBulk(inputs, add) {
      await queueEvents()
      const jobs = await queue.addBulk(
        inputs.map((data) => ({ name: 'task', data, opts: jobOptions(options, add) })),
      )
      return jobs.map(wrap)
    },
    async run(input, addOptions) {
      return (await (await add(input, addOptions)).result()) as O
    },
    async close() {
      if (events) await (await events).close()
      await queue.close()
    },
  }
}

export interface QueueWorkerOptions<I> {
  name: string
  connection: ConnectionOptions
  prefix?: string
  /** The local pool the jobs run on. Give this or `process`. */
  pool?: Pool<I, unknown>
  /**
   * Runs a job in this process instead of on a pool: what it resolves is the job's result, and
   * what it throws fails the attempt (retried as the queue's `attempts` say). `signal` aborts
   * when the job is cancelled. Give this or `pool`.
   */
  process?: (data: I, job: Job, signal: AbortSignal | undefined) => Promise<unknown>
  /** Jobs taken at once. Default: 2 per pool thread (one running, one waiting in the pool); 1 with `process`. */
  concurrency?: number
  /** Close the pool after the queue worker on `close()`. Default true. */
  closePool?: boolean
  /** Affinity key per job, passed to the pool. */
  key?: (input: I) => string | number | undefined
  /**
   * Errors of the BullMQ worker itself (a lost Redis connection, which ioredis retries). Without
   * a listener such an error would crash the process; by default they are ignored.
   */
  onError?: (error: Error) => void
  /** Extra BullMQ worker options (lockDuration, stalledInterval, ...). */
  workerOptions?: Omit<WorkerOptions, 'connection' | 'prefix' | 'concurrency' | 'autorun'>
}

export interface QueueWorker {
  /** The BullMQ worker. */
  readonly worker: Worker
  /** Cancels a job running here: its pool task is aborted (its thread is stopped if running). */
  cancel(jobId: string, reason?: string): boolean
  /** Stops taking jobs, waits for the active ones, then closes the pool. */
  close(): Promise<void>
}

/**
 * Feeds BullMQ jobs into a local pool, or to a `process` function. On a pool the tasks run on
 * worker threads, so this thread stays free to renew job locks, and errors that retrying cannot
 * fix (bad input, bad task module) are marked unrecoverable so BullMQ does not retry them.
 */
export async function createQueueWorker<I = unknown>(
  options: QueueWorkerOptions<I>,
): Promise<QueueWorker> {
  checkQueueWorkerOptions(options)
  // Not `process`: that would shadow Node's global.
  const { pool, process: runJob } = options
  if ((pool === undefined) === (runJob === undefined)) {
    throw new InvalidOptionError(
      'pool',
      'createQueueWorker needs pool or process: exactly one of them',
    )
  }
  if (runJob !== undefined && typeof runJob !== 'function') {
    throw new InvalidOptionError('process', `process must be a function, got ${typeof runJob}`)
  }
  const bullmq = await loadBullMQ()
  const runOnPool = async (pool: Pool<I, unknown>, job: Job, signal: AbortSignal | undefined) => {
    const key = options.key?.(job.data as I)
    try {
      return await pool.run(job.data as I, {
        ...(signal ? { signal } : {}),
        ...(key === undefined ? {} : { key }),
      })
    } catch (error) {
      if (error instanceof TaskInputError || error instanceof TaskModuleError) {
        throw new bullmq.UnrecoverableError(`${error.code}: ${error.message}`)
      }
      throw error
    }
  }
  const worker = new bullmq.Worker(
    options.name,
    (job: Job, _token?: string, signal?: AbortSignal) =>
      pool
        ? runOnPool(pool, job, signal)
        : (runJob as NonNullable<typeof runJob>)(job.data as I, job, signal),
    {
      ...options.workerOptions,
      connection: options.connection,
      ...(options.prefix ? { prefix: options.prefix } : {}),
      concurrency: options.concurrency ?? (pool ? pool.threads * 2 : 1),
    },
  )
  const onError = options.onError
  worker.on('error', (error) => onError?.(error))
  let closing: Promise<void> | undefined
  return {
    worker,
    cancel: (jobId, reason) => worker.cancelJob(jobId, reason),
    close() {
      closing ??= (async () => {
        await worker.close()
        if (pool && options.closePool !== false) await pool.close({ drain: true })
      })()
      return closing
    },
  }
}
