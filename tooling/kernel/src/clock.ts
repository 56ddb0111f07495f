import { InvalidOptionError } from './errors'
import { describeValue } from './values'

/**
 * Time and timers, injected so tests drive everything without sleeping: `now()` in
 * milliseconds, and `setTimeout`/`clearTimeout` as the global ones. Every mx package that takes
 * a clock takes this one, or the part of it it uses (`Pick<Clock, 'now'>` where only the time is
 * read, `TimeSource & Partial<Timers>` where the global timers stand in for missing ones).
 */
export interface Clock {
  now(): number
  setTimeout(callback: () => unknown, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** The part of a `Clock` that reads the time. */
export type TimeSource = Pick<Clock, 'now'>

/** The part of a `Clock` that runs timers. */
export type Timers = Pick<Clock, 'setTimeout' | 'clearTimeout'>

function unrefTimeout(callback: () => unknown, ms: number): unknown {
  const handle = setTimeout(callback, ms)
  handle.unref?.()
  return handle
}

function clearGlobalTimeout(handle: unknown): void {
  clearTimeout(handle as ReturnType<typeof setTimeout>)
}

/**
 * The real clock: `Date.now()` (epoch milliseconds, comparable across processes and hosts) and
 * the global timers, unref'd so a pending one never keeps a process alive.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: unrefTimeout,
  clearTimeout: clearGlobalTimeout,
}

/**
 * The real clock for durations inside one process: `performance.now()` (never goes back when
 * the wall clock is set) and the same unref'd timers.
 */
export const monotonicClock: Clock = {
  now: () => performance.now(),
  setTimeout: unrefTimeout,
  clearTimeout: clearGlobalTimeout,
}

/**
 * `clock` with its missing timers filled in by the global ones (not unref'd: a retry the caller
 * waits for must keep the process alive). Both timers or neither: one alone is refused by the
 * packages' option checks before this runs.
 */
export function withTimers(clock: TimeSource & Partial<Timers>): Clock {
  const { setTimeout: schedule, clearTimeout: cancel } = clock
  return {
    now: () => clock.now(),
    setTimeout: schedule
      ? (callback, ms) => schedule.call(clock, callback, ms)
      : (callback, ms) => setTimeout(callback, ms),
    clearTimeout: cancel ? (handle) => cancel.call(clock, handle) : clearGlobalTimeout,
  }
}

/** A clock driven by hand (`manualClock()`), for tests. */
export interface ManualClock extends Clock {
  /**
   * Moves time forward by `ms`, firing every timer due on the way in order (each at its own
   * time) and awaiting what it returns. Without due timers it completes at once.
   */
  advance(ms: number): Promise<void>
  /** Sets the time without firing timers (only forward). */
  set(now: number): void
  /** Number of timers waiting. */
  pending(): number
}

interface ManualTimer {
  id: number
  at: number
  callback: () => unknown
}

/** A clock that moves only when a test calls `advance()` or `set()`, starting at `start` ms. */
export function manualClock(start = 0): ManualClock {
  let now = start
  let nextId = 1
  const timers = new Map<number, ManualTimer>()

  const nextDue = (limit: number): ManualTimer | undefined => {
    let best: ManualTimer | undefined
    for (const timer of timers.values()) {
      if (timer.at > limit) continue
      if (!best || timer.at < best.at || (timer.at === best.at && timer.id < best.id)) best = timer
    }
    return best
  }

  return {
    now: () => now,
    setTimeout(callback, ms) {
      const id = nextId++
      timers.set(id, { id, at: now + Math.max(0, ms), callback })
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
        await timer.callback()
      }
      now = target
    },
    set(value) {
      if (value > now) now = value
    },
    pending: () => timers.size,
  }
}

/**
 * Throws `InvalidOptionError` naming `option` unless `value` is a whole `Clock`: `now()`,
 * `setTimeout()` and `clearTimeout()` functions.
 */
export function checkClock(value: unknown, option = 'clock'): asserts value is Clock {
  const clock = value as Record<string, unknown> | null
  if (
    typeof clock !== 'object' ||
    clock === null ||
    typeof clock.now !== 'function' ||
    typeof clock.setTimeout !== 'function' ||
    typeof clock.clearTimeout !== 'function'
  ) {
    throw new InvalidOptionError(
      option,
      `${option} must be an object with now(), setTimeout() and clearTimeout() functions, got ${describeValue(value)}`,
    )
  }
}
