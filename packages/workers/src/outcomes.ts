import {
  type FailureReason,
  PoolClosedError,
  TaskCrashedError,
  TaskInputError,
  TaskModuleError,
  TaskTimeoutError,
} from './errors'
import type { Job } from './job'
import { retryOrFail } from './retry'
import type { Scheduler } from './scheduler'
import type { Slot } from './slot'
import type { WireReply } from './task'
import type { TimeoutWatch } from './timeouts'
import type { RestartReason } from './types'
import { rehydrate } from './wire'

/**
 * A thread answered a batch: each item settles with its value, or goes to the retry policy with
 * its error or timeout. The batch's time per item sizes the next batches; a thread due for
 * recycling (tasks or heap) restarts.
 */
export function completeBatch(
  s: Scheduler,
  slot: Slot,
  jobs: Job[],
  reply: WireReply,
  elapsed: number,
  watch: TimeoutWatch,
): void {
  clearTimeout(watch.timer)
  s.release(slot, jobs, elapsed, true)
  if (reply.moduleError) {
    s.fatal = new TaskModuleError(`task module ${s.module} ${reply.moduleError.message}`)
    for (const job of jobs) s.settle(job, s.fatal)
    for (const job of s.lanes.drain()) s.settle(job, s.fatal)
    s.queued = 0
    s.checkIdle()
    return
  }
  let itemMs = 0
  const { values, ms, failures } = reply
  const failed = failures && new Map(failures.map((failure) => [failure.index, failure]))
  for (let index = 0; index < jobs.length; index++) {
    const job = jobs[index] as Job
    const took = ms[index] as number
    itemMs += took
    s.taskMs += took
    s.runTime.add(took)
    if (job.state === 'settled') continue
    const failure = failed?.get(index)
    if (!failure) {
      s.counts.completed++
      slot.completed++
      s.settle(job, undefined, values[index])
    } else if (failure.timedOut) {
      s.counts.timedOut++
      const cause = rehydrate(failure.error)
      retryOrFail(s, job, slot, 'timeout', new TaskTimeoutError(job.timeout, { cause }))
    } else {
      retryOrFail(s, job, slot, 'error', rehydrate(failure.error))
    }
  }
  slot.tasksSinceStart += jobs.length
  s.adaptBatchSize(itemMs / jobs.length)
  if (slot.tasksSinceStart >= s.opts.afterTasks || reply.heapUsed / 1_048_576 > s.opts.maxHeapMB) {
    s.restart(slot, 'recycle')
  }
  s.schedulePump()
  s.checkIdle()
}

/**
 * A batch's thread failed as a whole: an input that cannot be cloned is found by sending each
 * item alone; a timeout, crash or out-of-memory restarts the thread, the item that caused it
 * goes to the retry policy, and the others go back to the head of the queue.
 */
export function failBatch(
  s: Scheduler,
  slot: Slot,
  jobs: Job[],
  error: Error,
  elapsed: number,
  watch: TimeoutWatch,
): void {
  clearTimeout(watch.timer)
  const runningIndex = slot.current().index
  s.release(slot, jobs, elapsed, false)
  if (s.terminating) {
    for (const job of jobs)
      s.settle(job, new PoolClosedError('pool closed before the task finished'))
    s.checkIdle()
    return
  }
  const code = (error as { code?: unknown }).code
  if (error.name === 'DataCloneError' || code === 'ERR_INVALID_TRANSFER_OBJECT') {
    // Nothing ran: find the bad input by sending each item alone.
    if (jobs.length === 1) {
      const message = `input cannot be sent to a worker thread: ${error.message}`
      s.settle(jobs[0] as Job, new TaskInputError(message, { cause: error }))
    } else requeue(s, jobs, true, false)
    s.schedulePump()
    s.checkIdle()
    return
  }
  const { reason, culprit, failure } = diagnose(s, slot, jobs, error, watch, runningIndex)
  s.restart(slot, reason)
  const innocent = jobs.filter((job) => job !== culprit && job.state === 'running')
  // Without a culprit (the thread died between items), each item goes alone to find it.
  requeue(s, innocent, culprit === undefined && reason !== 'abort', true)
  // A culprit is known only for a timeout, a crash or an out-of-memory: never for an abort.
  if (culprit && culprit.state === 'running')
    retryOrFail(s, culprit, slot, reason as FailureReason, failure)
  s.schedulePump()
  s.checkIdle()
}

/** Why a thread failed a batch, which item it was running (if known), and that item's error. */
function diagnose(
  s: Scheduler,
  slot: Slot,
  jobs: Job[],
  error: Error,
  watch: TimeoutWatch,
  runningIndex: number,
): { reason: Exclude<RestartReason, 'recycle'>; culprit: Job | undefined; failure: Error } {
  if (watch.timedOut >= 0) {
    const culprit = jobs[watch.timedOut]
    s.counts.timedOut++
    return { reason: 'timeout', culprit, failure: new TaskTimeoutError(culprit?.timeout ?? 0) }
  }
  if (error.name === 'AbortError') return { reason: 'abort', culprit: undefined, failure: error }
  const code = (error as { code?: unknown }).code
  const reason = code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'oom' : 'crash'
  const culprit = runningIndex >= 0 ? jobs[runningIndex] : jobs.length === 1 ? jobs[0] : undefined
  const what = reason === 'oom' ? 'ran out of memory' : 'crashed'
  const failure = new TaskCrashedError(reason, `worker thread ${what}: ${error.message}`, {
    cause: error,
  })
  s.emitter.emit('error', error, slot.id)
  return { reason, culprit, failure }
}

/** Puts jobs back at the head of the queue, in order; `isolate` sends each alone next time. */
function requeue(s: Scheduler, jobs: Job[], isolate: boolean, threadDied: boolean): void {
  for (let index = jobs.length - 1; index >= 0; index--) {
    const job = jobs[index] as Job
    if (threadDied && job.transfer.length > 0) {
      // Its buffers went to the dead thread: there is nothing left to send again.
      const message = 'worker thread died holding this transferred input; it cannot be retried'
      s.settle(job, new TaskCrashedError('crash', message))
      s.counts.failed++
      continue
    }
    job.isolate ||= isolate
    s.enqueue(job, true)
  }
}
