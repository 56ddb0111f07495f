// How this package's side-by-side tables are measured, with the shared harness.
import { type BenchFn, bench, formatBench } from '@mx/profiler/bench'

const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 125)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 16)

/**
 * Measures contenders side by side in one process: after ROUND_MS of warm-up each, ROUNDS
 * rounds run them in turn (in a seeded random order), one sample of about ROUND_MS per
 * contender per round, so load from other work on the machine hits them alike; each figure is
 * the median of its rounds. `opsPerCall` is how many operations one call of a contender does;
 * the results come back in the contenders' order.
 *
 * `clock: 'cpu'` times samples by this process's CPU time instead of wall time: for CPU-bound
 * contenders on a shared, oversubscribed machine it leaves out the time the process spent
 * descheduled. I/O-bound tables (Redis) keep wall time.
 */
export async function measure<const T extends ReadonlyArray<readonly [string, BenchFn]>>(
  title: string,
  opsPerCall: number,
  contenders: T,
  clock: 'wall' | 'cpu' = 'wall',
) {
  console.log(`${title}${clock === 'cpu' ? ' [CPU time]' : ''}`)
  const result = await bench(contenders, {
    rounds: ROUNDS,
    minSamples: ROUNDS,
    maxSamples: ROUNDS,
    timeMs: 0,
    warmupMs: ROUND_MS,
    sampleTargetNs: ROUND_MS * 1e6,
    opsPerCall,
    clock,
  })
  console.log(formatBench(result))
  return result.tasks
}
