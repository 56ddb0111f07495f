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
 */
export class WaiterQueue<T> {
  #items: (Waiter<T> | undefined)[] = []
  #head = 0
  /** Live (not done) waiters. */
  live = 0

  push(waiter: Waiter<T>): void {
    this.#items.push(waiter)
    this.live++
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
