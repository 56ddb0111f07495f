import type { TransferListItem } from 'node:worker_threads'
import type { TraceCarrier } from './kernel'
import type { Lanes } from './lanes'
import type { Slot } from './slot'
import type { Priority } from './types'

/** One `run()` call as the pool tracks it, from queue to settlement (retries included). */
export interface Job {
  input: unknown
  transfer: TransferListItem[]
  priority: Priority
  key: string | number | undefined
  timeout: number
  signal: AbortSignal | undefined
  failures: number
  state: 'queued' | 'backoff' | 'running' | 'settled'
  batch: Job[] | undefined
  slot: Slot | undefined
  /** Alone in its batch: it may be the one that broke a batch (e.g. a non-cloneable input). */
  isolate: boolean
  avoid: Slot | undefined
  /** The clock's timer of a retry waiting for its backoff. */
  retryTimer: unknown
  enqueuedAt: number
  /** The caller's OpenTelemetry trace context, for the task to continue its trace. */
  trace: TraceCarrier | undefined
  resolve: (value: unknown) => void
  reject: (error: Error) => void
}

const MAX_AFFINITY_KEYS = 10_000

/**
 * Takes queued jobs for the free slots: a job goes to the slot its key last ran on when that
 * slot is free (affinity), otherwise to a slot other than the one it just failed on; each slot
 * gets up to `share` jobs (fewer when it is due for recycling), an isolated job gets a slot alone.
 */
export function planBatches(
  lanes: Lanes<Job>,
  free: readonly Slot[],
  affinity: Map<string | number, Slot>,
  share: number,
  afterTasks: number,
): { batches: Map<Slot, Job[]>; taken: number } {
  const batches = new Map<Slot, Job[]>()
  const full = new Set<Slot>()
  const open = (slot: Slot, job: Job) => !full.has(slot) && (!job.isolate || !batches.has(slot))
  let taken = 0
  while (full.size < free.length) {
    const job = lanes.shift()
    if (!job) break
    if (job.state !== 'queued') continue
    const bound = job.key === undefined ? undefined : affinity.get(job.key)
    let target = bound && !bound.busy && open(bound, job) ? bound : undefined
    target ??=
      free.find((slot) => slot !== job.avoid && open(slot, job)) ??
      free.find((slot) => open(slot, job))
    if (!target) {
      lanes.unshift(job)
      break
    }
    taken++
    const batch = batches.get(target) ?? []
    batch.push(job)
    batches.set(target, batch)
    const room = Math.max(1, Math.min(share, afterTasks - target.tasksSinceStart))
    if (job.isolate || batch.length >= room) full.add(target)
    if (job.key !== undefined && bound !== target) {
      affinity.delete(job.key)
      if (affinity.size >= MAX_AFFINITY_KEYS)
        affinity.delete(affinity.keys().next().value as string)
      affinity.set(job.key, target)
    }
  }
  return { batches, taken }
}
