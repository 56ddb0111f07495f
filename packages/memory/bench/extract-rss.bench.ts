import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { summarize } from '@mx/profiler/bench'

// Peak RSS of extracting a 10 K-element document with and without object pooling, each run in
// a fresh process (peak RSS is per process), alternating modes, median of 5 runs each.
const child = fileURLToPath(new URL('./extract-rss.child.ts', import.meta.url))
const RUNS = 5
type Run = { peakRss: number; rssBefore: number; ms: number; results: number }
const results: Record<string, Run[]> = { unpooled: [], pooled: [] }
for (let run = 0; run < RUNS; run++) {
  for (const mode of ['unpooled', 'pooled']) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', child, mode], {
      encoding: 'utf8',
    })
    const line = out.trim().split('\n').at(-1) as string
    results[mode]?.push(JSON.parse(line) as Run)
  }
}
const median = (values: number[]) => summarize(values).median
const MB = 1024 * 1024
const peak = (mode: string) => median((results[mode] ?? []).map((r) => r.peakRss))
const time = (mode: string) => median((results[mode] ?? []).map((r) => r.ms))
const growth = (mode: string) => median((results[mode] ?? []).map((r) => r.peakRss - r.rssBefore))
const row = (mode: string, label: string) => ({
  mode: label,
  'peak RSS MB': (peak(mode) / MB).toFixed(1),
  'RSS growth during extraction MB': (growth(mode) / MB).toFixed(1),
  'extract ms': time(mode).toFixed(0),
})
for (const mode of ['unpooled', 'pooled']) {
  const counts = (results[mode] ?? []).map((r) => r.results)
  if (counts.some((count) => count !== 10_000)) throw new Error(`${mode}: ${counts} results`)
}
console.log(`\n## extracting a 10K-element document: median of ${RUNS} fresh processes per mode`)
console.table([
  row('unpooled', 'new scratch buffers per element'),
  row('pooled', 'createObjectPool scratch buffers'),
  {
    mode: 'ratio (unpooled / pooled)',
    'peak RSS MB': (peak('unpooled') / peak('pooled')).toFixed(2),
    'RSS growth during extraction MB': (growth('unpooled') / Math.max(growth('pooled'), 1)).toFixed(
      2,
    ),
    'extract ms': (time('unpooled') / time('pooled')).toFixed(2),
  },
])
