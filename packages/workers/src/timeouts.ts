import type { Slot } from './slot'

/** setTimeout's longest delay; a longer one fires after 1 ms (with a TimeoutOverflowWarning). */
export const MAX_TIMER_DELAY = 2 ** 31 - 1

/** What the main thread knows about a batch's deadlines; `timedOut` is the index it killed. */
export interface TimeoutWatch {
  timedOut: number
  timer: ReturnType<typeof setTimeout> | undefined
}

/**
 * Reads which item the worker is on (shared memory) and kills the slot's thread once that item
 * is over its own timeout, so one slow item of a batch is caught on time.
 */
export function watchTimeouts(slot: Slot, timeouts: readonly number[] | undefined): TimeoutWatch {
  const watch: TimeoutWatch = { timedOut: -1, timer: undefined }
  if (!timeouts) return watch
  let shortest = Number.POSITIVE_INFINITY
  for (const t of timeouts) if (t > 0 && t < shortest) shortest = t
  if (!Number.isFinite(shortest)) return watch
  const poll = Math.min(MAX_TIMER_DELAY, Math.max(1, shortest))
  const check = () => {
    const { index, since } = slot.current()
    const timeout = index >= 0 ? (timeouts[index] ?? 0) : 0
    const left = timeout > 0 ? timeout - (Date.now() - since) : poll
    if (timeout > 0 && left <= 0) {
      watch.timedOut = index
      slot.kill()
      return
    }
    watch.timer = setTimeout(check, Math.min(MAX_TIMER_DELAY, Math.max(1, left)))
  }
  watch.timer = setTimeout(check, poll)
  return watch
}
