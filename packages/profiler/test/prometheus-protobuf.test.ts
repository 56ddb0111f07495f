import protobuf from 'protobufjs'
import { describe, expect, it } from 'vitest'
import { createProfiler, serveDashboard } from '../src/index'

// The messages of Prometheus' metrics.proto the exposition writes (field numbers as upstream).
const root = protobuf.parse(`
syntax = "proto3";
package io.prometheus.client;
message LabelPair { string name = 1; string value = 2; }
message Gauge { double value = 1; }
message Counter { double value = 1; }
message Bucket { uint64 cumulative_count = 1; double upper_bound = 2; }
message BucketSpan { sint32 offset = 1; uint32 length = 2; }
message Histogram {
  uint64 sample_count = 1; double sample_sum = 2; repeated Bucket bucket = 3;
  sint32 schema = 5; double zero_threshold = 6; uint64 zero_count = 7;
  repeated BucketSpan positive_span = 12; repeated sint64 positive_delta = 13;
}
message Metric { repeated LabelPair label = 1; Gauge gauge = 2; Counter counter = 3; Histogram histogram = 7; }
enum MetricType { COUNTER = 0; GAUGE = 1; SUMMARY = 2; UNTYPED = 3; HISTOGRAM = 4; }
message MetricFamily { string name = 1; string help = 2; MetricType type = 3; repeated Metric metric = 4; }
`).root
const MetricFamily = root.lookupType('io.prometheus.client.MetricFamily')

interface Family {
  name: string
  help: string
  type: number
  metric: Array<{
    label?: Array<{ name: string; value: string }>
    gauge?: { value: number }
    counter?: { value: number }
    histogram?: {
      sampleCount: number
      sampleSum: number
      bucket?: Array<{ cumulativeCount: number; upperBound: number }>
      schema: number
      zeroThreshold: number
      zeroCount: number
      positiveSpan?: Array<{ offset?: number; length: number }>
      positiveDelta?: number[]
    }
  }>
}

/** The length-delimited MetricFamily messages of a protobuf exposition. */
function decode(bytes: Uint8Array): Family[] {
  const reader = protobuf.Reader.create(bytes)
  const out: Family[] = []
  while (reader.pos < reader.len) {
    const message = MetricFamily.decodeDelimited(reader)
    out.push(
      MetricFamily.toObject(message, { longs: Number, enums: Number, defaults: true }) as Family,
    )
  }
  return out
}

/** A native histogram's counts by bucket index, from its spans and deltas. */
function nativeCounts(h: NonNullable<Family['metric'][number]['histogram']>): Map<number, number> {
  const counts = new Map<number, number>()
  const deltas = h.positiveDelta ?? []
  let index = 0
  let at = 0
  let count = 0
  for (const span of h.positiveSpan ?? []) {
    index += span.offset ?? 0
    for (let i = 0; i < span.length; i++) {
      count += deltas[at++] as number
      counts.set(index++, count)
    }
  }
  return counts
}

describe('the protobuf exposition', () => {
  it('writes counters, gauges, and histograms with classic buckets and a native histogram', () => {
    const p = createProfiler({ prefix: 'mx_' })
    p.counter('documents.ok').inc(5)
    p.gauge('cache.hitRatio', { labels: { tier: 'memory' } }).set(0.75)
    const h = p.histogram('extract.duration', { unit: 'milliseconds', buckets: [0.01, 0.1, 1] })
    const values = [0, 3, 7.5, 40, 40, 250, 900, 4000]
    for (const ms of values) h.record(ms)
    const families = decode(p.toPrometheusProtobuf())
    const text = p.toPrometheus()
    p.close()
    const byName = Object.fromEntries(families.map((f) => [f.name, f]))
    expect(Object.keys(byName)).toEqual([
      'mx_cache_hit_ratio',
      'mx_documents_ok_total',
      'mx_extract_duration_seconds',
    ])
    expect(byName.mx_documents_ok_total).toMatchObject({
      type: 0,
      metric: [{ counter: { value: 5 } }],
    })
    expect(byName.mx_cache_hit_ratio).toMatchObject({
      type: 1,
      metric: [{ label: [{ name: 'tier', value: 'memory' }], gauge: { value: 0.75 } }],
    })
    const family = byName.mx_extract_duration_seconds as Family
    expect(family.type).toBe(4)
    const histogram = family.metric[0]?.histogram as NonNullable<
      Family['metric'][number]['histogram']
    >
    expect(histogram.sampleCount).toBe(values.length)
    expect(histogram.sampleSum).toBeCloseTo(5.2405, 10)
    // the classic buckets say what the text exposition says
    expect(histogram.bucket).toEqual([
      { cumulativeCount: 3, upperBound: 0.01 },
      { cumulativeCount: 5, upperBound: 0.1 },
      { cumulativeCount: 7, upperBound: 1 },
    ])
    expect(text).toContain('mx_extract_duration_seconds_bucket{le="0.1"} 5\n')
    // the native histogram: schema 6, the 0 in the zero bucket, every other value in the
    // bucket of its own, or the next one (a log-linear bucket goes by its midpoint)
    expect(histogram.schema).toBe(6)
    expect(histogram.zeroCount).toBe(1)
    expect(histogram.zeroThreshold).toBeGreaterThan(0)
    expect(histogram.zeroThreshold).toBeLessThan(1e-9)
    const counts = nativeCounts(histogram)
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(values.length - 1)
    for (const ms of values.filter((v) => v > 0)) {
      const exact = Math.ceil(Math.log2(ms / 1000) * 64)
      const near = [exact - 1, exact, exact + 1].some((i) => (counts.get(i) ?? 0) > 0)
      expect(near, `${ms} ms near native bucket ${exact}`).toBe(true)
    }
  })

  it('is what /metrics answers a scraper that prefers it, and text otherwise', async () => {
    const p = createProfiler()
    p.histogram('latency.seconds').record(0.2)
    const dashboard = await serveDashboard(p)
    try {
      const native =
        'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3,*/*;q=0.1'
      const classic =
        'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'
      const asked = async (accept?: string) => {
        const response = await fetch(
          `${dashboard.url}metrics`,
          accept ? { headers: { accept } } : {},
        )
        return {
          type: response.headers.get('content-type'),
          body: new Uint8Array(await response.arrayBuffer()),
        }
      }
      const protobufAnswer = await asked(native)
      expect(protobufAnswer.type).toContain('application/vnd.google.protobuf')
      expect(decode(protobufAnswer.body).map((f) => f.name)).toEqual(['latency_seconds'])
      for (const accept of [
        classic,
        undefined,
        'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;q=0',
      ]) {
        const answer = await asked(accept)
        expect(answer.type).toContain('text/plain')
        expect(new TextDecoder().decode(answer.body)).toContain('latency_seconds_bucket')
      }
    } finally {
      await dashboard.close()
      p.close()
    }
  })
})
