import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { describe, expect, it } from 'vitest'
import {
  createMemoryMonitor,
  forceGc,
  observeGc,
  type PressureChange,
  type PressureLevel,
} from '../src/index'
import { flush, manualClock } from './helpers/manual-clock'

const MB = 1024 ** 2

/** A monitor on a 1000-byte budget fed `series` (usage ratios), one value per sample. */
function syntheticMonitor(series: number[], extra: Parameters<typeof createMemoryMonitor>[0] = {}) {
  const clock = manualClock()
  let index = 0
  const monitor = createMemoryMonitor({
    budget: 1000,
    interval: '500ms',
    levels: { moderate: 0.7, critical: 0.85 },
    hysteresis: 0.05,
    gcStats: false,
    clock,
    readMemory: () => ({
      rss: Math.round((series[Math.min(index++, series.length - 1)] ?? 0) * 1000),
    }),
    ...extra,
  })
  const changes: string[] = []
  monitor.on('level', (change) => changes.push(`${change.previous}->${change.level}`))
  return { clock, monitor, changes }
}

describe('createMemoryMonitor', () => {
  it('changes level with hysteresis on a synthetic memory series driven by the clock', () => {
    const series = [0.5, 0.69, 0.71, 0.68, 0.66, 0.64, 0.72, 0.86, 0.84, 0.81, 0.79, 0.5]
    const { clock, monitor, changes } = syntheticMonitor(series)
    const levels: PressureLevel[] = [monitor.level()]
    for (let i = 1; i < series.length; i++) {
      clock.advance(500)
      levels.push(monitor.level())
    }
    expect(levels).toEqual([
      'normal',
      'normal',
      'moderate',
      'moderate',
      'moderate',
      'normal',
      'moderate',
      'critical',
      'critical',
      'critical',
      'moderate',
      'normal',
    ])
    expect(changes).toEqual([
      'normal->moderate',
      'moderate->normal',
      'normal->moderate',
      'moderate->critical',
      'critical->moderate',
      'moderate->normal',
    ])
    expect(monitor.stats().samples).toBe(12)
    monitor.stop()
  })

  it('never flaps while usage oscillates around a threshold', () => {
    const series = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 0.69 : 0.71))
    const { clock, monitor, changes } = syntheticMonitor(series)
    clock.advance(500 * 40)
    expect(changes).toEqual(['normal->moderate'])
    expect(monitor.stats().levelChanges).toBe(1)
    monitor.stop()
  })

  it('runs pressure handlers by priority and their relief when pressure falls', async () => {
    const { clock, monitor } = syntheticMonitor([0.1, 0.9, 0.9, 0.72, 0.2])
    const calls: string[] = []
    monitor.onPressure('critical', () => {
      calls.push('pause intake')
      return () => calls.push('resume intake')
    })
    monitor.onPressure(
      'moderate',
      async () => {
        await Promise.resolve()
        calls.push('shrink caches')
      },
      { priority: 10 },
    )
    monitor.onPressure(
      'moderate',
      () => {
        calls.push('shrink pools')
      },
      { priority: 5 },
    )
    clock.advance(500)
    await monitor.idle()
    expect(calls).toEqual(['shrink caches', 'shrink pools', 'pause intake'])
    clock.advance(500)
    clock.advance(500)
    await monitor.idle()
    expect(calls.at(-1)).toBe('resume intake')
    clock.advance(500)
    await monitor.idle()
    expect(calls).toHaveLength(4)
    monitor.stop()
  })

  it('reports a throwing handler and still runs the next ones', async () => {
    const { clock, monitor } = syntheticMonitor([0.1, 0.95])
    const errors: unknown[] = []
    monitor.on('handlerError', (error) => errors.push(error))
    let ran = false
    monitor.onPressure(
      'critical',
      () => {
        throw new Error('cache gone')
      },
      { priority: 1 },
    )
    monitor.onPressure('critical', () => {
      ran = true
    })
    clock.advance(500)
    await monitor.idle()
    expect(errors).toEqual([new Error('cache gone')])
    expect(ran).toBe(true)
    expect(monitor.stats().handlerErrors).toBe(1)
    monitor.stop()
  })

  it('publishes level changes on the mx:memory:pressure diagnostics channel', () => {
    const seen: string[] = []
    const listener = (message: unknown) => seen.push((message as PressureChange).level)
    subscribe('mx:memory:pressure', listener)
    try {
      const { clock, monitor } = syntheticMonitor([0.1, 0.9, 0.9, 0.1])
      clock.advance(1500)
      monitor.stop()
    } finally {
      unsubscribe('mx:memory:pressure', listener)
    }
    expect(seen).toEqual(['critical', 'normal'])
  })

  it('survives a memory reader that throws during a timer sample', () => {
    const clock = manualClock()
    let calls = 0
    const monitor = createMemoryMonitor({
      budget: 1000,
      interval: 100,
      gcStats: false,
      clock,
      autoStart: false,
      readMemory: () => {
        calls++
        if (calls === 2) throw new Error('procfs unavailable')
        return { rss: 900 }
      },
    })
    const errors: unknown[] = []
    monitor.on('sampleError', (error) => errors.push(error))
    monitor.start()
    clock.advance(200)
    expect(errors).toEqual([new Error('procfs unavailable')])
    expect(monitor.stats()).toMatchObject({ samples: 2, sampleErrors: 1, level: 'critical' })
    monitor.stop()
  })

  it('counts bytes accounted per consumer against the budget', () => {
    const { monitor } = syntheticMonitor([0.1], { autoStart: false })
    monitor.account('cache', 500)
    monitor.account('parsers', '300b')
    monitor.account('cache', 600)
    expect(monitor.sample()).toMatchObject({
      accounted: 900,
      consumers: { cache: 600, parsers: 300 },
      level: 'critical',
      source: 'accounted',
      available: 100,
    })
    monitor.account('parsers', 0)
    expect(monitor.stats().consumers).toEqual({ cache: 600 })
  })

  it('treats a heap close to the V8 limit as pressure even when rss is small', () => {
    const { monitor } = syntheticMonitor([0.1], {
      autoStart: false,
      readMemory: () => ({ rss: 100, heapUsed: 90 * MB, heapLimit: 100 * MB }),
    })
    expect(monitor.sample()).toMatchObject({ level: 'critical', source: 'heap' })
  })

  it('samples real process memory and counts garbage collections', async () => {
    const monitor = createMemoryMonitor({ budget: '64gb', interval: '1h' })
    for (let attempt = 0; attempt < 100 && !monitor.stats().gc?.byKind.major.count; attempt++) {
      forceGc()
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    const stats = monitor.sample()
    expect(stats.reading.rss).toBeGreaterThan(1 * MB)
    expect(stats.reading.heapUsed).toBeGreaterThan(0)
    expect(stats.reading.heapLimit).toBeGreaterThan(stats.reading.heapUsed)
    expect(stats.gc?.byKind.major.count).toBeGreaterThanOrEqual(1)
    monitor.stop()
    await flush()
  })

  it('observeGc() counts forced major collections on its own', async () => {
    const gc = observeGc()
    for (let attempt = 0; attempt < 100 && gc.stats().byKind.major.count === 0; attempt++) {
      forceGc()
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    gc.stop()
    const stats = gc.stats()
    expect(stats.byKind.major.count).toBeGreaterThanOrEqual(1)
    expect(stats.count).toBeGreaterThanOrEqual(stats.byKind.major.count)
    expect(stats.totalPause).toBeGreaterThan(0)
  })

  it('validates its options with exact messages', () => {
    expect(() => createMemoryMonitor({ budget: '1 potato' })).toThrow(
      "budget must be a positive size in bytes or a string such as '512mb' or '1gb', got \"1 potato\"",
    )
    expect(() => createMemoryMonitor({ interval: 0 })).toThrow(
      "interval must be a positive duration in milliseconds or a string such as '500ms' or '5m', got 0",
    )
    expect(() => createMemoryMonitor({ levels: { moderate: 0.9, critical: 0.8 } })).toThrow(
      'levels.critical must be above levels.moderate (0.9), got 0.8',
    )
    expect(() => createMemoryMonitor({ levels: { critical: 1.2 } })).toThrow(
      'levels.critical must be a ratio above 0 and below 1, got 1.2',
    )
    const monitor = createMemoryMonitor({ autoStart: false })
    expect(() => monitor.account('cache', -1)).toThrow(
      "bytes must be a non-negative size in bytes or a string such as '512mb' or '1gb', got -1",
    )
  })
})
