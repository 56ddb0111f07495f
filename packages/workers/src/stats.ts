import type { Scheduler } from './scheduler'
import type { Percentiles, PoolStats } from './types'

/** The last `size` samples of a metric, for percentiles at `stats()` time. */
export class SampleRing {
  private readonly samples: Float64Array
  private count = 0

  constructor(size = 2048) {
    this.samples = new Float64Array(size)
  }

  add(value: number): void {
    this.samples[this.count % this.samples.length] = value
    this.count++
  }

  percentiles(): Percentiles {
    const n = Math.min(this.count, this.samples.length)
    if (n === 0) return { p50: 0, p95: 0, p99: 0 }
    const sorted = this.samples.slice(0, n).sort()
    const at = (q: number) => sorted[Math.min(n - 1, Math.ceil(q * n) - 1)] as number
    return { p50: at(0.5), p95: at(0.95), p99: at(0.99) }
  }
}

/** The pool's `stats()`: its queue, counters, timings, utilisation and threads. */
export function poolStats(s: Scheduler): PoolStats {
  const { opts } = s
  const elapsed = Math.max(1e-9, s.clock.now() - s.createdAt)
  return {
    threads: opts.threads,
    queueDepth: s.queued,
    running: s.running,
    ...s.counts,
    runTime: s.runTime.percentiles(),
    waitTime: s.waitTime.percentiles(),
    utilization: Math.min(1, s.busyMs / (elapsed * opts.threads)),
    taskMs: s.taskMs,
    batchSize: s.batchSize,
    workers: s.slots.map((slot) => ({
      workerId: slot.id,
      completed: slot.completed,
      failed: slot.failed,
      restarts: slot.restarts,
      busy: slot.busy,
      tasksSinceStart: slot.tasksSinceStart,
    })),
  }
}
