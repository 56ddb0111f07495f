import type { Clock } from './types'

/** One caller of `acquire()` waiting for a resource. */
export interface Waiter<T> {
  resolve: (resource: T) => void
  reject: (error: unknown) => void
  /** Clock time after which the waiter times out. */
  deadline: number
  signal: AbortSignal | undefined
  /** Stack captured at `acquire()` for leak attribution. */
  trace: { stack?: string } | undefined
  onAbort: (() => void) | undefined
  /** Settled (served, timed out, aborted or drained): skipped by `shift()`. */
  done: boolean
}

/**
 * FIFO queue of waiters. Timed-out or aborted waiters are only flagged `done` and skipped
 * later, so cancelling is O(1) and a resource can never be handed to a caller that gave up.
 * All waiters share one timeout, so deadlines grow in queue order and a single timer, armed
 * for the oldest live waiter, replaces one timer per waiter.
 */
export class WaiterQueue<T> {
  #items: (Waiter<T> | undefined)[] = []
  #head = 0
  #timer: unknown
  readonly #clock: Clock
  readonly #onTimeout: (waiter: Waiter<T>) => void
  /** Live (not done) waiters. */
  live = 0

  /** `onTimeout` gets each waiter whose deadline passed, already cancelled. */
  constructor(clock: Clock, onTimeout: (waiter: Waiter<T>) => void) {
    this.#clock = clock
    this.#onTimeout = onTimeout
  }

  push(waiter: Waiter<T>): void {
    this.#items.push(waiter)
    this.live++
    this.#arm()
  }

  /** Stops the timeout timer (the pool is draining). */
  stop(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #arm(): void {
    if (this.#timer !== undefined) return
    const head = this.peek()
    if (head === undefined) return
    this.#timer = this.#clock.setTimeout(
      () => this.#expire(),
      Math.max(0, head.deadline - this.#clock.now()),
    )
  }

  #expire(): void {
    this.#timer = undefined
    const now = this.#clock.now()
    for (let head = this.peek(); head !== undefined && head.deadline <= now; head = this.peek()) {
      this.cancel(head)
      this.#onTimeout(head)
    }
    this.#arm()
  }

  /** Marks a waiter settled without serving it (timeout, abort). */
  cancel(waiter: Waiter<T>): void {
    if (waiter.done) return
    waiter.done = true
    this.live--
  }

  /** The oldest live waiter, left in place. */
  peek(): Waiter<T> | undefined {
    while (this.#head < this.#items.length) {
      const waiter = this.#items[this.#head]
      if (waiter !== undefined && !waiter.done) return waiter
      this.#items[this.#head++] = undefined
    }
    this.#compact()
    return undefined
  }

  /** Removes and returns the oldest live waiter. */
  shift(): Waiter<T> | undefined {
    while (this.#head < this.#items.length) {
      const waiter = this.#items[this.#head]
      this.#items[this.#head++] = undefined
      if (waiter !== undefined && !waiter.done) {
        waiter.done = true
        this.live--
        this.#compact()
        return waiter
      }
    }
    this.#compact()
    return undefined
  }

  #compact(): void {
    if (this.#head === this.#items.length) {
      this.#items.length = 0
      this.#head = 0
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head)
      this.#head = 0
    }
  }
}
