/** Tiny side-by-side benchmark helpers: ops/s over a fixed wall time, peers in the same process. */

export interface Result {
  name: string
  opsPerSec: number
}

const DURATION_MS = Number(process.env.BENCH_MS ?? 1_500)

/** Runs `batch` (which performs `perBatch` operations) repeatedly for the duration; returns ops/s. */
export async function measure(
  name: string,
  perBatch: number,
  batch: () => unknown | Promise<unknown>,
): Promise<Result> {
  const warmUntil = performance.now() + DURATION_MS / 3
  while (performance.now() < warmUntil) await batch()
  let ops = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < DURATION_MS) {
    await batch()
    ops += perBatch
    elapsed = performance.now() - start
  }
  const result = { name, opsPerSec: ops / (elapsed / 1000) }
  console.log(`  ${name.padEnd(58)} ${format(result.opsPerSec)} ops/s`)
  return result
}

export function format(opsPerSec: number): string {
  if (opsPerSec >= 1e6) return `${(opsPerSec / 1e6).toFixed(2)} M`
  if (opsPerSec >= 1e3) return `${(opsPerSec / 1e3).toFixed(1)} k`
  return opsPerSec.toFixed(0)
}

/** Prints `ours / peer` for each pair. */
export function ratios(pairs: Array<[Result, Result, string?]>): void {
  for (const [ours, peer, target] of pairs) {
    const ratio = ours.opsPerSec / peer.opsPerSec
    console.log(
      `  ratio ${ours.name} / ${peer.name}: ${ratio.toFixed(2)}x${target ? ` (target ${target})` : ''}`,
    )
  }
}
