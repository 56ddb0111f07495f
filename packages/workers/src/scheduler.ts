import type { TransferListItem } from 'node:worker_threads'
import type { EventEmitter } from 'eventemitter3'
import { batchChannel, restartChannel } from './channels'
import { AbortedError, PoolClosedError, QueueFullError } from './errors'
import { type Job, planBatches } from './job'
import { traceCarrier } from './kernel'
import { Lanes } from './lanes'
import type { ResolvedOptions } from './options'
import { completeBatch, failBatch } from './outcomes'
import { runOptionsError } from './run-options'
import { SignalGroups } from './signals'
import type { Slot } from './slot'
import { SampleRing } from './stats'
import type { WireBatch, WireReply } from './task'
import { watchTimeouts } from './timeouts'
import type { PoolEvents, RestartReason, RunOptions } from './types'
import { transferList } from './wire'

/**
 * The pool's scheduler: the queue (priority lanes), the batches it plans for free threads, their
 * adaptive size, and the pool's counters. What happens to a batch once its thread answers is in
 * `outcomes.ts`, and the retry policy in `retry.ts`; `createPool` is the facade over this.
 */
export class Scheduler {
  readonly lanes = new Lanes<Job>()
  readonly affinity = new Map<string | number, Slot>()
  readonly runTime = new SampleRing()
  readonly waitTime = new SampleRing()
  readonly counts = {
    completed: 0,
    failed: 0,
    retried: 0,
    timedOut: 0,
    restarts: 0,
    quarantined: 0,
  }
  /** Jobs waiting out a retry backoff. */
  readonly backoff = new Set<Job>()
  readonly signals = new SignalGroups<Job>((job) => this.cancel(job))
  readonly createdAt: number
  readonly clock: ResolvedOptions['clock']
  queued = 0
  running = 0
  busyMs = 0
  taskMs = 0
  /** Items per batch, adapted to `targetMs` from the measured time per item. */
  batchSize = 1
  perItemMs: number | undefined
  closed = false
  /** Closing without draining: queued work is refused, running threads are killed. */
  terminating = false
  /** A task module that failed to load: every job, now and later, fails with it. */
  fatal: Error | undefined
  private pumpScheduled = false
  private idleWaiters: Array<() => void> = []

  constructor(
    readonly opts: ResolvedOptions,
    /** The task module's URL, as the threads import it. */
    readonly module: string,
    readonly slots: readonly Slot[],
    /** The pool's events, shared with the threads (which report their errors on it). */
    readonly emitter: EventEmitter<PoolEvents>,
  ) {
    this.clock = opts.clock
    this.createdAt = opts.clock.now()
  }

  settle(job: Job, error: Error | undefined, value?: unknown): void {
    if (job.state === 'settled') return
    job.state = 'settled'
    if (job.signal) this.signals.unwatch(job, job.signal)
    if (error) job.reject(error)
    else job.resolve(value)
  }

  idle(): boolean {
    return this.queued === 0 && this.running === 0 && this.backoff.size === 0
  }

  /** Emits `drain` and wakes `whenIdle()` callers once nothing is queued, running or backing off. */
  checkIdle(): void {
    if (!this.idle()) return
    this.emitter.emit('drain')
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const wake of waiters) wake()
  }

  whenIdle(): Promise<void> {
    if (this.idle()) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  enqueue(job: Job, atHead = false): void {
    job.state = 'queued'
    this.queued++
    if (atHead) this.lanes.unshift(job)
    else this.lanes.push(job)
    this.schedulePump()
  }

  schedulePump(): void {
    if (this.pumpScheduled) return
    this.pumpScheduled = true
    // One microtask later, so that synchronous run() calls land in the same batch.
    queueMicrotask(this.pump)
  }

  private readonly pump = (): void => {
    this.pumpScheduled = false
    if (this.terminating) return
    const free = this.slots.filter((slot) => !slot.busy)
    if (free.length === 0 || this.queued === 0) return
    // Split over all threads, not only the free ones: the tail of a run is spread evenly
    // instead of piling onto the first slot to free up.
    const { opts } = this
    const share = opts.batching
      ? Math.max(1, Math.min(this.batchSize, Math.ceil(this.queued / opts.threads)))
      : 1
    const planned = planBatches(this.lanes, free, this.affinity, share, opts.afterTasks)
    this.queued -= planned.taken
    for (const [slot, jobs] of planned.batches) this.dispatch(slot, jobs)
  }

  private dispatch(slot: Slot, jobs: Job[]): void {
    slot.busy = true
    this.running += jobs.length
    const now = this.clock.now()
    const transfer: TransferListItem[] = []
    const inputs: unknown[] = new Array(jobs.length)
    let attempts: number[] | undefined
    let timeouts: number[] | undefined
    let traces: WireBatch['traces']
    for (let index = 0; index < jobs.length; index++) {
      const job = jobs[index] as Job
      job.state = 'running'
      job.batch = jobs
      job.slot = slot
      this.waitTime.add(now - job.enqueuedAt)
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
      if (job.trace) {
        traces ??= new Array(jobs.length)
        traces[index] = job.trace
      }
    }
    const measureHeap = Number.isFinite(this.opts.maxHeapMB)
    const watch = watchTimeouts(slot, timeouts)
    let reply: Promise<WireReply>
    try {
      reply = slot.run(
        {
          module: this.module,
          inputs,
          attempts,
          timeouts,
          measureHeap,
          ...(traces ? { traces } : {}),
        },
        transfer,
      )
    } catch (error) {
      reply = Promise.reject(error)
    }
    reply.then(
      (result) => completeBatch(this, slot, jobs, result, this.clock.now() - now, watch),
      (error: Error) => failBatch(this, slot, jobs, error, this.clock.now() - now, watch),
    )
  }

  /** A batch's thread answered: frees the slot and counts the time it was busy. */
  release(slot: Slot, jobs: readonly Job[], elapsed: number, ok: boolean): void {
    slot.busy = false
    this.running -= jobs.length
    this.busyMs += elapsed
    if (batchChannel.hasSubscribers) {
      batchChannel.publish({ workerId: slot.id, items: jobs.length, ms: elapsed, ok })
    }
  }

  /** Sizes the next batches to about `targetMs` of work from the last batch's time per item. */
  adaptBatchSize(measuredPerItemMs: number): void {
    const { opts } = this
    if (!opts.batching) return
    this.perItemMs =
      this.perItemMs === undefined
        ? measuredPerItemMs
        : this.perItemMs * 0.7 + measuredPerItemMs * 0.3
    const wanted = opts.targetMs / Math.max(this.perItemMs, 0.0001)
    this.batchSize = Math.max(1, Math.min(opts.maxItems, Math.floor(wanted)))
  }

  restart(slot: Slot, reason: RestartReason): void {
    slot.restart()
    this.counts.restarts++
    this.emitter.emit('restart', { workerId: slot.id, reason })
    if (restartChannel.hasSubscribers) restartChannel.publish({ workerId: slot.id, reason })
  }

  private cancel(job: Job): void {
    const error = new AbortedError({ cause: job.signal?.reason })
    if (job.state === 'queued') this.queued--
    if (job.state === 'backoff') {
      this.clock.clearTimeout(job.retryTimer)
      this.backoff.delete(job)
    }
    const batch = job.state === 'running' ? job.batch : undefined
    this.settle(job, error)
    // A running batch whose every item was cancelled is stopped by terminating its thread.
    if (batch?.every((other) => other.state === 'settled')) job.slot?.kill()
    this.checkIdle()
  }

  /**
   * Queues one input and settles through the callbacks (synchronously for a refused input).
   * `run()` wraps it in a promise; `map()` calls it directly, saving two promises per item.
   */
  readonly submit = (
    input: unknown,
    runOptions: RunOptions,
    resolve: (value: unknown) => void,
    reject: (error: Error) => void,
  ): void => {
    const refused = this.refusal(runOptions)
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
      timeout: runOptions.timeout ?? this.opts.timeout,
      signal,
      failures: 0,
      state: 'queued',
      batch: undefined,
      slot: undefined,
      isolate: false,
      avoid: undefined,
      retryTimer: undefined,
      enqueuedAt: this.clock.now(),
      trace: traceCarrier(),
      resolve,
      reject,
    }
    if (signal) this.signals.watch(job, signal)
    this.enqueue(job)
  }

  private refusal(runOptions: RunOptions): Error | undefined {
    if (this.closed) return new PoolClosedError()
    if (this.fatal) return this.fatal
    const invalid = runOptionsError(runOptions)
    if (invalid) return invalid
    if (this.queued >= this.opts.maxQueue) return new QueueFullError(this.opts.maxQueue)
    if (runOptions.signal?.aborted) return new AbortedError({ cause: runOptions.signal.reason })
    return undefined
  }

  /** Closes: with `drain`, after the queued work; without, refusing it and killing busy threads. */
  async shutdown(drain: boolean): Promise<void> {
    this.closed = true
    if (!drain) {
      this.terminating = true
      const error = new PoolClosedError('pool closed before the task ran')
      for (const job of this.lanes.drain()) {
        if (job.state === 'queued') this.settle(job, error)
      }
      this.queued = 0
      for (const job of this.backoff) {
        this.clock.clearTimeout(job.retryTimer)
        this.settle(job, error)
      }
      this.backoff.clear()
      for (const slot of this.slots) if (slot.busy) slot.kill()
    }
    await this.whenIdle()
    await Promise.all(this.slots.map((slot) => slot.destroy()))
  }
}
