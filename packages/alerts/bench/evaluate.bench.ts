/**
 * Evaluates 10,000 rules against one snapshot (issue target: ≤ 5 ms per evaluation), next to
 * a hand-written loop that only reads the values and compares them: the floor any rule engine
 * pays, so the ratio is our overhead for states, hysteresis, flap tracking and routing.
 */
import { createAlertManager, type MetricsSnapshot, type Rule } from '../src/index'
import { manualClock } from '../src/testing'

const RULES = 10_000
const RUNS = 200

function buildRules(flipping: number): Rule[] {
  const rules: Rule[] = []
  for (let i = 0; i < RULES; i++) {
    const summary = i % 2 === 0
    rules.push({
      name: `rule_${i}`,
      metric: summary ? `stage_${i}.duration.p95` : `gauge_${i}`,
      op: i % 3 === 0 ? '<' : '>',
      threshold: i % 3 === 0 ? 10 : 90,
      resolveThreshold: i % 3 === 0 ? 12 : 85,
      // Flipping rules fire and resolve at once, so each change goes through routing too.
      for: i < flipping ? 0 : '30s',
      keepFiringFor: i < flipping ? 0 : '1m',
      severity: 'warning',
      labels: { team: `t${i % 10}` },
      annotations: { summary: 'value {{ $value }} on {{ $labels.team }}' },
    })
  }
  return rules
}

function buildSnapshot(flipping: number, round: number): MetricsSnapshot {
  const metrics: MetricsSnapshot['metrics'] = {}
  for (let i = 0; i < RULES; i++) {
    // The first `flipping` rules cross their threshold every other round; the rest stay quiet.
    const hot = i < flipping && round % 2 === 1
    const value = i % 3 === 0 ? (hot ? 5 : 50) : hot ? 95 : 50
    if (i % 2 === 0)
      metrics[`stage_${i}.duration`] = { count: 10, p50: value / 2, p95: value, p99: value * 1.2 }
    else metrics[`gauge_${i}`] = value
  }
  return { metrics }
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

async function measure(flipping: number) {
  const snapshots = [buildSnapshot(flipping, 0), buildSnapshot(flipping, 1)]
  let round = 0
  const clock = manualClock(0)
  const manager = createAlertManager({
    source: { snapshot: () => snapshots[round % 2] as MetricsSnapshot },
    rules: buildRules(flipping),
    clock,
    flap: false,
  })
  const ours: number[] = []
  for (let i = 0; i < RUNS + 20; i++) {
    round = i
    clock.set(i * 10_000)
    const start = performance.now()
    await manager.evaluate()
    if (i >= 20) ours.push(performance.now() - start)
  }
  await manager.stop()

  // The floor: read each value from the same snapshots and compare it, nothing else.
  const paths = buildRules(0).map((r) => {
    const path = r.metric as string
    const dot = path.lastIndexOf('.')
    return { path, parent: path.slice(0, dot), field: path.slice(dot + 1) }
  })
  const floor: number[] = []
  let sink = 0
  for (let i = 0; i < RUNS + 20; i++) {
    const metrics = (snapshots[i % 2] as MetricsSnapshot).metrics
    const start = performance.now()
    for (let r = 0; r < RULES; r++) {
      const { path, parent, field } = paths[r] as { path: string; parent: string; field: string }
      const direct = metrics[path]
      let value: number | undefined
      if (direct !== undefined) value = typeof direct === 'number' ? direct : direct.value
      else {
        const summary = metrics[parent]
        value = typeof summary === 'object' ? (summary as Record<string, number>)[field] : undefined
      }
      if (value !== undefined && value > 90) sink++
    }
    if (i >= 20) floor.push(performance.now() - start)
  }
  return { ours: median(ours), floor: median(floor), sink }
}

const rows: string[] = []
for (const flipping of [0, 1_000]) {
  const { ours, floor } = await measure(flipping)
  rows.push(
    `| ${RULES.toLocaleString('en')} rules, ${flipping.toLocaleString('en')} firing/resolving per evaluation | ${ours.toFixed(2)} ms | ${floor.toFixed(2)} ms | ${(ours / floor).toFixed(1)}x | ${ours <= 5 ? 'yes' : 'no'} |`,
  )
}
console.log('| scenario | evaluate() median | bare read+compare loop | ratio | ≤ 5 ms |')
console.log('|---|---|---|---|---|')
for (const row of rows) console.log(row)
