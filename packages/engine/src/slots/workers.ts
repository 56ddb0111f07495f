import { availableParallelism } from 'node:os'
import { createPool, type Pool, type PoolStats, QueueFullError } from '@mx/workers'
import type { WorkerRunOptions, WorkersSlot, WorkerTask } from '../types'
import { workerTaskUrl } from '../worker-url'

export interface EnginePool extends WorkersSlot {
  runDocument: NonNullable<WorkersSlot['runDocument']>
  close(): Promise<void>
  /** Tasks sent to the pool so far (documents, reduces and element chunks). */
  readonly runs: number
  /** The pool's stats (busy time, restarts, ...); undefined before the first task started it. */
  stats(): PoolStats | undefined
}

/**
 * The engine-built workers slot: a `@mx/workers` pool over the engine's task module, started on
 * the first task (an engine whose documents all run inline starts no thread). It takes whole
 * documents as well as element chunks, several to a message when they are short (see `batch`).
 */
export function enginePool(options: {
  threads?: number | undefined
  timeout?: number | undefined
  /** Most tasks waiting for a free thread (flush tasks excepted); more are refused. */
  maxQueue?: number | undefined
}): EnginePool {
  const threads = options.threads ?? Math.max(1, availableParallelism())
  const { maxQueue } = options
  let pool: Pool | undefined
  let runs = 0
  // Tasks sent and not yet settled, flushes excepted. The bound is kept here rather than by the
  // pool's own `maxQueue`: the flush the engine sends to every thread at close (all at once)
  // must never be refused, or the threads' last disk writes could be lost.
  let pending = 0
  const run = (task: WorkerTask, runOptions?: WorkerRunOptions) => {
    if (maxQueue !== undefined && !('kind' in task && task.kind === 'flush')) {
      // A task waits when every thread runs one: `threads + maxQueue` may be in flight.
      if (pending >= threads + maxQueue) return Promise.reject(new QueueFullError(maxQueue))
      pending++
      return start(task, runOptions).finally(() => pending--)
    }
    return start(task, runOptions)
  }
  const start = (task: WorkerTask, runOptions?: WorkerRunOptions) => {
    pool ??= createPool({
      task: workerTaskUrl(),
      threads,
      // Tasks go several to a message, about 30 ms of work each from the measured time per task
      // (the pool spreads the last ones over all threads): a thread loses 0.5–1 ms between two
      // messages (its reply, its event loop, the next message), which one message per document
      // cost a cold run at one thread 10%, and the main thread handles fewer replies. A batch
      // answers at once, so a short document can wait for a long one sent with it.
      batch: { targetMs: 30 },
      // The young generation: 16 MB. Measured on cold runs of the docs-metadata corpus at 2
      // threads (interleaved rounds in one process): 8, 12, 16, 24, 32 and 64 MB. 16–32 were the
      // fastest and 64 the slowest by 2–8% (more pages touched, more kernel time); the pool's
      // default 8 MB scavenges more often and was 2–5% slower than 16.
      resourceLimits: { maxYoungGenerationSizeMb: 16 },
      // No retries here: the engine retries a document itself (its `retry` option, by default a
      // crash once), on its clock, counted in the result's `attempts` and seen by its breakers.
      retries: { attempts: 1 },
      // The engine's own task module: no throw-away thread to check it (it would hold the main
      // thread for as long as a thread takes to load the module graph, every cold start).
      probe: false,
      ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    })
    runs++
    return pool.run(task, runOptions)
  }
  return {
    threads,
    get runs() {
      return runs
    },
    run,
    runDocument: run,
    stats: () => pool?.stats(),
    async close() {
      await pool?.close({ drain: false })
    },
  }
}
