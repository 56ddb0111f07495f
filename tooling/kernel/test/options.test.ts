import { describe, expect, it } from 'vitest'
import { checkKnownKeys, closest, InvalidOptionError, isMxError } from '../src/index'

const known = ['maxEntries', 'maxBytes', 'ttl', 'timeouts', 'threads', 'namespace']

describe('checkKnownKeys', () => {
  it('passes known keys and unknown keys whose value is undefined', () => {
    expect(() => checkKnownKeys({ maxEntries: 1, ttl: 2 }, known, 'f()')).not.toThrow()
    expect(() => checkKnownKeys({ thread: undefined }, known, 'f()')).not.toThrow()
    expect(() => checkKnownKeys({}, known, 'f()')).not.toThrow()
  })

  it('throws MX_INVALID_OPTION naming the unknown key and the nearest known one', () => {
    let caught: unknown
    try {
      checkKnownKeys({ ttl: 1, maxEntrys: 10 }, known, 'memoryTier()')
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(InvalidOptionError)
    expect(isMxError(caught)).toBe(true)
    const error = caught as InvalidOptionError
    expect(error.code).toBe('MX_INVALID_OPTION')
    expect(error.option).toBe('maxEntrys')
    expect(error.message).toBe(
      'memoryTier(): unknown option "maxEntrys"; did you mean "maxEntries"?',
    )
    expect(error.context).toMatchObject({ suggestion: 'maxEntries' })
  })

  it('names a nested option by its path', () => {
    expect(() =>
      checkKnownKeys({ atempts: 3 }, ['attempts', 'backoff'], 'createPool()', 'retries'),
    ).toThrow(
      expect.objectContaining({
        option: 'retries.atempts',
        message: 'createPool(): unknown option "retries.atempts"; did you mean "retries.attempts"?',
      }),
    )
  })

  it('lists the options when none is near', () => {
    expect(() => checkKnownKeys({ colour: 'red' }, ['ttl', 'tiers'], 'createCache()')).toThrow(
      'createCache(): unknown option "colour"; the options are "ttl", "tiers"',
    )
  })
})

describe('closest', () => {
  it.each([
    ['timeout', 'timeouts'],
    ['thread', 'threads'],
    ['maxentries', 'maxEntries'],
    ['TTL', 'ttl'],
    ['namesapce', 'namespace'],
    ['maxByte', 'maxBytes'],
    ['tl', 'ttl'],
  ])('%s → %s', (key, near) => {
    expect(closest(key, known)).toBe(near)
  })

  it.each(['colour', 'x', 'maximumEntries', 'redis'])('%s has no near key', (key) => {
    expect(closest(key, known)).toBeUndefined()
  })
})
