import { MxError, type MxErrorOptions } from './kernel'

// The kernel's (tooling/kernel, inlined at build time): one base class for every mx package.
export type { ErrorContext, MxErrorOptions } from './kernel'
export { InvalidOptionError, isMxError, MxError } from './kernel'

/** `acquire()` waited longer than `acquireTimeout` for a resource. */
export class AcquireTimeoutError extends MxError {
  constructor(timeout: number, options: MxErrorOptions = {}) {
    super('MX_MEMORY_ACQUIRE_TIMEOUT', `acquire() timed out after ${timeout}ms`, {
      ...options,
      context: { timeout, ...options.context },
    })
  }
}

/** `acquire()` was refused because `maxWaiting` callers are already queued. */
export class MaxWaitingError extends MxError {
  constructor(maxWaiting: number, options: MxErrorOptions = {}) {
    super(
      'MX_MEMORY_MAX_WAITING',
      `acquire() refused: ${maxWaiting} callers are already waiting (maxWaiting)`,
      { ...options, context: { maxWaiting, ...options.context } },
    )
  }
}

/** The pool is draining or drained: it hands out nothing more. */
export class PoolDrainedError extends MxError {
  constructor(options: MxErrorOptions = {}) {
    super(
      'MX_MEMORY_POOL_DRAINED',
      'the pool is drained and accepts no more acquire() calls',
      options,
    )
  }
}

/** The resource factory threw or rejected; `cause` holds its error. */
export class ResourceCreateError extends MxError {
  constructor(cause: unknown) {
    super('MX_MEMORY_CREATE_FAILED', 'the pool could not create a resource', { cause })
  }
}

/** An object was released that is not currently borrowed (released twice). */
export class DoubleReleaseError extends MxError {
  constructor(message = 'release() called twice for the same object') {
    super('MX_MEMORY_DOUBLE_RELEASE', message)
  }
}

/** An object was released to a pool that never created it. */
export class ForeignReleaseError extends MxError {
  constructor() {
    super('MX_MEMORY_FOREIGN_RELEASE', 'release() called with an object this pool did not create')
  }
}
