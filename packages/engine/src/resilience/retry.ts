/**
 * Retries of a document's extraction, on the engine's injected clock. Hand-written rather than
 * cockatiel's `retry()` for the same reason as the breaker: its delays are the global
 * `setTimeout`, which a test's clock cannot drive.
 */
import type { EngineClock } from '../api'
import { AbortedError } from '../errors'
import { withTimers } from '../kernel'
import { isNonRetryable, matchCodes } from './codes'
import type { FailureInfo, RetryOptions } from './types'

/** Retry options with every default filled in. */
export interface RetryPolicy {
  attempts: number
  initial: number
  max: number
  factor: number
  jitter: number
  on: (error: FailureInfo) => boolean
}

/** Defaults of the fields of a `retry` object. */
export const retryDefaults = {
  attempts: 3,
  backoff: { initial: 100, max: 10_000, factor: 2, jitter: 0.2 },
  on: ['MX_ENGINE_CRASH', 'MX_ENGINE_TIMEOUT', 'MX_ENGINE_EXTRACT'],
} as const

/**
 * Without a `retry` option: a worker crash is retried once after about 10 ms (what the
 * engine-built pool did itself before). Timeouts are not: the document's own timer, as long as
 * the pool's, always fired first, so a timed-out document was never run again.
 */
const engineDefault: RetryPolicy = {
  attempts: 2,
  initial: 10,
  max: 1000,
  factor: 2,
  jitter: 0.5,
  on: matchCodes(['MX_ENGINE_CRASH']),
}

const never: RetryPolicy = { ...engineDefault, attempts: 1, on: () => false }

/** `retry` as given (checked) → the policy. `undefined` is the engine's default, `false` none. */
export function retryPolicy(option: RetryOptions | false | undefined): RetryPolicy {
  if (option === undefined) return engineDefault
  if (option === false) return never
  const backoff = { ...retryDefaults.backoff, ...option.backoff }
  const on = option.on ?? retryDefaults.on
  return {
    attempts: option.attempts ?? retryDefaults.attempts,
    ...backoff,
    on: typeof on === 'function' ? on : matchCodes(on),
  }
}

/** Whether a failure is retried under `policy` (never when its code is `nonRetryable`). */
export function isRetryable(policy: RetryPolicy, info: FailureInfo): boolean {
  return !isNonRetryable(info) && policy.on(info)
}

/** Delay before retry `retry` (1-based): `min(max, initial × factor^(retry−1) × (1 ± jitter))`. */
export function backoffDelay(policy: RetryPolicy, retry: number, random = Math.random): number {
  const base = policy.initial * policy.factor ** (retry - 1)
  const spread = policy.jitter === 0 ? 1 : 1 + policy.jitter * (random() * 2 - 1)
  return Math.max(0, Math.min(policy.max, base * spread))
}

/** Waits `ms` on the clock's `setTimeout` (the global one when it has none); rejects on abort. */
export function sleep(
  clock: EngineClock,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortedError({ cause: signal.reason }))
      return
    }
    const timers = withTimers(clock)
    let handle: unknown
    const onAbort = () => {
      timers.clearTimeout(handle)
      reject(new AbortedError({ cause: signal?.reason }))
    }
    const done = () => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    handle = timers.setTimeout(done, ms)
  })
}
