// Histogram record and counter inc: @mx/profiler against prom-client (and hdr-histogram-js),
// interleaved sample by sample in one process.
import * as hdr from 'hdr-histogram-js'
import { Counter as PromCounter, Histogram as PromHistogram, Registry } from 'prom-client'
import { benchCompare, formatRatios, type RatioRow } from '../src/bench-entry'
import { createProfiler } from '../src/index'
import { isMain, ratioRow } from './table'

const values = Float64Array.from({ length: 4096 }, (_, i) => ((i * 7919) % 1000) / 10 + 0.05)
let cursor = 0
const next = () => values[cursor++ & 4095] as number

export async function main(): Promise<RatioRow[]> {
  const registry = new Registry()
  const p = createProfiler()
  const rows: RatioRow[] = []

  const promHistogram = new PromHistogram({ name: 'plain_ms', help: 'h', registers: [registry] })
  const ours = p.histogram('plain.ms')
  rows.push(
    ratioRow(
      'histogram record',
      await benchCompare({
        'prom-client observe': () => promHistogram.observe(next()),
        'mx record': () => ours.record(next()),
      }),
    ),
  )

  const hdrHistogram = hdr.build({ bitBucketSize: 64, numberOfSignificantValueDigits: 2 })
  rows.push(
    ratioRow(
      'histogram record',
      await benchCompare({
        'hdr-histogram-js recordValue': () => hdrHistogram.recordValue(next()),
        'mx record': () => ours.record(next()),
      }),
    ),
  )

  const promLabelled = new PromHistogram({
    name: 'labelled_ms',
    help: 'h',
    labelNames: ['stage'],
    registers: [registry],
  })
  const oursLabelled = p.histogram('labelled.ms', { labels: { stage: 'parse' } })
  rows.push(
    ratioRow(
      'labelled histogram record',
      await benchCompare({
        'prom-client observe({stage}, v)': () => promLabelled.observe({ stage: 'parse' }, next()),
        'mx handle record': () => oursLabelled.record(next()),
      }),
    ),
  )
  const promChild = promLabelled.labels({ stage: 'parse' })
  rows.push(
    ratioRow(
      'labelled histogram record',
      await benchCompare({
        'prom-client labels(...) child observe': () => promChild.observe(next()),
        'mx handle record': () => oursLabelled.record(next()),
      }),
    ),
  )

  const promCounter = new PromCounter({ name: 'hits_total', help: 'c', registers: [registry] })
  const counter = p.counter('hits')
  rows.push(
    ratioRow(
      'counter inc',
      await benchCompare({
        'prom-client inc': () => promCounter.inc(),
        'mx inc': () => counter.inc(),
      }),
    ),
  )
  const promLabelledCounter = new PromCounter({
    name: 'tier_hits_total',
    help: 'c',
    labelNames: ['tier'],
    registers: [registry],
  })
  const labelledCounter = p.counter('tier.hits', { labels: { tier: 'memory' } })
  rows.push(
    ratioRow(
      'labelled counter inc',
      await benchCompare({
        'prom-client inc({tier})': () => promLabelledCounter.inc({ tier: 'memory' }),
        'mx handle inc': () => labelledCounter.inc(),
      }),
    ),
  )
  check(p.snapshot().metrics)
  return rows
}

/** Both sides recorded: our histograms hold the values fed (0.05 to 99.95), the counters counted. */
function check(metrics: Record<string, { value?: number; count?: number; p50?: number }>) {
  for (const key of ['plain.ms', 'labelled.ms{stage="parse"}']) {
    const { count = 0, p50 = -1 } = metrics[key] ?? {}
    if (!(count > 1000 && p50 >= 0.05 && p50 <= 100))
      throw new Error(`${key}: ${count}, p50 ${p50}`)
  }
  for (const key of ['hits', 'tier.hits{tier="memory"}']) {
    if (!((metrics[key]?.value ?? 0) > 1000)) throw new Error(`${key} did not count`)
  }
}

if (isMain(import.meta.url)) console.log(formatRatios(await main()))
