import type { Clock } from './types'

/** The real clock: `Date.now()` and the global timers (unref'd so they never keep a process alive). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms)
    handle.unref?.()
    return handle
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>)
  },
}

/** A clock driven by hand; `advance()` runs due timers in order and awaits what they return. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, firing every timer due on the way. */
  advance(ms: number): Promise<void>
  /** Sets the time without firing timers (only forward). */
  set(now: number): void
  /** Number of timers waiting. */
  pending(): number
}

interface Timer {
  id: number
  at: number
  fn: () => unknown
}

/** Creates a manual clock starting at `start` ms (default 0), for tests and `testRules`. */
export function manualClock(start = 0): ManualClock {
  let now = start
  let nextId = 1
  const timers = new Map<number, Timer>()

  function nextDue(limit: number): Timer | undefined {
    let best: Timer | undefined
    for (const timer of timers.values()) {
      if (timer.at > limit) continue
      if (!best || timer.at < best.at || (timer.at === best.at && timer.id < best.id)) best = timer
    }
    return best
  }

  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++
      timers.set(id, { id, at: now + Math.max(0, ms), fn })
      return id
    },
    clearTimeout(handle) {
      timers.delete(handle as number)
    },
    async advance(ms) {
      const target = now + ms
      for (let timer = nextDue(target); timer; timer = nextDue(target)) {
        timers.delete(timer.id)
        now = Math.max(now, timer.at)
        await timer.fn()
      }
      now = target
    },
    set(value) {
      if (value > now) now = value
    },
    pending: () => timers.size,
  }
}
