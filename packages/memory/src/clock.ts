import { monotonicClock } from './kernel'
import type { Clock } from './types'

/** The real clock: `performance.now()` and unref'd timers that never keep the process alive. */
export const systemClock: Clock = monotonicClock

/**
 * Wraps a clock so hot paths can read it often: the time is read once and reused until the
 * next event-loop turn or 1024 reads, whichever comes first, so a reading is at most one turn
 * (or ~1024 cheap operations) old. Used only around the default clock; injected clocks are
 * read directly so tests stay exact.
 */
export function coarseClock(base: Clock): Clock {
  let cached = 0
  let reads = 0
  let valid = false
  const invalidate = () => {
    valid = false
  }
  return {
    now() {
      if (valid && ++reads < 1024) return cached
      cached = base.now()
      reads = 0
      if (!valid) {
        valid = true
        setImmediate(invalidate)
      }
      return cached
    },
    setTimeout: base.setTimeout,
    clearTimeout: base.clearTimeout,
  }
}
