/**
 * A circuit breaker per extractor, kept on the main thread and read on the engine's injected
 * clock (`now()` only: a breaker never sets a timer; an open one turns half-open when a document
 * asks for it after `coolDown`).
 *
 * Why not cockatiel's `ConsecutiveBreaker` / `SamplingBreaker`: its `CircuitBreakerPolicy` reads
 * `Date.now()` for the half-open delay and the sampling window, with no clock to inject, and
 * `execute()` wraps every call in its own promise. The engine's clock (and so its tests) could
 * not drive it. The state machine below is the same (closed → open → half-open → closed/open).
 */
import type { BreakerOptions, BreakerRateOptions, BreakerState } from './types'

/** Breaker options with every default filled in. */
export interface BreakerPolicy {
  failures: number
  rate: Required<BreakerRateOptions> | undefined
  coolDown: number
  probes: number
}

export const breakerDefaults = {
  failures: 5,
  rate: { threshold: 0.5, window: 60_000, minimum: 20 },
  coolDown: 30_000,
  probes: 1,
} as const

/** `breaker` as given to `createEngine` (checked) → the policy, or undefined for none. */
export function breakerPolicy(
  option: boolean | BreakerOptions | undefined,
): BreakerPolicy | undefined {
  if (option === undefined || option === false) return undefined
  const given: BreakerOptions = option === true ? {} : option
  return {
    failures: given.failures ?? breakerDefaults.failures,
    rate: given.rate === false ? undefined : { ...breakerDefaults.rate, ...given.rate },
    coolDown: given.coolDown ?? breakerDefaults.coolDown,
    probes: given.probes ?? breakerDefaults.probes,
  }
}

/** What `admit()` hands out: the outcome of the call goes back with it. */
export interface Ticket {
  /** Half-open generation it was let through in; -1 when let through while closed. */
  readonly probe: number
}

const CLOSED_TICKET: Ticket = Object.freeze({ probe: -1 })

export class CircuitBreaker {
  state: BreakerState = 'closed'
  /** Times it opened. */
  opened = 0
  /** Calls refused while open or out of probes. */
  rejected = 0
  private consecutive = 0
  private openedAt = 0
  private probesLeft = 0
  private generation = 0
  /** Counted outcomes in the rate window: times and whether each failed, oldest first from `head`. */
  private times: number[] = []
  private failed: boolean[] = []
  private head = 0
  private windowFailures = 0

  constructor(
    private readonly policy: BreakerPolicy,
    private readonly now: () => number,
    private readonly onChange: (from: BreakerState, to: BreakerState) => void,
  ) {}

  /** Lets a call through (a ticket) or refuses it (undefined) and counts the refusal. */
  admit(): Ticket | undefined {
    if (this.state === 'closed') return CLOSED_TICKET
    if (this.state === 'open') {
      if (this.now() - this.openedAt < this.policy.coolDown) {
        this.rejected++
        return undefined
      }
      this.generation++
      this.probesLeft = this.policy.probes
      this.move('half-open')
    }
    if (this.probesLeft <= 0) {
      this.rejected++
      return undefined
    }
    this.probesLeft--
    return { probe: this.generation }
  }

  /** The call succeeded. */
  success(_ticket: Ticket): void {
    if (this.state === 'open') return // a late outcome: the breaker already decided
    if (this.state === 'half-open') {
      this.reset()
      this.move('closed')
      return
    }
    this.consecutive = 0
    if (this.policy.rate) this.record(false)
  }

  /** The call failed in a way the breaker counts. */
  failure(_ticket: Ticket): void {
    if (this.state === 'open') return
    if (this.state === 'half-open') {
      this.open()
      return
    }
    this.consecutive++
    if (this.consecutive >= this.policy.failures || (this.policy.rate && this.record(true))) {
      this.open()
    }
  }

  /** The call ended without an outcome the breaker counts: a probe's place is given back. */
  release(ticket: Ticket): void {
    if (this.state === 'half-open' && ticket.probe === this.generation) this.probesLeft++
  }

  private open(): void {
    this.openedAt = this.now()
    this.opened++
    this.reset()
    this.move('open')
  }

  private reset(): void {
    this.consecutive = 0
    this.times = []
    this.failed = []
    this.head = 0
    this.windowFailures = 0
  }

  /** Adds an outcome to the rate window; true when the failure rate now opens the breaker. */
  private record(failure: boolean): boolean {
    const rate = this.policy.rate as Required<BreakerRateOptions>
    const now = this.now()
    this.times.push(now)
    this.failed.push(failure)
    if (failure) this.windowFailures++
    const oldest = now - rate.window
    while (this.head < this.times.length && (this.times[this.head] as number) <= oldest) {
      if (this.failed[this.head]) this.windowFailures--
      this.head++
    }
    // Drop the expired prefix now and then, so the arrays stay about the window's size.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head)
      this.failed = this.failed.slice(this.head)
      this.head = 0
    }
    const calls = this.times.length - this.head
    return calls >= rate.minimum && this.windowFailures / calls >= rate.threshold
  }

  private move(to: BreakerState): void {
    const from = this.state
    this.state = to
    this.onChange(from, to)
  }
}
