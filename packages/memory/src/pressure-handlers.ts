import { InvalidOptionError } from './errors'
import { checkKnownKeys, describeValue } from './kernel'
import type {
  PressureChange,
  PressureHandler,
  PressureHandlerOptions,
  PressureLevel,
} from './monitor-types'
import type { Unsubscribe } from './types'
import { requireOptions } from './units'

const RANK: Record<PressureLevel, number> = { normal: 0, moderate: 1, critical: 2 }

// The keys `onPressure()` options take: `satisfies` makes the compiler keep the list complete.
const HANDLER_OPTIONS = Object.keys({ priority: true } satisfies Record<
  keyof PressureHandlerOptions,
  true
>)

interface Registration {
  level: Exclude<PressureLevel, 'normal'>
  handler: PressureHandler
  priority: number
  order: number
  /** Returned by the handler; runs when pressure falls below `level`. */
  relief: (() => void) | undefined
}

/**
 * The handlers registered with a memory monitor's `onPressure()`, and the runs of them (or of
 * their reliefs) on a level change. A handler that throws is reported to `onError` and the
 * others still run.
 */
export class PressureHandlers {
  readonly #registrations: Registration[] = []
  readonly #onError: (error: unknown, change: PressureChange) => void
  #order = 0

  constructor(onError: (error: unknown, change: PressureChange) => void) {
    this.#onError = onError
  }

  /** `onPressure()`: checks its arguments and registers the handler. */
  add(
    level: Exclude<PressureLevel, 'normal'>,
    handler: PressureHandler,
    handlerOptions: PressureHandlerOptions,
  ): Unsubscribe {
    if (level !== 'moderate' && level !== 'critical') {
      throw new InvalidOptionError(
        'level',
        `level must be 'moderate' or 'critical', got ${describeValue(level)}`,
      )
    }
    if (typeof handler !== 'function') {
      throw new InvalidOptionError('handler', `handler must be a function, got ${typeof handler}`)
    }
    requireOptions(handlerOptions, 'onPressure()')
    checkKnownKeys(handlerOptions, HANDLER_OPTIONS, 'onPressure()')
    const priority: unknown = handlerOptions.priority ?? 0
    if (typeof priority !== 'number' || !Number.isFinite(priority)) {
      throw new InvalidOptionError(
        'priority',
        `priority must be a finite number, got ${describeValue(priority)}`,
      )
    }
    const registration: Registration = {
      level,
      handler,
      priority,
      order: this.#order++,
      relief: undefined,
    }
    const registrations = this.#registrations
    registrations.push(registration)
    return () => {
      const index = registrations.indexOf(registration)
      if (index >= 0) registrations.splice(index, 1)
    }
  }

  /**
   * Pressure went from rank `from` to rank `to`. Falling runs the reliefs of the levels left;
   * rising runs the handlers of the levels reached, highest priority first, one at a time.
   */
  async run(change: PressureChange, from: number, to: number): Promise<void> {
    if (to < from) {
      for (const registration of this.#registrations) {
        if (RANK[registration.level] > to && registration.relief !== undefined) {
          const relief = registration.relief
          registration.relief = undefined
          try {
            relief()
          } catch (error) {
            this.#onError(error, change)
          }
        }
      }
      return
    }
    const due = this.#registrations
      .filter((r) => RANK[r.level] > from && RANK[r.level] <= to)
      .sort((a, b) => b.priority - a.priority || RANK[a.level] - RANK[b.level] || a.order - b.order)
    for (const registration of due) {
      try {
        const relief = await registration.handler(change)
        if (typeof relief === 'function') registration.relief = relief as () => void
      } catch (error) {
        this.#onError(error, change)
      }
    }
  }
}
