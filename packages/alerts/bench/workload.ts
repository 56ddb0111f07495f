// The workload of this package's benches (evaluate.bench.ts and the regression gate's gate.ts):
// `count` rules, half reading a gauge and half a summary's p95, the snapshots they read, and
// the floor any rule engine pays: a loop that only reads each value and compares it.
import type { MetricsSnapshot, Rule } from '../src/index'

/** `count` rules; the first `flipping` fire and resolve at once (no `for`, no keep-firing). */
export function buildRules(count: number, flipping: number): Rule[] {
  const rules: Rule[] = []
  for (let i = 0; i < count; i++) {
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

/** The snapshot of `round`: the first `flipping` rules cross their threshold on odd rounds. */
export function buildSnapshot(count: number, flipping: number, round: number): MetricsSnapshot {
  const metrics: MetricsSnapshot['metrics'] = {}
  for (let i = 0; i < count; i++) {
    const hot = i < flipping && round % 2 === 1
    const value = i % 3 === 0 ? (hot ? 5 : 50) : hot ? 95 : 50
    if (i % 2 === 0)
      metrics[`stage_${i}.duration`] = { count: 10, p50: value / 2, p95: value, p99: value * 1.2 }
    else metrics[`gauge_${i}`] = value
  }
  return { metrics }
}

/**
 * The floor for `rules`: reads each rule's value (a gauge, or a summary's field) from the
 * snapshot and compares it; returns how many are above 90. Paths are split once, up front.
 */
export function readCompareLoop(rules: readonly Rule[]): (snapshot: MetricsSnapshot) => number {
  const paths = rules.map((rule) => {
    const path = rule.metric as string
    const dot = path.lastIndexOf('.')
    return { path, parent: path.slice(0, dot), field: path.slice(dot + 1) }
  })
  return (snapshot) => {
    const metrics = snapshot.metrics
    let above = 0
    for (const { path, parent, field } of paths) {
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
}
