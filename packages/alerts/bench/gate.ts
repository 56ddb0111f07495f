// The regression gate's entry for @mx/alerts (`pnpm bench:gate`, scripts/bench-gate.mjs): one
// evaluate() of 2,000 quiet rules against the bare read+compare loop over the same snapshot
// (the workload of evaluate.bench.ts, smaller).
import { strictEqual } from 'node:assert'
import { gateRatios } from '@mx/testkit/gate'
import { createAlertManager } from '../src/index'
import { manualClock } from '../src/testing'
import { buildRules, buildSnapshot, readCompareLoop } from './workload'

const RULES = 2_000
const rules = buildRules(RULES, 0)
const snapshot = buildSnapshot(RULES, 0, 0)
const manager = createAlertManager({
  source: { snapshot: () => snapshot },
  rules,
  clock: manualClock(0),
  flap: false,
})
const readCompare = readCompareLoop(rules)

// Checked first: every rule is evaluated, none fires, and the floor sees no value above 90.
const first = await manager.evaluate()
strictEqual(first.rules, RULES)
strictEqual(first.transitions.length, 0)
strictEqual(readCompare(snapshot), 0)

await gateRatios([
  {
    name: 'evaluate() of 2,000 quiet rules ÷ a bare read+compare loop',
    ours: () => manager.evaluate(),
    peer: () => readCompare(snapshot),
  },
])
await manager.stop()
