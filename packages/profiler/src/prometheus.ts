import type { Counter, Gauge } from './counter-gauge'
import { InvalidOptionError } from './errors'
import type { Histogram } from './histogram'
import {
  checkKnownKeys,
  checkOptionsObject,
  describeValue,
  HISTOGRAM_UNITS as UNITS,
} from './kernel'
import type { Family, Registry } from './metrics'

/** How `toPrometheus` exposes histograms. */
export interface PrometheusOptions {
  /**
   * `histogram` (default): classic Prometheus histograms (`_bucket{le}`, `_sum`, `_count`), which
   * add up across instances (`histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))`).
   * `summary`: p50/p90/p99 quantiles of this process with `_sum` and `_count`, as before.
   */
  histograms?: 'histogram' | 'summary'
}

const QUANTILES = [0.5, 0.9, 0.99] as const

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
}

function escapeHelp(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
}

function labelText(labels: Record<string, string>, extra?: [string, string]): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`)
  if (extra) pairs.push(`${extra[0]}="${escapeLabel(extra[1])}"`)
  return pairs.length ? `{${pairs.join(',')}}` : ''
}

function num(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Number.POSITIVE_INFINITY) return '+Inf'
  if (value === Number.NEGATIVE_INFINITY) return '-Inf'
  return String(value)
}

/**
 * Text exposition format 0.0.4. Counters get the `_total` suffix Prometheus expects; histograms
 * are classic histograms over their exact bound counts (or summaries), in base units: a
 * histogram recorded in milliseconds is exposed in seconds.
 */
export function toPrometheus(
  registry: Registry,
  prefix = '',
  options: PrometheusOptions = {},
): string {
  const summaries = options.histograms === 'summary'
  const lines: string[] = []
  const families = [...registry.families.values()].sort((a, b) =>
    a.exposedName.localeCompare(b.exposedName),
  )
  for (const family of families) {
    let name = prefix + family.exposedName
    if (family.type === 'counter' && !name.endsWith('_total')) name += '_total'
    lines.push(`# HELP ${name} ${escapeHelp(family.help)}`)
    if (family.type === 'histogram') {
      const per = family.unit ? UNITS[family.unit].per : 1
      const buckets = family.buckets ?? []
      lines.push(`# TYPE ${name} ${summaries ? 'summary' : 'histogram'}`)
      for (const { labels, metric } of (family as Family<'histogram'>).series.values()) {
        const h = metric as Histogram
        if (summaries) {
          for (const q of QUANTILES) {
            const value = num(h.quantile(q) / per)
            lines.push(`${name}${labelText(labels, ['quantile', String(q)])} ${value}`)
          }
        } else {
          const cumulative = h.cumulative()
          buckets.forEach((le, i) => {
            lines.push(`${name}_bucket${labelText(labels, ['le', num(le)])} ${cumulative[i] ?? 0}`)
          })
          lines.push(`${name}_bucket${labelText(labels, ['le', '+Inf'])} ${h.count}`)
        }
        lines.push(`${name}_sum${labelText(labels)} ${num(h.sum / per)}`)
        lines.push(`${name}_count${labelText(labels)} ${h.count}`)
      }
    } else {
      lines.push(`# TYPE ${name} ${family.type}`)
      for (const { labels, metric } of family.series.values()) {
        lines.push(`${name}${labelText(labels)} ${num((metric as Counter | Gauge).value)}`)
      }
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : ''
}

/** Checks `toPrometheus(options)`. */
export function checkPrometheusOptions(options: unknown): void {
  if (options === undefined) return
  checkOptionsObject(options, 'options', 'toPrometheus()')
  checkKnownKeys(options as object, ['histograms'], 'toPrometheus()')
  const { histograms } = options as PrometheusOptions
  if (histograms !== undefined && histograms !== 'histogram' && histograms !== 'summary') {
    throw new InvalidOptionError(
      'histograms',
      `toPrometheus(): histograms must be "histogram" or "summary", got ${describeValue(histograms)}`,
    )
  }
}

/** The content type of the text exposition. */
export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

/**
 * Whether an `Accept` header prefers the protobuf exposition (`application/vnd.google.protobuf;
 * proto=io.prometheus.client.MetricFamily; encoding=delimited`) to the text one: its quality is
 * above zero and at least the text format's (`text/plain`, or a wildcard).
 */
export function prefersProtobuf(accept: string | undefined): boolean {
  if (!accept) return false
  let protobuf = 0
  let text = 0
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase())
    const param = (name: string) =>
      params.find((p) => p.startsWith(`${name}=`))?.slice(name.length + 1)
    const q = param('q') === undefined ? 1 : Number(param('q'))
    if (!(q > 0)) continue
    if (
      type === 'application/vnd.google.protobuf' &&
      param('proto') === 'io.prometheus.client.metricfamily' &&
      (param('encoding') ?? 'delimited') === 'delimited'
    ) {
      protobuf = Math.max(protobuf, q)
    } else if (type === 'text/plain' || type === 'text/*' || type === '*/*') {
      text = Math.max(text, q)
    }
  }
  return protobuf > 0 && protobuf >= text
}
