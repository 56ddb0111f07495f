import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { describe, expect, it } from 'vitest'
import { createAlertManager, type Rule, type Transition } from '../src/index'
import { manualClock, recordEvents, scriptedSource } from './helpers'

const hitRatio: Rule = {
  name: 'CacheHitRatioLow',
  metric: 'cache.hitRatio',
  op: '<',
  threshold: 0.8,
  for: '30s',
  severity: 'warning',
  annotations: { summary: 'hit ratio {{ $value }}' },
}

function setup(
  rule: Partial<Rule> = {},
  initial: Record<string, number | undefined> = { 'cache.hitRatio': 0.9 },
) {
  const clock = manualClock(0)
  const source = scriptedSource(initial)
  const manager = createAlertManager({
    source,
    rules: [{ ...hitRatio, ...rule }],
    clock,
    flap: false,
  })
  const events = recordEvents(manager)
  const at = async (seconds: number, value?: number) => {
    if (value !== undefined) source.set('cache.hitRatio', value)
    clock.set(seconds * 1000)
    return manager.evaluate()
  }
  return { clock, source, manager, events, at }
}

describe('alert state machine', () => {
  it('goes inactive → pending → firing only after the condition held for `for`', async () => {
    const { manager, events, at } = setup()
    await at(0)
    expect(manager.active()).toEqual([])
    await at(10, 0.5)
    expect(manager.active()[0]).toMatchObject({ state: 'pending', activeAt: 10_000, value: 0.5 })
    await at(30, 0.6)
    expect(manager.active()[0]?.state).toBe('pending')
    await at(40, 0.6)
    expect(manager.active()[0]).toMatchObject({
      state: 'firing',
      activeAt: 10_000,
      firedAt: 40_000,
    })
    expect(manager.active()[0]?.annotations.summary).toBe('hit ratio 0.6')
    await at(50, 0.95)
    expect(manager.alerts()[0]).toMatchObject({ state: 'resolved', resolvedAt: 50_000 })
    expect(manager.active()).toEqual([])
    expect(events).toEqual([
      'CacheHitRatioLow:pending',
      'CacheHitRatioLow:firing',
      'CacheHitRatioLow:resolved',
    ])
  })

  it('drops a pending alert back to inactive when the condition stops before `for`', async () => {
    const { manager, events, at } = setup()
    await at(0, 0.5)
    await at(20, 0.9)
    await at(40, 0.5)
    expect(manager.active()[0]).toMatchObject({ state: 'pending', activeAt: 40_000 })
    expect(events).toEqual([
      'CacheHitRatioLow:pending',
      'CacheHitRatioLow:inactive',
      'CacheHitRatioLow:pending',
    ])
  })

  it('fires at once when `for` is zero', async () => {
    const { manager, at } = setup({ for: 0 })
    await at(0, 0.1)
    expect(manager.active()[0]).toMatchObject({ state: 'firing', firedAt: 0 })
  })

  it('keeps firing for `keepFiringFor` after the condition stops, and resolves after it', async () => {
    const { manager, at } = setup({ for: 0, keepFiringFor: '1m' })
    await at(0, 0.5)
    await at(10, 0.9)
    expect(manager.active()[0]).toMatchObject({ state: 'firing', keepFiringSince: 10_000 })
    await at(40, 0.5)
    expect(manager.active()[0]).toMatchObject({ state: 'firing', keepFiringSince: undefined })
    await at(50, 0.9)
    await at(100, 0.9)
    expect(manager.active()[0]?.state).toBe('firing')
    await at(110, 0.9)
    expect(manager.alerts()[0]).toMatchObject({ state: 'resolved', resolvedAt: 110_000 })
  })

  it('uses resolveThreshold as hysteresis: fires below threshold, resolves only above resolveThreshold', async () => {
    const { manager, at } = setup({ for: 0, resolveThreshold: 0.85 })
    await at(0, 0.82)
    expect(manager.active()).toEqual([])
    await at(10, 0.79)
    expect(manager.active()[0]?.state).toBe('firing')
    await at(20, 0.82)
    expect(manager.active()[0]?.state).toBe('firing')
    await at(30, 0.84)
    expect(manager.active()[0]?.state).toBe('firing')
    await at(40, 0.86)
    expect(manager.alerts()[0]?.state).toBe('resolved')
    await at(50, 0.82)
    expect(manager.alerts()[0]?.state).toBe('resolved')
  })

  it('puts a rule without data into nodata and resumes where it was when data returns', async () => {
    const { manager, source, at } = setup({ for: 0 })
    await at(0, 0.5)
    source.set('cache.hitRatio', undefined)
    await at(10)
    expect(manager.active()[0]).toMatchObject({ state: 'nodata', firedAt: 0 })
    await at(20, 0.5)
    expect(manager.active()[0]).toMatchObject({ state: 'firing', firedAt: 0 })
  })

  it('maps nodata to alerting, ok or keepLast when configured', async () => {
    for (const [noData, expected] of [
      ['alerting', 'firing'],
      ['ok', 'resolved'],
      ['keepLast', 'firing'],
    ] as const) {
      const { manager, source, at } = setup({ for: 0, noData }, { 'cache.hitRatio': 0.5 })
      await at(0)
      source.set('cache.hitRatio', undefined)
      await at(10)
      expect(manager.alerts()[0]?.state, noData).toBe(expected)
    }
  })

  it('puts only the rule whose expr throws into error; the others keep working', async () => {
    const clock = manualClock(0)
    const source = scriptedSource({ 'queue.depth': 50 })
    const manager = createAlertManager({
      source,
      clock,
      rules: [
        {
          name: 'Broken',
          expr: () => {
            throw new Error('boom')
          },
          op: '>',
          threshold: 1,
        },
        { name: 'Deep', metric: 'queue.depth', op: '>', threshold: 10 },
        {
          name: 'Weird',
          expr: () => 'x' as unknown as number,
          op: '>',
          threshold: 1,
          onError: 'ok',
        },
      ],
    })
    const exprErrors: string[] = []
    manager.on(
      'exprError',
      (error) => void exprErrors.push(`${error.code} ${error.rule} ${error.field}`),
    )
    await manager.evaluate()
    const states = Object.fromEntries(manager.alerts().map((a) => [a.rule, a.state]))
    expect(states).toEqual({ Broken: 'error', Deep: 'firing', Weird: 'inactive' })
    expect(manager.alerts()[0]?.error).toBe('rule "Broken": expr failed: boom')
    expect(exprErrors).toEqual([
      'MX_ALERT_EXPR_FAILED Broken expr',
      'MX_ALERT_EXPR_FAILED Weird expr',
    ])
  })

  it('puts every rule in error when the source itself throws', async () => {
    const manager = createAlertManager({
      source: {
        snapshot: () => {
          throw new Error('profiler gone')
        },
      },
      clock: manualClock(),
      rules: [hitRatio],
    })
    await manager.evaluate()
    expect(manager.active()[0]).toMatchObject({
      state: 'error',
      error: 'source.snapshot() failed: profiler gone',
    })
  })

  it('reads percentiles from summaries and adds the metric labels to the alert', async () => {
    const clock = manualClock(0)
    const manager = createAlertManager({
      source: {
        snapshot: () => ({
          metrics: { 'extract.duration': { count: 9, p95: 2500, labels: { stage: 'parse' } } },
        }),
      },
      clock,
      rules: [
        {
          name: 'Slow',
          metric: 'extract.duration.p95',
          op: '>',
          threshold: 2000,
          annotations: { summary: '{{ $labels.stage }} p95 {{ $value }}' },
        },
      ],
    })
    await manager.evaluate()
    expect(manager.active()[0]).toMatchObject({
      state: 'firing',
      labels: { alertname: 'Slow', stage: 'parse' },
      annotations: { summary: 'parse p95 2500' },
    })
  })

  it('evaluates every interval once started, driven by the injected clock', async () => {
    const clock = manualClock(0)
    const source = scriptedSource({ 'cache.hitRatio': 0.5 })
    const manager = createAlertManager({
      source,
      clock,
      rules: [hitRatio],
      interval: '10s',
      flap: false,
    })
    manager.start()
    await clock.advance(0)
    expect(manager.active()[0]?.state).toBe('pending')
    await clock.advance(20_000)
    expect(manager.active()[0]?.state).toBe('pending')
    await clock.advance(10_000)
    expect(manager.active()[0]).toMatchObject({ state: 'firing', firedAt: 30_000 })
    expect(manager.history().map((t) => `${t.to}@${t.at}`)).toEqual(['pending@0', 'firing@30000'])
    await manager.stop()
    expect(clock.pending()).toBe(0)
    await expect(manager.evaluate()).rejects.toMatchObject({ code: 'MX_ALERT_MANAGER_STOPPED' })
  })

  it('stops calling a listener once it unsubscribed', async () => {
    const { manager, at } = setup({ for: 0 })
    const seen: string[] = []
    const off = manager.on('firing', (a) => void seen.push(a.rule))
    await at(0, 0.5)
    off()
    await at(10, 0.9)
    await at(20, 0.5)
    expect(seen).toEqual(['CacheHitRatioLow'])
  })

  it('publishes every transition on the mx:alerts:transition diagnostics channel', async () => {
    const { at } = setup({ for: 0 })
    const seen: string[] = []
    const listener = (message: unknown) => {
      const t = message as Transition
      seen.push(`${t.rule} ${t.from}→${t.to} @${t.at}`)
    }
    subscribe('mx:alerts:transition', listener)
    try {
      await at(0, 0.5)
      await at(10, 0.9)
    } finally {
      unsubscribe('mx:alerts:transition', listener)
    }
    expect(seen).toEqual([
      'CacheHitRatioLow inactive→firing @0',
      'CacheHitRatioLow firing→resolved @10000',
    ])
  })

  it('puts rules in error when an async source hangs past snapshotTimeout, then recovers', async () => {
    const clock = manualClock(0)
    let hang = true
    const manager = createAlertManager({
      source: {
        snapshot: () =>
          hang ? new Promise(() => {}) : Promise.resolve({ metrics: { 'cache.hitRatio': 0.5 } }),
      },
      clock,
      rules: [{ ...hitRatio, for: 0 }],
      snapshotTimeout: '5s',
    })
    const evaluation = manager.evaluate()
    await new Promise((resolve) => setImmediate(resolve))
    await clock.advance(4_999)
    expect(manager.active()).toEqual([])
    await clock.advance(1)
    await evaluation
    expect(manager.active()[0]).toMatchObject({
      state: 'error',
      error: 'source.snapshot() failed: timed out after 5000 ms',
    })
    hang = false
    await manager.evaluate()
    expect(manager.active()[0]).toMatchObject({ state: 'firing' })
    await manager.stop()
    // The snapshot timer of the second evaluation was cleared when the snapshot arrived.
    expect(clock.pending()).toBe(0)
  })
})

describe('createAlertManager on the system clock', () => {
  it('evaluates right after start() without any injected clock', async () => {
    const manager = createAlertManager({
      source: scriptedSource({ 'cache.hitRatio': 0.1 }),
      rules: [{ ...hitRatio, for: 0 }],
      interval: '1h',
    })
    const fired = new Promise<string>((resolve) =>
      manager.on('firing', (alert) => resolve(alert.rule)),
    )
    manager.start()
    expect(await fired).toBe('CacheHitRatioLow')
    await manager.stop()
  })
})
