/** Extra fields an error carries for logs and programmatic handling. */
export type ErrorContext = Record<string, unknown>

export interface MxErrorOptions {
  cause?: unknown
  context?: ErrorContext
}

/**
 * Marks an mx error. `Symbol.for`, so the copies of `MxError` that each package inlines at build
 * time (see `tooling/kernel/README.md`) recognise each other's errors.
 */
const BRAND = Symbol.for('mx.error')

/** Whether `value` is an error thrown by any mx package, whichever copy of `MxError` made it. */
export function isMxError(value: unknown): value is MxError {
  return (
    typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true
  )
}

/**
 * Base class of every error the mx packages throw: a stable `code` to branch on, the underlying
 * `cause` when there is one, and context fields. `error instanceof MxError` holds for an error of
 * any mx package (each package has its own copy of this class); `instanceof` a subclass is the
 * usual prototype check.
 */
export class MxError extends Error {
  readonly code: string
  readonly context: ErrorContext

  constructor(code: string, message: string, options: MxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = code
    this.context = options.context ?? {}
  }

  static override [Symbol.hasInstance]<T>(
    this: abstract new (
      ...args: never[]
    ) => T,
    value: unknown,
  ): value is T {
    // `this` is the class on the right of `instanceof`: the base (any package's errors) or a subclass.
    // biome-ignore lint/complexity/noThisInStatic: the class instanceof tests against
    // biome-ignore lint/complexity/noUselessThisAlias: one name for both uses below
    const target: unknown = this
    if (target === MxError) return isMxError(value)
    return Function.prototype[Symbol.hasInstance].call(target, value)
  }
}
Object.defineProperty(MxError.prototype, BRAND, { value: true })

/** An option passed to a factory is invalid; `option` names it and the message says why. */
export class InvalidOptionError extends MxError {
  readonly option: string

  constructor(option: string, message: string, options: MxErrorOptions = {}) {
    super('MX_INVALID_OPTION', message, { ...options, context: { option, ...options.context } })
    this.option = option
  }
}

/**
 * Prints a bad value for an error message: strings quoted (cut at 80 characters), numbers,
 * booleans, null, undefined and BigInts as written, a Date or a URL by its text, anything else
 * by its kind ("an array", "an object", "a function"). Never throws: `String()` of a Symbol or of
 * a null-prototype object would, turning a typed error into a TypeError.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)
  }
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'symbol') return 'a symbol'
  if (typeof value === 'function') return 'a function'
  if (value === null || typeof value !== 'object') return String(value)
  if (Array.isArray(value)) return 'an array'
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()
  }
  if (value instanceof URL) return value.href
  return 'an object'
}

/**
 * An integer option above 0: `value`, or `fallback` when `value` is undefined. `Infinity` passes
 * with `allowInfinity`. Anything else throws `InvalidOptionError` naming `option`.
 */
export function positiveInteger(option: string, value: unknown): number | undefined
export function positiveInteger(
  option: string,
  value: unknown,
  fallback: number,
  allowInfinity?: boolean,
): number
export function positiveInteger(
  option: string,
  value: unknown,
  fallback?: number,
  allowInfinity = false,
): number | undefined {
  if (value === undefined) return fallback
  if (allowInfinity && value === Number.POSITIVE_INFINITY) return value
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    const what = allowInfinity ? 'a positive integer or Infinity' : 'a positive integer'
    throw new InvalidOptionError(option, `${option} must be ${what}, got ${describeValue(value)}`)
  }
  return value
}

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

/**
 * One metric as a snapshot gives it: a counter or gauge `value`, or a distribution summary
 * (count, sum, min, max, mean, percentiles), with its labels. `@mx/profiler`'s snapshots are made
 * of these, and `@mx/alerts`' rules read them.
 */
export interface MetricSummary {
  value?: number
  count?: number
  sum?: number
  min?: number
  max?: number
  mean?: number
  p50?: number
  p90?: number
  p95?: number
  p99?: number
  labels?: Record<string, string>
}
