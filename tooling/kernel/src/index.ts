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
