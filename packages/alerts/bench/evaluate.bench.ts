/**
 * Evaluates 10,000 rules against one snapshot (issue target: ≤ 5 ms per evaluation), next to
 * a hand-written loop that only reads the values and compares them: the floor any rule engine
 * pays, so the ratio is our overhead for states, hysteresis, flap tracking and routing.
 */
import { bench, formatBench, formatRatios, type RatioRow } from '@mx/profiler/bench'
import { createAlertManager, type MetricsSnapshot } from '../src/index'
import { manualClock } from '../src/testing'
import { buildRules, buildSnapshot, readCompareLoop } from './workload'

const RULES = 10_000
const RUNS = 200

/**
 * One evaluation of every rule against the snapshot of the round, and the floor reading the
 * same snapshots. The untimed setup before each call moves to the next round (and the clock on
 * by 10 s), so even and odd rounds alternate for both.
 */
async function measure(flipping: number): Promise<RatioRow> {
  const snapshots = [buildSnapshot(RULES, flipping, 0), buildSnapshot(RULES, flipping, 1)]
  let round = 0
  let floorRound = 0
  const clock = manualClock(0)
  const manager = createAlertManager({
    source: { snapshot: () => snapshots[round % 2] as MetricsSnapshot },
    rules: buildRules(RULES, flipping),
    clock,
    flap: false,
  })

  // The floor: read each value from the same snapshots and compare it, nothing else.
  const readCompare = readCompareLoop(buildRules(RULES, 0))
  const floor = () => readCompare(snapshots[floorRound % 2] as MetricsSnapshot)

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
