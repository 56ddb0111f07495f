import { systemClock } from './clock'
import { checkClock, checkKnownKeys } from './kernel'
import type { Lazy, LazyOptions, LazyState, LazyStats } from './types'
import { parseDuration, requireFunction, requireOptions } from './units'

// The keys the options take: `satisfies` makes the compiler keep the list complete.
const LAZY_OPTIONS = Object.keys({
  preload: true,
  idleTtl: true,
  dispose: true,
  clock: true,
} satisfies Record<keyof LazyOptions<unknown>, true>)

/**
 * A value loaded on first use (a model, a dictionary, a parser grammar) and, with `idleTtl`,
 * dropped again when nobody has asked for it for a while, so rarely used heavy values do not
 * sit in memory. Concurrent `get()` calls share the load in flight; a failed load is not
 * cached, the next `get()` tries again.
 */
export function lazy<T>(load: () => T | Promise<T>, options: LazyOptions<T> = {}): Lazy<T> {
  requireFunction(load, 'load')
  requireOptions(options, 'lazy()')
  checkKnownKeys(options, LAZY_OPTIONS, 'lazy()')
  if (options.dispose !== undefined) requireFunction(options.dispose, 'dispose')
  const idleTtl = options.idleTtl === undefined ? 0 : parseDuration(options.idleTtl, 'idleTtl')
  if (options.clock !== undefined) checkClock(options.clock)
  const clock = options.clock ?? systemClock
  const dispose = options.dispose

  let value: T | undefined
  let loaded = false
  let inflight: Promise<T> | undefined
  let lastUsed = 0
  let timer: unknown
  const counts = { loads: 0, failures: 0, releases: 0, disposeErrors: 0 }

  const arm = (delay: number): void => {
    if (idleTtl === 0 || timer !== undefined) return
    timer = clock.setTimeout(expire, delay)
  }

  const expire = (): void => {
    timer = undefined
    if (!loaded) return
    const idleFor = clock.now() - lastUsed
    if (idleFor >= idleTtl) void drop()
    else arm(idleTtl - idleFor)
  }

  const drop = async (): Promise<void> => {
    if (!loaded) return
    const old = value as T
    value = undefined
    loaded = false
    counts.releases++
    if (timer !== undefined) clock.clearTimeout(timer)
    timer = undefined
    if (dispose === undefined) return
    try {
      await dispose(old)
    } catch {
      counts.disposeErrors++
    }
  }

  const start = (): Promise<T> => {
    counts.loads++
    const promise = Promise.resolve()
      .then(load)
      .then(
        (result) => {
          inflight = undefined
          value = result
          loaded = true
          lastUsed = clock.now()
          arm(idleTtl)
          return result
        },
        (error: unknown) => {
          inflight = undefined
          counts.failures++
          throw error
        },
      )
    inflight = promise
    return promise
  }

  const state = (): LazyState => (loaded ? 'loaded' : inflight ? 'loading' : 'empty')

  if (options.preload === true) {
    // A failed preload is not an unhandled rejection: the next get() retries.
    start().catch(() => {})
  }

  return {
    get() {
      lastUsed = clock.now()
      if (loaded) return Promise.resolve(value as T)
      return inflight ?? start()
    },
    peek: () => value,
    state,
    async release() {
      if (inflight !== undefined) await inflight.catch(() => {})
      await drop()
    },
    stats: (): LazyStats => ({ state: state(), ...counts }),
  }
}
