import { expectInvalidOption, thrown } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import {
  createMemoryMonitor,
  createObjectPool,
  createResourcePool,
  InvalidOptionError,
  lazy,
  leakCheck,
} from '../src/index'
import { manualClock } from './helpers/manual-clock'

const expectInvalid = (error: unknown, option: string, message: string) =>
  expectInvalidOption(error, InvalidOptionError, option, message)

const CLOCK = 'clock must be an object with now(), setTimeout() and clearTimeout() functions'

describe('createMemoryMonitor options of any type', () => {
  it.each([
    [null, 'createMemoryMonitor() needs an options object, got null'],
    [7, 'createMemoryMonitor() needs an options object, got 7'],
    [[], 'createMemoryMonitor() needs an options object, got an array'],
  ])('refuses %o as options with MX_INVALID_OPTION', (options, message) => {
    expectInvalid(
      thrown(() => createMemoryMonitor(options as never)),
      'options',
      message,
    )
  })

  it.each([
    [{ clock: '' }, 'clock', `${CLOCK}, got ""`],
    [{ clock: { now: () => 0 } }, 'clock', `${CLOCK}, got an object`],
    [{ clock: Symbol('c') }, 'clock', `${CLOCK}, got a symbol`],
    [{ budget: 10n }, 'budget', expect.stringMatching(/^budget must be .* got 10n$/)],
    [{ interval: Object.create(null) }, 'interval', expect.stringMatching(/got an object$/)],
  ])('refuses %o with MX_INVALID_OPTION naming the option', (options, option, message) => {
    expectInvalid(
      thrown(() => createMemoryMonitor({ autoStart: false, ...options } as never)),
      option,
      message as string,
    )
  })

  it('accepts a complete injected clock and samples with it', () => {
    const monitor = createMemoryMonitor({
      budget: 1000,
      gcStats: false,
      clock: manualClock(),
      readMemory: () => ({ rss: 100 }),
    })
    expect(monitor.stats().ratio).toBeCloseTo(0.1)
    monitor.stop()
  })

  it('refuses onPressure() arguments of any type with a readable message', () => {
    const monitor = createMemoryMonitor({ autoStart: false, gcStats: false })
    expectInvalid(
      thrown(() => monitor.onPressure(10n as never, () => {})),
      'level',
      `level must be 'moderate' or 'critical', got 10n`,
    )
    expectInvalid(
      thrown(() => monitor.onPressure('moderate', () => {}, { priority: Symbol('p') as never })),
      'priority',
      'priority must be a finite number, got a symbol',
    )
    expectInvalid(
      thrown(() => monitor.onPressure('moderate', () => {}, null as never)),
      'options',
      'onPressure() needs an options object, got null',
    )
  })
})

describe('sibling factories with options of any type', () => {
  it('lazy() refuses null options and an incomplete clock', () => {
    expectInvalid(
      thrown(() => lazy(() => 1, null as never)),
      'options',
      'lazy() needs an options object, got null',
    )
    expectInvalid(
      thrown(() => lazy(() => 1, { clock: {} as never })),
      'clock',
      `${CLOCK}, got an object`,
    )
  })

  it('leakCheck() refuses null options before running anything', async () => {
    let runs = 0
    const error = await leakCheck(() => runs++, null as never).catch((e: unknown) => e)
    expectInvalid(error, 'options', 'leakCheck() needs an options object, got null')
    expect(runs).toBe(0)
  })

  it('createObjectPool() and createResourcePool() refuse null options', () => {
    expectInvalid(
      thrown(() => createObjectPool(null as never)),
      'options',
      'createObjectPool() needs an options object',
    )
    expectInvalid(
      thrown(() => createResourcePool(null as never)),
      'options',
      'createResourcePool() needs an options object',
    )
  })

  it('createResourcePool() refuses an incomplete clock', () => {
    expectInvalid(
      thrown(() => createResourcePool({ create: () => ({}), clock: 'now' as never })),
      'clock',
      `${CLOCK}, got "now"`,
    )
  })

  it('acquire() rejects a signal that is not an AbortSignal with MX_INVALID_OPTION', async () => {
    const pool = createResourcePool({ create: () => ({}), max: 1 })
    const held = await pool.acquire()
    const error = await pool.acquire({ signal: 'stop' as never }).catch((e: unknown) => e)
    expectInvalid(error, 'signal', `signal must be an AbortSignal, got "stop"`)
    expect(pool.stats().waiting).toBe(0)
    pool.release(held)
    await pool.drain()
  })
})

describe('unknown option keys', () => {
  const create = () => ({})
  it.each([
    [
      'createMemoryMonitor()',
      () => createMemoryMonitor({ autoStart: false, budgt: 10 } as never),
      'budgt',
      'did you mean "budget"?',
    ],
    [
      'createMemoryMonitor()',
      () => createMemoryMonitor({ autoStart: false, levels: { moderat: 0.5 } } as never),
      'levels.moderat',
      'did you mean "levels.moderate"?',
    ],
    [
      'createMemoryMonitor()',
      () => createMemoryMonitor({ autoStart: false, redis: 'x' } as never),
      'redis',
      'the options are "budget", "interval", "levels", "hysteresis", "autoStart", "gcStats", "readMemory", "clock"',
    ],
    [
      'createObjectPool()',
      () => createObjectPool({ create, max: 2, prealocate: 1 } as never),
      'prealocate',
      'did you mean "preallocate"?',
    ],
    [
      'createResourcePool()',
      () => createResourcePool({ create, acquireTimout: 5 } as never),
      'acquireTimout',
      'did you mean "acquireTimeout"?',
    ],
    ['lazy()', () => lazy(() => 1, { idleTTL: 5 } as never), 'idleTTL', 'did you mean "idleTtl"?'],
    [
      'onPressure()',
      () =>
        createMemoryMonitor({ autoStart: false, gcStats: false }).onPressure('moderate', () => {}, {
          priorty: 1,
        } as never),
      'priorty',
      'did you mean "priority"?',
    ],
  ])('%s refuses an unknown key naming the nearest one', (where, call, option, hint) => {
    expectInvalid(thrown(call), option, `${where}: unknown option "${option}"; ${hint}`)
  })

  it('leakCheck() refuses an unknown key before running anything', async () => {
    let runs = 0
    const error = await leakCheck(() => runs++, { iteration: 5 } as never).catch((e: unknown) => e)
    expectInvalid(
      error,
      'iteration',
      'leakCheck(): unknown option "iteration"; did you mean "iterations"?',
    )
    expect(runs).toBe(0)
  })

  it('passes an unknown key whose value is undefined (a spread of absent options)', () => {
    expect(() => createObjectPool({ create, max: 1, ...{ size: undefined } })).not.toThrow()
  })
})
