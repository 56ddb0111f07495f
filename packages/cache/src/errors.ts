/** Extra fields an error carries for logs and programmatic handling. */
export type ErrorContext = Record<string, unknown>

export interface MxErrorOptions {
  cause?: unknown
  context?: ErrorContext
}

/**
 * Base class of every error `@mx/cache` throws: a stable `code` to branch on, the
 * underlying `cause` when there is one, and context fields.
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
}

/** An option passed to a factory is invalid; `option` names it and the message says why. */
export class InvalidOptionError extends MxError {
  readonly option: string

  constructor(option: string, message: string, options: MxErrorOptions = {}) {
    super('MX_INVALID_OPTION', message, { ...options, context: { option, ...options.context } })
    this.option = option
  }
}
