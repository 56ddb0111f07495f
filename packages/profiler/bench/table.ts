import { type CompareResult, formatNs, type RatioRow } from '../src/bench-entry'

/** `benchCompare({ peer, ours })` → a `formatRatios` row. */
export function ratioRow(what: string, result: CompareResult): RatioRow {
  return { what, ours: result.b, peer: result.a }
}

export function isMain(url: string): boolean {
  return (
    process.argv[1] !== undefined &&
    url.endsWith(process.argv[1].replace(/^.*\/bench\//, '/bench/'))
  )
}

/**
 * For overhead rows (`benchCompare({ baseline, instrumented })`): added time per call and the
 * slowdown in percent, from the paired ratio of the interleaved samples.
 */
export function overheadMarkdown(rows: Array<[what: string, result: CompareResult]>): string {
  const lines = [
    '| what | baseline | median | instrumented | median | added per call | slowdown (95% CI) |',
    '|---|---|---:|---|---:|---:|---:|',
  ]
  const percent = (timeRatio: number) => `${((timeRatio - 1) * 100).toFixed(1)}%`
  for (const [what, { a, b, ratio }] of rows) {
    const [base, instrumented] = [a.stats.median, b.stats.median]
    lines.push(
      `| ${what} | ${a.name} | ${formatNs(base)} | ${b.name} | ${formatNs(instrumented)} | ${formatNs(instrumented - base)} | ${percent(ratio.median)} (${percent(ratio.ciLow)} – ${percent(ratio.ciHigh)}) |`,
    )
  }
  return lines.join('\n')
}
