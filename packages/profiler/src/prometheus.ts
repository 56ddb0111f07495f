import type { Histogram } from './histogram'
import type { Counter, Family, Gauge, Registry } from './metrics'

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
 * Text exposition format 0.0.4. Counters get the `_total` suffix Prometheus expects;
 * histograms are exposed as summaries (p50/p90/p99 plus `_sum` and `_count`) because their
 * log-linear buckets do not line up with Prometheus `le` boundaries.
 */
export function toPrometheus(registry: Registry, prefix = ''): string {
  const lines: string[] = []
  const families = [...registry.families.values()].sort((a, b) =>
    a.exposedName.localeCompare(b.exposedName),
  )
  for (const family of families) {
    let name = prefix + family.exposedName
    if (family.type === 'counter' && !name.endsWith('_total')) name += '_total'
    lines.push(`# HELP ${name} ${escapeHelp(family.help)}`)
    if (family.type === 'histogram') {
      lines.push(`# TYPE ${name} summary`)
      for (const { labels, metric } of (family as Family<'histogram'>).series.values()) {
        const h = metric as Histogram
        for (const q of QUANTILES) {
          lines.push(`${name}${labelText(labels, ['quantile', String(q)])} ${num(h.quantile(q))}`)
        }
        lines.push(`${name}_sum${labelText(labels)} ${num(h.sum)}`)
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
