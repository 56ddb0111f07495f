import {
  createPool,
  InvalidOptionError,
  type MapOptions,
  MxError,
  type Pool,
  type RunOptions,
} from '@mx/workers'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import {
  fuzzRuns,
  hostileNumber,
  hostileOptions,
  hostileString,
  hostileValue,
  onlyTypedErrors,
} from './helpers/hostile'

const task = new URL('./fixtures/echo-task.mjs', import.meta.url)
const poolOptionNames = ['threads', 'maxQueue', 'batch', 'timeout', 'retries', 'recycle']
const moreNames = ['resourceLimits', 'idleTimeout', 'clock']

describe('@mx/workers under hostile input', () => {
  const pool: Pool = createPool({ task, threads: 2 })
  afterAll(() => pool.close())

  it('createPool throws only MX_INVALID_OPTION on any options', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostileValue,
          hostileOptions([...poolOptionNames, ...moreNames]).map((o) => ({ ...o, task })),
          hostileOptions(['task']),
        ),
        async (options) => {
          const outcome = await onlyTypedErrors(MxError, () => createPool(options as never))
          if (outcome.ok) await outcome.value.close({ drain: false })
          // A task path that passes validation but names no module fails as MX_WORKERS_TASK_MODULE.
          else if (outcome.error.code !== 'MX_WORKERS_TASK_MODULE') {
            expect(outcome.error).toBeInstanceOf(InvalidOptionError)
          }
        },
      ),
      fuzzRuns(300),
    )
  })

  // Per-call options: the right types with hostile values, or any hostile value at all.
  const runOptions = fc.record(
    {
      priority: fc.oneof(fc.constantFrom('high', 'normal', 'low'), hostileValue),
      key: fc.oneof(hostileString, hostileNumber, hostileValue),
      transfer: fc.oneof(fc.boolean(), hostileValue),
      timeout: fc.oneof(
        hostileNumber.filter((n) => n >= 0),
        hostileValue,
      ),
    },
    { requiredKeys: [] },
  )

  it('run() with hostile inputs and options answers the input or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.anything({ maxDepth: 3 }), hostileValue),
        runOptions,
        async (input, options) => {
          const outcome = await onlyTypedErrors(MxError, () =>
            pool.run(input, options as RunOptions),
          )
          if (outcome.ok) expect(outcome.value).toEqual(input)
        },
      ),
      fuzzRuns(300),
    )
    expect(pool.stats().threads).toBe(2)
  })

  it('map() with hostile options yields every input or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer(), { maxLength: 50 }),
        fc.record(
          {
            ordered: fc.boolean(),
            maxInFlight: fc.oneof(fc.integer({ min: 1, max: 2 ** 31 }), hostileValue),
            priority: fc.oneof(fc.constantFrom('high', 'normal', 'low'), hostileValue),
            timeout: fc.oneof(
              hostileNumber.filter((n) => n >= 0),
              hostileValue,
            ),
          },
          { requiredKeys: [] },
        ),
        async (inputs, options) => {
          const outcome = await onlyTypedErrors(MxError, async () => {
            const seen: number[] = []
            for await (const result of pool.map(inputs, options as MapOptions<unknown>)) {
              if (!result.ok) throw result.error
              seen[result.index] = result.value as number
            }
            return seen
          })
          if (outcome.ok) expect(outcome.value).toEqual(inputs)
        },
      ),
      fuzzRuns(200),
    )
  })

  it('numeric options at their extremes are accepted or refused with MX_INVALID_OPTION', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('maxQueue', 'timeout', 'idleTimeout'),
        hostileNumber,
        async (name, value) => {
          const outcome = await onlyTypedErrors(MxError, () =>
            createPool({ task, threads: 1, [name]: value }),
          )
          if (outcome.ok) await outcome.value.close({ drain: false })
        },
      ),
      // Each accepted run starts and stops a worker thread: 100 runs took 2.5 s, and 47-50 s in
      // the 10× long variant (2 busy cores), 40 % of the fuzz time limit; 50 runs take 2.7 s and
      // 30 s (a quarter of the limit).
      fuzzRuns(50),
    )
  })
})
