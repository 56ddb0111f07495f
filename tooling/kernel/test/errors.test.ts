import { describe, expect, it, vi } from 'vitest'
import {
  describeValue,
  InvalidOptionError,
  isMxError,
  MxError,
  positiveInteger,
} from '../src/index'

/** What another package's inlined copy of the kernel is: the same source, evaluated again. */
async function anotherCopy(): Promise<typeof import('../src/index')> {
  vi.resetModules()
  return import('../src/index')
}

describe('MxError', () => {
  it('carries a stable code, the cause and context fields', () => {
    const cause = new Error('disk full')
    const error = new MxError('MX_TEST', 'could not write', { cause, context: { key: 'a' } })
    expect(error).toBeInstanceOf(Error)
    expect(error).toMatchObject({ name: 'MxError', code: 'MX_TEST', message: 'could not write' })
    expect(error.cause).toBe(cause)
    expect(error.context).toEqual({ key: 'a' })
    expect('cause' in new MxError('MX_TEST', 'no cause')).toBe(false)
  })

  it('names subclasses after themselves and keeps them catchable as MxError', () => {
    const cause = new Error('below')
    const error = new InvalidOptionError('maxEntries', 'maxEntries must be > 0', { cause })
    expect(error).toBeInstanceOf(Error)
    expect(error).toMatchObject({
      name: 'InvalidOptionError',
      code: 'MX_INVALID_OPTION',
      option: 'maxEntries',
      context: { option: 'maxEntries' },
      cause,
    })
  })

  it('recognises the errors of another copy of the kernel (another package), by instanceof and isMxError', async () => {
    const other = await anotherCopy()
    expect(other.MxError).not.toBe(MxError)
    const foreign = new other.InvalidOptionError('ttl', 'ttl must be > 0')
    expect(foreign instanceof MxError).toBe(true)
    expect(isMxError(foreign)).toBe(true)
    expect(other.isMxError(new MxError('MX_X', 'x'))).toBe(true)
    // A subclass is the usual prototype check: another package's class is another class.
    expect(foreign instanceof InvalidOptionError).toBe(false)
    expect(new InvalidOptionError('a', 'b') instanceof InvalidOptionError).toBe(true)
    expect(new MxError('MX_X', 'x') instanceof InvalidOptionError).toBe(false)
  })

  it('is not fooled by plain errors or look-alike objects', () => {
    expect(new Error('x') instanceof MxError).toBe(false)
    expect(isMxError({ code: 'MX_X', message: 'x' })).toBe(false)
    expect(isMxError(null)).toBe(false)
    expect(isMxError('MX_X')).toBe(false)
  })
})

describe('describeValue', () => {
  it('prints each kind of value for an error message, and never throws', () => {
    expect(describeValue('ttl')).toBe('"ttl"')
    expect(describeValue('x'.repeat(100))).toBe(`"${'x'.repeat(80)}…"`)
    expect(describeValue(-1)).toBe('-1')
    expect(describeValue(Number.NaN)).toBe('NaN')
    expect(describeValue(true)).toBe('true')
    expect(describeValue(null)).toBe('null')
    expect(describeValue(undefined)).toBe('undefined')
    expect(describeValue(10n)).toBe('10n')
    expect(describeValue(Symbol('s'))).toBe('a symbol')
    expect(describeValue(() => 1)).toBe('a function')
    expect(describeValue([1])).toBe('an array')
    expect(describeValue({ a: 1 })).toBe('an object')
    expect(describeValue(Object.create(null))).toBe('an object')
    expect(describeValue(new Date(0))).toBe('1970-01-01T00:00:00.000Z')
    expect(describeValue(new Date(Number.NaN))).toBe('Invalid Date')
    expect(describeValue(new URL('https://example.com/a'))).toBe('https://example.com/a')
  })
})

describe('positiveInteger', () => {
  it('passes an integer above 0, gives the fallback for undefined, and names the option otherwise', () => {
    expect(positiveInteger('threads', 4)).toBe(4)
    expect(positiveInteger('threads', undefined)).toBeUndefined()
    expect(positiveInteger('threads', undefined, 2)).toBe(2)
    expect(positiveInteger('maxQueue', Number.POSITIVE_INFINITY, 1, true)).toBe(
      Number.POSITIVE_INFINITY,
    )
    for (const bad of [0, -1, 1.5, Number.NaN, '4', null, Number.POSITIVE_INFINITY]) {
      expect(() => positiveInteger('threads', bad, 2)).toThrow(InvalidOptionError)
    }
    expect(() => positiveInteger('threads', 0)).toThrow('threads must be a positive integer, got 0')
    expect(() => positiveInteger('maxQueue', -1, 1, true)).toThrow(
      'maxQueue must be a positive integer or Infinity, got -1',
    )
  })
})
