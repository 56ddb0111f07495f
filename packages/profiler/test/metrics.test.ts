import { spawnSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir, thrown } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import {
  createProfiler,
  InvalidLabelError,
  InvalidMetricNameError,
  InvalidOptionError,
  InvalidValueError,
  MetricConflictError,
} from '../src/index'

describe('createProfiler metrics', () => {
  it('counts, sets gauges and resolves labels once to a handle', () => {
    const p = createProfiler()
    p.counter('cache.hits').inc()
    p.counter('cache.hits').inc(2)
    const depth = p.gauge('queue.depth')
    depth.set(7)
    depth.dec(2)
    const parse = p.histogram('extract.ms', { labels: { stage: 'parse' } })
    expect(p.histogram('extract.ms', { labels: { stage: 'parse' } })).toBe(parse)
    parse.record(4)
    p.histogram('extract.ms', { labels: { stage: 'render' } }).record(9)
    const snapshot = p.snapshot()
    expect(snapshot.counters).toEqual([{ name: 'cache.hits', labels: {}, value: 3 }])
    expect(snapshot.gauges).toEqual([{ name: 'queue.depth', labels: {}, value: 5 }])
    expect(snapshot.histograms.map((h) => [h.labels.stage, h.count, h.max])).toEqual([
      ['parse', 1, 4],
      ['render', 1, 9],
    ])
  })

  it('derives hit ratios from X.hits and X.misses counters', () => {
    const p = createProfiler()
    p.counter('cache.hits', { labels: { tier: 'memory' } }).inc(6)
    p.counter('cache.hits', { labels: { tier: 'disk' } }).inc(2)
    p.counter('cache.misses', { labels: { tier: 'disk' } }).inc(2)
    expect(p.snapshot().hitRatios).toEqual([{ name: 'cache', hits: 8, misses: 2, ratio: 0.8 }])
  })

  it('derives hit ratios from metrics labelled outcome="hit" | "miss" and keeps them on the timeline', () => {
    const p = createProfiler()
    p.record('mx_cache_lookup_ms', 0.2, { outcome: 'hit', tier: 'memory' })
    p.record('mx_cache_lookup_ms', 0.3, { outcome: 'hit', tier: 'disk' })
    p.record('mx_cache_lookup_ms', 4, { outcome: 'miss' })
    p.record('mx_cache_lookup_ms', 0.1, { outcome: 'hit', tier: 'memory' })
    expect(p.snapshot().hitRatios).toEqual([
      { name: 'mx_cache_lookup_ms', hits: 3, misses: 1, ratio: 0.75 },
    ])
    expect(p.tick().hitRatios).toEqual({ mx_cache_lookup_ms: 0.75 })
  })

  it('serves as the { record(name, value) } sink other packages accept', () => {
    const p = createProfiler()
    p.record('cache.get.ms', 2)
    p.record('cache.get.ms', 4)
    expect(p.snapshot().histograms[0]).toMatchObject({ name: 'cache.get.ms', count: 2, sum: 6 })
  })

  it('accepts the varying label sets of a { record(name, value, labels) } sink caller', () => {
    const p = createProfiler()
    p.record('mx_cache_error', 1, { operation: 'get' })
    p.record('mx_cache_error', 1, { operation: 'get', tier: 'redis' })
    p.record('mx_cache_error', 1, { operation: 'get' })
    p.record('mx_cache_error', 1)
    const series = p.snapshot().histograms.map((h) => [h.labels, h.count])
    expect(series).toEqual([
      [{ operation: 'get', tier: '' }, 2],
      [{ operation: 'get', tier: 'redis' }, 1],
      [{ operation: '', tier: '' }, 1],
    ])
    expect(p.toPrometheus()).toContain('mx_cache_error_count{operation="get",tier="redis"} 1\n')
  })

  it('exposes a flat metrics map with p95 and labelled metrics aggregated under their name', () => {
    const p = createProfiler()
    p.counter('jobs', { labels: { queue: 'a' } }).inc(2)
    p.counter('jobs', { labels: { queue: 'b' } }).inc(3)
    p.gauge('queue.depth').set(4)
    const parse = p.histogram('extract.ms', { labels: { stage: 'parse' } })
    const render = p.histogram('extract.ms', { labels: { stage: 'render' } })
    for (let i = 1; i <= 100; i++) {
      parse.record(i)
      render.record(100 + i)
    }
    const { metrics } = p.snapshot()
    expect(metrics.jobs).toEqual({ value: 5 })
    expect(metrics['jobs{queue="a"}']).toEqual({ value: 2, labels: { queue: 'a' } })
    expect(metrics['queue.depth']).toEqual({ value: 4 })
    expect(metrics['extract.ms']).toMatchObject({ count: 200, min: 1, max: 200 })
    expect(Math.abs((metrics['extract.ms']?.p95 ?? 0) - 190) / 190).toBeLessThanOrEqual(0.01)
    expect(
      Math.abs((metrics['extract.ms{stage="parse"}']?.p95 ?? 0) - 95) / 95,
    ).toBeLessThanOrEqual(0.01)
    expect(metrics['extract.ms{stage="parse"}']?.labels).toEqual({ stage: 'parse' })
  })

  it('rejects invalid metric names with MX_PROFILER_INVALID_METRIC_NAME', () => {
    const p = createProfiler()
    for (const name of ['', '1abc', 'has space', 'dash-ed']) {
      const error = thrown(() => p.counter(name))
      expect(error).toBeInstanceOf(InvalidMetricNameError)
      expect(error).toMatchObject({ code: 'MX_PROFILER_INVALID_METRIC_NAME', metric: name })
    }
  })

  it('rejects invalid label names, reserved labels and a changed label set with MX_PROFILER_INVALID_LABEL', () => {
    const p = createProfiler()
    expect(thrown(() => p.counter('a', { labels: { 'bad-name': 'x' } }))).toBeInstanceOf(
      InvalidLabelError,
    )
    expect(thrown(() => p.counter('a', { labels: { __reserved: 'x' } }))).toMatchObject({
      code: 'MX_PROFILER_INVALID_LABEL',
    })
    expect(thrown(() => p.histogram('h', { labels: { quantile: '1' } }))).toMatchObject({
      label: 'quantile',
    })
    p.counter('b', { labels: { tier: 'memory' } })
    const error = thrown(() => p.counter('b', { labels: { region: 'eu' } }))
    expect(error).toBeInstanceOf(InvalidLabelError)
    expect((error as Error).message).toBe('metric "b" has labels [tier], got [region]')
  })

  it('refuses a name reused with another type with MX_PROFILER_METRIC_CONFLICT', () => {
    const p = createProfiler()
    p.counter('jobs')
    const error = thrown(() => p.gauge('jobs'))
    expect(error).toBeInstanceOf(MetricConflictError)
    expect((error as Error).message).toBe('metric "jobs" is a counter, not a gauge')
    p.counter('a.b')
    expect(thrown(() => p.counter('a_b'))).toMatchObject({ code: 'MX_PROFILER_METRIC_CONFLICT' })
  })

  it('rejects NaN and negative increments, and non-finite gauge values', () => {
    const p = createProfiler()
    expect(thrown(() => p.counter('c').inc(-1))).toBeInstanceOf(InvalidValueError)
    expect(thrown(() => p.counter('c').inc(Number.NaN))).toMatchObject({
      code: 'MX_PROFILER_INVALID_VALUE',
      metric: 'c',
    })
    expect(thrown(() => p.gauge('g').set(Number.NaN))).toBeInstanceOf(InvalidValueError)
    p.gauge('g').set(-3)
    expect(p.gauge('g').value).toBe(-3)
    expect(p.counter('c').value).toBe(0)
  })

  it('checks its options up front', () => {
    expect(thrown(() => createProfiler({ intervalMs: 0 }))).toBeInstanceOf(InvalidOptionError)
    expect((thrown(() => createProfiler({ timelineSize: 1.5 })) as Error).message).toBe(
      'timelineSize must be a positive integer, got 1.5',
    )
    expect(thrown(() => createProfiler({ prefix: 'bad-prefix' }))).toMatchObject({
      option: 'prefix',
    })
  })
})

describe('toPrometheus', () => {
  function sample() {
    const p = createProfiler({ prefix: 'mx_', collectRuntime: true })
    p.counter('cache.hits', { help: 'Cache hits\nby tier', labels: { tier: 'mem"ory' } }).inc(3)
    p.gauge('queue.depth').set(4)
    p.gauge('cache.hitRatio', { help: 'Hits over lookups' }).set(0.75)
    const h = p.histogram('extract.duration.seconds', { labels: { stage: 'parse' } })
    for (let i = 1; i <= 100; i++) h.record(i / 1000)
    // recorded in milliseconds (read from the name), exposed in seconds
    p.record('mx_cache_lookup_ms', 0.4, { tier: 'memory' })
    p.histogram('payload', { unit: 'bytes', help: 'Payload sizes' }).record(5000)
    return p
  }

  it('writes counters with _total, gauges, and histograms as classic histograms', () => {
    const p = sample()
    const text = p.toPrometheus()
    p.close()
    expect(text).toContain(
      '# HELP mx_cache_hits_total Cache hits\\nby tier\n# TYPE mx_cache_hits_total counter\n',
    )
    expect(text).toContain('mx_cache_hits_total{tier="mem\\"ory"} 3\n')
    expect(text).toContain('# TYPE mx_queue_depth gauge\nmx_queue_depth 4\n')
    expect(text).toContain('# TYPE mx_cache_hit_ratio gauge\nmx_cache_hit_ratio 0.75\n')
    expect(text).toContain('# TYPE mx_extract_duration_seconds histogram\n')
    expect(text).toContain('mx_extract_duration_seconds_bucket{stage="parse",le="0.05"} 50\n')
    expect(text).toContain('mx_extract_duration_seconds_bucket{stage="parse",le="+Inf"} 100\n')
    expect(text).toContain('mx_extract_duration_seconds_count{stage="parse"} 100\n')
    expect(text).toContain('mx_mx_cache_lookup_seconds_bucket{tier="memory",le="0.0005"} 1\n')
    expect(text).toContain('mx_mx_cache_lookup_seconds_sum{tier="memory"} 0.0004\n')
    expect(text).toContain(
      'mx_payload_bytes_bucket{le="4096"} 0\nmx_payload_bytes_bucket{le="16384"} 1\n',
    )
    expect(text).toContain('# TYPE mx_runtime_memory_rss_bytes gauge')
  })

  it('writes histograms as summaries on request, in base units too', () => {
    const p = sample()
    const text = p.toPrometheus({ histograms: 'summary' })
    p.close()
    expect(text).toContain('# TYPE mx_extract_duration_seconds summary\n')
    expect(text).toContain('mx_extract_duration_seconds{stage="parse",quantile="0.5"} 0.05')
    expect(text).toContain('mx_extract_duration_seconds_count{stage="parse"} 100\n')
    expect(text).toContain('mx_mx_cache_lookup_seconds{tier="memory",quantile="0.5"} 0.0004')
    expect(text).not.toContain('_bucket')
  })

  it('writes +Inf for a counter or a histogram sum that grew past the largest double', () => {
    const p = createProfiler()
    const counter = p.counter('bytes.total')
    counter.inc(Number.MAX_VALUE)
    counter.inc(Number.MAX_VALUE)
    const h = p.histogram('payload.bytes')
    h.record(Number.MAX_VALUE)
    h.record(Number.MAX_VALUE)
    const text = p.toPrometheus()
    p.close()
    expect(counter.value).toBe(Number.POSITIVE_INFINITY)
    expect(text).toContain('bytes_total +Inf\n')
    expect(text).toContain('payload_bytes_sum +Inf\n')
    expect(text).toContain('payload_bytes_count 2\n')
  })

  const promtool = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((path) => existsSync(path))
  it.runIf(promtool !== undefined || process.env.CI)(
    'is accepted by promtool check metrics',
    () => {
      const p = sample()
      const dir = tempDir()
      const file = join(dir.path, 'metrics.prom')
      writeFileSync(file, p.toPrometheus())
      p.close()
      const run = spawnSync('sh', ['-c', `${promtool ?? 'promtool'} check metrics < ${file}`], {
        encoding: 'utf8',
      })
      dir.remove()
      expect(run.stdout + run.stderr).toBe('')
      expect(run.status).toBe(0)
    },
  )
})
