// The regression gate's entries for @mx/profiler (`pnpm bench:gate`, scripts/bench-gate.mjs):
// histogram record and labelled counter inc against prom-client doing the same, interleaved.
import { strictEqual } from 'node:assert'
import { gateRatios } from '@mx/testkit/gate'
import { Counter as PromCounter, Histogram as PromHistogram, Registry } from 'prom-client'
import { createProfiler } from '../src/index'

const values = Float64Array.from({ length: 4096 }, (_, i) => ((i * 7919) % 1000) / 10 + 0.05)
const CALLS = 1_000
const registry = new Registry()
const p = createProfiler()
const histogram = p.histogram('gate.ms')
const promHistogram = new PromHistogram({ name: 'gate_ms', help: 'h', registers: [registry] })
const counter = p.counter('gate.hits', { labels: { tier: 'memory' } })
const promCounter = new PromCounter({
  name: 'gate_hits_total',
  help: 'c',
  labelNames: ['tier'],
  registers: [registry],
})

// Checked first: each side counts the calls it is given (the same 1,000 on both).
for (let i = 0; i < CALLS; i++) {
  counter.inc()
  promCounter.inc({ tier: 'memory' })
  histogram.record(values[i] as number)
  promHistogram.observe(values[i] as number)
}
const metrics = p.snapshot().metrics as Record<string, { count?: number; value?: number }>
const promHits = (await promCounter.get()).values[0]?.value
const promObserved = (await promHistogram.get()).values.find(
  (v) => v.metricName === 'gate_ms_count',
)
strictEqual(promHits, CALLS)
strictEqual(promObserved?.value, CALLS)
strictEqual(metrics['gate.hits{tier="memory"}']?.value, CALLS)
strictEqual(metrics['gate.ms']?.count, CALLS)

await gateRatios([
  {
    name: 'histogram record ÷ prom-client observe (1,000 values)',
    ours: () => {
      for (let i = 0; i < CALLS; i++) histogram.record(values[i & 4095] as number)
    },
    peer: () => {
      for (let i = 0; i < CALLS; i++) promHistogram.observe(values[i & 4095] as number)
    },
  },
  {
    name: 'labelled counter inc ÷ prom-client inc({tier}) (1,000 calls)',
    ours: () => {
      for (let i = 0; i < CALLS; i++) counter.inc()
    },
    peer: () => {
      for (let i = 0; i < CALLS; i++) promCounter.inc({ tier: 'memory' })
    },
  },
])
p.close()
