import { describe, expect, it } from 'vitest'
import { createAlertManager, defaultRules, validateRules } from '../src/index'
import { manualClock } from './helpers'

describe('defaultRules', () => {
  it('ships the seven rules of an extraction pipeline, all valid', () => {
    const rules = defaultRules({ labels: { team: 'search' } })
    expect(rules.map((r) => r.name)).toEqual([
      'CacheHitRatioLow',
      'ExtractionLatencyHigh',
      'ExtractionErrorRateHigh',
      'MemoryPressureCritical',
      'EventLoopDelayHigh',
      'BenchmarkRegression',
      'QueueDepthGrowing',
    ])
    expect(rules.every((r) => r.labels?.team === 'search')).toBe(true)
    expect(() => validateRules(rules)).not.toThrow()
  })

  it('lets each rule be tuned or left out', () => {
    const rules = defaultRules({
      cacheHitRatio: { threshold: 0.95, metric: 'l1.hitRatio' },
      benchmarkRegression: false,
      queueDepth: false,
    })
    expect(rules.map((r) => r.name)).not.toContain('BenchmarkRegression')
    const tuned = rules.find((r) => r.name === 'CacheHitRatioLow')
    expect(tuned).toMatchObject({ metric: 'l1.hitRatio', threshold: 0.95 })
    // The default resolveThreshold (0.85) would not fit a 0.95 threshold, so it is dropped.
    expect(tuned?.resolveThreshold).toBeUndefined()
    expect(() => validateRules(rules)).not.toThrow()
  })

  it('fires on a profiler-shaped snapshot', async () => {
    const manager = createAlertManager({
      clock: manualClock(),
      rules: defaultRules({ extractionLatency: { for: 0 }, eventLoopDelay: { for: 0 } }),
      source: {
        snapshot: () => ({
          metrics: {
            'cache.hitRatio': 0.95,
            'extract.duration': { count: 100, p50: 300, p95: 2600, p99: 4000 },
            'eventLoop.delay': { p99: 20 },
            'bench.regression': 1.25,
          },
        }),
      },
    })
    await manager.evaluate()
    const firing = manager.active().filter((a) => a.state === 'firing')
    expect(firing.map((a) => [a.rule, a.annotations.summary])).toEqual([
      ['ExtractionLatencyHigh', 'p95 extraction latency is 2600 ms'],
      ['BenchmarkRegression', 'A benchmark is 1.25x its baseline'],
    ])
  })
})
