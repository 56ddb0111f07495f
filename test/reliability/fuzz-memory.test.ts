import {
  createMemoryMonitor,
  createObjectPool,
  createResourcePool,
  estimateSize,
  InvalidOptionError,
  MxError,
  parseDuration,
  parseSize,
} from '@mx/memory'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  fuzzRuns,
  hostileNumber,
  hostileOptions,
  hostileString,
  hostileValue,
  onlyTypedErrors,
} from './helpers/hostile'

// Size and duration strings: a number (maybe odd) with a unit (maybe unknown), spaced oddly.
const unitString = fc
  .tuple(
    fc.oneof(fc.stringMatching(/^\d{0,400}(\.\d{0,30})?$/), hostileNumber.map(String)),
    fc.constantFrom(
      '',
      ' ',
      'b',
      'kb',
      'KiB',
      'mb',
      'gb',
      'tb',
      'pb',
      'ms',
      's',
      'm',
      'h',
      'd',
      'w',
    ),
  )
  .map(([n, unit]) => `${n}${unit}`)

describe('@mx/memory under hostile input', () => {
  it('parseSize and parseDuration return a finite non-negative number or MX_INVALID_OPTION', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(unitString, hostileString, hostileValue),
        fc.boolean(),
        async (value, zero) => {
          for (const parse of [parseSize, parseDuration]) {
            const outcome = await onlyTypedErrors(MxError, () => parse(value, 'opt', zero))
            if (outcome.ok) {
              expect(Number.isFinite(outcome.value)).toBe(true)
              expect(outcome.value).toBeGreaterThanOrEqual(0)
            } else {
              expect(outcome.error).toBeInstanceOf(InvalidOptionError)
              expect(outcome.error.message).toContain('opt')
            }
          }
        },
      ),
      fuzzRuns(1000),
    )
  })

  it('createObjectPool throws only MX_INVALID_OPTION and never creates more than max', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(hostileValue, hostileOptions(['reset', 'max', 'preallocate'])),
        async (options) => {
          let created = 0
          const withCreate =
            options && typeof options === 'object'
              ? { create: () => ({ n: created++ }), ...options }
              : options
          // A huge preallocate would be honoured (it is what was asked): keep it testable.
          const pre = (withCreate as { preallocate?: unknown } | null)?.preallocate
          fc.pre(!(typeof pre === 'number' && pre > 100_000))
          const outcome = await onlyTypedErrors(MxError, () =>
            createObjectPool(withCreate as never),
          )
          if (outcome.ok) {
            const pool = outcome.value
            const object = pool.acquire()
            pool.release(object)
            expect(pool.stats().idle).toBeLessThanOrEqual(pool.stats().max)
          }
        },
      ),
      fuzzRuns(300),
    )
  })

  it('createResourcePool and createMemoryMonitor throw only MX_INVALID_OPTION on any options', async () => {
    const poolNames = ['min', 'max', 'acquireTimeout', 'idleTimeout', 'maxWaiting', 'clock']
    const monitorNames = ['budget', 'interval', 'levels', 'hysteresis', 'clock']
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(hostileValue, hostileOptions([...poolNames, 'leakThreshold', 'captureStacks'])),
        fc.oneof(hostileValue, hostileOptions(monitorNames)),
        async (poolOptions, monitorOptions) => {
          const withCreate =
            poolOptions && typeof poolOptions === 'object'
              ? { create: () => ({}), ...poolOptions }
              : poolOptions
          const min = (withCreate as { min?: unknown } | null)?.min
          fc.pre(!(typeof min === 'number' && min > 10_000))
          const pool = await onlyTypedErrors(MxError, () => createResourcePool(withCreate as never))
          if (pool.ok) await pool.value.drain()
          const monitor = await onlyTypedErrors(MxError, () =>
            createMemoryMonitor(monitorOptions as never),
          )
          if (monitor.ok) monitor.value.stop()
        },
      ),
      fuzzRuns(300),
    )
  })

  it('estimateSize gives a finite non-negative size for any value, cycles included', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything({
            maxDepth: 4,
            withBigInt: true,
            withMap: true,
            withSet: true,
            withTypedArray: true,
          }),
          hostileValue,
        ),
        (value) => {
          const cyclic = { value, self: undefined as unknown }
          cyclic.self = cyclic
          for (const v of [value, cyclic]) {
            const size = estimateSize(v)
            expect(Number.isFinite(size) && size >= 0).toBe(true)
          }
        },
      ),
      fuzzRuns(500),
    )
  })
})
