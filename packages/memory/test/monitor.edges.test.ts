import { expectInvalidOption, thrown } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import {
  createMemoryMonitor,
  InvalidOptionError,
  type MemoryMonitorOptions,
  type PressureChange,
} from '../src/index'
import { manualClock } from './helpers/manual-clock'

/** A monitor on a 1000-byte budget sampled every 100ms, fed `series` (usage ratios). */
function seriesMonitor(series: number[], extra: MemoryMonitorOptions = {}) {
  const clock = manualClock()
  let index = 0
  const monitor = createMemoryMonitor({
    budget: 1000,
    interval: 100,
    gcStats: false,
    clock,
    readMemory: () => ({
      rss: Math.round((series[Math.min(index++, series.length - 1)] ?? 0) * 1000),
    }),
    ...extra,
  })
  return { clock, monitor }
}

describe('createMemoryMonitor: start and stop', () => {
  it('start() on a running monitor neither samples again nor arms a second timer', () => {
    const { clock, monitor } = seriesMonitor([0.1])
    expect(monitor.stats().samples).toBe(1)
    monitor.start()
    expect(monitor.stats().samples).toBe(1)
    expect(clock.pending()).toBe(1)
    clock.advance(100)
    expect(monitor.stats().samples).toBe(2)
    monitor.stop()
  })

  it('stops sampling when a level listener stops the monitor during a timer sample', () => {
    const { clock, monitor } = seriesMonitor([0.1, 0.9, 0.1])
    const seen: string[] = []
    monitor.on('level', (change) => {
      seen.push(change.level)
      monitor.stop()
    })
    clock.advance(100)
    expect(seen).toEqual(['critical'])
    expect(clock.pending()).toBe(0)
    clock.advance(1000)
    expect(monitor.stats()).toMatchObject({ samples: 2, level: 'critical' })
  })

  it('stop() twice is harmless and start() after stop() resumes sampling', () => {
    const { clock, monitor } = seriesMonitor([0.1])
    monitor.stop()
    monitor.stop()
    clock.advance(500)
    expect(monitor.stats().samples).toBe(1)
    monitor.start()
    expect(monitor.stats().samples).toBe(2)
    clock.advance(100)
    expect(monitor.stats().samples).toBe(3)
    monitor.stop()
    expect(clock.pending()).toBe(0)
  })
})

describe('createMemoryMonitor: pressure handlers', () => {
  it('does not run a handler after its unsubscribe, which may be called twice', async () => {
    const { clock, monitor } = seriesMonitor([0.1, 0.9])
    const calls: string[] = []
    const off = monitor.onPressure('moderate', () => {
      calls.push('removed')
    })
    monitor.onPressure('moderate', () => {
      calls.push('kept')
    })
    off()
    off()
    clock.advance(100)
    await monitor.idle()
    expect(calls).toEqual(['kept'])
    monitor.stop()
  })

  it('runs handlers of equal priority by level, then in registration order', async () => {
    const { clock, monitor } = seriesMonitor([0.1, 0.9])
    const calls: string[] = []
    const record = (name: string) => () => {
      calls.push(name)
    }
    monitor.onPressure('critical', record('critical first'))
    monitor.onPressure('moderate', record('moderate first'))
    monitor.onPressure('critical', record('critical second'))
    monitor.onPressure('moderate', record('moderate second'))
    monitor.onPressure('critical', record('urgent'), { priority: 1 })
    clock.advance(100)
    await monitor.idle()
    expect(calls).toEqual([
      'urgent',
      'moderate first',
      'moderate second',
      'critical first',
      'critical second',
    ])
    monitor.stop()
  })

  it('reports a relief that throws and still runs the other reliefs', async () => {
    const { clock, monitor } = seriesMonitor([0.1, 0.9, 0.1])
    const errors: { error: unknown; change: PressureChange }[] = []
    monitor.on('handlerError', (error, change) => errors.push({ error, change }))
    const calls: string[] = []
    monitor.onPressure('critical', () => () => {
      throw new Error('intake already open')
    })
    monitor.onPressure('moderate', () => () => {
      calls.push('caches regrow')
    })
    clock.advance(100)
    await monitor.idle()
    clock.advance(100)
    await monitor.idle()
    expect(calls).toEqual(['caches regrow'])
    expect(errors).toHaveLength(1)
    expect(errors[0]?.error).toEqual(new Error('intake already open'))
    expect(errors[0]?.change).toMatchObject({ previous: 'critical', level: 'normal' })
    expect(monitor.stats().handlerErrors).toBe(1)
    monitor.stop()
  })

  it('refuses a handler that is not a function', () => {
    const monitor = createMemoryMonitor({ autoStart: false, gcStats: false })
    expectInvalidOption(
      thrown(() => monitor.onPressure('critical', 'drop caches' as never)),
      InvalidOptionError,
      'handler',
      'handler must be a function, got string',
    )
  })
})

describe('createMemoryMonitor: option checks', () => {
  it('refuses a hysteresis that is not below levels.moderate', () => {
    expectInvalidOption(
      thrown(() =>
        createMemoryMonitor({ autoStart: false, levels: { moderate: 0.3 }, hysteresis: 0.4 }),
      ),
      InvalidOptionError,
      'hysteresis',
      'hysteresis must be below levels.moderate (0.3), got 0.4',
    )
  })

  it('refuses a hysteresis outside [0, 1)', () => {
    expectInvalidOption(
      thrown(() => createMemoryMonitor({ autoStart: false, hysteresis: -0.1 })),
      InvalidOptionError,
      'hysteresis',
      'hysteresis must be a ratio from 0 and below 1, got -0.1',
    )
  })

  it('accepts a hysteresis of 0', () => {
    const { monitor } = seriesMonitor([0.1], { autoStart: false, hysteresis: 0 })
    expect(monitor.sample().level).toBe('normal')
  })

  it('refuses a readMemory that is not a function', () => {
    expectInvalidOption(
      thrown(() => createMemoryMonitor({ autoStart: false, readMemory: {} as never })),
      InvalidOptionError,
      'readMemory',
      'readMemory must be a function',
    )
  })
})
