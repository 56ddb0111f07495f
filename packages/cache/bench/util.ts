/**
 * Tiny side-by-side benchmark helpers. Contenders run in interleaved rounds (A, B, C, A, B, C,
 * ...) in one process, so load from other work on the machine hits them alike; we print ops/s
 * and the ratios between contenders measured in the same run.
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

const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 250)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8)

export async function compare(title: string, contenders: Contender[]): Promise<Result[]> {
  console.log(title)
  for (const contender of contenders) {
    const warmUntil = performance.now() + ROUND_MS
    while (performance.now() < warmUntil) await contender.batch()
  }
  const ops = contenders.map(() => 0)
  const time = contenders.map(() => 0)
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, contender] of contenders.entries()) {
      const start = performance.now()
      let elapsed = 0
      let done = 0
      while (elapsed < ROUND_MS) {
        await contender.batch()
        done += contender.perBatch
        elapsed = performance.now() - start
      }
      ops[index] = (ops[index] ?? 0) + done
      time[index] = (time[index] ?? 0) + elapsed
    }
  }
  return contenders.map((contender, index) => {
    const result = {
      name: contender.name,
      opsPerSec: (ops[index] ?? 0) / ((time[index] ?? 1) / 1000),
    }
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
