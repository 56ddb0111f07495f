import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  compileTemplate,
  createAlertManager,
  formatDuration,
  parseDuration,
  type Rule,
  TemplateInvalidError,
  validateRules,
} from '../src/index'
import { manualClock, scriptedSource } from './helpers'

const base: Rule = { name: 'R', metric: 'm', op: '>', threshold: 1 }
const source = scriptedSource()

describe('parseDuration', () => {
  it('reads Prometheus-style durations and numbers of ms', () => {
    expect(parseDuration('30s')).toBe(30_000)
    expect(parseDuration('5m')).toBe(300_000)
    expect(parseDuration('4h')).toBe(14_400_000)
    expect(parseDuration('1h30m')).toBe(5_400_000)
    expect(parseDuration('250ms')).toBe(250)
    expect(parseDuration('1.5s')).toBe(1500)
    expect(parseDuration(0)).toBe(0)
    expect(parseDuration('0')).toBe(0)
    expect(parseDuration(1234)).toBe(1234)
  })

  it('rejects negatives, unknown units and garbage with MX_ALERT_DURATION_INVALID naming the field', () => {
    for (const bad of [
      '-5m',
      '5',
      '5 minutes',
      '',
      'm',
      -1,
      Number.NaN,
      Number.POSITIVE_INFINITY,
    ]) {
      expect(() => parseDuration(bad, 'for')).toThrow(
        expect.objectContaining({ code: 'MX_ALERT_DURATION_INVALID', field: 'for' }),
      )
    }
  })

  it('round-trips formatDuration for any whole number of ms', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 ** 12 }),
        (ms) => parseDuration(formatDuration(ms)) === ms,
      ),
    )
  })
})

describe('rule validation', () => {
  const cases: Array<[Partial<Rule> & Record<string, unknown>, string, string | RegExp]> = [
    [
      { op: '=>' as Rule['op'] },
      'op',
      'rule "R": op must be one of >, >=, <, <=, ==, !=, got "=>"',
    ],
    [{ threshold: 'high' as unknown as number }, 'threshold', /threshold must be a number/],
    [{ for: '-5m' }, 'for', /rule "R": for must be a non-negative duration/],
    [{ keepFiringFor: -1 }, 'keepFiringFor', /keepFiringFor must be a non-negative duration/],
    [{ metric: undefined }, 'metric', 'rule "R": metric exactly one of metric or expr is required'],
    [{ expr: () => 1 }, 'expr', /exactly one of metric or expr/],
    [
      { op: '<', threshold: 0.8, resolveThreshold: 0.7 },
      'resolveThreshold',
      'rule "R": resolveThreshold must be >= threshold 0.8 for op <, got 0.7',
    ],
    [{ op: '==', resolveThreshold: 1 }, 'resolveThreshold', /cannot be used with op ==/],
    [{ noData: 'maybe' as Rule['noData'] }, 'noData', /noData must be one of/],
    [{ labels: { 'bad-name': 'x' } }, 'labels.bad-name', /not a valid label name/],
  ]
  for (const [patch, field, message] of cases) {
    it(`rejects a bad ${field} with MX_ALERT_RULE_INVALID naming rule and field`, () => {
      const rule = { ...base, ...patch } as Rule
      let caught: unknown
      try {
        validateRules([rule])
      } catch (error) {
        caught = error
      }
      expect(caught).toMatchObject({ code: 'MX_ALERT_RULE_INVALID', rule: 'R', field })
      if (typeof message === 'string') expect((caught as Error).message).toBe(message)
      else expect((caught as Error).message).toMatch(message)
    })
  }

  it('rejects duplicate rule names with MX_ALERT_DUPLICATE_RULE', () => {
    expect(() => createAlertManager({ source, rules: [base, { ...base }] })).toThrow(
      expect.objectContaining({
        code: 'MX_ALERT_DUPLICATE_RULE',
        rule: 'R',
        field: 'name',
        message: 'rule "R" is defined more than once',
      }),
    )
  })

  it('rejects an invalid annotation template with MX_ALERT_TEMPLATE_INVALID and the offset', () => {
    expect(() =>
      validateRules([{ ...base, annotations: { summary: 'value {{ $value ' } }]),
    ).toThrow(
      expect.objectContaining({
        code: 'MX_ALERT_TEMPLATE_INVALID',
        rule: 'R',
        field: 'annotations.summary',
        position: 6,
        message: 'rule "R": annotations.summary is not a valid template at offset 6: unclosed {{',
      }),
    )
    expect(() => validateRules([{ ...base, annotations: { d: '{{ constructor }}' } }])).toThrow(
      /unknown term constructor/,
    )
    expect(() =>
      validateRules([{ ...base, annotations: { d: '{{ $value | exec "rm" }}' } }]),
    ).toThrow(/unknown function exec/)
  })

  it('rejects bad manager options with MX_INVALID_OPTION', () => {
    expect(() => createAlertManager({ source: {} as never, rules: [] })).toThrow(
      expect.objectContaining({ option: 'source' }),
    )
    expect(() => createAlertManager({ source, rules: [], interval: '-10s' })).toThrow(
      expect.objectContaining({ option: 'interval' }),
    )
    expect(() => createAlertManager({ source, rules: [], route: { groupWait: 'soon' } })).toThrow(
      expect.objectContaining({ code: 'MX_INVALID_OPTION', option: 'route.groupWait' }),
    )
    expect(() =>
      createAlertManager({
        source,
        rules: [],
        inhibit: [{ source: [{ name: 'a', value: '(', op: '=~' }], target: {} }],
      }),
    ).toThrow(expect.objectContaining({ option: 'inhibit[0].source' }))
    expect(() => createAlertManager({ source, rules: [], historyLimit: 0 })).toThrow(
      'historyLimit must be a positive integer, got 0',
    )
    expect(() => createAlertManager({ source, rules: [], flap: { maxChanges: 1 } })).toThrow(
      expect.objectContaining({ option: 'flap.maxChanges' }),
    )
  })
})

describe('templates', () => {
  const render = (source: string, value: number | undefined, labels = {}) =>
    compileTemplate(source)({ value, labels })

  it('renders $value, $labels.x and pipelines into the safe functions', () => {
    expect(render('hit ratio {{ $value }}', 0.123456)).toBe('hit ratio 0.1235')
    expect(render('{{$labels.team}}/{{ $labels.missing }}!', 1, { team: 'x' })).toBe('x/!')
    expect(render('{{ $value | printf "%.2f" }} ms', 12.3456)).toBe('12.35 ms')
    expect(render('{{ printf "%s is %d%%" $labels.host $value }}', 42.9, { host: 'h1' })).toBe(
      'h1 is 42%',
    )
    expect(render('{{ $value | humanizePercentage }}', 0.256)).toBe('25.6%')
    expect(render('{{ $value | humanize }}', 1_234_567)).toBe('1.2346M')
    expect(render('{{ $value | humanizeDuration }}', 90)).toBe('1m30s')
    expect(render('{{ $labels.env | toUpper }}', 0, { env: 'prod' })).toBe('PROD')
    expect(render('{{ $labels }}', 0, { a: '1', b: '2' })).toBe('a=1, b=2')
    expect(render('no data: {{ $value }}', undefined)).toBe('no data: ')
  })

  it('never evaluates template text as code', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          compileTemplate(`{{ ${text} }}`)({ value: 1, labels: {} })
        } catch (error) {
          expect(error).toBeInstanceOf(TemplateInvalidError)
        }
      }),
    )
    expect(() => compileTemplate('{{ $labels.__proto__.polluted }}')).toThrow(/unknown term/)
    expect(
      compileTemplate('[{{ $labels.__proto__ }}][{{ $labels.constructor }}]')({
        value: 1,
        labels: {},
      }),
    ).toBe('[][]')
  })
})

describe('manager inputs', () => {
  it('rejects an expr and a metric both missing even through createAlertManager', () => {
    expect(() =>
      createAlertManager({
        source,
        clock: manualClock(),
        rules: [{ name: 'X', op: '>', threshold: 1 } as Rule],
      }),
    ).toThrow(
      expect.objectContaining({ code: 'MX_ALERT_RULE_INVALID', rule: 'X', field: 'metric' }),
    )
  })
})
