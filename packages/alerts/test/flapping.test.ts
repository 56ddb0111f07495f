import { describe, expect, it } from 'vitest'
import { createAlertManager } from '../src/index'
import { manualClock, recordEvents, recordingSink, scriptedSource } from './helpers'

describe('flap detection', () => {
  it('marks an alert flapping after too many changes in the window and holds notifications until stable', async () => {
    const clock = manualClock(0)
    const source = scriptedSource({ load: 0 })
    const { received, sink } = recordingSink()
    const manager = createAlertManager({
      source,
      clock,
      sinks: [sink],
      rules: [{ name: 'Load', metric: 'load', op: '>', threshold: 1 }],
      route: { groupWait: 0, groupInterval: '10s', repeatInterval: '1h' },
      flap: { window: '2m', maxChanges: 4, stableFor: '1m' },
    })
    const events = recordEvents(manager)
    const at = async (s: number, value: number) => {
      source.set('load', value)
      clock.set(s * 1000)
      await manager.evaluate()
      await new Promise((resolve) => setImmediate(resolve))
    }
    await at(0, 5) // firing (change 1) → notified
    await at(10, 0) // resolved (2) → notified
    await at(20, 5) // firing (3) → notified
    await at(30, 0) // resolved (4) → flapping, held
    expect(manager.alerts()[0]).toMatchObject({ state: 'resolved', flapping: true })
    await at(40, 5) // firing, held
    await at(50, 0) // resolved, held
    expect(received.map((n) => n.status)).toEqual(['firing', 'resolved', 'firing'])
    await at(100, 0)
    expect(manager.alerts()[0]?.flapping).toBe(true)
    await at(110, 0) // a minute without change: stable, and the settled state (resolved) is routed
    expect(manager.alerts()[0]).toMatchObject({ state: 'resolved', flapping: false })
    expect(events.filter((e) => e.endsWith('flapping') || e.endsWith('stable'))).toEqual([
      'Load:flapping',
      'Load:stable',
    ])
    expect(received.map((n) => `${n.timestamp / 1000}s ${n.status}`)).toEqual([
      '0s firing',
      '10s resolved',
      '20s firing',
      '110s resolved',
    ])
  })

  it('does not detect flapping when disabled for the rule', async () => {
    const clock = manualClock(0)
    const source = scriptedSource({ load: 0 })
    const manager = createAlertManager({
      source,
      clock,
      rules: [{ name: 'Load', metric: 'load', op: '>', threshold: 1, flap: false }],
      flap: { window: '2m', maxChanges: 2 },
    })
    for (let i = 0; i < 10; i++) {
      source.set('load', i % 2 ? 0 : 5)
      clock.set(i * 1000)
      await manager.evaluate()
    }
    expect(manager.alerts()[0]?.flapping).toBe(false)
  })
})
