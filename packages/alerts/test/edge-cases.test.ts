import { thrown } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import {
  type AlertManagerOptions,
  compileTemplate,
  createAlertManager,
  defaultRules,
  InvalidOptionError,
  type Matcher,
  type Rule,
  RuleInvalidError,
  SilenceInvalidError,
  validateRules,
} from '../src/index'
import { testRules } from '../src/testing'
import { manualClock, recordingSink, scriptedSource } from './helpers'

describe('rule fields, further shapes', () => {
  const base = { name: 'R', metric: 'm', op: '>', threshold: 1 }
  it.each([
    [{ name: '  ' }, '  ', 'name', 'rule name must be a non-empty string, got "  "'],
    [{ metric: '' }, 'R', 'metric', 'rule "R": metric must be a non-empty string'],
    [{ metric: undefined, expr: 'x => x' }, 'R', 'expr', 'rule "R": expr must be a function'],
    [
      { resolveThreshold: 'low' },
      'R',
      'resolveThreshold',
      'rule "R": resolveThreshold must be a number, got "low"',
    ],
    [
      { threshold: 10, resolveThreshold: 12 },
      'R',
      'resolveThreshold',
      'rule "R": resolveThreshold must be <= threshold 10 for op >, got 12',
    ],
    [{ severity: 3 }, 'R', 'severity', 'rule "R": severity must be a string'],
    [{ labels: { team: 1 } }, 'R', 'labels.team', 'rule "R": labels.team must be a string'],
    [
      { annotations: { summary: null } },
      'R',
      'annotations.summary',
      'rule "R": annotations.summary must be a string',
    ],
  ])(
    'refuses %o with MX_ALERT_RULE_INVALID naming rule and field',
    (fields, rule, field, message) => {
      const error = thrown(() => validateRules([{ ...base, ...fields } as never]))
      expect(error).toBeInstanceOf(RuleInvalidError)
      expect(error).toMatchObject({ code: 'MX_ALERT_RULE_INVALID', rule, field, message })
    },
  )

  it('refuses a rule that is not an object, and rules that are not an array', () => {
    expect(thrown(() => validateRules([null as never]))).toMatchObject({
      code: 'MX_ALERT_RULE_INVALID',
      field: 'rule',
      message: 'a rule must be an object',
    })
    expect(thrown(() => validateRules({} as never))).toMatchObject({
      code: 'MX_ALERT_RULE_INVALID',
      field: 'rules',
      message: 'rules must be an array',
    })
  })
})

describe('comparison operators and metric shapes', () => {
  it('applies each comparison operator to the value', async () => {
    const source = scriptedSource({ v: 5 })
    const ops = ['>', '>=', '<', '<=', '==', '!='] as const
    const manager = createAlertManager({
      source,
      clock: manualClock(0),
      rules: ops.map((op, i) => ({ name: `R${i}`, metric: 'v', op, threshold: 5 })),
    })
    await manager.evaluate()
    const firing = () =>
      manager
        .alerts()
        .filter((a) => a.state === 'firing')
        .map((a) => ops[Number(a.rule.slice(1))])
    expect(firing()).toEqual(['>=', '<=', '=='])
    source.set('v', 6)
    await manager.evaluate()
    expect(firing()).toEqual(['>', '>=', '!='])
    await manager.stop()
  })

  it('reads { value } samples, and treats NaN values and non-number summary fields as no data', async () => {
    const metrics: Record<string, unknown> = {
      gauge: { value: 7 },
      broken: { value: Number.NaN },
      lat: { count: 3, p95: 'fast' },
    }
    const manager = createAlertManager({
      source: { snapshot: () => ({ metrics }) as never },
      clock: manualClock(0),
      rules: [
        { name: 'Gauge', metric: 'gauge', op: '>', threshold: 5 },
        { name: 'Broken', metric: 'broken', op: '>', threshold: 5 },
        { name: 'Lat', metric: 'lat.p95', op: '>', threshold: 5 },
      ],
    })
    await manager.evaluate()
    expect(manager.alerts().map((a) => [a.rule, a.state, a.value])).toEqual([
      ['Gauge', 'firing', 7],
      ['Broken', 'nodata', undefined],
      ['Lat', 'nodata', undefined],
    ])
    await manager.stop()
  })

  it('fires a rule mapped noData: alerting without metric labels when its metric is absent', async () => {
    const manager = createAlertManager({
      source: scriptedSource(),
      clock: manualClock(0),
      rules: [{ name: 'Gone', metric: 'gone', op: '>', threshold: 1, noData: 'alerting' }],
    })
    await manager.evaluate()
    expect(manager.alerts()[0]).toMatchObject({ state: 'firing', labels: { alertname: 'Gone' } })
    await manager.stop()
  })

  it('treats keepLast without any earlier outcome as the condition not holding', async () => {
    const manager = createAlertManager({
      source: scriptedSource(),
      clock: manualClock(0),
      rules: [{ name: 'K', metric: 'k', op: '>', threshold: 1, noData: 'keepLast' }],
    })
    const result = await manager.evaluate()
    expect(result.transitions).toEqual([])
    expect(manager.alerts()[0]?.state).toBe('inactive')
    await manager.stop()
  })
})

describe('createAlertManager options, further shapes', () => {
  const source = scriptedSource()
  it.each([
    [null, 'source', 'source must be an object with a snapshot() method'],
    [{ source, rules: [], interval: 0 }, 'interval', 'interval must be greater than 0'],
    [
      { source, rules: [], route: { groupBy: 'alertname' } },
      'route.groupBy',
      'route.groupBy must be an array of label names',
    ],
    [{ source, rules: [], inhibit: {} }, 'inhibit', 'inhibit must be an array'],
    [
      { source, rules: [], inhibit: [null] },
      'inhibit[0].source',
      'inhibit[0].source must be labels or a matcher list',
    ],
    [
      { source, rules: [], inhibit: [{ source: { a: 'b' }, target: null }] },
      'inhibit[0].target',
      'inhibit[0].target must be labels or a matcher list',
    ],
  ])('refuses %o with MX_INVALID_OPTION naming the option', (options, option, message) => {
    const error = thrown(() => createAlertManager(options as unknown as AlertManagerOptions))
    expect(error).toBeInstanceOf(InvalidOptionError)
    expect(error).toMatchObject({ code: 'MX_INVALID_OPTION', option, message })
  })
})

describe('grouping and inhibition, further cases', () => {
  it('leaves a groupBy label out of the group when the alert lacks it', async () => {
    const manager = createAlertManager({
      source: scriptedSource({ q: 50 }),
      clock: manualClock(0),
      route: { groupWait: 0, groupBy: ['alertname', 'team'] },
      rules: [{ name: 'Q', metric: 'q', op: '>', threshold: 10 }],
    })
    const { notifications } = await manager.evaluate()
    expect(notifications.map((n) => [n.groupKey, n.groupLabels])).toEqual([
      ['{}:{alertname="Q"}', { alertname: 'Q' }],
    ])
    await manager.stop()
  })

  it('inhibits when an equal label is missing on both alerts, and not when only one has it', async () => {
    const run = async (targetLabels: Record<string, string>) => {
      const { received, sink } = recordingSink()
      const manager = createAlertManager({
        source: scriptedSource({ q: 50 }),
        clock: manualClock(0),
        sinks: [sink],
        route: { groupWait: 0 },
        inhibit: [
          { source: { severity: 'critical' }, target: { severity: 'warning' }, equal: ['cluster'] },
        ],
        rules: [
          { name: 'Down', metric: 'q', op: '>', threshold: 10, severity: 'critical' },
          {
            name: 'Slow',
            metric: 'q',
            op: '>',
            threshold: 10,
            severity: 'warning',
            labels: targetLabels,
          },
        ],
      })
      await manager.evaluate()
      await manager.stop()
      return received.map((n) => n.groupLabels.alertname)
    }
    expect(await run({})).toEqual(['Down'])
    expect(await run({ cluster: 'eu' })).toEqual(['Down', 'Slow'])
  })

  it('inhibits every matching target when the rule names no equal labels', async () => {
    const { received, sink } = recordingSink()
    const manager = createAlertManager({
      source: scriptedSource({ q: 50 }),
      clock: manualClock(0),
      sinks: [sink],
      route: { groupWait: 0 },
      inhibit: [{ source: { alertname: 'Down' }, target: { alertname: 'Slow' } }],
      rules: [
        { name: 'Down', metric: 'q', op: '>', threshold: 10, labels: { cluster: 'eu' } },
        { name: 'Slow', metric: 'q', op: '>', threshold: 10, labels: { cluster: 'us' } },
      ],
    })
    await manager.evaluate()
    await manager.stop()
    expect(received.map((n) => n.groupLabels.alertname)).toEqual(['Down'])
  })
})

describe('silences, further cases', () => {
  const manager = () =>
    createAlertManager({ source: scriptedSource(), rules: [], clock: manualClock(1000) })

  it.each([
    [null, 'matchers', 'silence must be an object with matchers and endsAt'],
    [{ endsAt: 60_000 }, 'matchers', 'silence needs at least one matcher'],
    [
      { matchers: [{ name: '', value: 'x' }], endsAt: 60_000 },
      'matchers',
      'silence matchers[0].name must be a non-empty string',
    ],
    [
      { matchers: [{ name: 'a', value: 1 }], endsAt: 60_000 },
      'matchers',
      'silence matchers[0].value must be a string',
    ],
  ])('refuses %o with MX_ALERT_SILENCE_INVALID', (input, field, message) => {
    const error = thrown(() => manager().silence(input as never))
    expect(error).toBeInstanceOf(SilenceInvalidError)
    expect(error).toMatchObject({ code: 'MX_ALERT_SILENCE_INVALID', field, message })
  })

  it('takes Date times, and forgets a silence expired before it started', () => {
    const m = manager()
    const silence = m.silence({
      matchers: { alertname: 'Q' },
      startsAt: new Date(30_000),
      endsAt: new Date(90_000),
    })
    expect(silence).toMatchObject({ startsAt: 30_000, endsAt: 90_000, comment: '', createdBy: '' })
    expect(m.expireSilence(silence.id)).toBe(true)
    expect(m.silences()).toEqual([])
    expect(m.expireSilence(silence.id)).toBe(false)
    expect(m.expireSilence('no-such-id')).toBe(false)
  })

  it('matches a missing label as the empty string with = and !=', async () => {
    const delivered = async (matcher: Matcher) => {
      const { received, sink } = recordingSink()
      const m = createAlertManager({
        source: scriptedSource({ q: 50 }),
        clock: manualClock(0),
        sinks: [sink],
        route: { groupWait: 0 },
        rules: [
          { name: 'NoTeam', metric: 'q', op: '>', threshold: 10 },
          { name: 'Team', metric: 'q', op: '>', threshold: 10, labels: { team: 'db' } },
          { name: 'Other', metric: 'q', op: '>', threshold: 10, labels: { team: 'web' } },
        ],
      })
      m.silence({ matchers: [matcher], endsAt: 60_000 })
      await m.evaluate()
      await m.stop()
      return received.map((n) => n.groupLabels.alertname)
    }
    // Mutes alerts without a team label.
    expect(await delivered({ name: 'team', value: '' })).toEqual(['Team', 'Other'])
    // Mutes alerts with a team other than web, those without one included.
    expect(await delivered({ name: 'team', value: 'web', op: '!=' })).toEqual(['Other'])
  })
})

describe('templates, further functions', () => {
  const render = (source: string, value: number | undefined, labels = {}) =>
    compileTemplate(source)({ value, labels })

  it('renders toLower, printf %f, humanize of small and infinite values, and a zero duration', () => {
    expect(render('{{ $labels.env | toLower }}', 0, { env: 'PROD' })).toBe('prod')
    expect(render('{{ printf "%f" $value }}', 1.5)).toBe('1.500000')
    expect(render('{{ $value | humanize }}', 12.5)).toBe('12.5')
    expect(render('{{ $value | humanize }}', Number.POSITIVE_INFINITY)).toBe('Infinity')
    expect(render('{{ $value | humanizeDuration }}', 0)).toBe('0s')
  })

  it.each([
    ['{{ $value | }}', 12, 'empty command in pipeline'],
    ['{{ a {{ b }}', 5, 'nested {{'],
    ['{{ toUpper }}', 3, 'toUpper takes 1 argument(s), got 0'],
    ['{{ $value | humanize 2 }}', 12, 'humanize takes 1 argument(s), got 2'],
  ])('refuses %j with MX_ALERT_TEMPLATE_INVALID at the offset', (source, position, reason) => {
    expect(thrown(() => compileTemplate(source))).toMatchObject({
      code: 'MX_ALERT_TEMPLATE_INVALID',
      position,
      message: `source is not a valid template at offset ${position}: ${reason}`,
    })
  })
})

describe('testRules, further inputs', () => {
  const rule: Rule = { name: 'High', metric: 'x', op: '>', threshold: 10 }

  it('refuses an interval of zero and a series that is neither a string nor an array', async () => {
    await expect(testRules([rule], { interval: 0, series: {} }, [])).rejects.toMatchObject({
      code: 'MX_INVALID_OPTION',
      option: 'interval',
      message: 'interval must be greater than 0',
    })
    await expect(testRules([rule], { series: { x: 5 as never } }, [])).rejects.toMatchObject({
      code: 'MX_INVALID_OPTION',
      option: 'series.x',
      message: 'series x: must be a string or an array of numbers',
    })
  })

  it('passes with no expectations and no series, and reads null samples in arrays as missing', async () => {
    expect(await testRules([rule], {} as never, [])).toEqual({ ok: true, failures: [] })
    const result = await testRules(
      [{ ...rule, noData: 'nodata' }],
      { series: { x: [20, null, 20] } },
      [
        { at: '0m', alertname: 'High', alerts: [{}] },
        { at: '1m', alertname: 'High', state: 'nodata', alerts: [{}] },
        { at: '2m', alertname: 'High', alerts: [{}] },
      ],
    )
    expect(result).toEqual({ ok: true, failures: [] })
  })

  it('names the labels of the alerts it got when their count differs', async () => {
    const result = await testRules([rule], { series: { x: '20' } }, [
      { at: 0, alertname: 'High', alerts: [] },
    ])
    expect(result.ok).toBe(false)
    expect(result.failures).toEqual([
      {
        at: 0,
        alertname: 'High',
        message: 'expected 0 firing alert(s), got 1 ([{"alertname":"High"}])',
      },
    ])
  })
})

describe('defaultRules, further tuning', () => {
  it('passes a tuned keepFiringFor on to its rule', () => {
    const rules = defaultRules({ cacheHitRatio: { keepFiringFor: '15m' } })
    const rule = rules.find((r) => r.name === 'CacheHitRatioLow')
    expect(rule?.keepFiringFor).toBe('15m')
    expect(rules.filter((r) => r.keepFiringFor !== undefined)).toHaveLength(1)
  })

  it('measures queue growth only across the window, forgetting older samples', async () => {
    const rules = defaultRules({
      queueDepth: { window: '2m', minGrowth: 50, for: 0 },
    }).filter((r) => r.name === 'QueueDepthGrowing')
    const result = await testRules(rules, { series: { 'queue.depth': '0 40 80 120 130 140' } }, [
      // 80 - 0 over the first two minutes: growing.
      { at: '2m', alertname: 'QueueDepthGrowing', alerts: [{}] },
      // 140 - 120 once the samples older than two minutes are gone: not growing any more.
      { at: '5m', alertname: 'QueueDepthGrowing', alerts: [] },
    ])
    expect(result).toEqual({ ok: true, failures: [] })
  })
})
