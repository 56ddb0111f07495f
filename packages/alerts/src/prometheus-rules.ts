// Rules out: the rule file Prometheus (and the Alertmanager a team already runs) loads, for the
// rules whose value PromQL can compute from what `@mx/profiler` exposes.
import { durationOption, formatDuration } from './duration'
import { InvalidOptionError } from './errors'
import {
  checkKnownKeys,
  checkOptionsObject,
  describeValue,
  HISTOGRAM_UNITS,
  type HistogramUnit,
  prometheusName,
  unitFromName,
} from './kernel'
import { validateRules } from './rules'
import type { Duration, Rule } from './types'

export interface PrometheusRulesOptions {
  /** Name of the rule group. Default `'mx'`. */
  group?: string
  /** Evaluation interval of the group. Default: none (Prometheus' global one). */
  interval?: Duration
  /** Prefix of the exposed metric names, as `createProfiler({ prefix })`. Default `''`. */
  prefix?: string
  /** Range of the `rate()` a histogram quantile or mean is computed over. Default `'5m'`. */
  window?: Duration
  /**
   * Units histograms are recorded in, by metric name, for names that do not end in one (a
   * quantile rule's threshold is in that unit). Default `{ 'extract.duration': 'milliseconds' }`
   * (the engine's); a name ending in `.ms`, `.seconds` or `.bytes` says it itself.
   */
  units?: Record<string, HistogramUnit>
  /**
   * PromQL computing a rule's value, by rule name or metric path, where the default mapping does
   * not fit (a counter, a value computed by `expr`); `false` leaves the rule out.
   */
  expressions?: Record<string, string | false>
}

/** One alerting rule of a Prometheus rule file. */
export interface PrometheusAlertingRule {
  alert: string
  expr: string
  for?: string
  keep_firing_for?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}

export interface PrometheusRules {
  /** The rule file, YAML (`promtool check rules` accepts it). */
  yaml: string
  /** The same file as data. */
  groups: Array<{ name: string; interval?: string; rules: PrometheusAlertingRule[] }>
  /** Rules left out, with the reason. */
  skipped: Array<{ rule: string; reason: string }>
}

const OPTIONS = Object.keys({
  group: true,
  interval: true,
  prefix: true,
  window: true,
  units: true,
  expressions: true,
} satisfies Record<keyof PrometheusRulesOptions, true>)

const DEFAULT_UNITS: Record<string, HistogramUnit> = { 'extract.duration': 'milliseconds' }
const QUANTILE = /^p(\d{2,3})$/

/** Why a rule cannot be exported; thrown inside, collected into `skipped`. */
class NotExpressible extends Error {}

/**
 * Converts rules to a Prometheus rule file, reading the metric names `@mx/profiler` exposes:
 *
 * - `a.b` (a gauge) is `a_b`, camelCase in snake_case (`cache.hitRatio` is `cache_hit_ratio`);
 * - `a.b.p95` is `histogram_quantile(0.95, sum by (le) (rate(a_b_seconds_bucket[5m])))`, times
 *   1000 for a histogram recorded in milliseconds, so the threshold keeps its unit; `.mean` is
 *   the rate of `_sum` over the rate of `_count`, `.count` and `.sum` the totals;
 * - `for`, `keepFiringFor`, `severity`, `labels` and `annotations` (Prometheus templates
 *   already) carry over; `resolveThreshold` becomes `… or (value beyond resolveThreshold and
 *   the alert already pending or firing)`, through the `ALERTS` series.
 *
 * Left out, in `skipped`: rules computed by a function (`expr`) with no PromQL in
 * `expressions`, `.min`/`.max` (a histogram does not keep them), and `noData` mappings other
 * than `nodata` and `ok` (Prometheus fires on data only). Flap detection has no counterpart
 * in Prometheus and is dropped.
 */
export function toPrometheusRules(
  rules: Rule[],
  options: PrometheusRulesOptions = {},
): PrometheusRules {
  const settings = checkOptions(options)
  validateRules(rules)
  const out: PrometheusAlertingRule[] = []
  const skipped: PrometheusRules['skipped'] = []
  for (const rule of rules) {
    try {
      const value = valueExpression(rule, settings)
      if (value === undefined) {
        skipped.push({ rule: rule.name, reason: 'left out by `expressions`' })
        continue
      }
      out.push(alertingRule(rule, value))
    } catch (error) {
      if (!(error instanceof NotExpressible)) throw error
      skipped.push({ rule: rule.name, reason: error.message })
    }
  }
  const group: PrometheusRules['groups'][number] = { name: settings.group, rules: out }
  if (settings.interval !== undefined) group.interval = settings.interval
  const groups = [group]
  return { yaml: toYaml(groups), groups, skipped }
}

interface Settings {
  group: string
  interval: string | undefined
  prefix: string
  window: string
  units: Record<string, HistogramUnit>
  expressions: Record<string, string | false>
}

function checkOptions(options: PrometheusRulesOptions): Settings {
  checkOptionsObject(options, 'options', 'toPrometheusRules()')
  checkKnownKeys(options, OPTIONS, 'toPrometheusRules()')
  const { group = 'mx', prefix = '', units = {}, expressions = {} } = options
  if (typeof group !== 'string' || group.length === 0) {
    throw new InvalidOptionError(
      'group',
      `group must be a non-empty string, got ${describeValue(group)}`,
    )
  }
  if (typeof prefix !== 'string' || !/^([a-zA-Z_:][a-zA-Z0-9_:]*)?$/.test(prefix)) {
    throw new InvalidOptionError(
      'prefix',
      `prefix must be empty or a Prometheus name start ([a-zA-Z_:][a-zA-Z0-9_:]*), got ${describeValue(prefix)}`,
    )
  }
  const window = durationOption('window', options.window ?? '5m')
  if (window <= 0) throw new InvalidOptionError('window', 'window must be longer than 0')
  const interval =
    options.interval === undefined ? undefined : durationOption('interval', options.interval)
  if (interval !== undefined && interval <= 0) {
    throw new InvalidOptionError('interval', 'interval must be longer than 0')
  }
  checkOptionsObject(units, 'units', 'toPrometheusRules()')
  for (const [name, unit] of Object.entries(units)) {
    if (!Object.hasOwn(HISTOGRAM_UNITS, unit)) {
      throw new InvalidOptionError(
        `units.${name}`,
        `units.${name} must be one of ${Object.keys(HISTOGRAM_UNITS)
          .map((u) => `"${u}"`)
          .join(', ')}, got ${describeValue(unit)}`,
      )
    }
  }
  checkOptionsObject(expressions, 'expressions', 'toPrometheusRules()')
  for (const [key, expression] of Object.entries(expressions)) {
    if (expression !== false && (typeof expression !== 'string' || expression.trim() === '')) {
      throw new InvalidOptionError(
        `expressions.${key}`,
        `expressions.${key} must be PromQL text or false, got ${describeValue(expression)}`,
      )
    }
  }
  return {
    group,
    interval: interval === undefined ? undefined : formatDuration(interval),
    prefix,
    window: formatDuration(window),
    units: { ...DEFAULT_UNITS, ...units },
    expressions,
  }
}

/** PromQL of the rule's value; undefined when `expressions` leaves it out. */
function valueExpression(rule: Rule, settings: Settings): string | undefined {
  const given =
    settings.expressions[rule.name] ?? (rule.metric && settings.expressions[rule.metric])
  if (given === false) return undefined
  if (typeof given === 'string') return given
  if (rule.metric === undefined) {
    throw new NotExpressible(
      'its value is computed by a function (`expr`): give its PromQL in `expressions`',
    )
  }
  if (rule.noData === 'alerting' || rule.noData === 'keepLast') {
    throw new NotExpressible(
      `noData: '${rule.noData}' has no counterpart: Prometheus evaluates rules on data only`,
    )
  }
  const dot = rule.metric.lastIndexOf('.')
  const field = dot < 0 ? '' : rule.metric.slice(dot + 1)
  const known = field === 'value' || field === 'mean' || field === 'count' || field === 'sum'
  if (!known && !QUANTILE.test(field)) {
    if (field === 'min' || field === 'max') {
      throw new NotExpressible(`${rule.metric}: a Prometheus histogram keeps no ${field}`)
    }
    return settings.prefix + prometheusName(rule.metric)
  }
  const base = rule.metric.slice(0, dot)
  if (field === 'value') return settings.prefix + prometheusName(base)
  const unit = settings.units[base] ?? unitFromName(base)
  const name = settings.prefix + prometheusName(base, unit)
  // the threshold is in the recorded unit, the exposition in the base unit
  const per = unit ? HISTOGRAM_UNITS[unit].per : 1
  const scaled = (promql: string) => (per === 1 ? promql : `${promql} * ${per}`)
  const window = settings.window
  if (field === 'count') return `sum(${name}_count)`
  if (field === 'sum') return scaled(`sum(${name}_sum)`)
  if (field === 'mean') {
    return scaled(`(sum(rate(${name}_sum[${window}])) / sum(rate(${name}_count[${window}])))`)
  }
  const digits = (QUANTILE.exec(field) as RegExpExecArray)[1] as string
  const q = Number(`0.${digits}`)
  return scaled(`histogram_quantile(${q}, sum by (le) (rate(${name}_bucket[${window}])))`)
}

function alertingRule(rule: Rule, value: string): PrometheusAlertingRule {
  const labels: Record<string, string> = { ...rule.labels }
  if (rule.severity !== undefined) labels.severity = rule.severity
  let expr = `(${value}) ${rule.op} ${rule.threshold}`
  if (rule.resolveThreshold !== undefined) {
    // hysteresis: once pending or firing (an ALERTS series from the previous evaluation), the
    // alert holds while the value is beyond the resolve threshold
    const ignored = ['alertname', 'alertstate', ...Object.keys(labels)].join(', ')
    const active = `ALERTS{alertname=${JSON.stringify(rule.name)}}`
    expr = `${expr} or ((${value}) ${rule.op} ${rule.resolveThreshold} and ignoring(${ignored}) ${active})`
  }
  const out: PrometheusAlertingRule = { alert: rule.name, expr }
  const forMs = rule.for === undefined ? 0 : durationOption('for', rule.for)
  if (forMs > 0) out.for = formatDuration(forMs)
  const keepMs =
    rule.keepFiringFor === undefined ? 0 : durationOption('keepFiringFor', rule.keepFiringFor)
  if (keepMs > 0) out.keep_firing_for = formatDuration(keepMs)
  if (Object.keys(labels).length > 0) out.labels = labels
  if (rule.annotations && Object.keys(rule.annotations).length > 0) {
    out.annotations = { ...rule.annotations }
  }
  return out
}

/** YAML by hand: block structure, every string double-quoted as JSON (which YAML reads). */
function toYaml(groups: PrometheusRules['groups']): string {
  const q = (s: string) => JSON.stringify(s)
  const lines = ['groups:']
  for (const group of groups) {
    lines.push(`  - name: ${q(group.name)}`)
    if (group.interval) lines.push(`    interval: ${group.interval}`)
    lines.push(group.rules.length === 0 ? '    rules: []' : '    rules:')
    for (const rule of group.rules) {
      lines.push(`      - alert: ${q(rule.alert)}`)
      lines.push(`        expr: ${q(rule.expr)}`)
      if (rule.for) lines.push(`        for: ${rule.for}`)
      if (rule.keep_firing_for) lines.push(`        keep_firing_for: ${rule.keep_firing_for}`)
      for (const key of ['labels', 'annotations'] as const) {
        const map = rule[key]
        if (!map) continue
        lines.push(`        ${key}:`)
        for (const [k, v] of Object.entries(map)) lines.push(`          ${q(k)}: ${q(v)}`)
      }
    }
  }
  return `${lines.join('\n')}\n`
}
