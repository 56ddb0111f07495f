import type { Clock } from './types'

/**
 * Idle resources of a pool, newest last. Borrowing takes the newest (warm) one, so the oldest
 * drift to the front and age out; idle-since times therefore grow from front to back, and one
 * timer, armed for the front, is enough for eviction.
 */
export class IdleList<T> {
  readonly #resources: T[] = []
  readonly #since: number[] = []
  readonly #clock: Clock
  readonly #timeout: number
  readonly #onDue: () => void
  #timer: unknown
  #stopped = false

  /** `timeout` 0 disables eviction; `onDue` runs when the oldest may have expired. */
  constructor(clock: Clock, timeout: number, onDue: () => void) {
    this.#clock = clock
    this.#timeout = timeout
    this.#onDue = onDue
  }

  get length(): number {
    return this.#resources.length
  }

  push(resource: T): void {
    this.#resources.push(resource)
    this.#since.push(this.#clock.now())
    this.#schedule()
  }

  /** The most recently returned resource. */
  pop(): T | undefined {
    this.#since.pop()
    return this.#resources.pop()
  }

  /** The resource idle the longest. */
  shift(): T | undefined {
    this.#since.shift()
    return this.#resources.shift()
  }

  /** Hands resources idle for `timeout` or more to `evict`, oldest first, while `canEvict()`. */
  reap(canEvict: () => boolean, evict: (resource: T) => void): void {
    this.#timer = undefined
    const now = this.#clock.now()
    const expired = () => now - (this.#since[0] as number) >= this.#timeout
    while (this.length > 0 && expired() && canEvict()) evict(this.shift() as T)
    // Resources kept anyway (pool minimum) restart their clock so the timer does not spin.
    if (this.length > 0 && expired()) this.#since.fill(now)
    this.#schedule()
  }

  /** Stops eviction and forgets every resource, returning them. */
  stop(): T[] {
    this.#stopped = true
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer)
    this.#timer = undefined
    this.#since.length = 0
    return this.#resources.splice(0)
  }

  #schedule(): void {
    if (this.#timeout === 0 || this.#timer !== undefined || this.#stopped || this.length === 0) {
      return
    }
    const due = (this.#since[0] as number) + this.#timeout
    this.#timer = this.#clock.setTimeout(this.#onDue, Math.max(0, due - this.#clock.now()))
  }
}
