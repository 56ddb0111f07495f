import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** Where every scenario writes its measured figures; docs/reliability.md is filled from them. */
export const figuresDir = resolve(
  process.env.MX_RELIABILITY_OUT ??
    join(import.meta.dirname, '..', '..', '..', '.ci', 'out', 'reliability'),
)

/** True when the long variants run (`pnpm reliability:long`). */
export const long = process.env.MX_LONG === '1'

/**
 * Records the figures of one scenario: printed (so they show in the test log) and written to
 * `<figuresDir>/<scenario>.json` with the variant and the time of the run.
 */
export function reportFigures(scenario: string, figures: Record<string, unknown>): void {
  const record = {
    scenario,
    variant: long ? 'long' : 'ci',
    at: new Date().toISOString(),
    node: process.version,
    ...figures,
  }
  mkdirSync(figuresDir, { recursive: true })
  writeFileSync(join(figuresDir, `${scenario}.json`), `${JSON.stringify(record, null, 2)}\n`)
  console.log(`[reliability] ${scenario} ${JSON.stringify(figures)}`)
}

/** Samples this process's RSS every `intervalMs` until `stop()`, which resolves the peak in MB. */
export function rssSampler(intervalMs = 50): { stop(): number } {
  let peak = process.memoryUsage.rss()
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss())
  }, intervalMs)
  timer.unref()
  return {
    stop() {
      clearInterval(timer)
      peak = Math.max(peak, process.memoryUsage.rss())
      return Math.round((peak / 1024 / 1024) * 10) / 10
    },
  }
}

/** Megabytes with one decimal. */
export const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10
