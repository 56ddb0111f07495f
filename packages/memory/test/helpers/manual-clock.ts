import type { Clock } from '../../src/index'

interface Timer {
  at: number
  seq: number
  callback: () => void
}

/** A clock the test moves by hand: `advance(ms)` fires due timers in time order. */
export interface ManualClock extends Clock {
  advance(ms: number): void
  pending(): number
}

export function manualClock(start = 0): ManualClock {
  let now = start
  let seq = 0
  const timers = new Set<Timer>()
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const timer = { at: now + Math.max(0, ms), seq: seq++, callback }
      timers.add(timer)
      return timer
    },
    clearTimeout(handle) {
      timers.delete(handle as Timer)
    },
    advance(ms) {
      const target = now + ms
      for (;;) {
        let next: Timer | undefined
        for (const timer of timers) {
          if (
            timer.at <= target &&
            (!next || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq))
          ) {
            next = timer
          }
        }
        if (!next) break
        timers.delete(next)
        now = next.at
        next.callback()
      }
      now = target
    },
    pending: () => timers.size,
  }
}

/** Lets queued promise callbacks run. */
export async function flush(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve()
}

/** Forces a full garbage collection (exposed without a command-line flag by the package). */
export { forceGc } from '../../src/gc'
