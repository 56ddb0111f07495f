import { afterAll, describe, expect, it } from 'vitest'
import { InvalidOptionError, type MapResult } from '../src/index'
import { fixturePool, rejection } from './helpers'

const pool = fixturePool({ threads: 1 })
afterAll(() => pool.close({ drain: false }))

async function mapRejection(options: unknown): Promise<Error & { code?: string }> {
  const results: MapResult<unknown>[] = []
  try {
    for await (const result of pool.map([1, 2], options as never)) results.push(result)
  } catch (error) {
    expect(results).toEqual([])
    return error as Error & { code?: string }
  }
  throw new Error('expected map() to throw')
}

describe('pool.run() per-call options', () => {
  it.each([
    [{ priority: 0 }, 'priority', `priority must be 'high', 'normal' or 'low', got 0`],
    [
      { priority: 'urgent' },
      'priority',
      `priority must be 'high', 'normal' or 'low', got "urgent"`,
    ],
    [
      { transfer: {} },
      'transfer',
      'transfer must be a boolean or an array of transferable objects, got an object',
    ],
    [
      { transfer: 'yes' },
      'transfer',
      'transfer must be a boolean or an array of transferable objects, got "yes"',
    ],
    [
      { timeout: Object.create(null) },
      'timeout',
      'timeout must be a non-negative number, got an object',
    ],
    [{ timeout: -1 }, 'timeout', 'timeout must be a non-negative number, got -1'],
    [{ timeout: Number.NaN }, 'timeout', 'timeout must be a non-negative number, got NaN'],
    [{ timeout: 10n }, 'timeout', 'timeout must be a non-negative number, got 10n'],
    [{ key: Symbol('k') }, 'key', 'key must be a string or a number, got a symbol'],
    [{ key: {} }, 'key', 'key must be a string or a number, got an object'],
    [{ signal: 'stop' }, 'signal', 'signal must be an AbortSignal, got "stop"'],
    [null, 'options', 'options must be an object, got null'],
    [
      { priorty: 'high' },
      'priorty',
      'pool.run(): unknown option "priorty"; did you mean "priority"?',
    ],
    [
      { ordered: true },
      'ordered',
      'pool.run(): unknown option "ordered"; the options are "signal", "priority", "key", "transfer", "timeout"',
    ],
  ])('rejects %o with MX_INVALID_OPTION naming the option', async (options, option, message) => {
    const error = await rejection(pool.run(1, options as never))
    expect(error).toBeInstanceOf(InvalidOptionError)
    expect(error.code).toBe('MX_INVALID_OPTION')
    expect((error as InvalidOptionError).option).toBe(option)
    expect(error.message).toBe(message)
  })

  it('keeps working after refusing a bad option (no uncaught exception, no stuck slot)', async () => {
    const uncaught: unknown[] = []
    const onUncaught = (error: unknown) => uncaught.push(error)
    process.on('uncaughtException', onUncaught)
    try {
      await rejection(pool.run(1, { timeout: Object.create(null) }))
      await expect(pool.run(21, { priority: 'high', timeout: 5_000, key: 'a' })).resolves.toBe(42)
    } finally {
      process.off('uncaughtException', onUncaught)
    }
    expect(uncaught).toEqual([])
  })
})

describe('pool.run() timeout beyond the timer limit', () => {
  it('does not fire early for a timeout longer than setTimeout can hold', async () => {
    const warnings: Error[] = []
    const onWarning = (warning: Error) => warnings.push(warning)
    process.on('warning', onWarning)
    try {
      await expect(pool.run({ op: 'signal', ms: 50 }, { timeout: 3e9 })).resolves.toBe(false)
    } finally {
      process.off('warning', onWarning)
    }
    expect(warnings.filter((w) => w.name === 'TimeoutOverflowWarning')).toEqual([])
  })
})

describe('pool.map() options', () => {
  it.each([
    [{ maxInFlight: 0 }, 'maxInFlight', 'maxInFlight must be a positive integer, got 0'],
    [{ maxInFlight: '4' }, 'maxInFlight', 'maxInFlight must be a positive integer, got "4"'],
    [{ priority: 0 }, 'priority', `priority must be 'high', 'normal' or 'low', got 0`],
    [{ timeout: Symbol('t') }, 'timeout', 'timeout must be a non-negative number, got a symbol'],
    [{ transfer: [] }, 'transfer', 'transfer must be a boolean, got an array'],
    [{ key: 'k' }, 'key', 'key must be a function, got "k"'],
    [{ onProgress: true }, 'onProgress', 'onProgress must be a function, got true'],
    [null, 'options', 'options must be an object, got null'],
    [
      { maxInflight: 4 },
      'maxInflight',
      'pool.map(): unknown option "maxInflight"; did you mean "maxInFlight"?',
    ],
    [
      { batch: 4 },
      'batch',
      'pool.map(): unknown option "batch"; the options are "ordered", "maxInFlight", "signal", "onProgress", "key", "transfer", "priority", "timeout"',
    ],
  ])('refuses %o before pulling any input', async (options, option, message) => {
    const error = await mapRejection(options)
    expect(error).toBeInstanceOf(InvalidOptionError)
    expect(error.code).toBe('MX_INVALID_OPTION')
    expect((error as InvalidOptionError).option).toBe(option)
    expect(error.message).toBe(message)
  })
})
