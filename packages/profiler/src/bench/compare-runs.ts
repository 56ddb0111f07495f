import { InvalidOptionError } from '../errors'
import { checkKnownKeys, checkOptionsObject } from '../kernel'
import type { BenchResult } from './bench'
import { bootstrapRatioCi, sortedCopy, sortedMedian } from './stats'

export interface CompareRunsOptions {
  /** Relative slowdown tolerated before a task counts as a regression. Default 0.05 (5%). */
  tolerance?: number
  /** Bootstrap resamples for the ratio's confidence interval. Default 1000. */
  resamples?: number
}

// The keys the options take: `satisfies` makes the compiler keep the list complete.
const COMPARE_RUNS_OPTIONS = Object.keys({ tolerance: true, resamples: true } satisfies Record<
  keyof CompareRunsOptions,
  true
>)

export type Verdict = 'regression' | 'improvement' | 'unchanged'

export interface TaskComparison {
  name: string
  baselineMedian: number
  currentMedian: number
  /** time(current) / time(baseline): above 1 is slower. */
  ratio: number
  /** 95% confidence interval of the ratio. */
  ciLow: number
  ciHigh: number
  verdict: Verdict
}

export interface RunComparison {
  tasks: TaskComparison[]
  /** Names of the tasks whose ratio CI lies entirely above 1 + tolerance. */
  regressions: string[]
  /** Tasks present in only one of the two runs. */
  missing: string[]
  added: string[]
  /** False when there is any regression. */
  ok: boolean
}

function samplesOf(result: BenchResult, what: string): Map<string, number[]> {
  if (!result || !Array.isArray(result.tasks)) {
    throw new InvalidOptionError(what, `${what} must be a bench() result with a tasks array`)
  }
  const out = new Map<string, number[]>()
  for (const task of result.tasks) {
    if (!Array.isArray(task.samples) || task.samples.length === 0) {
      throw new InvalidOptionError(what, `${what} task "${task.name}" has no samples`)
    }
    out.set(task.name, task.samples)
  }
  return out
}

/**
 * Compares a run against a stored baseline, task by task. A task regresses only when the
 * whole 95% CI of `time(current) / time(baseline)` lies above `1 + tolerance`, so noise
 * between two runs of the same code does not fail a build.
 */
export function compareRuns(
  baseline: BenchResult,
  current: BenchResult,
  options: CompareRunsOptions = {},
): RunComparison {
  checkOptionsObject(options, 'options')
  checkKnownKeys(options, COMPARE_RUNS_OPTIONS, 'compareRuns()')
  const tolerance = options.tolerance ?? 0.05
  if (!(tolerance >= 0 && tolerance < 1)) {
    throw new InvalidOptionError('tolerance', `tolerance must be in [0, 1), got ${tolerance}`)
  }
  const resamples = options.resamples ?? 1000
  if (!Number.isInteger(resamples) || resamples < 100) {
    throw new InvalidOptionError(
      'resamples',
      `resamples must be an integer ≥ 100, got ${resamples}`,
    )
  }
  const before = samplesOf(baseline, 'baseline')
  const after = samplesOf(current, 'current')
  const tasks: TaskComparison[] = []
  for (const [name, samples] of after) {
    const base = before.get(name)
    if (!base) continue
    const { ratio, ciLow, ciHigh } = bootstrapRatioCi(base, samples, resamples)
    const verdict: Verdict =
      ciLow > 1 + tolerance ? 'regression' : ciHigh < 1 - tolerance ? 'improvement' : 'unchanged'
    tasks.push({
      name,
      baselineMedian: sortedMedian(sortedCopy(base)),
      currentMedian: sortedMedian(sortedCopy(samples)),
      ratio,
      ciLow,
      ciHigh,
      verdict,
    })
  }
  const regressions = tasks.filter((task) => task.verdict === 'regression').map((task) => task.name)
  return {
    tasks,
    regressions,
    missing: [...before.keys()].filter((name) => !after.has(name)),
    added: [...after.keys()].filter((name) => !before.has(name)),
    ok: regressions.length === 0,
  }
}
