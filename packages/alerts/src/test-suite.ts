import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Notification, Sink } from './types'

/** What a sink's factory hands the suite: the sink, and optionally a way to see what arrived. */
export interface SinkFixture {
  sink: Sink
  /** Notifications the far side received so far, in order (omit when the sink cannot tell). */
  delivered?: () => Notification[] | unknown[] | Promise<Notification[] | unknown[]>
  cleanup?: () => void | Promise<void>
}

/** A notification for `status`, with `count` alerts; times are fixed so results compare. */
export function sampleNotification(
  status: 'firing' | 'resolved' = 'firing',
  count = 1,
): Notification {
  const alerts = Array.from({ length: count }, (_, i) => ({
    status,
    labels: {
      alertname: 'SuiteAlert',
      severity: 'warning',
      instance: `node-${i}`,
      note: 'ünïcödé ✓',
    },
    annotations: { summary: `alert ${i} is ${status}: ünïcödé ✓` },
    startsAt: Date.UTC(2026, 0, 1),
    endsAt: status === 'resolved' ? Date.UTC(2026, 0, 1, 0, 5) : 0,
    fingerprint: `fp${i.toString(16).padStart(15, '0')}`,
    value: i,
  }))
  return {
    receiver: 'suite',
    status,
    groupKey: '{}:{alertname="SuiteAlert"}',
    groupLabels: { alertname: 'SuiteAlert' },
    commonLabels: { alertname: 'SuiteAlert', severity: 'warning' },
    commonAnnotations: {},
    alerts,
    timestamp: Date.UTC(2026, 0, 1, 0, 5),
  }
}

function statusOf(item: unknown): unknown {
  return (item as { status?: unknown })?.status
}

/**
 * The conformance suite every alert `Sink` runs, ours and users': a stable name, delivery of
 * firing and resolved notifications in order, large groups, no mutation of its input, and
 * prompt rejection when the signal is already aborted (for sinks that do I/O).
 */
export function sinkSuite(
  name: string,
  factory: () => SinkFixture | Promise<SinkFixture>,
  options: { honoursAbort?: boolean } = {},
): void {
  describe(`Sink conformance: ${name}`, () => {
    let fixture: SinkFixture
    const signal = () => new AbortController().signal

    beforeEach(async () => {
      fixture = await factory()
    })
    afterEach(async () => {
      await fixture.sink.close?.()
      await fixture.cleanup?.()
    })

    it('has a non-empty name', () => {
      expect(typeof fixture.sink.name).toBe('string')
      expect(fixture.sink.name.length).toBeGreaterThan(0)
    })

    it('delivers a firing then a resolved notification, in order', async () => {
      await fixture.sink.send(sampleNotification('firing'), signal())
      await fixture.sink.send(sampleNotification('resolved'), signal())
      if (fixture.delivered) {
        const delivered = await fixture.delivered()
        expect(delivered.map(statusOf)).toEqual(['firing', 'resolved'])
      }
    })

    it('delivers a group of 200 alerts with unicode labels', async () => {
      await fixture.sink.send(sampleNotification('firing', 200), signal())
      if (fixture.delivered) {
        const [first] = await fixture.delivered()
        expect((first as { alerts: unknown[] }).alerts).toHaveLength(200)
        expect(JSON.stringify(first)).toContain('ünïcödé ✓')
      }
    })

    it('does not mutate the notification it sends', async () => {
      const notification = sampleNotification('firing', 3)
      const copy = structuredClone(notification)
      await fixture.sink.send(notification, signal())
      expect(notification).toEqual(copy)
    })

    it('delivers concurrent sends without losing one', async () => {
      await Promise.all(
        [1, 2, 3].map(() => fixture.sink.send(sampleNotification('firing'), signal())),
      )
      if (fixture.delivered) expect(await fixture.delivered()).toHaveLength(3)
    })

    if (options.honoursAbort) {
      it('rejects when the signal is already aborted', async () => {
        const controller = new AbortController()
        controller.abort(new Error('stopped'))
        await expect(
          fixture.sink.send(sampleNotification('firing'), controller.signal),
        ).rejects.toBeDefined()
      })
    }
  })
}
