import { cpus } from 'node:os'
import { BenchTaskError, InvalidOptionError } from '../errors'
import {
  medianCiRanks,
  type SampleStats,
  seededRandom,
  sortedCopy,
  sortedMedian,
  summarize,
} from './stats'

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
  /** Nanosecond clock (default `process.hrtime.bigint`); inject one for deterministic tests. */
  clock?: () => number
}

export interface BenchTaskResult {
  name: string
  /** Calls per sample (batching of very fast functions). */
  batch: number
  /** Nanoseconds per call, one entry per sample, in measuring order. */
  samples: number[]
  stats: SampleStats
}

/** What `bench` returns; JSON-serializable, so it can be stored as a baseline. */
export interface BenchResult {
  tasks: BenchTaskResult[]
  meta: { date: string; node: string; platform: string; cpus: number }
}

export interface CompareResult {
  a: BenchTaskResult
  b: BenchTaskResult
  /** time(b) / time(a) over paired, interleaved samples, with its 95% CI. Below 1: b is faster. */
  ratio: { median: number; ciLow: number; ciHigh: number }
}

interface Resolved {
  warmupNs: number
  timeNs: number
  minSamples: number
  maxSamples: number
  sampleTargetNs: number
  trim: number
  clock: () => number
}

const hrtime = () => Number(process.hrtime.bigint())
// Results are written here so the optimizer cannot drop the measured call.
const sink: { value: unknown } = { value: undefined }

function resolve(options: BenchOptions): Resolved {
  const check = (key: keyof BenchOptions, value: number, integer: boolean, allowZero = false) => {
    const valid =
      Number.isFinite(value) &&
      (allowZero ? value >= 0 : value > 0) &&
      (!integer || Number.isInteger(value))
    if (!valid)
      throw new InvalidOptionError(
        key,
        `${key} must be a ${integer ? 'positive integer' : 'positive number'}, got ${value}`,
      )
    return value
  }
  const minSamples = check('minSamples', options.minSamples ?? 30, true)
  const maxSamples = check('maxSamples', options.maxSamples ?? Math.max(1000, minSamples), true)
  if (maxSamples < minSamples)
    throw new InvalidOptionError(
      'maxSamples',
      `maxSamples (${maxSamples}) must be ≥ minSamples (${minSamples})`,
    )
  const trim = options.trim ?? 0.05
  if (!(trim >= 0 && trim < 0.5))
    throw new InvalidOptionError('trim', `trim must be in [0, 0.5), got ${trim}`)
  if (options.clock !== undefined && typeof options.clock !== 'function') {
    throw new InvalidOptionError('clock', 'clock must be a function returning nanoseconds')
  }
  return {
    warmupNs: check('warmupMs', options.warmupMs ?? 100, false, true) * 1e6,
    timeNs: check('timeMs', options.timeMs ?? 500, false, true) * 1e6,
    minSamples,
    maxSamples,
    sampleTargetNs: check('sampleTargetNs', options.sampleTargetNs ?? 250_000, false),
    trim,
    clock: options.clock ?? hrtime,
  }
}

/** Times `batch` calls and returns nanoseconds per call. */
async function sample(
  fn: BenchFn,
  batch: number,
  isAsync: boolean,
  clock: () => number,
): Promise<number> {
  const start = clock()
  if (isAsync) for (let i = 0; i < batch; i++) sink.value = await fn()
  else for (let i = 0; i < batch; i++) sink.value = fn()
  return (clock() - start) / batch
}

/** Warms `fn` up and picks the batch size that makes one sample last `sampleTargetNs`. */
async function calibrate(name: string, fn: BenchFn, config: Resolved) {
  let isAsync = false
  try {
    const first = fn()
    isAsync = typeof (first as { then?: unknown } | null)?.then === 'function'
    if (isAsync) sink.value = await first
  } catch (error) {
    throw new BenchTaskError(name, error)
  }
  let batch = 1
  const started = config.clock()
  for (let round = 0; round < 64; round++) {
    const perCall = await sample(fn, batch, isAsync, config.clock)
    const elapsed = perCall * batch
    if (elapsed < config.sampleTargetNs && batch < 2 ** 24) {
      batch =
        elapsed > 0
          ? Math.min(2 ** 24, Math.ceil((batch * config.sampleTargetNs) / elapsed))
          : batch * 16
      continue
    }
    if (config.clock() - started >= config.warmupNs) break
  }
  return { batch, isAsync }
}

async function measure(name: string, fn: BenchFn, config: Resolved): Promise<BenchTaskResult> {
  const { batch, isAsync } = await calibrate(name, fn, config)
  const samples: number[] = []
  const started = config.clock()
  try {
    while (
      samples.length < config.minSamples ||
      (samples.length < config.maxSamples && config.clock() - started < config.timeNs)
    ) {
      samples.push(await sample(fn, batch, isAsync, config.clock))
    }
  } catch (error) {
    throw new BenchTaskError(name, error)
  }
  return { name, batch, samples, stats: summarize(samples, config.trim) }
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
 * Measures each task in turn: warmup, batching of fast functions, then samples until both
 * `minSamples` and `timeMs` are reached. Statistics are computed on trimmed samples.
 */
export async function bench(
  tasks: Record<string, BenchFn>,
  options: BenchOptions = {},
): Promise<BenchResult> {
  const config = resolve(options)
  const entries = Object.entries(tasks)
  if (entries.length === 0) throw new InvalidOptionError('tasks', 'bench needs at least one task')
  const results: BenchTaskResult[] = []
  for (const [name, fn] of entries) {
    if (typeof fn !== 'function')
      throw new InvalidOptionError('tasks', `task "${name}" is not a function`)
    results.push(await measure(name, fn, config))
  }
  return { tasks: results, meta: meta() }
}

/**
 * Interleaves two tasks sample by sample (in a seeded random order each round) so drift in
 * machine load hits both alike, and reports `time(b) / time(a)` with its 95% CI.
 */
export async function benchCompare(
  tasks: Record<string, BenchFn>,
  options: BenchOptions = {},
): Promise<CompareResult> {
  const config = resolve(options)
  const entries = Object.entries(tasks)
  if (entries.length !== 2 || entries.some(([, fn]) => typeof fn !== 'function')) {
    throw new InvalidOptionError('tasks', 'benchCompare needs exactly two functions')
  }
  const [[nameA, fnA], [nameB, fnB]] = entries as [[string, BenchFn], [string, BenchFn]]
  const a = await calibrate(nameA, fnA, config)
  const b = await calibrate(nameB, fnB, config)
  const random = seededRandom(42)
  const samplesA: number[] = []
  const samplesB: number[] = []
  const started = config.clock()
  while (
    samplesA.length < config.minSamples ||
    (samplesA.length < config.maxSamples && config.clock() - started < config.timeNs * 2)
  ) {
    const aFirst = random() < 0.5
    const first = aFirst
      ? await sample(fnA, a.batch, a.isAsync, config.clock)
      : await sample(fnB, b.batch, b.isAsync, config.clock)
    const second = aFirst
      ? await sample(fnB, b.batch, b.isAsync, config.clock)
      : await sample(fnA, a.batch, a.isAsync, config.clock)
    samplesA.push(aFirst ? first : second)
    samplesB.push(aFirst ? second : first)
  }
  const ratios = sortedCopy(samplesB.map((value, i) => value / (samplesA[i] as number)))
  const drop = Math.floor(ratios.length * config.trim)
  const kept = ratios.subarray(drop, ratios.length - drop)
  const [low, high] = medianCiRanks(kept.length)
  return {
    a: { name: nameA, batch: a.batch, samples: samplesA, stats: summarize(samplesA, config.trim) },
    b: { name: nameB, batch: b.batch, samples: samplesB, stats: summarize(samplesB, config.trim) },
    ratio: { median: sortedMedian(kept), ciLow: kept[low] as number, ciHigh: kept[high] as number },
  }
}
