import type { BenchResult, BenchTaskResult, CompareResult } from './bench'
import type { RunComparison } from './compare-runs'
import { bootstrapRatioCi, sortedCopy, sortedMedian } from './stats'

/** Human time for nanoseconds: `12.3 ns`, `4.56 µs`, `7.89 ms`. */
export function formatNs(ns: number): string {
  if (ns < 1e3) return `${ns.toFixed(ns < 10 ? 2 : 1)} ns`
  if (ns < 1e6) return `${(ns / 1e3).toFixed(2)} µs`
  if (ns < 1e9) return `${(ns / 1e6).toFixed(2)} ms`
  return `${(ns / 1e9).toFixed(2)} s`
}

function table(rows: string[][]): string {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? []
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

/** A plain-text table of a bench run: median, 95% CI, MAD, p90, p99, ops/s. */
export function formatBench(result: BenchResult): string {
  const rows = [['task', 'median', '95% CI', 'MAD', 'p90', 'p99', 'ops/s', 'samples']]
  for (const { name, stats, samples, batch } of result.tasks) {
    rows.push([
      name,
      formatNs(stats.median),
      `${formatNs(stats.ciLow)} … ${formatNs(stats.ciHigh)}`,
      formatNs(stats.mad),
      formatNs(stats.p90),
      formatNs(stats.p99),
      Math.round(stats.opsPerSec).toLocaleString('en-US'),
      `${samples.length}×${batch}`,
    ])
  }
  return table(rows)
}

/** One line per interleaved comparison: `b is 3.10× faster than a (95% CI 2.95–3.24)`. */
export function formatCompare(result: CompareResult): string {
  const { median, ciLow, ciHigh } = result.ratio
  if (median <= 1) {
    return `${result.b.name} is ${(1 / median).toFixed(2)}× faster than ${result.a.name} (95% CI ${(1 / ciHigh).toFixed(2)}–${(1 / ciLow).toFixed(2)})`
  }
  return `${result.b.name} is ${median.toFixed(2)}× slower than ${result.a.name} (95% CI ${ciLow.toFixed(2)}–${ciHigh.toFixed(2)})`
}

/** A plain-text table of `compareRuns`: ratio, its CI and the verdict per task. */
export function formatComparison(comparison: RunComparison): string {
  const rows = [['task', 'baseline', 'current', 'ratio', '95% CI', 'verdict']]
  for (const task of comparison.tasks) {
    rows.push([
      task.name,
      formatNs(task.baselineMedian),
      formatNs(task.currentMedian),
      task.ratio.toFixed(3),
      `${task.ciLow.toFixed(3)}–${task.ciHigh.toFixed(3)}`,
      task.verdict,
    ])
  }
  return table(rows)
}

/** One row of `formatRatios`: our task against a peer's, from the same run or not. */
export interface RatioRow {
  /** What both tasks do, when the table covers several workloads. */
  what?: string
  ours: Pick<BenchTaskResult, 'name' | 'samples'>
  peer: Pick<BenchTaskResult, 'name' | 'samples'>
  /** Printed at the end of the row, e.g. a target. */
  note?: string
}

/**
 * A plain-text table of our tasks against peers, row by row: both medians and
 * `median(peer) / median(ours)` (above 1, ours is faster: how many times as fast) with its 95%
 * CI, by a seeded bootstrap that does not assume the two tasks' samples were paired, so the
 * same samples print the same interval and the tasks may come from different runs.
 */
export function formatRatios(rows: RatioRow[]): string {
  const what = rows.some((row) => row.what !== undefined)
  const note = rows.some((row) => row.note !== undefined)
  const header = ['ours', 'median', 'peer', 'median', 'peer ÷ ours (95% CI)']
  const lines = [[...(what ? ['what'] : []), ...header, ...(note ? ['note'] : [])]]
  const median = (samples: number[]) => sortedMedian(sortedCopy(samples))
  for (const row of rows) {
    const { ratio, ciLow, ciHigh } = bootstrapRatioCi(row.ours.samples, row.peer.samples)
    lines.push([
      ...(what ? [row.what ?? ''] : []),
      row.ours.name,
      formatNs(median(row.ours.samples)),
      row.peer.name,
      formatNs(median(row.peer.samples)),
      `${ratio.toFixed(2)}× (${ciLow.toFixed(2)}–${ciHigh.toFixed(2)})`,
      ...(note ? [row.note ?? ''] : []),
    ])
  }
  return table(lines)
}
