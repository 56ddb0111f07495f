import { seededRandom, thrown } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import {
  createProfiler,
  Histogram,
  InvalidLabelError,
  InvalidOptionError,
  MetricConflictError,
} from '../src/index'

/** The `_bucket` lines of one metric in an exposition: `le` → cumulative count. */
function buckets(text: string, metric: string): Map<string, number> {
  const out = new Map<string, number>()
  const line = new RegExp(`^${metric}_bucket\\{(?:.*,)?le="([^"]+)"\\} (\\S+)$`, 'gm')
  for (const [, le, count] of text.matchAll(line)) out.set(le as string, Number(count))
  return out
}

/**
 * PromQL's `histogram_quantile(q, buckets)`: the bucket whose cumulative count reaches the rank,
 * then linear interpolation inside it (from 0 for the first bucket). Returns the estimate and
 * the bucket's bounds.
 */
function histogramQuantile(q: number, cumulative: Map<string, number>) {
  const rows = [...cumulative].map(([le, count]) => ({ le: Number(le), count }))
  rows.sort((a, b) => a.le - b.le)
  const total = rows.at(-1)?.count ?? 0
  const rank = q * total
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as { le: number; count: number }
    if (row.count < rank) continue
    const lower = i === 0 ? 0 : (rows[i - 1] as { le: number }).le
    const below = i === 0 ? 0 : (rows[i - 1] as { count: number }).count
    if (row.le === Number.POSITIVE_INFINITY) return { value: lower, lower, upper: row.le }
    const value = lower + (row.le - lower) * ((rank - below) / (row.count - below))
    return { value, lower, upper: row.le }
  }
  throw new Error('no bucket reaches the rank')
}

describe('Prometheus histograms', () => {
  it('counts exactly how many values fell at or under each bound', () => {
    const random = seededRandom(20261207)
    for (let round = 0; round < 20; round++) {
      const bounds = Float64Array.from(
        [...new Set(Array.from({ length: 1 + Math.floor(random() * 12) }, () => random() * 100))]
          .map((b) => Math.round(b * 100) / 100)
          .filter((b) => b > 0)
          .sort((a, b) => a - b),
      )
      const h = new Histogram('h', bounds)
      const values = Array.from({ length: 500 }, () =>
        // values on the bounds themselves, under, over and far away
        random() < 0.2 ? (bounds[Math.floor(random() * bounds.length)] ?? 1) : random() * 120,
      )
      for (const v of values) h.record(v)
      const expected = [...bounds].map((b) => values.filter((v) => v <= b).length)
      expect(h.cumulative()).toEqual(expected)
    }
  })

  it('counts exactly at the far ends too: under 2^-30, on bucket edges, above 2^60', () => {
    const bounds = Float64Array.from([1e-12, 2 ** -30, 1, 1 + 1 / 64, 2 ** 60, 2 ** 61])
    const h = new Histogram('edges', bounds)
    const values = [0, 1e-13, 1e-12, 2e-12, 2 ** -30, 0.5, 1, 1 + 1 / 128, 1 + 1 / 64, 1.1]
    values.push(2 ** 60, 2 ** 60 + 2 ** 50, 2 ** 61, 2 ** 62, Number.MAX_VALUE)
    for (const v of values) h.record(v)
    expect(h.cumulative()).toEqual([...bounds].map((b) => values.filter((v) => v <= b).length))
  })

  it('exposes milliseconds as seconds with round `le` labels, and sums in seconds', () => {
    const p = createProfiler()
    const h = p.histogram('stage', { unit: 'milliseconds', buckets: [0.0025, 0.005, 0.01] })
    for (const ms of [1, 2.5, 3, 5, 9, 11]) h.record(ms)
    const text = p.toPrometheus()
    p.close()
    expect([...buckets(text, 'stage_seconds')]).toEqual([
      ['0.0025', 2],
      ['0.005', 4],
      ['0.01', 5],
      ['+Inf', 6],
    ])
    expect(text).toContain('stage_seconds_sum 0.0315\n')
    expect(text).toContain('stage_seconds_count 6\n')
  })

  it('reads the unit from the name, and spells names the Prometheus way', () => {
    const p = createProfiler()
    p.record('db.query.ms', 3)
    p.record('gc.pause.seconds', 0.002)
    p.record('response.bytes', 300)
    p.record('retries', 2)
    p.gauge('memory.heapUsedRatio').set(0.5)
    const text = p.toPrometheus()
    p.close()
    expect(text).toContain('# TYPE db_query_seconds histogram\n')
    expect(text).toContain('db_query_seconds_bucket{le="0.005"} 1\n')
    expect(text).toContain('# TYPE gc_pause_seconds histogram\n')
    expect(text).toContain('response_bytes_bucket{le="1024"} 1\n')
    // no unit: prom-client's default bounds
    expect(text).toContain('retries_bucket{le="2.5"} 1\nretries_bucket{le="5"} 1\n')
    expect(text).toContain('memory_heap_used_ratio 0.5\n')
    // the snapshot keeps the recorded units and names
    expect(p.snapshot().histograms.find((h) => h.name === 'db.query.ms')?.max).toBe(3)
  })

  it('gives, summed over instances, the quantile the merged data gives (within one bucket)', () => {
    const random = seededRandom(7)
    const all: number[] = []
    const texts = [0, 1].map((instance) => {
      const p = createProfiler()
      const h = p.histogram('request.duration', { unit: 'milliseconds' })
      for (let i = 0; i < 5000; i++) {
        // two different distributions: a fast instance and a slow one
        const ms = instance === 0 ? random() * 20 : 50 + random() * 400
        h.record(ms)
        all.push(ms / 1000)
      }
      const text = p.toPrometheus()
      p.close()
      return text
    })
    // sum by (le): what a fleet dashboard does
    const summed = new Map<string, number>()
    for (const text of texts) {
      for (const [le, count] of buckets(text, 'request_duration_seconds')) {
        summed.set(le, (summed.get(le) ?? 0) + count)
      }
    }
    all.sort((a, b) => a - b)
    for (const q of [0.5, 0.9, 0.99]) {
      const exact = all[Math.ceil(q * all.length) - 1] as number
      const estimate = histogramQuantile(q, summed)
      // the exact quantile lies in the very bucket the estimate comes from
      expect(exact).toBeGreaterThan(estimate.lower)
      expect(exact).toBeLessThanOrEqual(estimate.upper)
    }
  })

  it('refuses bad bucket and unit options, and unknown ones, naming them', () => {
    const p = createProfiler()
    for (const bad of [[], [1, 1], [2, 1], [-1], [0], [Number.NaN], 'x', [1, Infinity]]) {
      const error = thrown(() => p.histogram('h', { buckets: bad as number[] }))
      expect(error).toBeInstanceOf(InvalidOptionError)
      expect(error).toMatchObject({ code: 'MX_INVALID_OPTION', option: 'buckets' })
    }
    expect(
      thrown(() => p.histogram('h', { buckets: Array.from({ length: 65 }, (_, i) => i + 1) })),
    ).toMatchObject({ option: 'buckets' })
    expect((thrown(() => p.histogram('h', { unit: 'ms' as never })) as Error).message).toBe(
      'unit of "h" must be one of "seconds", "milliseconds", "bytes", got "ms"',
    )
    expect(thrown(() => p.counter('c', { buckets: [1] } as never))).toMatchObject({
      option: 'buckets',
    })
    expect(thrown(() => p.toPrometheus({ histograms: 'native' as never }))).toMatchObject({
      option: 'histograms',
    })
    expect(thrown(() => p.toPrometheus(null as never))).toBeInstanceOf(InvalidOptionError)
    p.close()
  })

  it('keeps one unit and one set of bounds per histogram, and reserves the le label', () => {
    const p = createProfiler()
    const h = p.histogram('h', { unit: 'seconds', buckets: [1, 2] })
    // the same declaration again, or none, is the same histogram
    expect(p.histogram('h', { unit: 'seconds', buckets: [1, 2] })).toBe(h)
    expect(p.histogram('h')).toBe(h)
    expect(thrown(() => p.histogram('h', { buckets: [1, 3] }))).toBeInstanceOf(MetricConflictError)
    expect(thrown(() => p.histogram('h', { unit: 'bytes' }))).toBeInstanceOf(MetricConflictError)
    // two names that would both be exposed as x_seconds
    p.histogram('x.ms')
    expect(thrown(() => p.histogram('x.seconds'))).toBeInstanceOf(MetricConflictError)
    expect(thrown(() => p.histogram('y', { labels: { le: '1' } }))).toBeInstanceOf(
      InvalidLabelError,
    )
    p.close()
  })

  it('refuses bounds it cannot count under, and a tap that throws never fails record', () => {
    for (const bad of [[2, 1], [0], [-1], [1, 1], [Number.NaN], [Number.POSITIVE_INFINITY]]) {
      expect(thrown(() => new Histogram('h', Float64Array.from(bad)))).toBeInstanceOf(RangeError)
    }
    const many = Float64Array.from({ length: 65 }, (_, i) => i + 1)
    expect(thrown(() => new Histogram('h', many))).toBeInstanceOf(RangeError)
    const h = new Histogram('h', Float64Array.from([1]))
    h.tap = () => {
      throw new Error('a broken exporter')
    }
    h.record(0.5)
    expect([h.count, h.cumulative()]).toEqual([1, [1]])
  })

  it('merges bound counts of histograms with the same bounds only', () => {
    const bounds = Float64Array.from([1, 10])
    const a = new Histogram('a', bounds)
    const b = new Histogram('b', Float64Array.from([1, 10]))
    a.record(0.5)
    b.record(5)
    b.record(50)
    a.merge(b)
    expect(a.cumulative()).toEqual([1, 2])
    expect(a.count).toBe(3)
    expect(thrown(() => a.merge(new Histogram('c', Float64Array.from([2]))))).toBeInstanceOf(
      RangeError,
    )
    // one without bounds takes any (the snapshot merges series this way)
    const merged = new Histogram('merged')
    merged.merge(a)
    expect(merged.count).toBe(3)
    a.reset()
    expect(a.cumulative()).toEqual([0, 0])
  })
})
