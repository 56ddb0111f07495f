import { channel } from 'node:diagnostics_channel'
import type { TransferListItem } from 'node:worker_threads'
import { EventEmitter } from 'eventemitter3'
import type { FailureReason } from './errors'
import {
  AbortedError,
  PoolClosedError,
  QueueFullError,
  TaskCrashedError,
  TaskInputError,
  TaskModuleError,
  TaskTimeoutError,
} from './errors'
import type { Job } from './job'
import { planBatches } from './job'
import { Lanes } from './lanes'
import { createMap, defaultInFlight, type MapSubmit } from './map'
import { backoffDelay, resolveOptions } from './options'
import { probeTaskModule, taskUrl } from './probe'
import { runOptionsError } from './run-options'
import { SignalGroups } from './signals'
import { Slot } from './slot'
import { SampleRing } from './stats'
import type { WireReply } from './task'
import { type TimeoutWatch, watchTimeouts } from './timeouts'
import type {
  CloseOptions,
  Pool,
  PoolEvents,
  PoolOptions,
  PoolStats,
  RestartReason,
  RunOptions,
} from './types'
import { rehydrate, runtimePath, transferList } from './wire'

/** Tracing: one message per batch a thread finished, and one per thread restart. */
const batchChannel = channel('mx:workers:batch')
const restartChannel = channel('mx:workers:restart')

/**
 * Creates a pool of worker threads running the task module's `defineTask` function, with
 * adaptive micro-batching, priority lanes, affinity, hard timeouts, crash recovery and recycling.
 * Throws `InvalidOptionError` for bad options and `TaskModuleError` for a bad task module.
 */
export function createPool<I = unknown, O = unknown>(options: PoolOptions): Pool<I, O> {
  const opts = resolveOptions(options)
  const module = taskUrl(opts.task)
  const { clock } = opts
  const emitter = new EventEmitter<PoolEvents>()
  const lanes = new Lanes<Job>()
  const affinity = new Map<string | number, Slot>()
  const runTime = new SampleRing()
  const waitTime = new SampleRing()
  const createdAt = clock.now()
  const counts = { completed: 0, failed: 0, retried: 0, timedOut: 0, restarts: 0, quarantined: 0 }
  let queued = 0
  let running = 0
  const backoff = new Set<Job>()
  let busyMs = 0
  let taskMs = 0
  let batchSize = 1
  let perItemMs: number | undefined
  let closed = false
  let terminating = false
  let fatal: Error | undefined
  let pumpScheduled = false
  let idleWaiters: (() => void)[] = []
  let closing: Promise<void> | undefined

  const onThreadError = (error: Error, slot: Slot) => emitter.emit('error', error, slot.id)
  const runtime = runtimePath(import.meta.url)
  const slots = Array.from(
    { length: opts.threads },
    (_, id) => new Slot(id, runtime, opts, onThreadError),
  )
  // The threads start loading while the probe checks the task module, not after it.
  try {
    probeTaskModule(module, opts.probe)
  } catch (error) {
    for (const slot of slots) void slot.destroy().catch(() => undefined)
    throw error
  }

  function settle(job: Job, error: Error | undefined, value?: unknown): void {
    if (job.state === 'settled') return
    job.state = 'settled'
    if (job.signal) signals.unwatch(job, job.signal)
    if (error) job.reject(error)
    else job.resolve(value)
  }

  function checkIdle(): void {
    if (queued > 0 || running > 0 || backoff.size > 0) return
    emitter.emit('drain')
    const waiters = idleWaiters
    idleWaiters = []
    for (const wake of waiters) wake()
  }

  function enqueue(job: Job, atHead = false): void {
    job.state = 'queued'
    queued++
    if (atHead) lanes.unshift(job)
    else lanes.push(job)
    schedulePump()
  }

  function schedulePump(): void {
    if (pumpScheduled) return
    pumpScheduled = true
    // One microtask later, so that synchronous run() calls land in the same batch.
    queueMicrotask(pump)
  }

  function pump(): void {
    pumpScheduled = false
    if (terminating) return
    const free = slots.filter((slot) => !slot.busy)
    if (free.length === 0 || queued === 0) return
    // Split over all threads, not only the free ones: the tail of a run is spread evenly
    // instead of piling onto the first slot to free up.
    const share = opts.batching
      ? Math.max(1, Math.min(batchSize, Math.ceil(queued / opts.threads)))
      : 1
    const planned = planBatches(lanes, free, affinity, share, opts.afterTasks)
    queued -= planned.taken
    const { batches } = planned
    for (const [slot, jobs] of batches) dispatch(slot, jobs)
  }

  function dispatch(slot: Slot, jobs: Job[]): void {
    slot.busy = true
    running += jobs.length
    const now = clock.now()
    const transfer: TransferListItem[] = []
    const inputs: unknown[] = new Array(jobs.length)
    let attempts: number[] | undefined
    let timeouts: number[] | undefined
    for (let index = 0; index < jobs.length; index++) {
      const job = jobs[index] as Job
      job.state = 'running'
      job.batch = jobs
      job.slot = slot
      waitTime.add(now - job.enqueuedAt)
      for (const t of job.transfer) transfer.push(t)
      inputs[index] = job.input
      if (job.failures > 0) {
        attempts ??= new Array<number>(jobs.length).fill(1)
        attempts[index] = job.failures + 1
      }
      if (job.timeout > 0) {
        timeouts ??= new Array<number>(jobs.length).fill(0)
        timeouts[index] = job.timeout
      }
    }
    const measureHeap = Number.isFinite(opts.maxHeapMB)
    const watch = watchTimeouts(slot, timeouts)
    let reply: Promise<WireReply>
    try {
      reply = slot.run({ module, inputs, attempts, timeouts, measureHeap }, transfer)
    } catch (error) {
      reply = Promise.reject(error)
    }
    reply.then(
      (result) => completeBatch(slot, jobs, result, clock.now() - now, watch),
      (error: Error) => failBatch(slot, jobs, error, clock.now() - now, watch),
    )
  }

  function completeBatch(
    slot: Slot,
    jobs: Job[],
    reply: WireReply,
    elapsed: number,
    watch: TimeoutWatch,
  ) {
    clearTimeout(watch.timer)
    slot.busy = false
    running -= jobs.length
    busyMs += elapsed
    if (batchChannel.hasSubscribers) {
      batchChannel.publish({ workerId: slot.id, items: jobs.length, ms: elapsed, ok: true })
    }
    if (reply.moduleError) {
      fatal = new TaskModuleError(`task module ${module} ${reply.moduleError.message}`)
      for (const job of jobs) settle(job, fatal)
      for (const job of lanes.drain()) settle(job, fatal)
      queued = 0
      return checkIdle()
    }
    let itemMs = 0
    const { values, ms, failures } = reply
    const failed = failures && new Map(failures.map((failure) => [failure.index, failure]))
    for (let index = 0; index < jobs.length; index++) {
      const job = jobs[index] as Job
      const took = ms[index] as number
      itemMs += took
      taskMs += took
      runTime.add(took)
      if (job.state === 'settled') continue
      const failure = failed?.get(index)
      if (!failure) {
        counts.completed++
        slot.completed++
        settle(job, undefined, values[index])
      } else if (failure.timedOut) {
        counts.timedOut++
        fail(
          job,
          slot,
          'timeout',
          new TaskTimeoutError(job.timeout, { cause: rehydrate(failure.error) }),
        )
      } else {
        fail(job, slot, 'error', rehydrate(failure.error))
      }
    }
    slot.tasksSinceStart += jobs.length
    if (opts.batching) {
      const measured = itemMs / jobs.length
      perItemMs = perItemMs === undefined ? measured : perItemMs * 0.7 + measured * 0.3
      const wanted = opts.targetMs / Math.max(perItemMs, 0.0001)
      batchSize = Math.max(1, Math.min(opts.maxItems, Math.floor(wanted)))
    }
    if (slot.tasksSinceStart >= opts.afterTasks || reply.heapUsed / 1_048_576 > opts.maxHeapMB) {
      restart(slot, 'recycle')
    }
    schedulePump()
    checkIdle()
  }

  function failBatch(slot: Slot, jobs: Job[], error: Error, elapsed: number, watch: TimeoutWatch) {
    clearTimeout(watch.timer)
    const running_ = slot.current().index
    slot.busy = false
    running -= jobs.length
    busyMs += elapsed
    if (batchChannel.hasSubscribers) {
      batchChannel.publish({ workerId: slot.id, items: jobs.length, ms: elapsed, ok: false })
    }
    if (terminating) {
      for (const job of jobs)
        settle(job, new PoolClosedError('pool closed before the task finished'))
      return checkIdle()
    }
    const code = (error as { code?: unknown }).code
    if (error.name === 'DataCloneError' || code === 'ERR_INVALID_TRANSFER_OBJECT') {
      // Nothing ran: find the bad input by sending each item alone.
      if (jobs.length === 1)
        settle(
          jobs[0] as Job,
          new TaskInputError(`input cannot be sent to a worker thread: ${error.message}`, {
            cause: error,
          }),
        )
      else requeue(jobs, true, false)
      schedulePump()
      return checkIdle()
    }
    let reason: RestartReason
    let culprit: Job | undefined
    let failure: Error
    if (watch.timedOut >= 0) {
      reason = 'timeout'
      culprit = jobs[watch.timedOut]
      counts.timedOut++
      failure = new TaskTimeoutError(culprit?.timeout ?? 0)
    } else if (error.name === 'AbortError') {
      reason = 'abort'
      failure = error
    } else {
      reason = code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'oom' : 'crash'
      culprit = running_ >= 0 ? jobs[running_] : jobs.length === 1 ? jobs[0] : undefined
      failure = new TaskCrashedError(
        reason,
        `worker thread ${reason === 'oom' ? 'ran out of memory' : 'crashed'}: ${error.message}`,
        { cause: error },
      )
      emitter.emit('error', error, slot.id)
    }
    restart(slot, reason)
    const innocent = jobs.filter((job) => job !== culprit && job.state === 'running')
    // Without a culprit (the thread died between items), each item goes alone to find it.
    requeue(innocent, culprit === undefined && reason !== 'abort', true)
    if (culprit && culprit.state === 'running')
      fail(culprit, slot, reason as FailureReason, failure)
    schedulePump()
    checkIdle()
  }

  function requeue(jobs: Job[], isolate: boolean, threadDied: boolean): void {
    for (let index = jobs.length - 1; index >= 0; index--) {
      const job = jobs[index] as Job
      if (threadDied && job.transfer.length > 0) {
        // Its buffers went to the dead thread: there is nothing left to send again.
        settle(
          job,
          new TaskCrashedError(
            'crash',
            'worker thread died holding this transferred input; it cannot be retried',
          ),
        )
        counts.failed++
        continue
      }
      job.isolate ||= isolate
      enqueue(job, true)
    }
  }

  function fail(job: Job, slot: Slot, reason: FailureReason, error: Error): void {
    job.failures++
    const retryable = reason !== 'error' || opts.retryErrors
    if (retryable && job.failures < opts.attempts && job.transfer.length === 0 && !terminating) {
      counts.retried++
      job.state = 'backoff'
      job.avoid = slot
      backoff.add(job)
      job.retryTimer = clock.setTimeout(
        () => {
          backoff.delete(job)
          job.retryTimer = undefined
          if (job.state === 'backoff') enqueue(job)
          else checkIdle()
        },
        backoffDelay(opts.backoff, job.failures),
      )
      return
    }
    counts.failed++
    slot.failed++
    if (retryable) {
      counts.quarantined++
      emitter.emit('quarantine', {
        input: job.input,
        key: job.key,
        reason,
        attempts: job.failures,
        error,
      })
    }
    settle(job, error)
  }

  function restart(slot: Slot, reason: RestartReason): void {
    slot.restart()
    counts.restarts++
    emitter.emit('restart', { workerId: slot.id, reason })
    if (restartChannel.hasSubscribers) restartChannel.publish({ workerId: slot.id, reason })
  }

  function cancel(job: Job): void {
    const error = new AbortedError({ cause: job.signal?.reason })
    if (job.state === 'queued') queued--
    if (job.state === 'backoff') {
      clock.clearTimeout(job.retryTimer)
      backoff.delete(job)
    }
    const batch = job.state === 'running' ? job.batch : undefined
    settle(job, error)
    // A running batch whose every item was cancelled is stopped by terminating its thread.
    if (batch?.every((other) => other.state === 'settled')) job.slot?.kill()
    checkIdle()
  }

  const signals = new SignalGroups<Job>((job) => cancel(job))

  /**
   * Queues one input and settles through the callbacks (synchronously for a refused input).
   * `run()` wraps it in a promise; `map()` calls it directly, saving two promises per item.
   */
  function submit(
    input: unknown,
    runOptions: RunOptions,
    resolve: (value: unknown) => void,
    reject: (error: Error) => void,
  ): void {
    const refused = closed
      ? new PoolClosedError()
      : (fatal ??
        runOptionsError(runOptions) ??
        (queued >= opts.maxQueue
          ? new QueueFullError(opts.maxQueue)
          : runOptions.signal?.aborted
            ? new AbortedError({ cause: runOptions.signal.reason })
            : undefined))
    if (refused) {
      reject(refused)
      return
    }
    const { signal } = runOptions
    const job: Job = {
      input,
      transfer: transferList(input, runOptions.transfer),
      priority: runOptions.priority ?? 'normal',
      key: runOptions.key,
      timeout: runOptions.timeout ?? opts.timeout,
      signal,
      failures: 0,
      state: 'queued',
      batch: undefined,
      slot: undefined,
      isolate: false,
      avoid: undefined,
      retryTimer: undefined,
      enqueuedAt: clock.now(),
      resolve,
      reject,
    }
    if (signal) signals.watch(job, signal)
    enqueue(job)
  }

  function run(input: unknown, runOptions: RunOptions = {}): Promise<unknown> {
    return new Promise((resolve, reject) => submit(input, runOptions, resolve, reject))
  }

  function whenIdle(): Promise<void> {
    if (queued === 0 && running === 0 && backoff.size === 0) return Promise.resolve()
    return new Promise((resolve) => idleWaiters.push(resolve))
  }

  async function shutdown(drain: boolean): Promise<void> {
    closed = true
    if (!drain) {
      terminating = true
      const error = new PoolClosedError('pool closed before the task ran')
      for (const job of lanes.drain()) {
        if (job.state === 'queued') settle(job, error)
      }
      queued = 0
      for (const job of backoff) {
        clock.clearTimeout(job.retryTimer)
        settle(job, error)
      }
      backoff.clear()
      for (const slot of slots) if (slot.busy) slot.kill()
    }
    await whenIdle()
    await Promise.all(slots.map((slot) => slot.destroy()))
  }

  function stats(): PoolStats {
    const elapsed = Math.max(1e-9, clock.now() - createdAt)
    return {
      threads: opts.threads,
      queueDepth: queued,
      running,
      ...counts,
      runTime: runTime.percentiles(),
      waitTime: waitTime.percentiles(),
      utilization: Math.min(1, busyMs / (elapsed * opts.threads)),
      taskMs,
      batchSize,
      workers: slots.map((slot) => ({
        workerId: slot.id,
        completed: slot.completed,
        failed: slot.failed,
        restarts: slot.restarts,
        busy: slot.busy,
        tasksSinceStart: slot.tasksSinceStart,
      })),
    }
  }

  const pool: Pool<I, O> = {
    threads: opts.threads,
    run: run as Pool<I, O>['run'],
    map: (source, mapOptions) =>
      createMap(
        submit as MapSubmit<I, O>,
        () => defaultInFlight(opts.threads, opts.batching ? batchSize : 1),
        source,
        mapOptions,
      ),
    stats,
    on(event, listener) {
      emitter.on(event, listener as never)
      return () => {
        emitter.off(event, listener as never)
      }
    },
    close(closeOptions: CloseOptions = {}) {
      closing ??= shutdown(closeOptions.drain !== false)
      return closing
    },
  }
  return pool
}
