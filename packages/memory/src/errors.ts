/** Extra fields an error carries for logs and programmatic handling. */
export type ErrorContext = Record<string, unknown>

export interface MxErrorOptions {
  cause?: unknown
  context?: ErrorContext
}

/**
 * Base class of every error `@mx/memory` throws: a stable `code` to branch on, the
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

/** `acquire()` waited longer than `acquireTimeout` for a resource. */
export class AcquireTimeoutError extends MxError {
  constructor(timeout: number, options: MxErrorOptions = {}) {
    super('MX_POOL_ACQUIRE_TIMEOUT', `acquire() timed out after ${timeout}ms`, {
      ...options,
      context: { timeout, ...options.context },
    })
  }
}

/** `acquire()` was refused because `maxWaiting` callers are already queued. */
export class MaxWaitingError extends MxError {
  constructor(maxWaiting: number, options: MxErrorOptions = {}) {
    super(
      'MX_POOL_MAX_WAITING',
      `acquire() refused: ${maxWaiting} callers are already waiting (maxWaiting)`,
      { ...options, context: { maxWaiting, ...options.context } },
    )
  }
}

/** The pool is draining or drained: it hands out nothing more. */
export class PoolDrainedError extends MxError {
  constructor(options: MxErrorOptions = {}) {
    super('MX_POOL_DRAINED', 'the pool is drained and accepts no more acquire() calls', options)
  }
}

/** The resource factory threw or rejected; `cause` holds its error. */
export class ResourceCreateError extends MxError {
  constructor(cause: unknown) {
    super('MX_POOL_CREATE_FAILED', 'the pool could not create a resource', { cause })
  }
}

/** An object was released that is not currently borrowed (released twice). */
export class DoubleReleaseError extends MxError {
  constructor(message = 'release() called twice for the same object') {
    super('MX_DOUBLE_RELEASE', message)
  }
}

/** An object was released to a pool that never created it. */
export class ForeignReleaseError extends MxError {
  constructor() {
    super('MX_FOREIGN_RELEASE', 'release() called with an object this pool did not create')
  }
}
