import { describe, expect, it } from 'vitest'
import { defaultRules, type Rule } from '../src/index'
import { expandSeries, testRules } from '../src/testing'

const rules: Rule[] = [
  {
    name: 'CacheHitRatioLow',
    metric: 'cache.hitRatio',
    op: '<',
    threshold: 0.8,
    resolveThreshold: 0.85,
    for: '2m',
    severity: 'warning',
    labels: { team: 'x' },
    annotations: { summary: 'hit ratio {{ $value }}' },
  },
]

describe('expandSeries', () => {
  it('expands promtool notation', () => {
    expect(expandSeries('m', '1+1x3 _ 5x2 10-2x2 _x2')).toEqual([
      1,
      2,
      3,
      4,
      undefined,
      5,
      5,
      5,
      10,
      8,
      6,
      undefined,
      undefined,
    ])
  })

  it('rejects what it cannot read, naming the series', () => {
    expect(() => expandSeries('cache.hitRatio', '1 two 3')).toThrow(
      expect.objectContaining({
        code: 'MX_INVALID_OPTION',
        option: 'series.cache.hitRatio',
        message: 'series cache.hitRatio: cannot read "two"',
      }),
    )
  })
})

describe('testRules', () => {
  it('passes when the alerts match the expectations at each time', async () => {
    const result = await testRules(
      rules,
      { interval: '1m', series: { 'cache.hitRatio': '0.9 0.7x3 0.82 0.9' } },
      [
        { at: '1m', alertname: 'CacheHitRatioLow', alerts: [] },
        {
          at: '1m',
          alertname: 'CacheHitRatioLow',
          state: 'pending',
          alerts: [{ labels: { team: 'x' } }],
        },
        {
          at: '3m',
          alertname: 'CacheHitRatioLow',
          alerts: [{ labels: { severity: 'warning' }, annotations: { summary: 'hit ratio 0.7' } }],
        },
        // Hysteresis: 0.82 is above the threshold but below resolveThreshold, so it keeps firing.
        { at: '5m', alertname: 'CacheHitRatioLow', alerts: [{}] },
        { at: '6m', alertname: 'CacheHitRatioLow', state: 'resolved', alerts: [{}] },
      ],
    )
    expect(result).toEqual({ ok: true, failures: [] })
  })

  it('reports each mismatch with the time and alert name', async () => {
    const result = await testRules(rules, { series: { 'cache.hitRatio': [0.9, 0.7, 0.7, 0.7] } }, [
      { at: '1m', alertname: 'CacheHitRatioLow', alerts: [{}] },
      {
        at: '3m',
        alertname: 'CacheHitRatioLow',
        alerts: [{ annotations: { summary: 'hit ratio 0.5' } }],
      },
    ])
    expect(result.ok).toBe(false)
    expect(result.failures).toEqual([
      { at: 60_000, alertname: 'CacheHitRatioLow', message: 'expected 1 firing alert(s), got 0' },
      {
        at: 180_000,
        alertname: 'CacheHitRatioLow',
        message: expect.stringContaining(
          'no firing alert matches {"annotations":{"summary":"hit ratio 0.5"}}',
        ),
      },
    ])
  })

  it('checks the built-in rules: queue depth growing needs sustained growth', async () => {
    const result = await testRules(
      defaultRules({ queueDepth: { window: '5m', minGrowth: 100, for: '2m' } }),
      {
        interval: '1m',
        series: { 'queue.depth': '0+50x10', 'memory.heapUsedRatio': '0.5 0.95x3' },
      },
      [
        { at: '3m', alertname: 'QueueDepthGrowing', state: 'pending', alerts: [{}] },
        {
          at: '5m',
          alertname: 'QueueDepthGrowing',
          alerts: [{ annotations: { summary: 'Queue depth grew by 250 within the window' } }],
        },
        {
          at: '1m',
          alertname: 'MemoryPressureCritical',
          state: 'pending',
          alerts: [{ labels: { severity: 'critical' } }],
        },
        {
          at: '2m',
          alertname: 'MemoryPressureCritical',
          alerts: [{ annotations: { summary: 'Heap usage is 95% of the limit' } }],
        },
        { at: '2m', alertname: 'CacheHitRatioLow', state: 'nodata', alerts: [{}] },
      ],
    )
    expect(result).toEqual({ ok: true, failures: [] })
  })
})
