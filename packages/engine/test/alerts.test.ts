import { createAlertManager, defaultRules } from '@mx/alerts'
import { manualClock } from '@mx/alerts/testing'
import { createProfiler } from '@mx/profiler'
import { describe, expect, it } from 'vitest'
import { type AlertView, createEngine } from '../src/index'
import { collect, doc, fixture } from './helpers'

describe('alerts', () => {
  it('evaluates the default rules against the engine profiler and lists the firing ones in report()', async () => {
    const profiler = createProfiler()
    const alerts = createAlertManager({
      source: profiler,
      clock: manualClock(),
      rules: defaultRules({
        errorRate: { threshold: 0.25, for: 0 },
        extractionLatency: { threshold: 1e9, for: 0 },
      }),
    })
    try {
      await using engine = createEngine({
        extractor: fixture('failing.mjs'),
        level: 'basic',
        profiler,
        alerts,
      })
      const fired: AlertView[] = []
      engine.on('alert', (alert) => fired.push(alert))
      await collect(
        engine.extractMany([doc('a'), { id: 'p', content: 'PARSE' }, { id: 'e', content: 'BOOM' }]),
      )
      const firing = await engine.evaluateAlerts()
      expect(firing).toEqual([{ rule: 'ExtractionErrorRateHigh', state: 'firing', value: 2 / 3 }])
      expect(engine.report().alerts).toEqual(firing)
      expect(fired.map((a) => a.rule)).toEqual(['ExtractionErrorRateHigh'])
      expect(profiler.snapshot().metrics['extract.duration']).toMatchObject({ count: 3 })
    } finally {
      await alerts.stop()
      profiler.close()
    }
  })

  it('builds its own alert manager over defaultRules at level enterprise', async () => {
    await using engine = createEngine({
      extractor: fixture('failing.mjs'),
      level: 'enterprise',
      workers: false,
    })
    await collect(engine.extractMany([doc('a'), { id: 'p', content: 'PARSE' }]))
    // The default error-rate rule holds for 2 minutes before firing: a short run leaves it pending.
    expect(await engine.evaluateAlerts()).toEqual([])
    const active = engine.slots.alerts
      ?.active()
      .map(({ rule, state, value }) => ({ rule, state, value }))
    expect(active).toContainEqual({ rule: 'ExtractionErrorRateHigh', state: 'pending', value: 0.5 })
  })
})
