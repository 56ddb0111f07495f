import { BenchTaskError } from '../errors'
import type { BenchFn, BenchTaskResult } from './bench'
import { cpuNs, type Resolved } from './options'
import { seededRandom, summarize } from './stats'

/** One task being measured: how it is called, and the samples taken so far. */
export interface Runner {
  name: string
  fn: BenchFn
  batch: number
  isAsync: boolean
  samples: number[]
  cpuSamples: number[]
}

const MAX_BATCH = 2 ** 24
// Results are written here so the optimizer cannot drop the measured call.
const sink: { value: unknown } = { value: undefined }

/** Times `batch` calls of `fn`, in nanoseconds: the loop kept small, so V8 optimizes it alone. */
async function timeLoop(fn: BenchFn, batch: number, isAsync: boolean, clock: () => number) {
  const start = clock()
  if (isAsync) for (let i = 0; i < batch; i++) sink.value = await fn()
  else for (let i = 0; i < batch; i++) sink.value = fn()
  return clock() - start
}

/** Times the first call of a task, finding out whether it is async. */
async function timeFirst(runner: Runner, clock: () => number) {
  const start = clock()
  const out = runner.fn()
  runner.isAsync = typeof (out as { then?: unknown } | null)?.then === 'function'
  sink.value = runner.isAsync ? await out : out
  return clock() - start
}

/**
 * Runs the untimed setup, then times `runner.batch` calls (or the first call of a task).
 * Returns the time spent, and the CPU time when it is recorded.
 */
async function timeCalls(runner: Runner, config: Resolved, first = false) {
  try {
    if (config.setup) await config.setup(runner.name)
    const cpuStart = config.recordCpu ? cpuNs() : 0
    const ns = first
      ? await timeFirst(runner, config.clock)
      : await timeLoop(runner.fn, runner.batch, runner.isAsync, config.clock)
    return { ns, cpu: config.recordCpu ? cpuNs() - cpuStart : 0 }
  } catch (error) {
    throw new BenchTaskError(runner.name, error)
  }
}

/** Takes one sample: time per operation (`batch` calls of `opsPerCall` operations each). */
export async function record(runner: Runner, config: Resolved): Promise<number> {
  const { ns, cpu } = await timeCalls(runner, config)
  const ops = runner.batch * config.opsPerCall
  runner.samples.push(ns / ops)
  if (config.recordCpu) runner.cpuSamples.push(cpu / ops)
  return ns
}

/**
 * Warms `fn` up for `warmupNs` of calls, then picks the batch that makes one sample last
 * `sampleTargetNs`, from a sample taken after the warm-up (a cold first call would make the
 * batch too small). With no warm-up asked for, a task slower than the target runs once here.
 */
export async function calibrate(name: string, fn: BenchFn, config: Resolved): Promise<Runner> {
  const runner: Runner = { name, fn, batch: 1, isAsync: false, samples: [], cpuSamples: [] }
  let warm = config.warmupNs === 0
  let elapsed = (await timeCalls(runner, config, true)).ns
  let spent = elapsed
  for (let round = 0; round < 64; round++) {
    if (elapsed < config.sampleTargetNs && runner.batch < MAX_BATCH) {
      runner.batch =
        elapsed > 0
          ? Math.min(MAX_BATCH, Math.ceil((runner.batch * config.sampleTargetNs) / elapsed))
          : runner.batch * 16
    } else if (warm) break
    warm = spent >= config.warmupNs
    elapsed = (await timeCalls(runner, config)).ns
    spent += elapsed
  }
  return runner
}

export function resultOf(runner: Runner, config: Resolved): BenchTaskResult {
  const { name, batch, samples, cpuSamples } = runner
  return {
    name,
    batch,
    samples,
    stats: summarize(samples, config.trim),
    ...(config.recordCpu ? { cpuSamples } : {}),
  }
}

/**
 * Measures every task in `config.rounds` rounds. Each round runs the tasks in turn, in a seeded
 * random order when there are several rounds, and each turn takes its share of the samples in
 * a row: at least `minSamples / rounds`, more while the turn is under `timeNs / rounds`. A
 * task is warmed up just before its first turn.
 */
export async function measureTasks(
  entries: Array<[string, BenchFn]>,
  config: Resolved,
): Promise<Runner[]> {
  const runners: Array<Runner | undefined> = entries.map(() => undefined)
  const order = entries.map((_, index) => index)
  const random = seededRandom(42)
  const minTurn = Math.ceil(config.minSamples / config.rounds)
  const maxTurn = Math.max(minTurn, Math.floor(config.maxSamples / config.rounds))
  const turnNs = config.timeNs / config.rounds
  for (let round = 0; round < config.rounds; round++) {
    if (config.rounds > 1) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1))
        ;[order[i], order[j]] = [order[j] as number, order[i] as number]
      }
    }
    for (const index of order) {
      const [name, fn] = entries[index] as [string, BenchFn]
      const runner = runners[index] ?? (await calibrate(name, fn, config))
      runners[index] = runner
      let taken = 0
      let spent = 0
      while (taken < minTurn || (taken < maxTurn && spent < turnNs)) {
        spent += await record(runner, config)
        taken++
      }
    }
  }
  return runners as Runner[]
}
