import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '@mx/testkit'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createAlertManager, formatDuration, type MetricsSnapshot } from '../src/index'
import { manualClock } from '../src/testing'

// Cross-checks our state machine against Prometheus itself: random scripted series go through
// our manager, and the firing/not-firing outcome at every step is written as a `promtool test
// rules` file that the real promtool must accept. promtool comes with Debian's prometheus
// package (scripts/setup-system.sh installs it); without it the check is skipped locally and
// fails under CI, where a skip would hide that the cross-check never ran.
const promtoolMissing =
  spawnSync('promtool', ['--version']).status === 0
    ? undefined
    : 'promtool is not on PATH (Debian: apt-get install prometheus; scripts/setup-system.sh does it)'

interface Scenario {
  values: number[]
  forMin: number
  keepMin: number
}

const STEPS = 24

async function firingSteps(scenario: Scenario): Promise<boolean[]> {
  const clock = manualClock(0)
  let step = 0
  const manager = createAlertManager({
    source: { snapshot: (): MetricsSnapshot => ({ metrics: { m: scenario.values[step] } }) },
    clock,
    flap: false,
    rules: [
      {
        name: 'R',
        metric: 'm',
        op: '>',
        threshold: 10,
        for: scenario.forMin * 60_000,
        keepFiringFor: scenario.keepMin * 60_000,
      },
    ],
  })
  const firing: boolean[] = []
  for (step = 0; step < STEPS; step++) {
    clock.set(step * 60_000)
    await manager.evaluate()
    firing.push(manager.alerts()[0]?.state === 'firing')
  }
  await manager.stop()
  return firing
}

describe('agreement with promtool test rules', () => {
  it('fires and resolves at the same steps as Prometheus for random series, for and keep_firing_for', async (context) => {
    if (promtoolMissing !== undefined) {
      if (!process.env.CI) {
        console.warn(`[alerts] promtool cross-check skipped: ${promtoolMissing}`)
        context.skip(promtoolMissing)
      }
      throw new Error(`CI is set but ${promtoolMissing}`)
    }
    const scenarios = fc.sample(
      fc.record({
        values: fc.array(
          fc.oneof(fc.constant(0), fc.constant(20), fc.integer({ min: 0, max: 20 })),
          { minLength: STEPS, maxLength: STEPS },
        ),
        forMin: fc.integer({ min: 0, max: 3 }),
        keepMin: fc.integer({ min: 0, max: 3 }),
      }),
      { numRuns: 40, seed: 20261123 },
    )
    const dir = tempDir('mx-alerts-promtool-')
    try {
      const rules = {
        groups: [
          {
            name: 'cross-check',
            rules: scenarios.map((s, i) => ({
              alert: `R${i}`,
              expr: `m${i} > 10`,
              for: formatDuration(s.forMin * 60_000),
              keep_firing_for: formatDuration(s.keepMin * 60_000),
            })),
          },
        ],
      }
      const alertTests = []
      let firingCount = 0
      for (const [i, scenario] of scenarios.entries()) {
        const firing = await firingSteps(scenario)
        firingCount += firing.filter(Boolean).length
        for (const [step, isFiring] of firing.entries()) {
          alertTests.push({
            eval_time: `${step}m`,
            alertname: `R${i}`,
            exp_alerts: isFiring ? [{ exp_labels: {} }] : [],
          })
        }
      }
      // JSON is YAML, so promtool reads these files as they are.
      writeFileSync(join(dir.path, 'rules.yml'), JSON.stringify(rules))
      writeFileSync(
        join(dir.path, 'test.yml'),
        JSON.stringify({
          rule_files: ['rules.yml'],
          evaluation_interval: '1m',
          tests: [
            {
              interval: '1m',
              input_series: scenarios.map((s, i) => ({
                series: `m${i}`,
                values: s.values.join(' '),
              })),
              alert_rule_test: alertTests,
            },
          ],
        }),
      )
      const run = spawnSync('promtool', ['test', 'rules', 'test.yml'], {
        cwd: dir.path,
        encoding: 'utf8',
      })
      expect(firingCount).toBeGreaterThan(0)
      expect(run.stdout + run.stderr).toContain('SUCCESS')
      expect(run.status).toBe(0)
    } finally {
      dir.remove()
    }
  })
})
