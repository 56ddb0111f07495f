/**
 * Public types of retries, circuit breakers and fallback chains (re-exported from the package
 * root). See the README section "Retries, circuit breaker and fallback".
 */

/** A failure as the retry and fallback predicates see it (the `error` of an `ok: false` result). */
export interface FailureInfo {
  code: string
  message: string
  /** The string `code` of the error the extractor itself threw, when it had one. */
  causeCode?: string
}

/** Delay before retry `n` (1-based): `min(max, initial × factor^(n−1) × (1 ± jitter))`, in ms. */
export interface RetryBackoffOptions {
  /** Delay before the first retry, ms (≥ 0). Default 100. */
  initial?: number
  /** Longest delay, ms (≥ 0). Default 10 000. */
  max?: number
  /** Growth from one retry to the next (≥ 1). Default 2. */
  factor?: number
  /** Spread in [0, 1]: each delay is drawn uniformly within ±jitter of its value. Default 0.2. */
  jitter?: number
}

export interface RetryOptions {
  /** Attempts per extractor of the chain, the first one included (a positive integer). Default 3. */
  attempts?: number
  backoff?: RetryBackoffOptions
  /**
   * Which failures are retried: codes matched against `error.code` and `error.causeCode`, or a
   * predicate. Default `['MX_ENGINE_CRASH', 'MX_ENGINE_TIMEOUT', 'MX_ENGINE_EXTRACT']`. A failure
   * whose code or cause code is in `nonRetryable` is never retried, whatever this says.
   */
  on?: readonly string[] | ((error: FailureInfo) => boolean)
}

/** The failure rate that opens a breaker: over `window` ms, once `minimum` calls were counted. */
export interface BreakerRateOptions {
  /** Failure share in (0, 1] at or above which the breaker opens. Default 0.5. */
  threshold?: number
  /** Rolling window, ms of the engine's clock. Default 60 000. */
  window?: number
  /** Fewest counted calls in the window before the rate is judged. Default 20. */
  minimum?: number
}

export interface BreakerOptions {
  /** Consecutive counted failures that open the breaker. Default 5. */
  failures?: number
  /** Failure rate over a rolling window that opens it; `false` for none. Default on. */
  rate?: BreakerRateOptions | false
  /** Ms (engine clock) an open breaker waits before it lets probes through. Default 30 000. */
  coolDown?: number
  /** Documents let through while half-open; the first outcome closes or reopens it. Default 1. */
  probes?: number
}

export type BreakerState = 'closed' | 'open' | 'half-open'

/** Payload of the `breaker` event: the extractor's name and its breaker's state change. */
export interface BreakerChange {
  extractor: string
  from: BreakerState
  to: BreakerState
}

/**
 * Which failures of an extractor send a document on to the next extractor of the chain: codes
 * (matched against `code` and `causeCode`) or a predicate. An open breaker always does.
 */
export type FallbackOn =
  | readonly string[]
  | ((error: FailureInfo, doc: { id: string; path?: string; mediaType?: string }) => boolean)

/** On a result a fallback extractor produced: which extractor, and how the primary failed. */
export interface Degraded {
  by: 'fallback'
  /** Code of the primary extractor's failure (`MX_ENGINE_CIRCUIT_OPEN` for an open breaker). */
  from: string
  /** Name of the extractor that produced the result. */
  extractor: string
}

/** `report().resilience`. */
export interface ResilienceReport {
  /** Attempts after a document's first one, over the whole chain. */
  retries: number
  /** Documents a fallback extractor produced (`degraded` results). */
  fallbacks: number
  /** One per extractor with a breaker, in chain order. */
  breakers: Array<{
    extractor: string
    state: BreakerState
    /** Times it opened. */
    opened: number
    /** Documents it failed fast (or sent on to the next extractor) while open. */
    rejected: number
  }>
}
