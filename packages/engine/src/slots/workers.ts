import { availableParallelism } from 'node:os'
import { createPool, type Pool, type PoolStats } from '@mx/workers'
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
 * documents as well as element chunks. One message per task (`batch: false`): a document or a
 * chunk is already a batch of work.
 */
export function enginePool(options: { threads?: number; timeout?: number }): EnginePool {
  const threads = options.threads ?? Math.max(1, availableParallelism())
  let pool: Pool | undefined
  let runs = 0
  const run = (task: WorkerTask, runOptions?: WorkerRunOptions) => {
    pool ??= createPool({
      task: workerTaskUrl(),
      threads,
      batch: false,
      // Extraction allocates per element: with the pool's default 8 MB young generation the threads
      // scavenge so often that a cold run took about 1.4 times as long (measured 8, 16, 32, 64, 128).
      resourceLimits: { maxYoungGenerationSizeMb: 64 },
      // One retry after a crash or timeout: a thread killed by an unrelated cause gets a second
      // chance, a task that crashes twice fails its document.
      retries: { attempts: 2, backoff: { delay: 10, jitter: 0.5 } },
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
