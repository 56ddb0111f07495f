import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir, thrown } from '@mx/testkit'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createAlertManager,
  defaultRules,
  InvalidOptionError,
  type MetricsSnapshot,
  type Rule,
  toPrometheusRules,
} from '../src/index'
import { manualClock, testRules } from '../src/testing'

// promtool comes with Debian's prometheus package (scripts/setup-system.sh installs it); without
// it these checks are skipped locally and fail under CI, where a skip would hide them.
const promtoolMissing =
  spawnSync('promtool', ['--version']).status === 0
    ? undefined
    : 'promtool is not on PATH (Debian: apt-get install prometheus; scripts/setup-system.sh does it)'

function needPromtool(context: { skip(note?: string): void }): void {
  if (promtoolMissing === undefined) return
  if (!process.env.CI) context.skip(promtoolMissing)
  throw new Error(`CI is set but ${promtoolMissing}`)
}

/** Runs promtool in a temporary folder holding `files`; returns its output and status. */
function promtool(args: string[], files: Record<string, string>) {
  const dir = tempDir('mx-alerts-rules-')
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir.path, name), text)
    const run = spawnSync('promtool', args, { cwd: dir.path, encoding: 'utf8' })
    return { output: run.stdout + run.stderr, status: run.status }
  } finally {
    dir.remove()
  }
}

describe('toPrometheusRules', () => {
  it('writes defaultRules() as a rule file promtool accepts, leaving out what PromQL cannot say', (context) => {
    needPromtool(context)
    const { yaml, groups, skipped } = toPrometheusRules(
      defaultRules({ labels: { team: 'search' } }),
      {
        prefix: 'mx_',
        interval: '30s',
      },
    )
    const byName = Object.fromEntries(groups[0]?.rules.map((r) => [r.alert, r]) ?? [])
    expect(Object.keys(byName)).toEqual([
      'CacheHitRatioLow',
      'ExtractionLatencyHigh',
      'ExtractionErrorRateHigh',
      'MemoryPressureCritical',
      'EventLoopDelayHigh',
      'BenchmarkRegression',
    ])
    expect(byName.CacheHitRatioLow).toMatchObject({
      expr:
        '(mx_cache_hit_ratio) < 0.8 or ((mx_cache_hit_ratio) < 0.85 and ' +
        'ignoring(alertname, alertstate, team, severity) ALERTS{alertname="CacheHitRatioLow"})',
      for: '5m',
      labels: { team: 'search', severity: 'warning' },
      annotations: { summary: 'Cache hit ratio is {{ $value | humanizePercentage }}' },
    })
    // the engine records extract.duration in ms: the quantile in seconds goes back to ms
    expect(byName.ExtractionLatencyHigh?.expr).toContain(
      '(histogram_quantile(0.95, sum by (le) (rate(mx_extract_duration_seconds_bucket[5m]))) * 1000) > 2000',
    )
    expect(skipped).toEqual([
      {
        rule: 'QueueDepthGrowing',
        reason: 'its value is computed by a function (`expr`): give its PromQL in `expressions`',
      },
    ])
    const check = promtool(['check', 'rules', 'rules.yml'], { 'rules.yml': yaml })
    expect(check.output).toContain('SUCCESS: 6 rules found')
    expect(check.status).toBe(0)
  })

  it('takes PromQL for what it cannot map, and leaves out what it is told to', () => {
    const { groups, skipped } = toPrometheusRules(defaultRules(), {
      expressions: {
        QueueDepthGrowing: 'delta(queue_depth[10m])',
        'eventLoop.delay.p99': 'runtime_eventloop_delay_p99_seconds * 1000',
        BenchmarkRegression: false,
      },
    })
    const rules = groups[0]?.rules ?? []
    expect(rules.find((r) => r.alert === 'QueueDepthGrowing')).toMatchObject({
      expr: '(delta(queue_depth[10m])) > 100',
      for: '5m',
    })
    expect(rules.find((r) => r.alert === 'EventLoopDelayHigh')?.expr).toContain(
      '(runtime_eventloop_delay_p99_seconds * 1000) > 200',
    )
    expect(skipped).toEqual([{ rule: 'BenchmarkRegression', reason: 'left out by `expressions`' }])
  })

  it('maps every field of a metric path, and says why min, max and noData: alerting are left out', () => {
    const rule = (name: string, metric: string, extra: Partial<Rule> = {}): Rule => ({
      name,
      metric,
      op: '>',
      threshold: 1,
      ...extra,
    })
    const { groups, skipped } = toPrometheusRules(
      [
        rule('Gauge', 'queue.depth.value'),
        rule('Mean', 'db.query.ms.mean'),
        rule('Count', 'payload.bytes.count'),
        rule('Sum', 'gc.pause.seconds.sum'),
        rule('Unitless', 'retries.p50'),
        rule('Min', 'db.query.ms.min'),
        rule('NoData', 'queue.depth', { noData: 'alerting' }),
        rule('Kept', 'x', { keepFiringFor: 90_000, for: '250ms' }),
      ],
      { window: '1m' },
    )
    expect(Object.fromEntries(groups[0]?.rules.map((r) => [r.alert, r.expr]) ?? [])).toEqual({
      Gauge: '(queue_depth) > 1',
      Mean: '((sum(rate(db_query_seconds_sum[1m])) / sum(rate(db_query_seconds_count[1m]))) * 1000) > 1',
      Count: '(sum(payload_bytes_count)) > 1',
      Sum: '(sum(gc_pause_seconds_sum)) > 1',
      Unitless: '(histogram_quantile(0.5, sum by (le) (rate(retries_bucket[1m])))) > 1',
      Kept: '(x) > 1',
    })
    expect(groups[0]?.rules.find((r) => r.alert === 'Kept')).toMatchObject({
      for: '250ms',
      keep_firing_for: '1m30s',
    })
    expect(skipped.map((s) => s.rule)).toEqual(['Min', 'NoData'])
    expect(skipped[0]?.reason).toBe('db.query.ms.min: a Prometheus histogram keeps no min')
  })

  it('refuses bad options and bad rules, naming them', () => {
    const rules = defaultRules()
    const cases: Array<[unknown, string]> = [
      [{ group: '' }, 'group'],
      [{ prefix: 'mx-' }, 'prefix'],
      [{ window: '0s' }, 'window'],
      [{ window: 'soon' }, 'window'],
      [{ interval: -1 }, 'interval'],
      [{ units: { 'a.b': 'ms' } }, 'units.a.b'],
      [{ expressions: { X: 1 } }, 'expressions.X'],
      [{ expressions: { X: ' ' } }, 'expressions.X'],
      [{ prefx: 'mx_' }, 'prefx'],
    ]
    for (const [options, option] of cases) {
      const error = thrown(() => toPrometheusRules(rules, options as never))
      expect(error, JSON.stringify(options)).toBeInstanceOf(InvalidOptionError)
      expect(error).toMatchObject({ code: 'MX_INVALID_OPTION', option })
    }
    expect(thrown(() => toPrometheusRules(rules, null as never))).toBeInstanceOf(InvalidOptionError)
    expect(
      thrown(() =>
        toPrometheusRules([{ name: 'X', metric: 'm', op: '>>' as never, threshold: 1 }]),
      ),
    ).toBeInstanceOf(Error)
  })

  it('fires at the same steps in Prometheus as in testRules, with for, keepFiringFor and hysteresis', async (context) => {
    needPromtool(context)
    const STEPS = 24
    const scenarios = fc.sample(
      fc.record({
        values: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: STEPS, maxLength: STEPS }),
        op: fc.constantFrom('>' as const, '<' as const),
        forMin: fc.integer({ min: 0, max: 3 }),
        keepMin: fc.integer({ min: 0, max: 2 }),
        hysteresis: fc.boolean(),
      }),
      { numRuns: 40, seed: 20261207 },
    )
    // rule i reads gauge m<i>: threshold 10, resolving past 6 (>) or 14 (<) with hysteresis
    const rules: Rule[] = scenarios.map((s, i) => ({
      name: `R${i}`,
      metric: `m${i}`,
      op: s.op,
      threshold: 10,
      ...(s.hysteresis ? { resolveThreshold: s.op === '>' ? 6 : 14 } : {}),
      for: s.forMin * 60_000,
      keepFiringFor: s.keepMin * 60_000,
      severity: 'page',
    }))
    // firing or not at every step, as our manager sees it
    const clock = manualClock(0)
    let step = 0
    const manager = createAlertManager({
      source: {
        snapshot: (): MetricsSnapshot => ({
          metrics: Object.fromEntries(scenarios.map((s, i) => [`m${i}`, s.values[step]])),
        }),
      },
      clock,
      flap: false,
      interval: 60_000,
      rules,
    })
    const firing = scenarios.map(() => [] as boolean[])
    for (step = 0; step < STEPS; step++) {
      clock.set(step * 60_000)
      await manager.evaluate()
      for (const [i] of scenarios.entries()) {
        firing[i]?.push(manager.alerts().some((a) => a.rule === `R${i}` && a.state === 'firing'))
      }
    }
    const expectations = scenarios.flatMap((_, i) =>
      (firing[i] ?? []).map((isFiring, at) => ({
        at: `${at}m`,
        alertname: `R${i}`,
        alerts: isFiring ? [{ labels: { severity: 'page' } }] : [],
      })),
    )
    const series = Object.fromEntries(scenarios.map((s, i) => [`m${i}`, s.values]))
    // testRules agrees with those steps...
    const ours = await testRules(rules, { interval: '1m', series }, expectations)
    expect(ours.failures).toEqual([])
    expect(firing.flat().filter(Boolean).length).toBeGreaterThan(20)
    // ...and Prometheus, running the exported rule file on the same series, fires at the same steps
    const { yaml, skipped } = toPrometheusRules(rules, { interval: '1m' })
    expect(skipped).toEqual([])
    const test = {
      rule_files: ['rules.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: scenarios.map((s, i) => ({ series: `m${i}`, values: s.values.join(' ') })),
          alert_rule_test: expectations.map((e) => ({
            eval_time: e.at,
            alertname: e.alertname,
            exp_alerts: e.alerts.map(() => ({ exp_labels: { severity: 'page' } })),
          })),
        },
      ],
    }
    const run = promtool(['test', 'rules', 'test.yml'], {
      'rules.yml': yaml,
      // JSON is YAML: promtool reads the test file as it is
      'test.yml': JSON.stringify(test),
    })
    expect(run.output).toContain('SUCCESS')
    expect(run.status).toBe(0)
  })

  it('computes a latency quantile from the histogram buckets, in the unit the rule reads', (context) => {
    needPromtool(context)
    const { yaml } = toPrometheusRules(
      defaultRules({
        cacheHitRatio: false,
        errorRate: false,
        memoryPressure: false,
        eventLoopDelay: false,
        benchmarkRegression: false,
        queueDepth: false,
        extractionLatency: { for: '2m' },
      }),
      { prefix: 'mx_', interval: '1m' },
    )
    // every minute 100 documents: 90 within 1 s, 10 between 2.5 s and 5 s. The p95 is in
    // (2.5, 5]: 2.5 + 2.5 × (95 - 90) / (100 - 90) = 3.75 s, so 3750 ms > 2000 ms.
    const bucket = (le: string, perMinute: number) => ({
      series: `mx_extract_duration_seconds_bucket{le="${le}"}`,
      values: `0+${perMinute}x20`,
    })
    const test = {
      rule_files: ['rules.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [bucket('1', 90), bucket('2.5', 90), bucket('5', 100), bucket('+Inf', 100)],
          promql_expr_test: [
            {
              // rounded: promtool compares floats exactly, and the rate math leaves 3749.999…
              expr: 'round(histogram_quantile(0.95, sum by (le) (rate(mx_extract_duration_seconds_bucket[5m]))) * 1000)',
              eval_time: '10m',
              exp_samples: [{ labels: '{}', value: 3750 }],
            },
          ],
          alert_rule_test: [
            { eval_time: '1m', alertname: 'ExtractionLatencyHigh', exp_alerts: [] },
            {
              eval_time: '10m',
              alertname: 'ExtractionLatencyHigh',
              exp_alerts: [
                {
                  exp_labels: { severity: 'warning' },
                  exp_annotations: {
                    summary: 'p95 extraction latency is 3750 ms',
                    description: 'Documents take too long to extract at the 95th percentile.',
                  },
                },
              ],
            },
          ],
        },
      ],
    }
    const run = promtool(['test', 'rules', 'test.yml'], {
      'rules.yml': yaml,
      'test.yml': JSON.stringify(test),
    })
    expect(run.output).toContain('SUCCESS')
    expect(run.status).toBe(0)
  })
})
