/** Runs `fn` (which performs `ops` operations) `rounds` times and returns the best ops/s. */
export async function opsPerSecond(ops: number, fn: () => unknown, rounds = 5): Promise<number> {
  let best = 0
  for (let round = 0; round < rounds; round++) {
    const start = process.hrtime.bigint()
    await fn()
    const seconds = Number(process.hrtime.bigint() - start) / 1e9
    best = Math.max(best, ops / seconds)
  }
  return best
}

export function formatRate(opsPerSec: number): string {
  if (opsPerSec >= 1e6) return `${(opsPerSec / 1e6).toFixed(2)} M/s`
  if (opsPerSec >= 1e3) return `${(opsPerSec / 1e3).toFixed(1)} K/s`
  return `${opsPerSec.toFixed(1)} /s`
}

export function printTable(title: string, rows: Record<string, string | number>[]): void {
  console.log(`\n## ${title}`)
  console.table(rows)
}
