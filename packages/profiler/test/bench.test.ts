import { describe, expect, it } from 'vitest'
import {
  type BenchResult,
  bench,
  benchCompare,
  compareRuns,
  formatBench,
  formatCompare,
  formatComparison,
  formatRatios,
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
    expect(stats.p90).toBe(189)
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

describe('bench options', () => {
  it('interleaves tasks in rounds, each turn a block of samples, in a seeded order', async () => {
    let now = 0
    const calls: string[] = []
    const task = (name: string, cost: number) => () => {
      calls.push(name)
      now += cost
    }
    const options = { warmupMs: 0, timeMs: 0, minSamples: 12, sampleTargetNs: 1 }
    const result = await bench(
      { a: task('a', 100), b: task('b', 200), c: task('c', 300) },
      { ...options, rounds: 4, clock: () => now },
    )
    expect(result.tasks.map((t) => [t.name, t.samples.length, t.stats.median])).toEqual([
      ['a', 12, 100],
      ['b', 12, 200],
      ['c', 12, 300],
    ])
    // Round 0: a warm-up call then 3 samples per turn; rounds 1 to 3: 3 samples per turn.
    const turns = [0, 4, 8, 12, 15, 18, 21, 24, 27, 30, 33, 36].map((start, i, all) =>
      calls.slice(start, all[i + 1] ?? calls.length),
    )
    expect(calls).toHaveLength(39)
    for (const turn of turns) expect(new Set(turn).size).toBe(1)
    const order = turns.map((turn) => turn[0])
    for (let round = 0; round < 4; round++)
      expect(order.slice(round * 3, round * 3 + 3).sort()).toEqual(['a', 'b', 'c'])
    expect(new Set([0, 3, 6, 9].map((i) => order.slice(i, i + 3).join(''))).size).toBeGreaterThan(1)
  })

  it('reports per operation, runs setup untimed, and records CPU time on request', async () => {
    let now = 0
    const setups: string[] = []
    const result = await bench(
      { loop: () => (now += 1000) },
      {
        warmupMs: 0,
        timeMs: 0,
        minSamples: 5,
        sampleTargetNs: 1,
        opsPerCall: 10,
        recordCpu: true,
        clock: () => now,
        setup: (task) => {
          setups.push(task)
          now += 1e6
        },
      },
    )
    const [loop] = result.tasks
    expect(loop?.stats.median).toBe(100)
    expect(loop?.stats.opsPerSec).toBe(1e7)
    expect(setups).toEqual(Array(6).fill('loop'))
    expect(loop?.cpuSamples).toHaveLength(5)
    await expect(bench({ a: () => 1 }, { rounds: 0.5 })).rejects.toThrow(
      'rounds must be a positive integer, got 0.5',
    )
    await expect(bench({ a: () => 1 }, { clock: 'gpu' as 'cpu' })).rejects.toMatchObject({
      code: 'MX_INVALID_OPTION',
    })
  })

  it('takes [name, fn] pairs and returns their results as a tuple, in order', async () => {
    let now = 0
    const options = { warmupMs: 0, timeMs: 0, minSamples: 3, sampleTargetNs: 1, clock: () => now }
    const {
      tasks: [slow, quick],
    } = await bench(
      [
        ['slow', () => (now += 300)],
        ['quick', () => (now += 100)],
      ],
      options,
    )
    expect([slow.name, slow.stats.median, quick.name, quick.stats.median]).toEqual([
      'slow',
      300,
      'quick',
      100,
    ])
    await expect(bench([['a', 'b' as never]])).rejects.toThrow('task "a" is not a function')
  })

  it('sizes the batch after the warm-up, not from a slow first call', async () => {
    let now = 0
    let calls = 0
    const result = await bench(
      { cold: () => (now += calls++ === 0 ? 50_000 : 100) },
      { warmupMs: 0.01, timeMs: 0, minSamples: 3, sampleTargetNs: 10_000, clock: () => now },
    )
    expect(result.tasks[0]?.batch).toBe(100)
    expect(result.tasks[0]?.stats.median).toBe(100)
  })

  it("times by this process's CPU with clock: 'cpu'", async () => {
    const result = await bench(
      { spin: () => Math.sqrt(Math.random()) },
      { clock: 'cpu', warmupMs: 1, timeMs: 5, minSamples: 5 },
    )
    expect(result.tasks[0]?.stats.median).toBeGreaterThan(0)
  })
})

describe('formatRatios', () => {
  it('prints both medians and peer ÷ ours with a CI, and the optional columns', () => {
    const ours = { name: 'mx get', samples: [10, 11, 9, 10, 10, 12, 8, 10] }
    const peer = { name: 'peer get', samples: [30, 33, 27, 30, 30, 36, 24, 30] }
    const text = formatRatios([{ what: 'get hit', ours, peer, note: 'target ≥ 2×' }])
    const [header, row] = text.split('\n')
    expect(header).toMatch(/^what\s+ours\s+median\s+peer\s+median\s+peer ÷ ours \(95% CI\)\s+note$/)
    expect(row).toMatch(/^get hit\s+mx get\s+10\.0 ns\s+peer get\s+30\.0 ns\s+3\.00× \(/)
    expect(row).toMatch(/target ≥ 2×$/)
    expect(formatRatios([{ ours: peer, peer: ours }])).toMatch(/\npeer get\s+30\.0 ns.*0\.33×/)
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
    expect(formatCompare(result)).toMatch(/^quick is (2\.9\d|3\.\d\d)× faster than slow \(95% CI/)
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
