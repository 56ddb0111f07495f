import { cpus } from 'node:os'
import { InvalidOptionError } from '../errors'
import { calibrate, measureTasks, record, resultOf } from './measure'
import { resolve } from './options'
import { medianCiRanks, type SampleStats, seededRandom, sortedCopy, sortedMedian } from './stats'

/** A function to measure; it may return a promise, which is awaited. */
export type BenchFn = () => unknown

export interface BenchOptions {
  /** Time spent running each task before measuring, in ms. Default 100. */
  warmupMs?: number
  /** Minimum measuring time per task, in ms. Default 500. */
  timeMs?: number
  /** Minimum samples per task. Default 30. */
  minSamples?: number
  /** Maximum samples per task. Default 1000. */
  maxSamples?: number
  /** Fast functions run in batches lasting at least this long, in ns. Default 250 000. */
  sampleTargetNs?: number
  /** Fraction dropped at each end of the sorted samples. Default 0.05. */
  trim?: number
  /**
   * `bench` only: rounds the measuring is split into. Each round runs every task in turn, in a
   * seeded random order, for its share of the samples and time, so drift in machine load hits
   * all tasks alike while each still runs a block of calls in a row (paying for its own garbage
   * collection). Default 1: each task is measured in one go, one after the other.
   */
  rounds?: number
  /** Operations one call performs (a loop inside the task): samples are per operation. Default 1. */
  opsPerCall?: number
  /**
   * What samples are timed with: `'wall'` (default, `process.hrtime`), `'cpu'` (this process's
   * CPU time, user + system of all its threads: on a shared machine it leaves out the time the
   * process waited for a core), or a nanosecond clock, for deterministic tests.
   */
  clock?: 'wall' | 'cpu' | (() => number)
  /** Also record each sample's CPU time (as `clock: 'cpu'` counts it) in `cpuSamples`. */
  recordCpu?: boolean
  /**
   * Runs untimed, awaited, before each sample and warm-up call, with the task's name: fresh
   * inputs for a task that consumes them, or a fresh instance for a cold run. With batching,
   * one setup serves the whole batch.
   */
  setup?: (task: string) => unknown
}

export interface BenchTaskResult {
  name: string
  /** Calls per sample (batching of very fast functions). */
  batch: number
  /** Nanoseconds per operation, one entry per sample, in measuring order. */
  samples: number[]
  stats: SampleStats
  /** With `recordCpu`: CPU nanoseconds per operation, one entry per sample. */
  cpuSamples?: number[]
}

/**
 * What `bench` returns; JSON-serializable, so it can be stored as a baseline. `tasks` are in
 * the order given (a tuple when the tasks were given as `[name, fn]` pairs).
 */
export interface BenchResult<Tasks extends BenchTaskResult[] = BenchTaskResult[]> {
  tasks: Tasks
  meta: { date: string; node: string; platform: string; cpus: number }
}

/** Tasks by name, or `[name, fn]` pairs (whose results then come back as a tuple). */
export type BenchTasks = Record<string, BenchFn> | ReadonlyArray<readonly [string, BenchFn]>

/** One result per task: a tuple for `[name, fn]` pairs, an array for a record. */
export type BenchTaskResults<T extends BenchTasks> =
  T extends ReadonlyArray<unknown>
    ? { -readonly [I in keyof T]: BenchTaskResult }
    : BenchTaskResult[]

export interface CompareResult {
  a: BenchTaskResult
  b: BenchTaskResult
  /** time(b) / time(a) over paired, interleaved samples, with its 95% CI. Below 1: b is faster. */
  ratio: { median: number; ciLow: number; ciHigh: number }
}

function meta(): BenchResult['meta'] {
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: process.platform,
    cpus: cpus().length,
  }
}

/**
 * Measures each task: warmup, batching of fast functions, then samples until both
 * `minSamples` and `timeMs` are reached, one task after the other or interleaved in `rounds`.
 * Statistics are computed on trimmed samples.
 */
export async function bench<const T extends BenchTasks>(
  tasks: T,
  options: BenchOptions = {},
): Promise<BenchResult<BenchTaskResults<T>>> {
  const config = resolve(options, 'bench()')
  const entries: Array<[string, BenchFn]> = Array.isArray(tasks)
    ? tasks.map((entry) =>
        Array.isArray(entry) ? [String(entry[0]), entry[1]] : [String(entry), 0],
      )
    : Object.entries(tasks)
  if (entries.length === 0) throw new InvalidOptionError('tasks', 'bench needs at least one task')
  for (const [name, fn] of entries) {
    if (typeof fn !== 'function')
      throw new InvalidOptionError('tasks', `task "${name}" is not a function`)
  }
  const runners = await measureTasks(entries, config)
  const results = runners.map((runner) => resultOf(runner, config))
  return { tasks: results as BenchTaskResults<T>, meta: meta() }
}

/**
 * Interleaves two tasks sample by sample (in a seeded random order each round) so drift in
 * machine load hits both alike, and reports `time(b) / time(a)` with its 95% CI.
 */
export async function benchCompare(
  tasks: Record<string, BenchFn>,
  options: BenchOptions = {},
): Promise<CompareResult> {
  const config = resolve(options, 'benchCompare()')
  const entries = Object.entries(tasks)
  if (entries.length !== 2 || entries.some(([, fn]) => typeof fn !== 'function')) {
    throw new InvalidOptionError('tasks', 'benchCompare needs exactly two functions')
  }
  const [[nameA, fnA], [nameB, fnB]] = entries as [[string, BenchFn], [string, BenchFn]]
  const a = await calibrate(nameA, fnA, config)
  const b = await calibrate(nameB, fnB, config)
  const random = seededRandom(42)
  let spent = 0
  while (
    a.samples.length < config.minSamples ||
    (a.samples.length < config.maxSamples && spent < config.timeNs * 2)
  ) {
    const [first, second] = random() < 0.5 ? [a, b] : [b, a]
    spent += await record(first, config)
    spent += await record(second, config)
  }
  const ratios = sortedCopy(b.samples.map((value, i) => value / (a.samples[i] as number)))
  const drop = Math.floor(ratios.length * config.trim)
  const kept = ratios.subarray(drop, ratios.length - drop)
  const [low, high] = medianCiRanks(kept.length)
  return {
    a: resultOf(a, config),
    b: resultOf(b, config),
    ratio: { median: sortedMedian(kept), ciLow: kept[low] as number, ciHigh: kept[high] as number },
  }
}
