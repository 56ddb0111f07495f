// The regression gate's entry for @mx/alerts (`pnpm bench:gate`, scripts/bench-gate.mjs): one
// evaluate() of 2,000 quiet rules against a loop that only reads and compares the same values.
import { strictEqual } from 'node:assert'
import { gateRatios } from '@mx/testkit/gate'
import { createAlertManager, type MetricsSnapshot, type Rule } from '../src/index'
import { manualClock } from '../src/testing'

const RULES = 2_000
const rules: Rule[] = []
const metrics: MetricsSnapshot['metrics'] = {}
for (let i = 0; i < RULES; i++) {
  const summary = i % 2 === 0
  rules.push({
    name: `rule_${i}`,
    metric: summary ? `stage_${i}.duration.p95` : `gauge_${i}`,
    op: '>',
    threshold: 90,
    resolveThreshold: 85,
    for: '30s',
    severity: 'warning',
    labels: { team: `t${i % 10}` },
  })
  if (summary) metrics[`stage_${i}.duration`] = { count: 10, p50: 20, p95: 50, p99: 60 }
  else metrics[`gauge_${i}`] = 50
}
const snapshot: MetricsSnapshot = { metrics }
const manager = createAlertManager({
  source: { snapshot: () => snapshot },
  rules,
  clock: manualClock(0),
  flap: false,
})
/** The floor: each rule's value read (a gauge, or a summary's field) and compared. */
const paths = rules.map((rule) => {
  const path = rule.metric as string
  const dot = path.lastIndexOf('.')
  return { path, parent: path.slice(0, dot), field: path.slice(dot + 1) }
})
const floor = () => {
  let above = 0
  for (const { path, parent, field } of paths) {
    const direct = metrics[path]
    const value =
      direct === undefined
        ? (metrics[parent] as Record<string, number> | undefined)?.[field]
        : typeof direct === 'number'
          ? direct
          : direct.value
    if (value !== undefined && value > 90) above++
  }
  return above
}

// Checked first: every rule is evaluated, none fires, and the floor sees no value above 90.
const first = await manager.evaluate()
strictEqual(first.rules, RULES)
strictEqual(first.transitions.length, 0)
strictEqual(floor(), 0)

await gateRatios([
  {
    name: 'evaluate() of 2,000 quiet rules ÷ a bare read+compare loop',
    ours: () => manager.evaluate(),
    peer: floor,
  },
])
await manager.stop()
