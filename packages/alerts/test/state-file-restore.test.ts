import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '@mx/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { type AlertManagerOptions, createAlertManager, type Rule } from '../src/index'
import { manualClock, recordingSink, scriptedSource } from './helpers'

const dirs: Array<{ remove(): void }> = []
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove()
})

/** Writes `content` as a state file in a fresh directory and returns its path. */
function stateFileWith(content: unknown): string {
  const dir = tempDir('mx-alerts-restore-')
  dirs.push(dir)
  const path = join(dir.path, 'state.json')
  writeFileSync(path, JSON.stringify(content))
  return path
}

/** The fingerprint the manager gives the alert of `rule`. */
function fingerprintOf(rule: Rule): string {
  const manager = createAlertManager({ source: scriptedSource(), rules: [rule] })
  return manager.alerts()[0]?.fingerprint as string
}

function boot(
  stateFile: string,
  values: Record<string, number>,
  options: Partial<AlertManagerOptions>,
) {
  const clock = manualClock(600_000)
  const source = scriptedSource(values)
  const { received, sink } = recordingSink()
  const stateErrors: unknown[] = []
  const manager = createAlertManager({
    source,
    clock,
    rules: [],
    stateFile,
    sinks: [sink],
    ...options,
  })
  manager.on('stateError', (error) => void stateErrors.push(error))
  return { clock, source, manager, received, stateErrors }
}

describe('restoring a hand-written or older state file', () => {
  it('reports a file of another version as MX_ALERT_STATE_FILE and starts fresh', async () => {
    const path = stateFileWith({ version: 2, alerts: [] })
    const { manager, stateErrors } = boot(
      path,
      { q: 0 },
      {
        rules: [{ name: 'Q', metric: 'q', op: '>', threshold: 10 }],
      },
    )
    await manager.evaluate()
    expect(stateErrors).toHaveLength(1)
    expect(stateErrors[0]).toMatchObject({
      code: 'MX_ALERT_STATE_FILE',
      path,
      message: `state file ${path} has an unknown format`,
    })
    expect(manager.alerts().map((a) => a.state)).toEqual(['inactive'])
    await manager.stop()
  })

  it('restores alerts whose optional fields are missing, from a file without silences or groups', async () => {
    const path = stateFileWith({
      version: 1,
      alerts: [{ rule: 'Q', phase: 'firing', changes: 'not a list' }],
    })
    const { manager, stateErrors } = boot(
      path,
      { q: 50 },
      {
        rules: [{ name: 'Q', metric: 'q', op: '>', threshold: 10 }],
      },
    )
    const result = await manager.evaluate()
    await manager.stop()
    expect(stateErrors).toEqual([])
    // Restored as firing: the value above the threshold is no transition.
    expect(result.transitions).toEqual([])
    expect(manager.alerts()[0]).toMatchObject({
      state: 'firing',
      value: 50,
      activeAt: undefined,
      firedAt: undefined,
      flapping: false,
    })
    expect(manager.silences()).toEqual([])
  })

  it('restores only silences that have not ended, and skips malformed groups', async () => {
    const rule: Rule = { name: 'Q', metric: 'q', op: '>', threshold: 10 }
    const firingQ = {
      status: 'firing',
      labels: { alertname: 'Q' },
      annotations: {},
      startsAt: 0,
      endsAt: 0,
      fingerprint: fingerprintOf(rule),
      value: 50,
    }
    const path = stateFileWith({
      version: 1,
      alerts: [],
      silences: [
        {
          id: 'ended',
          matchers: [{ name: 'alertname', value: 'Q', op: '=' }],
          startsAt: 0,
          endsAt: 60_000,
          comment: '',
          createdBy: '',
        },
        {
          id: 'current',
          matchers: [{ name: 'alertname', value: 'Q', op: '=' }],
          startsAt: 0,
          endsAt: 3_600_000,
          comment: 'maintenance',
          createdBy: 'ops',
        },
      ],
      groups: [
        null,
        { key: 7, alerts: [] },
        { key: '{}:{alertname="Gone"}', alerts: 'x' },
        // An older file's group, without lastFiring.
        {
          key: '{}:{alertname="Q"}',
          labels: { alertname: 'Q' },
          alerts: [firingQ],
          nextFlushAt: 0,
        },
      ],
    })
    const { manager, received, stateErrors } = boot(
      path,
      { q: 50 },
      {
        rules: [rule],
        route: { groupWait: 0 },
      },
    )
    const result = await manager.evaluate()
    await manager.stop()
    expect(stateErrors).toEqual([])
    expect(manager.silences().map((s) => [s.id, s.comment, s.createdBy])).toEqual([
      ['current', 'maintenance', 'ops'],
    ])
    // The restored silence mutes the alert that fires now.
    expect(manager.alerts()[0]?.state).toBe('firing')
    expect(result.notifications).toEqual([])
    expect(received).toEqual([])
  })

  it('sends the resolution of a notified group alert that resolved while the manager was down', async () => {
    const rule: Rule = { name: 'Q', metric: 'q', op: '>', threshold: 10 }
    const fingerprint = fingerprintOf(rule)
    const path = stateFileWith({
      version: 1,
      // Saved resolved, with none of its times.
      alerts: [{ rule: 'Q', phase: 'resolved' }],
      groups: [
        {
          key: '{}:{alertname="Q"}',
          labels: { alertname: 'Q' },
          alerts: [
            {
              status: 'firing',
              labels: { alertname: 'Q' },
              annotations: {},
              startsAt: 1000,
              endsAt: 0,
              fingerprint,
              value: 50,
            },
          ],
          nextFlushAt: 0,
          lastFiring: [fingerprint],
          lastSentAt: 1000,
        },
      ],
    })
    const { manager, received, stateErrors } = boot(
      path,
      { q: 0 },
      {
        rules: [rule],
        route: { groupWait: 0 },
      },
    )
    const result = await manager.evaluate()
    await manager.stop()
    expect(stateErrors).toEqual([])
    expect(result.transitions).toEqual([])
    expect(
      result.notifications.map((n) => [n.status, n.alerts.map((a) => [a.status, a.fingerprint])]),
    ).toEqual([['resolved', [['resolved', fingerprint]]]])
    expect(received).toHaveLength(1)
  })

  it('drops the resolution of a restored firing alert whose group was not saved', async () => {
    const path = stateFileWith({
      version: 1,
      alerts: [{ rule: 'Q', phase: 'firing', firedAt: 1000, activeAt: 1000, value: 50 }],
      groups: [],
    })
    const { manager, received } = boot(
      path,
      { q: 0 },
      {
        rules: [{ name: 'Q', metric: 'q', op: '>', threshold: 10 }],
        route: { groupWait: 0 },
      },
    )
    const result = await manager.evaluate()
    await manager.stop()
    expect(result.transitions.map((t) => `${t.from}>${t.to}`)).toEqual(['firing>resolved'])
    expect(result.notifications).toEqual([])
    expect(received).toEqual([])
  })

  it('does not let a restored alert inhibit itself when its inhibit rule also targets it', async () => {
    const rule: Rule = { name: 'Q', metric: 'q', op: '>', threshold: 10, severity: 'critical' }
    const fingerprint = fingerprintOf(rule)
    const labels = { alertname: 'Q', severity: 'critical' }
    const path = stateFileWith({
      version: 1,
      alerts: [
        {
          rule: 'Q',
          phase: 'firing',
          firedAt: 0,
          activeAt: 0,
          value: 50,
          lastActive: true,
          lastEvaluatedAt: 0,
          labels,
          annotations: {},
        },
      ],
      groups: [
        {
          key: '{}:{alertname="Q"}',
          labels: { alertname: 'Q' },
          alerts: [
            {
              status: 'firing',
              labels,
              annotations: {},
              startsAt: 0,
              endsAt: 0,
              fingerprint,
              value: 50,
            },
          ],
          nextFlushAt: 0,
          lastFiring: [fingerprint],
          lastSentAt: 0,
        },
      ],
    })
    const { manager, received } = boot(
      path,
      { q: 50 },
      {
        rules: [rule],
        route: { groupWait: 0, groupInterval: '1m', repeatInterval: '5m' },
        // Critical alerts mute every alert of the same alertname: never themselves.
        inhibit: [{ source: { severity: 'critical' }, target: {}, equal: ['alertname'] }],
      },
    )
    const result = await manager.evaluate()
    await manager.stop()
    // Restored firing, last sent 10 minutes ago: the repeat goes out, not inhibited by itself.
    expect(result.transitions).toEqual([])
    expect(result.notifications.map((n) => [n.status, n.alerts.map((a) => a.fingerprint)])).toEqual(
      [['firing', [fingerprint]]],
    )
    expect(received).toHaveLength(1)
  })
})
