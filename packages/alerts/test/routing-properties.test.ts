import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createAlertManager, type Notification } from '../src/index'
import { manualClock, recordingSink, scriptedSource } from './helpers'

const GROUP_WAIT = 30_000
const GROUP_INTERVAL = 60_000

async function run(steps: Array<[boolean, boolean, boolean]>, groupBy: readonly string[]) {
  const clock = manualClock(0)
  const source = scriptedSource({ a: 0, b: 0, c: 0 })
  const { received, sink } = recordingSink()
  const manager = createAlertManager({
    source,
    clock,
    sinks: [sink],
    flap: false,
    interval: '10s',
    rules: ['a', 'b', 'c'].map((m) => ({
      name: m.toUpperCase(),
      metric: m,
      op: '>' as const,
      threshold: 1,
      labels: { team: 't' },
    })),
    route: {
      groupBy: [...groupBy],
      groupWait: GROUP_WAIT,
      groupInterval: GROUP_INTERVAL,
      repeatInterval: '5m',
    },
  })
  manager.start()
  for (const values of steps) {
    for (const [i, m] of ['a', 'b', 'c'].entries()) source.set(m, values[i] ? 5 : 0)
    await clock.advance(10_000)
  }
  // Hold the last values long enough for every group to settle.
  await clock.advance(3 * GROUP_INTERVAL)
  await new Promise((resolve) => setImmediate(resolve))
  const firingNow = manager
    .active()
    .filter((a) => a.state === 'firing')
    .map((a) => a.labels.alertname)
  await manager.stop()
  return { received, firingNow }
}

function receiverView(received: Notification[]): string[] {
  const view = new Map<string, string>()
  for (const n of received)
    for (const a of n.alerts) view.set(a.labels.alertname as string, a.status)
  return [...view]
    .filter(([, status]) => status === 'firing')
    .map(([name]) => name)
    .sort()
}

describe('routing properties', () => {
  it('ends with the receiver seeing exactly what fires, never sends empty or unnotified resolutions, and keeps groupWait/groupInterval apart', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.constantFrom(['alertname'], ['team'], []),
        async (steps, groupBy) => {
          const { received, firingNow } = await run(steps, groupBy)
          expect(receiverView(received)).toEqual(firingNow.sort())
          const lastByGroup = new Map<string, Notification>()
          const notifiedFiring = new Map<string, Set<string>>()
          for (const n of received) {
            expect(n.alerts.length).toBeGreaterThan(0)
            const last = lastByGroup.get(n.groupKey)
            // A group whose alerts all resolved ends; the next one for the key waits groupWait.
            const gap = last?.status === 'resolved' ? GROUP_WAIT : GROUP_INTERVAL
            if (last) expect(n.timestamp - last.timestamp).toBeGreaterThanOrEqual(gap)
            lastByGroup.set(n.groupKey, n)
            const firing = notifiedFiring.get(n.groupKey) ?? new Set()
            for (const a of n.alerts) {
              if (a.status === 'resolved') expect(firing.has(a.fingerprint)).toBe(true)
            }
            notifiedFiring.set(
              n.groupKey,
              new Set(n.alerts.filter((a) => a.status === 'firing').map((a) => a.fingerprint)),
            )
          }
        },
      ),
      { numRuns: 60 },
    )
  })
})
