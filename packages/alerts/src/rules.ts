import { parseDuration } from './duration'
import {
  DuplicateRuleError,
  DurationInvalidError,
  RuleInvalidError,
  TemplateInvalidError,
} from './errors'
import { checkKnownKeys, describeValue } from './kernel'
import { type CompiledTemplate, parseTemplate, TemplateSyntaxError } from './template'
import type {
  ComparisonOp,
  Duration,
  ErrorMapping,
  FlapOptions,
  Labels,
  MetricsSnapshot,
  NoDataMapping,
  Rule,
} from './types'

/** Flap detection with every field resolved to numbers. */
export interface FlapSettings {
  windowMs: number
  maxChanges: number
  stableForMs: number
}

/** A validated rule with everything the hot path needs precomputed. */
export interface CompiledRule {
  name: string
  source: Rule
  /** Reads the rule's value; throws only for a failing `expr`. */
  read: (snapshot: MetricsSnapshot, now: number) => number | undefined
  /** Labels attached by the metric itself, if the rule reads a metric that has some. */
  metricLabels: (snapshot: MetricsSnapshot) => Labels | undefined
  compare: (value: number, threshold: number) => boolean
  threshold: number
  resolveThreshold: number | undefined
  forMs: number
  keepFiringForMs: number
  labels: Labels
  annotations: Array<[string, CompiledTemplate]>
  noData: NoDataMapping
  onError: ErrorMapping
  flap: FlapSettings | undefined
  fingerprint: string
}

const COMPARE: Record<ComparisonOp, (value: number, threshold: number) => boolean> = {
  '>': (v, t) => v > t,
  '>=': (v, t) => v >= t,
  '<': (v, t) => v < t,
  '<=': (v, t) => v <= t,
  '==': (v, t) => v === t,
  '!=': (v, t) => v !== t,
}

// The fields a rule and its `flap` take: `satisfies` makes the compiler keep both lists complete.
const RULE_FIELDS = Object.keys({
  name: true,
  metric: true,
  expr: true,
  op: true,
  threshold: true,
  resolveThreshold: true,
  for: true,
  keepFiringFor: true,
  severity: true,
  labels: true,
  annotations: true,
  noData: true,
  onError: true,
  flap: true,
} satisfies Record<keyof Rule, true>)
const FLAP_OPTIONS = Object.keys({
  window: true,
  maxChanges: true,
  stableFor: true,
} satisfies Record<keyof FlapOptions, true>)

const NO_DATA = new Set(['nodata', 'alerting', 'ok', 'keepLast'])
const ON_ERROR = new Set(['error', 'alerting', 'ok', 'keepLast'])
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** FNV-1a over the sorted label set, as a 16-hex-digit fingerprint. */
export function fingerprint(labels: Labels): string {
  let h1 = 0x811c9dc5
  let h2 = 0x01000193
  for (const key of Object.keys(labels).sort()) {
    const text = `${key}\u0000${labels[key]}\u0001`
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      h1 = Math.imul(h1 ^ c, 0x01000193)
      h2 = Math.imul(h2 ^ c, 0x5bd1e995)
    }
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0')
}

function duration(rule: string, field: string, value: Duration | undefined): number {
  if (value === undefined) return 0
  try {
    return parseDuration(value, field)
  } catch (error) {
    if (!(error instanceof DurationInvalidError)) throw error
    throw new RuleInvalidError(rule, field, `rule "${rule}": ${error.message}`, { cause: error })
  }
}

function metricReader(path: string) {
  const dot = path.lastIndexOf('.')
  const parent = dot > 0 ? path.slice(0, dot) : undefined
  const field = dot > 0 ? path.slice(dot + 1) : undefined
  const read = (snapshot: MetricsSnapshot): number | undefined => {
    const metrics = snapshot.metrics
    const direct = metrics[path]
    if (direct !== undefined) {
      const value = typeof direct === 'number' ? direct : direct.value
      return typeof value === 'number' && !Number.isNaN(value) ? value : undefined
    }
    if (parent === undefined) return undefined
    const summary = metrics[parent]
    if (summary === undefined || typeof summary === 'number') return undefined
    const value = (summary as Record<string, unknown>)[field as string]
    return typeof value === 'number' && !Number.isNaN(value) ? value : undefined
  }
  const labels = (snapshot: MetricsSnapshot): Labels | undefined => {
    const sample =
      snapshot.metrics[path] ?? (parent === undefined ? undefined : snapshot.metrics[parent])
    return sample !== undefined && typeof sample === 'object' ? sample.labels : undefined
  }
  return { read, labels }
}

/** Resolves flap options (`undefined` fields take defaults); `false` disables detection. */
export function flapSettings(
  options: FlapOptions | false | undefined,
  field: string,
  rule = '',
): FlapSettings | undefined {
  if (options === false) return undefined
  if (typeof options === 'object' && options !== null) {
    checkKnownKeys(options, FLAP_OPTIONS, rule ? `rule "${rule}"` : 'createAlertManager()', field)
  }
  const maxChanges = options?.maxChanges ?? 4
  if (typeof maxChanges !== 'number' || !Number.isInteger(maxChanges) || maxChanges < 2) {
    throw new RuleInvalidError(
      rule,
      `${field}.maxChanges`,
      `${rule ? `rule "${rule}": ` : ''}${field}.maxChanges must be an integer >= 2, got ${describeValue(maxChanges)}`,
    )
  }
  return {
    windowMs: duration(rule, `${field}.window`, options?.window ?? '10m'),
    maxChanges,
    stableForMs: duration(rule, `${field}.stableFor`, options?.stableFor ?? '5m'),
  }
}

function invalid(rule: string, field: string, why: string): RuleInvalidError {
  return new RuleInvalidError(rule, field, `rule "${rule}": ${field} ${why}`)
}

/** Validates one rule and precomputes its hot path; throws typed errors naming rule and field. */
export function compileRule(rule: Rule, defaultFlap: FlapSettings | undefined): CompiledRule {
  if (rule === null || typeof rule !== 'object')
    throw new RuleInvalidError('', 'rule', 'a rule must be an object')
  const name = rule.name
  if (typeof name !== 'string' || name.trim() === '') {
    throw new RuleInvalidError(
      typeof name === 'string' ? name : '',
      'name',
      `rule name must be a non-empty string, got ${describeValue(name)}`,
    )
  }
  // An unknown field is MX_INVALID_OPTION, like an unknown option of any factory.
  checkKnownKeys(rule, RULE_FIELDS, `rule "${name}"`)
  // Own keys only: `in` would accept 'toString', and throws on a null-prototype object.
  if (typeof rule.op !== 'string' || !Object.hasOwn(COMPARE, rule.op))
    throw invalid(name, 'op', `must be one of >, >=, <, <=, ==, !=, got ${describeValue(rule.op)}`)
  if (typeof rule.threshold !== 'number' || Number.isNaN(rule.threshold)) {
    throw invalid(name, 'threshold', `must be a number, got ${describeValue(rule.threshold)}`)
  }
  const hasMetric = rule.metric !== undefined
  const hasExpr = rule.expr !== undefined
  if (hasMetric === hasExpr)
    throw invalid(name, hasMetric ? 'expr' : 'metric', 'exactly one of metric or expr is required')
  if (hasMetric && (typeof rule.metric !== 'string' || rule.metric === ''))
    throw invalid(name, 'metric', 'must be a non-empty string')
  if (hasExpr && typeof rule.expr !== 'function') throw invalid(name, 'expr', 'must be a function')
  const resolve = rule.resolveThreshold
  if (resolve !== undefined) {
    if (typeof resolve !== 'number' || Number.isNaN(resolve))
      throw invalid(name, 'resolveThreshold', `must be a number, got ${describeValue(resolve)}`)
    if (rule.op === '==' || rule.op === '!=')
      throw invalid(name, 'resolveThreshold', `cannot be used with op ${rule.op}`)
    const below = rule.op === '<' || rule.op === '<='
    if (below ? resolve < rule.threshold : resolve > rule.threshold) {
      throw invalid(
        name,
        'resolveThreshold',
        `must be ${below ? '>=' : '<='} threshold ${rule.threshold} for op ${rule.op}, got ${resolve}`,
      )
    }
  }
  const noData = rule.noData ?? 'nodata'
  if (!NO_DATA.has(noData))
    throw invalid(
      name,
      'noData',
      `must be one of nodata, alerting, ok, keepLast, got ${describeValue(noData)}`,
    )
  const onError = rule.onError ?? 'error'
  if (!ON_ERROR.has(onError))
    throw invalid(
      name,
      'onError',
      `must be one of error, alerting, ok, keepLast, got ${describeValue(onError)}`,
    )
  if (rule.severity !== undefined && typeof rule.severity !== 'string')
    throw invalid(name, 'severity', 'must be a string')

  const labels: Labels = {}
  for (const [key, value] of Object.entries(rule.labels ?? {})) {
    if (!LABEL_NAME.test(key)) throw invalid(name, `labels.${key}`, 'is not a valid label name')
    if (typeof value !== 'string') throw invalid(name, `labels.${key}`, 'must be a string')
    labels[key] = value
  }
  if (rule.severity !== undefined) labels.severity = rule.severity
  labels.alertname = name

  const annotations: Array<[string, CompiledTemplate]> = []
  for (const [key, source] of Object.entries(rule.annotations ?? {})) {
    const field = `annotations.${key}`
    if (typeof source !== 'string') throw invalid(name, field, 'must be a string')
    try {
      annotations.push([key, parseTemplate(source)])
    } catch (error) {
      if (!(error instanceof TemplateSyntaxError)) throw error
      throw new TemplateInvalidError(name, field, error.position, error.reason)
    }
  }

  let read: CompiledRule['read']
  let metricLabels: CompiledRule['metricLabels'] = () => undefined
  if (hasMetric) {
    const reader = metricReader(rule.metric as string)
    read = reader.read
    metricLabels = reader.labels
  } else {
    const expr = rule.expr as NonNullable<Rule['expr']>
    read = (snapshot, now) => expr(snapshot, { now, rule: name })
  }

  return {
    name,
    source: rule,
    read,
    metricLabels,
    compare: COMPARE[rule.op],
    threshold: rule.threshold,
    resolveThreshold: resolve,
    forMs: duration(name, 'for', rule.for),
    keepFiringForMs: duration(name, 'keepFiringFor', rule.keepFiringFor),
    labels,
    annotations,
    noData,
    onError,
    flap: rule.flap === undefined ? defaultFlap : flapSettings(rule.flap, 'flap', name),
    fingerprint: fingerprint(labels),
  }
}

/** Validates a whole rule set: every rule, then unique names. */
export function compileRules(
  rules: readonly Rule[],
  defaultFlap: FlapSettings | undefined,
): CompiledRule[] {
  if (!Array.isArray(rules)) throw new RuleInvalidError('', 'rules', 'rules must be an array')
  const seen = new Set<string>()
  return rules.map((rule) => {
    const compiled = compileRule(rule, defaultFlap)
    if (seen.has(compiled.name)) throw new DuplicateRuleError(compiled.name)
    seen.add(compiled.name)
    return compiled
  })
}

/**
 * Checks a rule set without creating a manager (e.g. in CI): throws the same typed errors
 * `createAlertManager` would (`MX_ALERT_RULE_INVALID`, `MX_ALERT_DUPLICATE_RULE`, ...).
 */
export function validateRules(rules: readonly Rule[]): void {
  compileRules(rules, undefined)
}
