/** Longest timer delay: bounds how late a wall-clock jump (`Date.now()` moving) is noticed. */
const MAX_DELAY_MS = 1_000

/**
 * Called for a (due time, key) pair whose time has come, with the current time. Returns the
 * key's next due time (for example the end of its grace window) or undefined when nothing more
 * is scheduled for it. Pairs can be out of date (the key was rewritten or deleted since): the
 * callback checks `due` against the stored entry and ignores stale pairs.
 */
export type OnDue = (key: string, due: number, now: number) => number | undefined

/**
 * Runs `onDue` for keys at their due times (`Date.now()` scale) on one unref'd timer, so the
 * memory tier can mark entries stale and drop them when their grace window ends without readers
 * comparing a clock with each entry.
 *
 * A binary min-heap holds (due, key) pairs in two parallel arrays; deletes and rewrites cost
 * nothing here because pairs are checked when popped, and no removed value stays reachable from
 * the heap. When pairs outnumber stored entries the heap is rebuilt from `schedule()`.
 *
 * Timers only run between event-loop turns: an entry read in the same synchronous stretch of work
 * in which it expires is still served, as with the 1 ms cached clock reading this replaces.
 */
export class ExpiryTimer {
  private dues: number[] = []
  private keys: string[] = []
  private timer: ReturnType<typeof setTimeout> | undefined
  private timerDue = Number.POSITIVE_INFINITY
  private readonly fire = () => {
    this.timer = undefined
    this.timerDue = Number.POSITIVE_INFINITY
    this.settle(Date.now())
  }

  constructor(
    private readonly onDue: OnDue,
    /** Every stored key with its next due time (to rebuild the heap). */
    private readonly schedule: () => Iterable<readonly [string, number]>,
    /** How many entries are stored (pairs beyond twice this are rebuilt away). */
    private readonly size: () => number,
  ) {}

  /** Schedules `key` at `due`. */
  add(key: string, due: number): void {
    if (!(due < Number.POSITIVE_INFINITY)) return
    this.push(due, key)
    if (this.dues.length > 2 * this.size() + 1_024) this.rebuild()
    if (due < this.timerDue) this.arm(Date.now())
  }

  /** Runs every pair due at `now`, then re-arms the timer for the next one. */
  settle(now: number): void {
    while (this.dues.length > 0 && (this.dues[0] as number) <= now) {
      const due = this.dues[0] as number
      const key = this.pop()
      const next = this.onDue(key, due, now)
      if (next !== undefined && next < Number.POSITIVE_INFINITY) this.push(next, key)
    }
    this.arm(now)
  }

  /** Forgets every pair (the store was emptied or closed). */
  clear(): void {
    this.dues = []
    this.keys = []
    this.cancel()
  }

  private arm(now: number): void {
    this.cancel()
    if (this.dues.length === 0) return
    const delay = Math.min(MAX_DELAY_MS, Math.max(1, Math.ceil((this.dues[0] as number) - now)))
    this.timerDue = now + delay
    this.timer = setTimeout(this.fire, delay)
    this.timer.unref?.()
  }

  private cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.timerDue = Number.POSITIVE_INFINITY
  }

  private rebuild(): void {
    this.dues = []
    this.keys = []
    for (const [key, due] of this.schedule()) {
      if (due < Number.POSITIVE_INFINITY) this.push(due, key)
    }
  }

  private push(due: number, key: string): void {
    const { dues, keys } = this
    let index = dues.length
    dues.push(due)
    keys.push(key)
    while (index > 0) {
      const parent = (index - 1) >> 1
      const parentDue = dues[parent] as number
      if (parentDue <= due) break
      dues[index] = parentDue
      keys[index] = keys[parent] as string
      index = parent
    }
    dues[index] = due
    keys[index] = key
  }

  /** Removes the earliest pair and returns its key. */
  private pop(): string {
    const { dues, keys } = this
    const top = keys[0] as string
    const lastDue = dues.pop() as number
    const lastKey = keys.pop() as string
    const size = dues.length
    if (size === 0) return top
    let index = 0
    for (;;) {
      const left = 2 * index + 1
      if (left >= size) break
      const right = left + 1
      const child = right < size && (dues[right] as number) < (dues[left] as number) ? right : left
      if ((dues[child] as number) >= lastDue) break
      dues[index] = dues[child] as number
      keys[index] = keys[child] as string
      index = child
    }
    dues[index] = lastDue
    keys[index] = lastKey
    return top
  }
}
