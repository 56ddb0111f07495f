import { CircuitOpenError } from './errors'
import type { CircuitState, Clock } from './types'

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. Default 3. */
  failures?: number
  /** How long the circuit stays open before one probe call is let through, in ms. Default 2000. */
  resetAfter?: number
}

/**
 * Circuit breaker: after `failures` consecutive errors calls fail fast with `CircuitOpenError`
 * for `resetAfter` ms; then one probe is let through and its outcome closes or re-opens it.
 */
export class CircuitBreaker {
  state: CircuitState = 'closed'
  private failures = 0
  private openedAt = 0
  private probing = false
  private readonly threshold: number
  private readonly resetAfter: number

  constructor(
    private readonly tier: string,
    options: BreakerOptions,
    private readonly clock: Clock,
    private readonly onChange: (state: CircuitState) => void,
  ) {
    this.threshold = options.failures ?? 3
    this.resetAfter = options.resetAfter ?? 2000
  }

  run<T>(call: () => Promise<T>): Promise<T> {
    if (this.state === 'open') {
      if (this.clock.now() - this.openedAt < this.resetAfter) {
        return Promise.reject(new CircuitOpenError(this.tier))
      }
      this.change('half-open')
    }
    if (this.state === 'half-open') {
      if (this.probing) return Promise.reject(new CircuitOpenError(this.tier))
      this.probing = true
    }
    let pending: Promise<T>
    try {
      pending = call()
    } catch (error) {
      pending = Promise.reject(error)
    }
    return pending.then(this.succeeded, (error: unknown) => {
      this.failed()
      throw error
    }) as Promise<T>
  }

  private readonly succeeded = <T>(result: T): T => {
    this.probing = false
    this.failures = 0
    if (this.state !== 'closed') this.change('closed')
    return result
  }

  private failed(): void {
    this.probing = false
    this.failures++
    if (this.state === 'half-open' || this.failures >= this.threshold) {
      this.openedAt = this.clock.now()
      if (this.state !== 'open') this.change('open')
    }
  }

  private change(state: CircuitState): void {
    this.state = state
    this.onChange(state)
  }
}
