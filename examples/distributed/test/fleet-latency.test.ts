import { describe, expect, it } from 'vitest'
import { bucketsOf, fleetLatency, histogramQuantile } from '../src/fleet-latency.mjs'

const worker = (counts: number[]) =>
  ['0.1', '0.5', '1', '+Inf']
    .map((le, i) => `mx_extract_duration_seconds_bucket{le="${le}"} ${counts[i]}`)
    .join('\n')

describe('fleet latency', () => {
  it('sums the workers buckets, then reads the quantile as histogram_quantile does', () => {
    // 100 documents: 50 within 0.1 s, 40 more within 0.5 s, 8 more within 1 s, 2 above
    const texts = [worker([30, 50, 58, 60]), worker([20, 40, 40, 40])]
    expect([...bucketsOf(texts.join('\n'), 'mx_extract_duration_seconds')]).toEqual([
      [0.1, 50],
      [0.5, 90],
      [1, 98],
      [Number.POSITIVE_INFINITY, 100],
    ])
    const latency = fleetLatency(texts)
    // p50: rank 50 in the first bucket, its top: 0.1 s
    expect(latency).toMatchObject({ p50Ms: 100, documents: 100 })
    // p99: rank 99 in the +Inf bucket: its lower bound, 1 s
    expect(latency.p99Ms).toBe(1000)
    // p95: rank 95 in (0.5, 1]: 0.5 + 0.5 × (95 - 90) / (98 - 90)
    expect(
      histogramQuantile(0.95, bucketsOf(texts.join('\n'), 'mx_extract_duration_seconds')),
    ).toBeCloseTo(0.8125, 10)
  })

  it('has no quantile without observations', () => {
    expect(fleetLatency([])).toEqual({ p50Ms: undefined, p99Ms: undefined, documents: 0 })
  })
})
