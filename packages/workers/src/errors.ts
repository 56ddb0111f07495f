import { MxError, type MxErrorOptions } from './kernel'

// The kernel's (tooling/kernel, inlined at build time): one base class for every mx package.
export type { ErrorContext, MxErrorOptions } from './kernel'
export { InvalidOptionError, isMxError, MxError } from './kernel'

/** Why a task failed for good after its attempts: what the retry policy reports. */
export type FailureReason = 'crash' | 'oom' | 'timeout' | 'error'

/** A task ran longer than its `timeout`; its thread was terminated (or it stopped on `ctx.signal`). */
export class TaskTimeoutError extends MxError {
  readonly timeout: number
  constructor(timeout: number, options: MxErrorOptions = {}) {
    super('MX_WORKERS_TASK_TIMEOUT', `task timed out after ${timeout} ms`, {
      ...options,
      context: { timeout, ...options.context },
    })
    this.timeout = timeout
  }
}

/** The pool is closed (or closing without drain): the task was not run. */
export class PoolClosedError extends MxError {
  constructor(message = 'pool is closed', options: MxErrorOptions = {}) {
    super('MX_WORKERS_POOL_CLOSED', message, options)
  }
}

/** The input (or its transfer list) cannot be sent to a worker thread; `message` names the value. */
export class TaskInputError extends MxError {
  constructor(message: string, options: MxErrorOptions = {}) {
    super('MX_WORKERS_TASK_INPUT', message, options)
  }
}

/** The worker thread running the task died: `process.exit()`, an uncaught error, or out of memory. */
export class TaskCrashedError extends MxError {
  readonly reason: 'crash' | 'oom'
  constructor(reason: 'crash' | 'oom', message: string, options: MxErrorOptions = {}) {
    super('MX_WORKERS_TASK_CRASHED', message, {
      ...options,
      context: { reason, ...options.context },
    })
    this.reason = reason
  }
}

/** The task module is missing, fails to load, or does not `export default defineTask(...)`. */
export class TaskModuleError extends MxError {
  constructor(message: string, options: MxErrorOptions = {}) {
    super('MX_WORKERS_TASK_MODULE', message, options)
  }
}

/** `maxQueue` tasks are already waiting. */
export class QueueFullError extends MxError {
  constructor(maxQueue: number) {
    super('MX_WORKERS_QUEUE_FULL', `queue is full (maxQueue ${maxQueue})`, {
      context: { maxQueue },
    })
  }
}

/** The caller's `AbortSignal` fired before the task finished. */
export class AbortedError extends MxError {
  constructor(options: MxErrorOptions = {}) {
    super('MX_WORKERS_ABORTED', 'task was aborted', options)
  }
}

/** An optional peer dependency (e.g. `bullmq`) is not installed. */
export class MissingPeerError extends MxError {
  constructor(peer: string, feature: string, options: MxErrorOptions = {}) {
    super(
      'MX_WORKERS_MISSING_PEER',
      `${feature} needs the optional peer dependency "${peer}": install it with \`npm install ${peer}\``,
      { ...options, context: { peer, ...options.context } },
    )
  }
}
