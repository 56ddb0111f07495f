import type { FailureReason } from './errors'
import type { Job } from './job'
import { backoffDelay } from './options'
import type { Scheduler } from './scheduler'
import type { Slot } from './slot'

/**
 * The retry policy for an item that failed (`reason`): it runs again after a backoff on the
 * pool's clock (an injected clock fires it in tests), on another thread when there is one,
 * while it has attempts left. An error the task threw is retried only with `retryErrors`, and an
 * item whose buffers were transferred never is (they are gone). Otherwise it fails with `error`;
 * one that was retryable is reported as quarantined.
 */
export function retryOrFail(
  s: Scheduler,
  job: Job,
  slot: Slot,
  reason: FailureReason,
  error: Error,
): void {
  job.failures++
  const { opts } = s
  const retryable = reason !== 'error' || opts.retryErrors
  if (retryable && job.failures < opts.attempts && job.transfer.length === 0 && !s.terminating) {
    s.counts.retried++
    job.state = 'backoff'
    job.avoid = slot
    s.backoff.add(job)
    job.retryTimer = s.clock.setTimeout(
      () => {
        s.backoff.delete(job)
        job.retryTimer = undefined
        if (job.state === 'backoff') s.enqueue(job)
        else s.checkIdle()
      },
      backoffDelay(opts.backoff, job.failures),
    )
    return
  }
  s.counts.failed++
  slot.failed++
  if (retryable) {
    s.counts.quarantined++
    s.emitter.emit('quarantine', {
      input: job.input,
      key: job.key,
      reason,
      attempts: job.failures,
      error,
    })
  }
  s.settle(job, error)
}
