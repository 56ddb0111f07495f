import { type CompareResult, formatNs } from '../src/bench-entry'

/** One row of the README table: what, our time, the peer's time, and time(peer) / time(ours). */
export interface Row {
  what: string
  ours: string
  peer: string
  oursNs: number
  peerNs: number
  /** time(peer) / time(ours), with its 95% CI, from interleaved samples. */
  ratio: number
  ciLow: number
  ciHigh: number
}

/** `benchCompare({ peer, ours })` → a row; the ratio is how many times faster ours is. */
export function row(what: string, result: CompareResult): Row {
  return {
    what,
    peer: result.a.name,
    ours: result.b.name,
    peerNs: result.a.stats.median,
    oursNs: result.b.stats.median,
    ratio: 1 / result.ratio.median,
    ciLow: 1 / result.ratio.ciHigh,
    ciHigh: 1 / result.ratio.ciLow,
  }
}

export function markdown(rows: Row[]): string {
  const lines = [
    '| what | ours | median | baseline / peer | median | peer ÷ ours (95% CI) |',
    '|---|---|---:|---|---:|---:|',
  ]
  for (const r of rows) {
    lines.push(
      `| ${r.what} | ${r.ours} | ${formatNs(r.oursNs)} | ${r.peer} | ${formatNs(r.peerNs)} | ${r.ratio.toFixed(2)}× (${r.ciLow.toFixed(2)}–${r.ciHigh.toFixed(2)}) |`,
    )
  }
  return lines.join('\n')
}

export function isMain(url: string): boolean {
  return (
    process.argv[1] !== undefined &&
    url.endsWith(process.argv[1].replace(/^.*\/bench\//, '/bench/'))
  )
}

/** For overhead rows (`benchCompare({ baseline, instrumented })`): added time and slowdown %. */
export function overheadMarkdown(rows: Row[]): string {
  const lines = [
    '| what | baseline | median | instrumented | median | added per call | slowdown (95% CI) |',
    '|---|---|---:|---|---:|---:|---:|',
  ]
  const percent = (timeRatio: number) => `${((timeRatio - 1) * 100).toFixed(1)}%`
  for (const r of rows) {
    // r.ratio is time(baseline) / time(instrumented); invert back to a slowdown.
    lines.push(
      `| ${r.what} | ${r.peer} | ${formatNs(r.peerNs)} | ${r.ours} | ${formatNs(r.oursNs)} | ${formatNs(r.oursNs - r.peerNs)} | ${percent(1 / r.ratio)} (${percent(1 / r.ciHigh)} – ${percent(1 / r.ciLow)}) |`,
    )
  }
  return lines.join('\n')
}
