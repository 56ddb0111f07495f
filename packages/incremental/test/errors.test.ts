import { describe, expect, it } from 'vitest'
import { InvalidOptionError, MxError } from '../src/index'

describe('MxError', () => {
  it('carries a stable code, the cause and context fields', () => {
    const cause = new Error('disk full')
    const error = new MxError('MX_TEST', 'could not write', { cause, context: { key: 'a' } })
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('MxError')
    expect(error.code).toBe('MX_TEST')
    expect(error.message).toBe('could not write')
    expect(error.cause).toBe(cause)
    expect(error.context).toEqual({ key: 'a' })
  })

  it('names subclasses after themselves and keeps them catchable as MxError', () => {
    const error = new InvalidOptionError('ttl', 'ttl must be a positive number, got -1')
    expect(error).toBeInstanceOf(MxError)
    expect(error.name).toBe('InvalidOptionError')
    expect(error.code).toBe('MX_INVALID_OPTION')
    expect(error.option).toBe('ttl')
    expect(error.context).toEqual({ option: 'ttl' })
    expect('cause' in error).toBe(false)
  })
})
