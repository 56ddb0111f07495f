import { durationOption } from './duration'
import { InvalidOptionError } from './errors'
import { manualClock } from './kernel'
import { createAlertManager } from './manager'
import type { AlertState, Duration, FlapOptions, Labels, MetricsSnapshot, Rule } from './types'

/** Input series: values per metric path, as an array or in promtool notation (`'1+1x3 _ 5x2'`). */
export interface RuleTestSeries {
  /** Time between samples (and evaluations). Default `'1m'`. */
  interval?: Duration
  series: Record<string, string | Array<number | null | undefined>>
}

/** What must hold at `at`: the alerts of `alertname` in `state` (default firing). `[]` means none. */
export interface AlertExpectation {
  at: Duration
  alertname: string
  state?: AlertState
  alerts: Array<{ labels?: Labels; annotations?: Record<string, string> }>
}

export interface RuleTestFailure {
  at: number
  alertname: string
  message: string
}

export interface RuleTestResult {
  ok: boolean
  failures: RuleTestFailure[]
}

function invalidSeries(name: string, why: string): InvalidOptionError {
  return new InvalidOptionError(`series.${name}`, `series ${name}: ${why}`)
}

/**
 * Expands promtool series notation: `a` a value, `_` a missing sample, `axn` n+1 copies,
 * `a+bxn` / `a-bxn` n+1 values stepping by b, `_xn` n missing samples.
 */
export function expandSeries(name: string, notation: string): Array<number | undefined> {
  const out: Array<number | undefined> = []
  for (const token of notation.trim().split(/\s+/).filter(Boolean)) {
    const missing = /^_(?:x(\d+))?$/.exec(token)
    if (missing) {
      for (let i = 0; i < Number(missing[1] ?? 1); i++) out.push(undefined)
      continue
    }
    const match = /^(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)(?:([+-]\d+(?:\.\d+)?)?x(\d+))?$/i.exec(token)
    if (!match) throw invalidSeries(name, `cannot read ${JSON.stringify(token)}`)
    const start = Number(match[1])
    if (match[3] === undefined) {
      out.push(start)
      continue
    }
    const stepBy = Number(match[2] ?? 0)
    for (let i = 0; i <= Number(match[3]); i++) out.push(start + i * stepBy)
  }
  return out
}

const subset = (want: Record<string, string>, have: Record<string, string>) =>
  Object.entries(want).every(([k, v]) => have[k] === v)

/**
 * Unit-tests rules the way `promtool test rules` does: feeds the series into a fresh manager
 * on a manual clock, evaluating every `interval`, and checks the expected alerts at each time.
 * Labels are matched as a subset of the alert's labels; annotations given must match exactly.
 */
export async function testRules(
  rules: Rule[],
  input: RuleTestSeries,
  expected: AlertExpectation[],
  options: { flap?: FlapOptions | false } = {},
): Promise<RuleTestResult> {
  const intervalMs = durationOption('interval', input.interval ?? '1m')
  if (intervalMs <= 0) throw new InvalidOptionError('interval', 'interval must be greater than 0')
  const series = new Map<string, Array<number | undefined>>()
  for (const [name, values] of Object.entries(input.series ?? {})) {
    if (typeof values === 'string') series.set(name, expandSeries(name, values))
    else if (Array.isArray(values))
      series.set(
        name,
        values.map((v) => (typeof v === 'number' ? v : undefined)),
      )
    else throw invalidSeries(name, 'must be a string or an array of numbers')
  }
  const checks = expected.map((e, index) => ({
    ...e,
    atMs: durationOption(`expected[${index}].at`, e.at),
  }))
  const clock = manualClock(0)
  let sampleIndex = 0
  const source = {
    snapshot(): MetricsSnapshot {
      const metrics: MetricsSnapshot['metrics'] = {}
      for (const [name, values] of series) metrics[name] = values[sampleIndex]
      return { metrics }
    },
  }
  const manager = createAlertManager({
    source,
    rules,
    clock,
    flap: options.flap ?? false,
    interval: intervalMs,
  })
  const failures: RuleTestFailure[] = []
  const times = [...new Set([...checks.map((c) => c.atMs)])].sort((a, b) => a - b)
  const last = times[times.length - 1] ?? 0
  const evalTimes = new Set(times)
  for (let t = 0; t <= last; t += intervalMs) evalTimes.add(t)
  try {
    for (const t of [...evalTimes].sort((a, b) => a - b)) {
      clock.set(t)
      sampleIndex = Math.floor(t / intervalMs)
      await manager.evaluate()
      for (const check of checks.filter((c) => c.atMs === t)) {
        const state = check.state ?? 'firing'
        const actual = manager
          .alerts()
          .filter((a) => a.rule === check.alertname && a.state === state)
        const fail = (message: string) =>
          failures.push({ at: t, alertname: check.alertname, message })
        if (actual.length !== check.alerts.length) {
          fail(
            `expected ${check.alerts.length} ${state} alert(s), got ${actual.length}${actual.length ? ` (${JSON.stringify(actual.map((a) => a.labels))})` : ''}`,
          )
          continue
        }
        for (const want of check.alerts) {
          const found = actual.some(
            (a) =>
              subset(want.labels ?? {}, a.labels) && subset(want.annotations ?? {}, a.annotations),
          )
          if (!found) {
            fail(
              `no ${state} alert matches ${JSON.stringify(want)}; got ${JSON.stringify(actual.map((a) => ({ labels: a.labels, annotations: a.annotations })))}`,
            )
          }
        }
      }
    }
  } finally {
    await manager.stop()
  }
  return { ok: failures.length === 0, failures }
}
