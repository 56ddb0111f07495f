import { describe, expect, it } from 'vitest'
import {
  AcquireTimeoutError,
  DoubleReleaseError,
  ForeignReleaseError,
  MaxWaitingError,
  MxError,
  PoolDrainedError,
  ResourceCreateError,
} from '../src/index'

describe('pool errors', () => {
  it('carry stable codes, exact messages and context', () => {
    const cases: [MxError, string, string, Record<string, unknown>][] = [
      [
        new AcquireTimeoutError(250),
        'MX_MEMORY_ACQUIRE_TIMEOUT',
        'acquire() timed out after 250ms',
        { timeout: 250 },
      ],
      [
        new MaxWaitingError(8),
        'MX_MEMORY_MAX_WAITING',
        'acquire() refused: 8 callers are already waiting (maxWaiting)',
        { maxWaiting: 8 },
      ],
      [
        new PoolDrainedError(),
        'MX_MEMORY_POOL_DRAINED',
        'the pool is drained and accepts no more acquire() calls',
        {},
      ],
      [
        new DoubleReleaseError(),
        'MX_MEMORY_DOUBLE_RELEASE',
        'release() called twice for the same object',
        {},
      ],
      [
        new ForeignReleaseError(),
        'MX_MEMORY_FOREIGN_RELEASE',
        'release() called with an object this pool did not create',
        {},
      ],
    ]
    for (const [error, code, message, context] of cases) {
      expect(error).toBeInstanceOf(MxError)
      expect(error.code).toBe(code)
      expect(error.message).toBe(message)
      expect(error.context).toEqual(context)
      expect(error.name).toBe(error.constructor.name)
    }
    const cause = new Error('ECONNREFUSED')
    const createError = new ResourceCreateError(cause)
    expect(createError.code).toBe('MX_MEMORY_CREATE_FAILED')
    expect(createError.message).toBe('the pool could not create a resource')
    expect(createError.cause).toBe(cause)
  })
})
