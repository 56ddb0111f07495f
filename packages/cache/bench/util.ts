/**
 * Tiny side-by-side benchmark helpers. Contenders run in interleaved rounds (A, B, C, A, B, C,
 * ...) in one process, so load from other work on the machine hits them alike; each contender's
 * figure is the median of its rounds (a round that other work on the machine slowed down does
 * not drag the figure), and we print ops/s and the ratios between contenders of the same run.
 *
 * `measure: 'cpu'` times rounds by this process's CPU time (`process.cpuUsage`, user + system)
 * instead of wall time: for CPU-bound contenders on a shared, oversubscribed machine it leaves
 * out the time the process spent descheduled. I/O-bound tables (Redis) keep wall time.
 */

export interface Result {
  name: string
  opsPerSec: number
}

export interface Contender {
  name: string
  /** Operations one `batch()` call performs. */
  perBatch: number
  batch: () => unknown | Promise<unknown>
}

const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 125)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 16)

export interface CompareOptions {
  /** What a round's duration is measured in. Default `wall`. */
  measure?: 'wall' | 'cpu'
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

export async function compare(
  title: string,
  contenders: Contender[],
  options: CompareOptions = {},
): Promise<Result[]> {
  console.log(`${title}${options.measure === 'cpu' ? ' [CPU time]' : ''}`)
  const clock = options.measure === 'cpu' ? cpuMs : () => performance.now()
  for (const contender of contenders) {
    const warmUntil = performance.now() + ROUND_MS
    while (performance.now() < warmUntil) await contender.batch()
  }
  const rates: number[][] = contenders.map(() => [])
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, contender] of contenders.entries()) {
      const wallStart = performance.now()
      const start = clock()
      let done = 0
      while (performance.now() - wallStart < ROUND_MS) {
        await contender.batch()
        done += contender.perBatch
      }
      const elapsed = Math.max(clock() - start, 0.001)
      rates[index]?.push(done / (elapsed / 1000))
    }
  }
  return contenders.map((contender, index) => {
    const result = { name: contender.name, opsPerSec: median(rates[index] ?? [0]) }
    console.log(`  ${contender.name.padEnd(58)} ${format(result.opsPerSec)} ops/s`)
    return result
  })
}

export function format(opsPerSec: number): string {
  if (opsPerSec >= 1e6) return `${(opsPerSec / 1e6).toFixed(2)} M`
  if (opsPerSec >= 1e3) return `${(opsPerSec / 1e3).toFixed(1)} k`
  return opsPerSec.toFixed(0)
}

/** Prints `ours / peer` for each pair. */
export function ratios(pairs: Array<[Result | undefined, Result | undefined, string?]>): void {
  for (const [ours, peer, target] of pairs) {
    if (!ours || !peer) continue
    const ratio = ours.opsPerSec / peer.opsPerSec
    console.log(
      `  ratio ${ours.name} / ${peer.name}: ${ratio.toFixed(2)}x${target ? ` (target ${target})` : ''}`,
    )
  }
}
