import { rejected, thrown } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import {
  type BenchResult,
  bench,
  benchCompare,
  compareRuns,
  formatCompare,
  formatNs,
  formatRatios,
  summarize,
} from '../src/bench-entry'
import { InvalidOptionError } from '../src/index'

/** A clock that only moves by what the tasks say they cost. */
function fakeClock() {
  let now = 0
  return {
    clock: () => now,
    spend: (ns: number) => () => {
      now += ns
    },
  }
}

const fast = { warmupMs: 0.01, timeMs: 0.05, minSamples: 40, sampleTargetNs: 1 }

const result = (tasks: unknown[]): BenchResult =>
  ({ tasks, meta: { date: '', node: '', platform: '', cpus: 0 } }) as BenchResult

describe('bench option checks', () => {
  it.each([
    ['bench()', (options: unknown) => bench({ a: () => 1 }, options as never)],
    [
      'benchCompare()',
      (options: unknown) => benchCompare({ a: () => 1, b: () => 2 }, options as never),
    ],
    [
      'compareRuns()',
      async (options: unknown) => compareRuns(result([]), result([]), options as never),
    ],
  ])('%s refuses options that are not an object with MX_INVALID_OPTION', async (_, call) => {
    for (const [options, shown] of [
      [null, 'null'],
      ['fast', '"fast"'],
      [[], 'an array'],
    ] as const) {
      const error = await rejected(() => call(options))
      expect(error).toBeInstanceOf(InvalidOptionError)
      expect(error).toMatchObject({
        code: 'MX_INVALID_OPTION',
        option: 'options',
        message: `options must be an object, got ${shown}`,
      })
    }
  })

  it('refuses inconsistent sample counts, a trim of half or more and a setup that is not a function', async () => {
    const task = { a: () => 1 }
    await expect(bench(task, { minSamples: 50, maxSamples: 10 })).rejects.toMatchObject({
      code: 'MX_INVALID_OPTION',
      option: 'maxSamples',
      message: 'maxSamples (10) must be ≥ minSamples (50)',
    })
    await expect(bench(task, { trim: 0.5 })).rejects.toMatchObject({
      option: 'trim',
      message: 'trim must be in [0, 0.5), got 0.5',
    })
    await expect(bench(task, { setup: 'reset' as never })).rejects.toMatchObject({
      option: 'setup',
      message: 'setup must be a function of the task name',
    })
    await expect(bench(task, { timeMs: -1 })).rejects.toMatchObject({
      option: 'timeMs',
      message: 'timeMs must be a positive number, got -1',
    })
    await expect(bench(task, { clock: 'monotonic' as never })).rejects.toMatchObject({
      option: 'clock',
      message: "clock must be 'wall', 'cpu' or a function returning nanoseconds, got monotonic",
    })
  })

  it('refuses a task list entry without a function, and benchCompare without exactly two functions', async () => {
    await expect(bench(['parse'] as never)).rejects.toMatchObject({
      code: 'MX_INVALID_OPTION',
      option: 'tasks',
      message: 'task "parse" is not a function',
    })
    const two = 'benchCompare needs exactly two functions'
    await expect(benchCompare({ a: () => 1 })).rejects.toThrow(two)
    await expect(benchCompare({ a: () => 1, b: () => 2, c: () => 3 })).rejects.toThrow(two)
    await expect(benchCompare({ a: () => 1, b: 2 as never })).rejects.toMatchObject({
      option: 'tasks',
    })
  })
})

describe('compareRuns input checks', () => {
  const valid = result([{ name: 'parse', samples: [1, 2, 3] }])

  it('refuses a baseline or current run that is not a bench() result', () => {
    expect(thrown(() => compareRuns(null as never, valid))).toMatchObject({
      code: 'MX_INVALID_OPTION',
      option: 'baseline',
      message: 'baseline must be a bench() result with a tasks array',
    })
    expect(thrown(() => compareRuns(valid, { tasks: 'parse' } as never))).toMatchObject({
      option: 'current',
      message: 'current must be a bench() result with a tasks array',
    })
  })

  it('refuses a task without samples, and too few or fractional resamples', () => {
    const empty = result([{ name: 'parse', samples: [] }])
    expect(thrown(() => compareRuns(empty, valid))).toMatchObject({
      option: 'baseline',
      message: 'baseline task "parse" has no samples',
    })
    expect(thrown(() => compareRuns(valid, result([{ name: 'io' }])))).toMatchObject({
      option: 'current',
      message: 'current task "io" has no samples',
    })
    for (const resamples of [50, 150.5]) {
      expect(thrown(() => compareRuns(valid, valid, { resamples }))).toMatchObject({
        option: 'resamples',
        message: `resamples must be an integer ≥ 100, got ${resamples}`,
      })
    }
    expect(compareRuns(valid, valid, { resamples: 100 }).ok).toBe(true)
  })
})

describe('bench formatting', () => {
  it('prints nanoseconds in ns, µs, ms or s', () => {
    expect(formatNs(5)).toBe('5.00 ns')
    expect(formatNs(999)).toBe('999.0 ns')
    expect(formatNs(1500)).toBe('1.50 µs')
    expect(formatNs(2_500_000)).toBe('2.50 ms')
    expect(formatNs(3_000_000_000)).toBe('3.00 s')
  })

  it('says how many times slower the second task is when it is slower', async () => {
    const { clock, spend } = fakeClock()
    const compared = await benchCompare({ quick: spend(100), slow: spend(300) }, { ...fast, clock })
    expect(compared.ratio.median).toBe(3)
    expect(formatCompare(compared)).toBe('slow is 3.00× slower than quick (95% CI 3.00–3.00)')
  })

  it('leaves the what and note cells empty on the rows that have none', () => {
    const ours = { name: 'mx', samples: [10, 10, 10] }
    const peer = { name: 'peer', samples: [20, 20, 20] }
    const text = formatRatios([
      { what: 'get', ours, peer },
      { ours, peer, note: 'target ≥ 2×' },
    ])
    const [header, first, second] = text.split('\n')
    expect(header).toMatch(/^what\s+ours\s+median\s+peer\s+median\s+peer ÷ ours \(95% CI\)\s+note$/)
    expect(first).toMatch(/^get\s+mx\s+10\.0 ns\s+peer\s+20\.0 ns\s+2\.00× \(2\.00–2\.00\)$/)
    expect(second).toMatch(
      /^\s+mx\s+10\.0 ns\s+peer\s+20\.0 ns\s+2\.00× \(2\.00–2\.00\)\s+target ≥ 2×$/,
    )
  })
})

describe('summarize edge cases', () => {
  it('reports zeros for no samples and 0 ops/s for zero-time samples', () => {
    expect(summarize([])).toEqual({
      n: 0,
      median: 0,
      mean: 0,
      mad: 0,
      ciLow: 0,
      ciHigh: 0,
      p90: 0,
      p99: 0,
      min: 0,
      max: 0,
      opsPerSec: 0,
    })
    const zero = summarize([0, 0, 0, 0])
    expect(zero.n).toBe(4)
    expect(zero.median).toBe(0)
    expect(zero.opsPerSec).toBe(0)
  })
})
