// The update bench's figure: the median of each run (round) of a strategy's samples, then the
// median of those run medians, so one disturbed run (another process, a major GC) cannot move
// the figure, and the run-to-run spread stays visible.
import { type BenchTaskResult, formatNs } from '@mx/profiler/bench'

/** One strategy's figures, in nanoseconds per update. */
export interface RunsSummary {
  name: string
  /** Median wall time of each run's samples, in run order. */
  runs: number[]
  /** Median of `runs`: the figure targets are stated in. */
  median: number
  /** The same, in CPU time (user + system of the process: less sensitive to the load). */
  cpu: number
}

/** A peer column: `peer's median ÷ this row's median` (above 1, the row is faster). */
export interface PeerColumn {
  header: string
  peer: RunsSummary
  clock: 'wall' | 'cpu'
}

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** Medians of consecutive runs of `perRun` samples (`bench` records a round's samples in a row). */
function runMedians(samples: readonly number[], runs: number, perRun: number): number[] {
  if (samples.length !== runs * perRun) {
    throw new Error(`expected ${runs} runs of ${perRun} samples, got ${samples.length} samples`)
  }
  return Array.from({ length: runs }, (_, run) =>
    median(samples.slice(run * perRun, (run + 1) * perRun)),
  )
}

export function summarizeRuns(task: BenchTaskResult, runs: number, perRun: number): RunsSummary {
  const wall = runMedians(task.samples, runs, perRun)
  const cpu = runMedians(task.cpuSamples ?? [], runs, perRun)
  return { name: task.name, runs: wall, median: median(wall), cpu: median(cpu) }
}

/** `peer ÷ ours` in wall or CPU time (medians of runs), as `61.2×`. */
export function ratio(
  ours: RunsSummary,
  peer: RunsSummary,
  clock: 'wall' | 'cpu' = 'wall',
): string {
  const value = clock === 'wall' ? peer.median / ours.median : peer.cpu / ours.cpu
  return `${value.toFixed(1)}×`
}

/** A plain-text table: the run medians, their median (wall and CPU) and the peer ratios. */
export function formatRuns(rows: readonly RunsSummary[], peers: readonly PeerColumn[]): string {
  const runs = rows[0]?.runs.length ?? 0
  const header = [
    'strategy',
    ...Array.from({ length: runs }, (_, run) => `run ${run + 1}`),
    'median of runs',
    'CPU',
    ...peers.map((column) => column.header),
  ]
  const lines = [header]
  for (const row of rows) {
    lines.push([
      row.name,
      ...row.runs.map(formatNs),
      formatNs(row.median),
      formatNs(row.cpu),
      ...peers.map((column) => ratio(row, column.peer, column.clock)),
    ])
  }
  const widths = header.map((_, column) =>
    Math.max(...lines.map((line) => line[column]?.length ?? 0)),
  )
  return lines
    .map((line) =>
      line
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}
