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
