// Histogram record and counter inc: @mx/profiler against prom-client (and hdr-histogram-js),
// interleaved sample by sample in one process.
import * as hdr from 'hdr-histogram-js'
import { Counter as PromCounter, Histogram as PromHistogram, Registry } from 'prom-client'
import { benchCompare } from '../src/bench-entry'
import { createProfiler } from '../src/index'
import { isMain, markdown, type Row, row } from './table'

const values = Float64Array.from({ length: 4096 }, (_, i) => ((i * 7919) % 1000) / 10 + 0.05)
let cursor = 0
const next = () => values[cursor++ & 4095] as number

export async function main(): Promise<Row[]> {
  const registry = new Registry()
  const p = createProfiler()
  const rows: Row[] = []

  const promHistogram = new PromHistogram({ name: 'plain_ms', help: 'h', registers: [registry] })
  const ours = p.histogram('plain.ms')
  rows.push(
    row(
      'histogram record',
      await benchCompare({
        'prom-client observe': () => promHistogram.observe(next()),
        'mx record': () => ours.record(next()),
      }),
    ),
  )

  const hdrHistogram = hdr.build({ bitBucketSize: 64, numberOfSignificantValueDigits: 2 })
  rows.push(
    row(
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
    row(
      'labelled histogram record',
      await benchCompare({
        'prom-client observe({stage}, v)': () => promLabelled.observe({ stage: 'parse' }, next()),
        'mx handle record': () => oursLabelled.record(next()),
      }),
    ),
  )
  const promChild = promLabelled.labels({ stage: 'parse' })
  rows.push(
    row(
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
    row(
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
    row(
      'labelled counter inc',
      await benchCompare({
        'prom-client inc({tier})': () => promLabelledCounter.inc({ tier: 'memory' }),
        'mx handle inc': () => labelledCounter.inc(),
      }),
    ),
  )
  return rows
}

if (isMain(import.meta.url)) console.log(markdown(await main()))
