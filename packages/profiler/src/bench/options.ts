import { InvalidOptionError } from '../errors'
import { checkKnownKeys, checkOptionsObject } from '../kernel'
import type { BenchOptions } from './bench'

// The keys the options take: `satisfies` makes the compiler keep the list complete.
const BENCH_OPTIONS = Object.keys({
  warmupMs: true,
  timeMs: true,
  minSamples: true,
  maxSamples: true,
  sampleTargetNs: true,
  trim: true,
  rounds: true,
  opsPerCall: true,
  clock: true,
  recordCpu: true,
  setup: true,
} satisfies Record<keyof BenchOptions, true>)

/** `BenchOptions` checked, with defaults filled in and times in nanoseconds. */
export interface Resolved {
  warmupNs: number
  timeNs: number
  minSamples: number
  maxSamples: number
  sampleTargetNs: number
  trim: number
  rounds: number
  opsPerCall: number
  clock: () => number
  recordCpu: boolean
  setup: ((task: string) => unknown) | undefined
}

const wallNs = () => Number(process.hrtime.bigint())

/** CPU time (user + system) of this process, all threads, in nanoseconds. */
export const cpuNs = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) * 1000
}

function clockOf(clock: BenchOptions['clock']): () => number {
  if (clock === undefined || clock === 'wall') return wallNs
  if (clock === 'cpu') return cpuNs
  if (typeof clock === 'function') return clock
  throw new InvalidOptionError(
    'clock',
    `clock must be 'wall', 'cpu' or a function returning nanoseconds, got ${String(clock)}`,
  )
}

/** Checks `options` of `where` (`bench()`, `benchCompare()`) and fills in the defaults. */
export function resolve(options: BenchOptions, where: string): Resolved {
  checkOptionsObject(options, 'options')
  checkKnownKeys(options, BENCH_OPTIONS, where)
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
  if (options.setup !== undefined && typeof options.setup !== 'function')
    throw new InvalidOptionError('setup', 'setup must be a function of the task name')
  return {
    warmupNs: check('warmupMs', options.warmupMs ?? 100, false, true) * 1e6,
    timeNs: check('timeMs', options.timeMs ?? 500, false, true) * 1e6,
    minSamples,
    maxSamples,
    sampleTargetNs: check('sampleTargetNs', options.sampleTargetNs ?? 250_000, false),
    trim,
    rounds: check('rounds', options.rounds ?? 1, true),
    opsPerCall: check('opsPerCall', options.opsPerCall ?? 1, false),
    clock: clockOf(options.clock),
    recordCpu: options.recordCpu === true,
    setup: options.setup,
  }
}
