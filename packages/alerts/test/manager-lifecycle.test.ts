import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { thrown } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import {
  callbackSink,
  createAlertManager,
  ExprFailedError,
  ManagerStoppedError,
  type MetricsSnapshot,
  type Notification,
  type Rule,
} from '../src/index'
import { manualClock, recordEvents, recordingSink, scriptedSource } from './helpers'

/** A source whose snapshot() stays pending until the test settles it. */
function gatedSource() {
  const calls: Array<{
    resolve: (snapshot: MetricsSnapshot) => void
    reject: (error: unknown) => void
  }> = []
  return {
    calls,
    snapshot: () =>
      new Promise<MetricsSnapshot>((resolve, reject) => void calls.push({ resolve, reject })),
  }
}

/** Resolves once `items` holds `count` entries (event-loop turns, no timers). */
async function until(items: unknown[], count: number) {
  while (items.length < count) await new Promise((resolve) => setImmediate(resolve))
}

describe('manager after stop()', () => {
  it('refuses evaluate, start and silence with MX_ALERT_MANAGER_STOPPED, and a second stop is a no-op', async () => {
    const clock = manualClock(0)
    const manager = createAlertManager({
      source: scriptedSource({ q: 1 }),
      clock,
      rules: [{ name: 'Q', metric: 'q', op: '>', threshold: 0 }],
    })
    await manager.stop()
    await expect(manager.evaluate()).rejects.toMatchObject({
      code: 'MX_ALERT_MANAGER_STOPPED',
      message: 'cannot evaluate: the alert manager is stopped',
    })
    const start = thrown(() => manager.start())
    expect(start).toBeInstanceOf(ManagerStoppedError)
    expect(start).toMatchObject({
      code: 'MX_ALERT_MANAGER_STOPPED',
      context: { operation: 'start' },
    })
    const silence = thrown(() => manager.silence({ matchers: { a: 'b' }, endsAt: 1000 }))
    expect(silence).toMatchObject({
      code: 'MX_ALERT_MANAGER_STOPPED',
      message: 'cannot silence: the alert manager is stopped',
    })
    await expect(manager.stop()).resolves.toBeUndefined()
    expect(clock.pending()).toBe(0)
  })

  it('schedules a single evaluation loop when start() is called twice', async () => {
    const clock = manualClock(0)
    const snapshots: number[] = []
    const manager = createAlertManager({
      source: {
        snapshot: () => {
          snapshots.push(clock.now())
          return { metrics: { q: 1 } }
        },
      },
      clock,
      interval: '10s',
      rules: [{ name: 'Q', metric: 'q', op: '>', threshold: 5 }],
    })
    manager.start()
    manager.start()
    expect(clock.pending()).toBe(1)
    await clock.advance(20_000)
    expect(snapshots).toEqual([0, 10_000, 20_000])
    expect(clock.pending()).toBe(1)
    await manager.stop()
    expect(clock.pending()).toBe(0)
  })

  it('finishes an evaluation in flight during stop() and leaves no group timer behind', async () => {
    const clock = manualClock(0)
    const source = gatedSource()
    const { received, sink } = recordingSink()
    const manager = createAlertManager({
      source,
      clock,
      sinks: [sink],
      route: { groupWait: 0, groupInterval: '1m' },
      rules: [{ name: 'Q', metric: 'q', op: '>', threshold: 0 }],
    })
    const evaluation = manager.evaluate()
    await until(source.calls, 1)
    const stopped = manager.stop()
    source.calls[0]?.resolve({ metrics: { q: 5 } })
    const result = await evaluation
    await stopped
    expect(result.notifications.map((n) => n.status)).toEqual(['firing'])
    expect(received.map((n) => n.groupKey)).toEqual(['{}:{alertname="Q"}'])
    // Without stop(), the group would now wait for its next groupInterval on the clock.
    expect(clock.pending()).toBe(0)
  })
})

describe('concurrent evaluations', () => {
  it('runs evaluations one after the other, each on its own snapshot', async () => {
    const clock = manualClock(0)
    const source = gatedSource()
    const manager = createAlertManager({
      source,
      clock,
      snapshotTimeout: 0,
      rules: [{ name: 'Q', metric: 'q', op: '>', threshold: 10 }],
    })
    const events = recordEvents(manager)
    const first = manager.evaluate()
    const second = manager.evaluate()
    await until(source.calls, 1)
    // The second evaluation has not asked for its snapshot while the first one is running.
    await new Promise((resolve) => setImmediate(resolve))
    expect(source.calls).toHaveLength(1)
    source.calls[0]?.resolve({ metrics: { q: 50 } })
    expect((await first).transitions.map((t) => `${t.from}>${t.to}`)).toEqual(['inactive>firing'])
    await until(source.calls, 2)
    source.calls[1]?.resolve({ metrics: { q: 1 } })
    expect((await second).transitions.map((t) => `${t.from}>${t.to}`)).toEqual(['firing>resolved'])
    expect(events).toEqual(['Q:firing', 'Q:resolved'])
    await manager.stop()
  })
})

describe('evaluation failures of unusual shapes', () => {
  const rule = (expr: Rule['expr']): Rule => ({ name: 'E', expr, op: '>', threshold: 1 })

  it('puts a rule whose expr throws a string into error with that string as the reason', async () => {
    const manager = createAlertManager({
      source: scriptedSource(),
      clock: manualClock(0),
      rules: [
        rule(() => {
          throw 'not an Error'
        }),
      ],
    })
    const exprErrors: ExprFailedError[] = []
    manager.on('exprError', (error) => void exprErrors.push(error))
    await manager.evaluate()
    expect(manager.alerts()[0]).toMatchObject({
      state: 'error',
      error: 'rule "E": expr failed: not an Error',
    })
    expect(exprErrors).toHaveLength(1)
    expect(exprErrors[0]).toMatchObject({ code: 'MX_ALERT_EXPR_FAILED', cause: 'not an Error' })
    await manager.stop()
  })

  it('puts a rule whose expr throws a null-prototype object into error instead of rejecting', async () => {
    const thrownValue = Object.create(null)
    const manager = createAlertManager({
      source: scriptedSource(),
      clock: manualClock(0),
      rules: [
        rule(() => {
          throw thrownValue
        }),
      ],
    })
    const exprErrors: ExprFailedError[] = []
    manager.on('exprError', (error) => void exprErrors.push(error))
    const result = await manager.evaluate()
    expect(result.transitions.map((t) => t.to)).toEqual(['error'])
    expect(manager.alerts()[0]?.error).toBe('rule "E": expr failed: an object')
    expect(exprErrors[0]).toBeInstanceOf(ExprFailedError)
    expect(exprErrors[0]?.cause).toBe(thrownValue)
    await manager.stop()
  })

  it('puts every rule in error when the source throws a null-prototype object or a string', async () => {
    let failure: unknown = Object.create(null)
    const manager = createAlertManager({
      source: {
        snapshot() {
          throw failure
        },
      },
      clock: manualClock(0),
      rules: [{ name: 'Q', metric: 'q', op: '>', threshold: 1 }],
    })
    await expect(manager.evaluate()).resolves.toMatchObject({ transitions: [{ to: 'error' }] })
    expect(manager.alerts()[0]?.error).toBe('source.snapshot() failed: an object')
    failure = 'offline'
    await manager.evaluate()
    expect(manager.alerts()[0]?.error).toBe('source.snapshot() failed: offline')
    await manager.stop()
  })

  it('puts rules in error when an async source rejects before snapshotTimeout', async () => {
    const clock = manualClock(0)
    const source = gatedSource()
    const manager = createAlertManager({
      source,
      clock,
      snapshotTimeout: '5s',
      rules: [{ name: 'Q', metric: 'q', op: '>', threshold: 1 }],
    })
    const evaluation = manager.evaluate()
    await until(source.calls, 1)
    source.calls[0]?.reject(new Error('connection reset'))
    await evaluation
    expect(manager.alerts()[0]).toMatchObject({
      state: 'error',
      error: 'source.snapshot() failed: connection reset',
    })
    // The snapshot timer was cleared, not left to fire later.
    expect(clock.pending()).toBe(0)
    await manager.stop()
  })
})

describe('history', () => {
  it('keeps only the last historyLimit transitions', async () => {
    const source = scriptedSource({ q: 50 })
    const clock = manualClock(0)
    const manager = createAlertManager({
      source,
      clock,
      historyLimit: 2,
      rules: [{ name: 'Q', metric: 'q', op: '>', threshold: 10 }],
    })
    for (const [at, value] of [
      [0, 50],
      [1000, 0],
      [2000, 50],
      [3000, 0],
      [4000, 50],
    ] as const) {
      clock.set(at)
      source.set('q', value)
      await manager.evaluate()
    }
    expect(manager.history().map((t) => [t.at, t.from, t.to])).toEqual([
      [3000, 'firing', 'resolved'],
      [4000, 'resolved', 'firing'],
    ])
    await manager.stop()
  })
})

describe('notifications', () => {
  it('publishes every notification on the mx:alerts:notification diagnostics channel', async () => {
    const published: Notification[] = []
    const listener = (message: unknown) => void published.push(message as Notification)
    subscribe('mx:alerts:notification', listener)
    try {
      const manager = createAlertManager({
        source: scriptedSource({ q: 50 }),
        clock: manualClock(0),
        route: { groupWait: 0 },
        rules: [{ name: 'Q', metric: 'q', op: '>', threshold: 10 }],
      })
      const result = await manager.evaluate()
      await manager.stop()
      expect(published).toHaveLength(1)
      expect(published[0]).toBe(result.notifications[0])
      expect(published[0]?.groupKey).toBe('{}:{alertname="Q"}')
    } finally {
      unsubscribe('mx:alerts:notification', listener)
    }
  })

  it('drops the oldest queued notification of a busy sink past maxQueuedNotifications and reports it', async () => {
    let release: () => void = () => undefined
    const blocked = new Promise<void>((resolve) => {
      release = resolve
    })
    const sent: string[] = []
    const sink = callbackSink(
      async (n) => {
        sent.push(n.groupLabels.alertname ?? '')
        if (sent.length === 1) await blocked
      },
      { name: 'slow' },
    )
    const source = scriptedSource({ a: 50 })
    const clock = manualClock(0)
    const manager = createAlertManager({
      source,
      clock,
      sinks: [sink],
      maxQueuedNotifications: 1,
      route: { groupWait: 0 },
      rules: ['a', 'b', 'c', 'd'].map((metric) => ({
        name: metric.toUpperCase(),
        metric,
        op: '>' as const,
        threshold: 10,
      })),
    })
    const failures: Array<{ error: unknown; group: string; sink: string }> = []
    manager.on(
      'sinkError',
      (error, n, sinkName) =>
        void failures.push({ error, group: n.groupLabels.alertname ?? '', sink: sinkName }),
    )
    await manager.evaluate()
    await until(sent, 1)
    for (const metric of ['b', 'c', 'd']) source.set(metric, 50)
    clock.set(1000)
    const second = await manager.evaluate()
    expect(second.notifications.map((n) => n.groupLabels.alertname)).toEqual(['B', 'C', 'D'])
    release()
    await manager.stop()
    // A was already being sent; B and C were pushed out of the one-slot queue by newer ones.
    expect(sent).toEqual(['A', 'D'])
    expect(failures.map((f) => [f.group, f.sink])).toEqual([
      ['B', 'slow'],
      ['C', 'slow'],
    ])
    expect(failures[0]?.error).toMatchObject({
      code: 'MX_ALERT_SINK_FAILED',
      attempts: 0,
      message: 'sink slow: queue full, dropped the oldest notification',
    })
  })
})
