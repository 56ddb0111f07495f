import { availableParallelism } from 'node:os'
import { createPool, type Pool } from '@mx/workers'
import type { WorkerBatch, WorkersSlot } from '../types'
import { workerTaskUrl } from '../worker-url'

export interface EnginePool extends WorkersSlot {
  close(): Promise<void>
  /** Worker runs so far (chunks sent to the pool). */
  readonly runs: number
}

/**
 * The engine-built workers slot: a `@mx/workers` pool over the engine's task module, started on
 * the first document that goes to workers (an engine whose documents all run inline starts no
 * thread). One message per chunk (`batch: false`): a chunk is already a batch of elements.
 */
export function enginePool(options: { threads?: number; timeout?: number }): EnginePool {
  const threads = options.threads ?? Math.max(1, availableParallelism())
  let pool: Pool | undefined
  let runs = 0
  return {
    threads,
    get runs() {
      return runs
    },
    run(batch: WorkerBatch, runOptions) {
      pool ??= createPool({
        task: workerTaskUrl(),
        threads,
        batch: false,
        // One retry after a crash or timeout: a thread killed by an unrelated cause gets a second
        // chance, a chunk that crashes twice fails its document.
        retries: { attempts: 2, backoff: { delay: 10, jitter: 0.5 } },
        ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
      })
      runs++
      return pool.run(batch, runOptions)
    },
    async close() {
      await pool?.close({ drain: false })
    },
  }
}
