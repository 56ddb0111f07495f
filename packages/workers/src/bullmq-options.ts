// The keys `createQueue` and `createQueueWorker` take, checked before BullMQ is loaded.
import type { QueueOptions, QueueRetryOptions, QueueWorkerOptions } from './bullmq'
import { InvalidOptionError } from './errors'
import { checkKnownKeys, describeValue } from './kernel'

// Our own keys of each options object (`connection`, `jobOptions` and `workerOptions` belong to
// BullMQ and pass through unchecked); `satisfies` keeps every list complete.
const QUEUE_OPTIONS = Object.keys({
  name: true,
  connection: true,
  prefix: true,
  retries: true,
  jobOptions: true,
} satisfies Record<keyof QueueOptions, true>)
const QUEUE_RETRY_OPTIONS = Object.keys({ attempts: true, backoff: true } satisfies Record<
  keyof QueueRetryOptions,
  true
>)
const QUEUE_BACKOFF_OPTIONS = Object.keys({ delay: true, jitter: true } satisfies Record<
  keyof NonNullable<QueueRetryOptions['backoff']>,
  true
>)
const QUEUE_WORKER_OPTIONS = Object.keys({
  name: true,
  connection: true,
  prefix: true,
  pool: true,
  process: true,
  concurrency: true,
  closePool: true,
  key: true,
  onError: true,
  workerOptions: true,
} satisfies Record<keyof QueueWorkerOptions<unknown>, true>)

/** Throws unless `options` is an object whose keys are all in `known` (`where` names the call). */
function checkOptions(options: unknown, known: readonly string[], where: string): void {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(
      'options',
      `${where} needs an options object, got ${describeValue(options)}`,
    )
  }
  checkKnownKeys(options, known, where)
}

/** `createQueue` options: our keys, and those of `retries` and `retries.backoff`. */
export function checkQueueOptions(options: QueueOptions): void {
  checkOptions(options, QUEUE_OPTIONS, 'createQueue()')
  const retries = options.retries
  if (typeof retries !== 'object' || retries === null) return
  checkKnownKeys(retries, QUEUE_RETRY_OPTIONS, 'createQueue()', 'retries')
  const backoff = retries.backoff
  if (typeof backoff === 'object' && backoff !== null) {
    checkKnownKeys(backoff, QUEUE_BACKOFF_OPTIONS, 'createQueue()', 'retries.backoff')
  }
}

/** `createQueueWorker` options: our keys. */
export function checkQueueWorkerOptions<I>(options: QueueWorkerOptions<I>): void {
  checkOptions(options, QUEUE_WORKER_OPTIONS, 'createQueueWorker()')
}
