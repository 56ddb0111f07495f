/**
 * `@mx/profiler/bench`: the benchmark harness, kept out of the main entry. `bench` and
 * `benchCompare` measure, `compareRuns` is the regression gate that `mx-bench` runs, and the
 * `format*` functions print results (`formatRatios`: ours against peers, as benches report).
 */
export type {
  BenchFn,
  BenchOptions,
  BenchResult,
  BenchTaskResult,
  BenchTaskResults,
  BenchTasks,
  CompareResult,
} from './bench/bench'
export { bench, benchCompare } from './bench/bench'
export { runBenchCli } from './bench/cli'
export type {
  CompareRunsOptions,
  RunComparison,
  TaskComparison,
  Verdict,
} from './bench/compare-runs'
export { compareRuns } from './bench/compare-runs'
export type { RatioRow } from './bench/format'
export {
  formatBench,
  formatCompare,
  formatComparison,
  formatNs,
  formatRatios,
} from './bench/format'
export type { SampleStats } from './bench/stats'
export { summarize } from './bench/stats'
