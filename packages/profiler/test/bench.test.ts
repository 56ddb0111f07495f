import { describe, expect, it } from 'vitest'
import {
  type BenchResult,
  bench,
  benchCompare,
  compareRuns,
  formatBench,
  formatCompare,
  formatComparison,
  summarize,
} from '../src/bench-entry'
import { InvalidOptionError } from '../src/index'

function seeded(seed: number) {
  let state = seed
  return () => {
    state = (state * 48271) % 2147483647
    return state / 2147483647
  }
}

/** A clock that only moves when the simulated task says it spent time. */
function simulated(costNs: number, noise: number, seed: number, outlierEvery = 0) {
  let now = 0
  let calls = 0
  const random = seeded(seed)
  return {
    clock: () => now,
    task: () => {
      calls++
      const outlier = outlierEvery && calls % outlierEvery === 0 ? 20 : 1
      now += costNs * (1 - noise + 2 * noise * random()) * outlier
    },
  }
}

const fast = { warmupMs: 0.01, timeMs: 0.05, minSamples: 100, sampleTargetNs: 1 }

async function run(
  costNs: number,
  noise: number,
  seed: number,
  outlierEvery = 0,
): Promise<BenchResult> {
  const { clock, task } = simulated(costNs, noise, seed, outlierEvery)
  return bench({ parse: task }, { ...fast, clock })
}

describe('summarize', () => {
  it('computes median, MAD, trimmed mean, p99 and a CI that holds the median', () => {
    const samples = [...Array.from({ length: 98 }, (_, i) => 100 + i), 5000, 9000]
    const stats = summarize(samples, 0.05)
    expect(stats.n).toBe(90)
    expect(stats.median).toBe(149.5)
    expect(stats.mad).toBe(22.5)
    expect(stats.mean).toBeCloseTo(149.5, 6)
    expect(stats.p99).toBe(5000)
    expect(stats.max).toBe(9000)
    expect(stats.ciLow).toBeLessThan(stats.median)
    expect(stats.ciHigh).toBeGreaterThan(stats.median)
    expect(stats.opsPerSec).toBeCloseTo(1e9 / 149.5, 3)
  })
})

describe('bench', () => {
  it('batches fast functions and reports per-call statistics from the injected clock', async () => {
    const { clock, task } = simulated(50, 0, 1)
    const result = await bench(
      { tiny: task },
      { warmupMs: 0.01, timeMs: 0.05, minSamples: 40, sampleTargetNs: 10_000, clock },
    )
    const [tiny] = result.tasks
    expect(tiny?.batch).toBe(200)
    expect(tiny?.samples.length).toBeGreaterThanOrEqual(40)
    expect(tiny?.stats.median).toBe(50)
    expect(tiny?.stats.opsPerSec).toBe(2e7)
    expect(formatBench(result)).toMatch(/^task\s+median.*\ntiny\s+50\.0 ns/)
  })

  it('awaits async tasks and measures real work', async () => {
    let calls = 0
    const result = await bench(
      { async: async () => calls++ },
      { warmupMs: 1, timeMs: 5, minSamples: 10 },
    )
    expect(result.tasks[0]?.samples.length).toBeGreaterThanOrEqual(10)
    expect(result.tasks[0]?.stats.median).toBeGreaterThan(0)
    expect(calls).toBeGreaterThan(10)
  })

  it('wraps a throwing task in MX_PROFILER_BENCH_TASK_FAILED and checks options', async () => {
    await expect(
      bench({
        broken: () => {
          throw new Error('nope')
        },
      }),
    ).rejects.toMatchObject({ code: 'MX_PROFILER_BENCH_TASK_FAILED', task: 'broken' })
    await expect(bench({ a: () => 1 }, { minSamples: 0 })).rejects.toBeInstanceOf(
      InvalidOptionError,
    )
    await expect(bench({})).rejects.toThrow('bench needs at least one task')
  })
})

describe('benchCompare', () => {
  it('interleaves two tasks and reports the ratio with its confidence interval', async () => {
    let now = 0
    const random = seeded(3)
    const result = await benchCompare(
      {
        slow: () => {
          now += 300 * (0.9 + 0.2 * random())
        },
        quick: () => {
          now += 100 * (0.9 + 0.2 * random())
        },
      },
      { ...fast, clock: () => now },
    )
    expect(result.ratio.ciLow).toBeLessThanOrEqual(1 / 3 + 0.02)
    expect(result.ratio.ciHigh).toBeGreaterThanOrEqual(1 / 3 - 0.02)
    expect(result.ratio.ciHigh).toBeLessThan(0.4)
    expect(result.a.samples).toHaveLength(result.b.samples.length)
    expect(formatCompare(result)).toMatch(/^quick is 3\.\d\d× faster than slow \(95% CI/)
  })
})

describe('compareRuns', () => {
  it('flags a real 20% regression', async () => {
    const baseline = await run(1000, 0.1, 11)
    const current = await run(1200, 0.1, 12)
    const comparison = compareRuns(baseline, current, { tolerance: 0.05 })
    expect(comparison.regressions).toEqual(['parse'])
    expect(comparison.ok).toBe(false)
    expect(comparison.tasks[0]?.ratio).toBeGreaterThan(1.15)
    expect(comparison.tasks[0]?.ciLow).toBeGreaterThan(1.05)
    expect(formatComparison(comparison)).toContain('regression')
  })

  it('does not flag noise between two runs of the same function, outliers included', async () => {
    for (const seed of [21, 22, 23, 24, 25]) {
      const baseline = await run(1000, 0.25, seed, 17)
      const current = await run(1000, 0.25, seed + 100, 13)
      const comparison = compareRuns(baseline, current, { tolerance: 0.05 })
      expect(comparison.ok).toBe(true)
      expect(comparison.tasks[0]?.verdict).toBe('unchanged')
      expect(comparison.tasks[0]?.ciLow).toBeLessThanOrEqual(1)
      expect(comparison.tasks[0]?.ciHigh).toBeGreaterThanOrEqual(1)
    }
  })

  it('reports improvements, missing and added tasks, and gives the same answer twice', async () => {
    const baseline = await run(1000, 0.05, 31)
    const current = await run(700, 0.05, 32)
    current.tasks.push({ ...(current.tasks[0] as BenchResult['tasks'][number]), name: 'new' })
    baseline.tasks.push({ ...(baseline.tasks[0] as BenchResult['tasks'][number]), name: 'gone' })
    const first = compareRuns(baseline, current)
    expect(first.tasks.find((t) => t.name === 'parse')?.verdict).toBe('improvement')
    expect(first.missing).toEqual(['gone'])
    expect(first.added).toEqual(['new'])
    expect(compareRuns(baseline, current)).toEqual(first)
    expect(() => compareRuns(baseline, current, { tolerance: 2 })).toThrow(
      'tolerance must be in [0, 1), got 2',
    )
  })
})
