import type { TransferListItem } from 'node:worker_threads'
import { Piscina } from 'piscina'
import type { ResolvedOptions } from './options'
import type { WireBatch, WireReply } from './task'

/**
 * One thread of the pool: a single-thread piscina instance. The pool picks the slot itself
 * (affinity, batching), and replaces the whole instance when its thread must go (timeout,
 * crash, recycle), which keeps every restart explicit and counted.
 */
export class Slot {
  readonly id: number
  busy = false
  tasksSinceStart = 0
  completed = 0
  failed = 0
  restarts = 0
  /** [index of the running item of the current batch, Date.now() when it started]. */
  readonly progress = new Float64Array(new SharedArrayBuffer(16))
  private piscina: Piscina
  private controller: AbortController | undefined

  constructor(
    id: number,
    private readonly runtime: string,
    private readonly options: ResolvedOptions,
    private readonly onThreadError: (error: Error, slot: Slot) => void,
  ) {
    this.id = id
    this.piscina = this.spawn()
  }

  private spawn(): Piscina {
    const finite = Number.isFinite(this.options.idleTimeout)
    const piscina = new Piscina({
      filename: this.runtime,
      minThreads: finite ? 0 : 1,
      maxThreads: 1,
      idleTimeout: finite ? this.options.idleTimeout : Number.POSITIVE_INFINITY,
      resourceLimits: this.options.resourceLimits,
      concurrentTasksPerWorker: 1,
      // An idle thread waits for its next task with Atomics.waitAsync, not Atomics.wait: its event
      // loop keeps running, so what a task left in flight (a disk write committing, a timer)
      // completes between tasks instead of waiting for the next one.
      atomics: 'async',
    })
    // Errors with no task attached (e.g. a thread dying while idle): the pool just counts them.
    piscina.on('error', (error: Error) => this.onThreadError(error, this))
    return piscina
  }

  /** Sends one batch; rejects when the thread dies or `kill()` is called meanwhile. */
  run(
    batch: Omit<WireBatch, 'progress' | 'workerId'>,
    transferList: TransferListItem[],
  ): Promise<WireReply> {
    this.progress[0] = -1
    const controller = new AbortController()
    this.controller = controller
    const message: WireBatch = {
      ...batch,
      progress: this.progress.buffer as SharedArrayBuffer,
      workerId: this.id,
    }
    return this.piscina.run(message, {
      signal: controller.signal,
      transferList: transferList as never,
    }) as Promise<WireReply>
  }

  /** Index of the item the worker is running (-1 between items) and since when (epoch ms). */
  current(): { index: number; since: number } {
    return { index: this.progress[0] as number, since: this.progress[1] as number }
  }

  /** Terminates the running batch's thread (piscina aborts by terminating the worker). */
  kill(): void {
    this.controller?.abort()
  }

  /** Replaces the thread with a fresh one. */
  restart(): void {
    const old = this.piscina
    this.piscina = this.spawn()
    this.tasksSinceStart = 0
    this.restarts++
    void old.destroy().catch(() => undefined)
  }

  async destroy(): Promise<void> {
    this.controller?.abort()
    await this.piscina.destroy()
  }
}
