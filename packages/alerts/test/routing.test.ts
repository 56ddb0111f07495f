import { describe, expect, it } from 'vitest'
import { createAlertManager, type RouteOptions, type Rule } from '../src/index'
import { manualClock, recordingSink, scriptedSource } from './helpers'

const rule = (name: string, metric: string, extra: Partial<Rule> = {}): Rule => ({
  name,
  metric,
  op: '>',
  threshold: 10,
  severity: 'warning',
  ...extra,
})

function setup(
  rules: Rule[],
  route: RouteOptions = {},
  extra: { inhibit?: Parameters<typeof createAlertManager>[0]['inhibit'] } = {},
) {
  const clock = manualClock(0)
  const source = scriptedSource()
  const { received, sink } = recordingSink()
  const manager = createAlertManager({
    source,
    clock,
    rules,
    sinks: [sink],
    flap: false,
    route: { groupWait: '30s', groupInterval: '5m', repeatInterval: '4h', ...route },
    ...extra,
  })
  manager.start()
  // The clock drives evaluations (every 10s) and group timers; drains deliveries after.
  const advanceTo = async (ms: number) => {
    await clock.advance(ms - clock.now())
    await new Promise((resolve) => setImmediate(resolve))
  }
  const summary = () =>
    received.map(
      (n) =>
        `${n.timestamp / 1000}s ${n.status} ${n.alerts.map((a) => `${a.labels.alertname}=${a.status}`).join(',')}`,
    )
  return { clock, source, manager, received, advanceTo, summary }
}

describe('routing', () => {
  it('waits groupWait before the first notification and groups alerts by alertname', async () => {
    const { source, advanceTo, summary, received } = setup(
      [rule('A', 'a'), rule('B', 'b', { labels: { alertname: 'ignored' } })],
      { groupBy: ['severity'] },
    )
    source.set('a', 20)
    await advanceTo(15_000)
    source.set('b', 20)
    await advanceTo(29_999)
    expect(summary()).toEqual([])
    await advanceTo(30_000)
    expect(summary()).toEqual(['30s firing A=firing,B=firing'])
    expect(received[0]).toMatchObject({
      groupLabels: { severity: 'warning' },
      groupKey: '{}:{severity="warning"}',
      commonLabels: { severity: 'warning' },
    })
  })

  it("groups by every label with groupBy ['...'] and names the receiver", async () => {
    const { source, advanceTo, received } = setup(
      [rule('A', 'a', { labels: { team: 'x' } }), rule('B', 'b')],
      {
        groupBy: ['...'],
        receiver: 'pager',
      },
    )
    source.set('a', 20)
    source.set('b', 20)
    await advanceTo(30_000)
    expect(received.map((n) => [n.receiver, n.groupKey]).sort()).toEqual([
      ['pager', '{}:{alertname="A",severity="warning",team="x"}'],
      ['pager', '{}:{alertname="B",severity="warning"}'],
    ])
  })

  it('sends changes only at groupInterval and repeats an unchanged group after repeatInterval', async () => {
    const { source, advanceTo, summary } = setup(
      [rule('A', 'a', { labels: { team: 'x' } }), rule('B', 'b', { labels: { team: 'x' } })],
      {
        groupBy: ['team'],
      },
    )
    source.set('a', 20)
    await advanceTo(30_000)
    expect(summary()).toEqual(['30s firing A=firing'])
    source.set('b', 20)
    await advanceTo(5 * 60_000 + 29_000)
    expect(summary()).toHaveLength(1)
    await advanceTo(5 * 60_000 + 30_000)
    expect(summary()[1]).toBe('330s firing A=firing,B=firing')
    // Unchanged: nothing until the repeat interval has passed (checked on group ticks).
    await advanceTo(4 * 3_600_000 + 29_000)
    expect(summary()).toHaveLength(2)
    await advanceTo(4 * 3_600_000 + 5 * 60_000 + 30_000)
    expect(summary()).toEqual([
      '30s firing A=firing',
      '330s firing A=firing,B=firing',
      '14730s firing A=firing,B=firing',
    ])
  })

  it('sends resolved notifications only for alerts it notified as firing, unless sendResolved is off', async () => {
    for (const sendResolved of [true, false]) {
      const { source, advanceTo, summary } = setup([rule('A', 'a'), rule('Quick', 'q')], {
        sendResolved,
        groupBy: [],
      })
      source.set('a', 20)
      await advanceTo(30_000)
      source.set('a', 0)
      // Quick fires and resolves between two group ticks: it is never notified.
      source.set('q', 20)
      await advanceTo(100_000)
      source.set('q', 0)
      await advanceTo(6 * 60_000)
      expect(summary()).toEqual(
        sendResolved
          ? ['30s firing A=firing', '330s resolved A=resolved']
          : ['30s firing A=firing'],
      )
    }
  })

  it('does not notify twice when an alert flips back to firing before the next group tick', async () => {
    const { source, advanceTo, summary } = setup([rule('A', 'a')])
    source.set('a', 20)
    await advanceTo(30_000)
    source.set('a', 0)
    await advanceTo(60_000)
    source.set('a', 20)
    await advanceTo(6 * 60_000)
    expect(summary()).toEqual(['30s firing A=firing'])
  })

  it('inhibits warning alerts while a critical alert with equal labels fires', async () => {
    const rules = [
      rule('DiskWarn', 'disk', { labels: { host: 'h1' } }),
      rule('DiskCrit', 'disk', { threshold: 50, severity: 'critical', labels: { host: 'h1' } }),
      rule('OtherWarn', 'other', { labels: { host: 'h2' } }),
    ]
    const { source, advanceTo, summary } = setup(
      rules,
      { groupBy: ['alertname'] },
      {
        inhibit: [
          {
            source: { severity: 'critical' },
            target: [{ name: 'severity', value: 'warn.*', op: '=~' }],
            equal: ['host'],
          },
        ],
      },
    )
    source.set('disk', 60)
    source.set('other', 60)
    await advanceTo(30_000)
    expect(summary().sort()).toEqual(['30s firing DiskCrit=firing', '30s firing OtherWarn=firing'])
    source.set('disk', 20)
    await advanceTo(6 * 60_000)
    expect(summary().slice(2).sort()).toEqual([
      '330s firing DiskWarn=firing',
      '330s resolved DiskCrit=resolved',
    ])
  })
})

describe('silences', () => {
  it('mutes matching alerts inside the time window and lets them through after it', async () => {
    const { source, manager, advanceTo, summary } = setup(
      [rule('A', 'a', { labels: { team: 'x' } }), rule('B', 'b')],
      { groupBy: ['alertname'] },
    )
    const silence = manager.silence({
      matchers: [
        { name: 'team', value: 'x|y', op: '=~' },
        { name: 'alertname', value: 'B', op: '!=' },
      ],
      startsAt: 0,
      endsAt: 10 * 60_000,
      comment: 'maintenance',
    })
    expect(manager.silences()).toEqual([silence])
    source.set('a', 20)
    source.set('b', 20)
    await advanceTo(9 * 60_000)
    expect(summary()).toEqual(['30s firing B=firing'])
    await advanceTo(11 * 60_000)
    expect(summary()).toEqual(['30s firing B=firing', '630s firing A=firing'])
    expect(manager.silences()).toEqual([])
  })

  it('lifts a silence at once when it is expired by id', async () => {
    const { source, manager, advanceTo, summary } = setup([rule('A', 'a')])
    const { id } = manager.silence({ matchers: { alertname: 'A' }, endsAt: 3_600_000 })
    source.set('a', 20)
    await advanceTo(60_000)
    expect(summary()).toEqual([])
    expect(manager.expireSilence(id)).toBe(true)
    await advanceTo(6 * 60_000)
    expect(summary()).toEqual(['330s firing A=firing'])
  })

  it('rejects silences without matchers, with a bad regex or an empty window', () => {
    const { manager } = setup([rule('A', 'a')])
    expect(() => manager.silence({ matchers: [], endsAt: 10 })).toThrow(
      expect.objectContaining({ code: 'MX_ALERT_SILENCE_INVALID', field: 'matchers' }),
    )
    expect(() =>
      manager.silence({ matchers: [{ name: 'a', value: '(', op: '=~' }], endsAt: 10 }),
    ).toThrow(/not a valid regular expression/)
    expect(() => manager.silence({ matchers: { a: 'b' }, startsAt: 10, endsAt: 10 })).toThrow(
      expect.objectContaining({ code: 'MX_ALERT_SILENCE_INVALID', field: 'endsAt' }),
    )
  })
})
