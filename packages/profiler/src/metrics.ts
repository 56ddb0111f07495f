import { Counter, Gauge } from './counter-gauge'
import {
  InvalidLabelError,
  InvalidMetricNameError,
  InvalidOptionError,
  MetricConflictError,
} from './errors'
import { Histogram } from './histogram'
import { bucketsFor, checkBuckets, checkUnit } from './histogram-buckets'
import {
  checkKnownKeys,
  describeValue,
  HISTOGRAM_UNITS,
  prometheusName,
  unitFromName,
} from './kernel'
import type { HistogramOptions, HistogramUnit, Labels, MetricOptions, MetricType } from './types'

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:.]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/
// The keys `counter()`, `gauge()` and `histogram()` take: `satisfies` keeps the list complete.
const METRIC_OPTIONS = Object.keys({ labels: true, help: true } satisfies Record<
  keyof MetricOptions,
  true
>)
const HISTOGRAM_OPTIONS = Object.keys({
  labels: true,
  help: true,
  unit: true,
  buckets: true,
} satisfies Record<keyof HistogramOptions, true>)

type SeriesOf<T extends MetricType> = T extends 'counter'
  ? Counter
  : T extends 'gauge'
    ? Gauge
    : Histogram

export interface Series<M> {
  labels: Record<string, string>
  metric: M
}

/** Every series of one metric name: one type, one set of label names. */
export interface Family<T extends MetricType = MetricType> {
  name: string
  /** Name in the Prometheus exposition (dots become underscores). */
  exposedName: string
  type: T
  help: string
  labelNames: string[]
  series: Map<string, Series<SeriesOf<T>>>
  /** Histograms: the unit values are recorded in, if known. */
  unit?: HistogramUnit
  /** Histograms: the `le` bounds in the base unit, as exposed. */
  buckets?: readonly number[]
  /** Histograms: the same bounds in the recorded unit, shared by every series. */
  bounds?: Float64Array
}

function resolveLabels(metric: string, type: MetricType, labels: Labels | undefined) {
  const resolved: Record<string, string> = {}
  if (!labels) return { resolved, names: [] as string[], key: '' }
  if (typeof labels !== 'object' || Array.isArray(labels)) {
    throw new InvalidLabelError(
      metric,
      '',
      `labels of "${metric}" must be an object of label values, got ${describeValue(labels)}`,
    )
  }
  const names = Object.keys(labels).sort()
  for (const label of names) {
    if (!LABEL_NAME.test(label) || label.startsWith('__')) {
      throw new InvalidLabelError(
        metric,
        label,
        `label name "${label}" of "${metric}" must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __`,
      )
    }
    if (type === 'histogram' && (label === 'quantile' || label === 'le')) {
      throw new InvalidLabelError(
        metric,
        label,
        `label name "${label}" is reserved on histogram "${metric}"`,
      )
    }
    const value = labels[label]
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new InvalidLabelError(
        metric,
        label,
        `label "${label}" of "${metric}" must be a string, number or boolean`,
      )
    }
    resolved[label] = String(value)
  }
  return { resolved, names, key: labelKey(names, resolved) }
}

/** A histogram family's unit, exposed bounds, and the same bounds in the recorded unit. */
function histogramFamily(
  family: Family,
  unit: HistogramUnit | undefined,
  buckets: readonly number[] | undefined,
): void {
  const exposed = bucketsFor(unit, buckets)
  const per = unit ? HISTOGRAM_UNITS[unit].per : 1
  family.buckets = exposed
  // 0.005 s is 5 ms: the product is rounded back to 15 digits so a bound stays the round
  // number it was given in the recorded unit
  family.bounds = Float64Array.from(exposed, (b) => Number((b * per).toPrecision(15)))
  if (unit) family.unit = unit
}

function labelKey(names: string[], labels: Record<string, string>): string {
  return names.map((n) => `${n}=${JSON.stringify(labels[n])}`).join(',')
}

/** Holds metric families by name; checks names, label sets and types once per handle. */
export class Registry {
  readonly families = new Map<string, Family>()
  /**
   * Gives each histogram series, existing and new, a tap (see `Histogram.tap`) while set: the
   * OpenTelemetry bridge records every value into an OTel histogram through it.
   */
  histogramTap:
    | ((family: Family, labels: Record<string, string>) => (value: number) => void)
    | undefined

  /** Called with every family made while set (the OpenTelemetry bridge's instruments). */
  onFamily: ((family: Family) => void) | undefined

  setHistogramTap(tap: Registry['histogramTap']): void {
    this.histogramTap = tap
    for (const family of this.families.values()) {
      if (family.type !== 'histogram') continue
      for (const { labels, metric } of family.series.values()) {
        ;(metric as Histogram).tap = tap?.(family, labels)
      }
    }
  }
  private readonly byExposedName = new Map<string, string>()

  get<T extends MetricType>(
    type: T,
    name: string,
    options: MetricOptions | HistogramOptions = {},
  ): SeriesOf<T> {
    if (typeof name !== 'string' || !METRIC_NAME.test(name)) {
      throw new InvalidMetricNameError(
        typeof name === 'string' ? name : describeValue(name),
        `metric name ${describeValue(name)} must match [a-zA-Z_:][a-zA-Z0-9_:.]*`,
      )
    }
    if (typeof options !== 'object' || options === null) {
      throw new InvalidOptionError(
        'options',
        `options of "${name}" must be an object, got ${describeValue(options)}`,
      )
    }
    checkKnownKeys(
      options,
      type === 'histogram' ? HISTOGRAM_OPTIONS : METRIC_OPTIONS,
      `${type}("${name}")`,
    )
    const { unit, buckets } = options as HistogramOptions
    const givenUnit = checkUnit(name, unit)
    const givenBuckets = checkBuckets(name, buckets)
    if (options.help !== undefined && typeof options.help !== 'string') {
      throw new InvalidOptionError(
        'help',
        `help of "${name}" must be a string, got ${describeValue(options.help)}`,
      )
    }
    const { resolved, names, key } = resolveLabels(name, type, options.labels)
    let family = this.families.get(name) as Family<T> | undefined
    if (family) {
      if (family.type !== type) {
        throw new MetricConflictError(name, `metric "${name}" is a ${family.type}, not a ${type}`)
      }
      if (
        (givenUnit !== undefined && givenUnit !== family.unit) ||
        (givenBuckets !== undefined && givenBuckets.join() !== family.buckets?.join())
      ) {
        throw new MetricConflictError(
          name,
          `histogram "${name}" already has unit ${describeValue(family.unit)} and buckets ` +
            `[${family.buckets?.join(', ')}]`,
        )
      }
      if (family.labelNames.join(',') !== names.join(',')) {
        throw new InvalidLabelError(
          name,
          names.join(','),
          `metric "${name}" has labels [${family.labelNames.join(', ')}], got [${names.join(', ')}]`,
        )
      }
    } else {
      const histogramUnit = type === 'histogram' ? (givenUnit ?? unitFromName(name)) : undefined
      const exposed = prometheusName(name, histogramUnit)
      const owner = this.byExposedName.get(exposed)
      if (owner !== undefined) {
        throw new MetricConflictError(
          name,
          `metric "${name}" and "${owner}" are both exposed as "${exposed}"`,
        )
      }
      this.byExposedName.set(exposed, name)
      family = {
        name,
        exposedName: exposed,
        type,
        help: options.help ?? name,
        labelNames: names,
        series: new Map(),
      }
      if (type === 'histogram') histogramFamily(family, histogramUnit, givenBuckets)
      this.families.set(name, family as Family)
      this.onFamily?.(family as Family)
    }
    const existing = family.series.get(key)
    if (existing) return existing.metric
    const metric = (
      type === 'counter'
        ? new Counter(name)
        : type === 'gauge'
          ? new Gauge(name)
          : new Histogram(name, family.bounds)
    ) as SeriesOf<T>
    family.series.set(key, { labels: resolved, metric })
    if (type === 'histogram' && this.histogramTap) {
      ;(metric as Histogram).tap = this.histogramTap(family as Family, resolved)
    }
    return metric
  }

  /**
   * Like `get`, for sinks whose callers vary label sets: a new label name widens the family,
   * and series without it get `""` for it (which Prometheus reads as an absent label).
   */
  getWidening<T extends MetricType>(type: T, name: string, labels?: Labels): SeriesOf<T> {
    const family = this.families.get(name)
    if (!family || family.type !== type) return this.get(type, name, labels ? { labels } : {})
    // Checked before widening: a refused label name must not be left in the family.
    resolveLabels(name, type, labels)
    const given = labels ? Object.keys(labels) : []
    const union = [...new Set([...family.labelNames, ...given])].sort()
    if (union.length !== family.labelNames.length) {
      const series = [...family.series.values()]
      family.series.clear()
      family.labelNames = union
      for (const entry of series) {
        for (const label of union) entry.labels[label] ??= ''
        family.series.set(labelKey(union, entry.labels), entry)
      }
    }
    if (union.length === 0) return this.get(type, name)
    const filled = Object.fromEntries(union.map((label) => [label, labels?.[label] ?? '']))
    return this.get(type, name, { labels: filled })
  }
}
