/**
 * Evaluates 10,000 rules against one snapshot (issue target: ≤ 5 ms per evaluation), next to
 * a hand-written loop that only reads the values and compares them: the floor any rule engine
 * pays, so the ratio is our overhead for states, hysteresis, flap tracking and routing.
 */
import { bench, formatBench, formatRatios, type RatioRow } from '@mx/profiler/bench'
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

/**
 * One evaluation of every rule against the snapshot of the round, and the floor reading the
 * same snapshots. The untimed setup before each call moves to the next round (and the clock on
 * by 10 s), so even and odd rounds alternate for both.
 */
async function measure(flipping: number): Promise<RatioRow> {
  const snapshots = [buildSnapshot(flipping, 0), buildSnapshot(flipping, 1)]
  let round = 0
  let floorRound = 0
  const clock = manualClock(0)
  const manager = createAlertManager({
    source: { snapshot: () => snapshots[round % 2] as MetricsSnapshot },
    rules: buildRules(flipping),
    clock,
    flap: false,
  })

  // The floor: read each value from the same snapshots and compare it, nothing else.
  const paths = buildRules(0).map((r) => {
    const path = r.metric as string
    const dot = path.lastIndexOf('.')
    return { path, parent: path.slice(0, dot), field: path.slice(dot + 1) }
  })
  const floor = () => {
    const metrics = (snapshots[floorRound % 2] as MetricsSnapshot).metrics
    let above = 0
    for (let r = 0; r < RULES; r++) {
      const { path, parent, field } = paths[r] as { path: string; parent: string; field: string }
      const direct = metrics[path]
      let value: number | undefined
      if (direct !== undefined) value = typeof direct === 'number' ? direct : direct.value
      else {
        const summary = metrics[parent]
        value = typeof summary === 'object' ? (summary as Record<string, number>)[field] : undefined
      }
      if (value !== undefined && value > 90) above++
    }
    return above
  }

  const scenario = `${RULES.toLocaleString('en')} rules, ${flipping.toLocaleString('en')} firing/resolving per evaluation`
  console.log(`\n${scenario}`)
  // One call per sample (sampleTargetNs: 1), 200 samples each, interleaved in 10 rounds (each
  // round runs both tasks in turn, in a random order): the floor and evaluate() share the heap,
  // the GC and the machine's load of the moment, so the floor is the same in both scenarios.
  const result = await bench(
    [
      ['evaluate()', () => manager.evaluate()],
      ['bare read+compare loop', floor],
    ],
    {
      minSamples: RUNS,
      maxSamples: RUNS,
      rounds: 10,
      timeMs: 0,
      warmupMs: 150,
      sampleTargetNs: 1,
      setup: (task) => {
        if (task === 'evaluate()') clock.set(++round * 10_000)
        else floorRound++
      },
    },
  )
  console.log(formatBench(result))

  // Checked: the flipping rules change state on every evaluation, the others never; the floor
  // sees the same values above 90 (two thirds of the flipping rules, on odd rounds).
  for (let i = 0; i < 2; i++) {
    clock.set(++round * 10_000)
    const { rules, transitions } = await manager.evaluate()
    if (
      rules !== RULES ||
      transitions.length < flipping ||
      (flipping === 0) !== (transitions.length === 0)
    )
      throw new Error(`${scenario}: ${rules} rules, ${transitions.length} transitions`)
    floorRound = i
    const expected = i === 1 ? flipping - Math.ceil(flipping / 3) : 0
    if (floor() !== expected)
      throw new Error(`${scenario}: the floor saw ${floor()} values above 90`)
  }
  await manager.stop()
  const [ours, peer] = result.tasks
  const underTarget = ours.stats.median <= 5e6 ? 'yes' : 'no'
  return { what: scenario, ours, peer, note: `≤ 5 ms: ${underTarget}` }
}

const rows: RatioRow[] = []
for (const flipping of [0, 1_000]) rows.push(await measure(flipping))
console.log(`\n${formatRatios(rows)}`)
