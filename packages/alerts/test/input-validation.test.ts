import { thrown } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import {
  callbackSink,
  compileTemplate,
  consoleSink,
  createAlertManager,
  DurationInvalidError,
  defaultRules,
  fileSink,
  InvalidOptionError,
  MxError,
  parseDuration,
  RuleInvalidError,
  SilenceInvalidError,
  TemplateInvalidError,
  validateRules,
  webhookSink,
} from '../src/index'
import { manualClock, scriptedSource } from './helpers'

const DURATION = 'must be a non-negative duration such as 30s, 5m, 4h or a number of ms, got'

describe('parseDuration with values of any type', () => {
  it.each([
    [10n, '10n'],
    [Symbol('d'), 'a symbol'],
    [Object.create(null), 'an object'],
    [Number.NaN, 'NaN'],
    [`${'9'.repeat(400)}s`, expect.stringMatching(/^"9{80}…"$/)],
  ])('refuses %s with MX_ALERT_DURATION_INVALID and a readable message', (value, shown) => {
    const error = thrown(() => parseDuration(value as never, 'window'))
    expect(error).toBeInstanceOf(DurationInvalidError)
    expect(error.code).toBe('MX_ALERT_DURATION_INVALID')
    expect(error.field).toBe('window')
    expect(error.message.startsWith(`window ${DURATION} `)).toBe(true)
    expect(error.message.slice(`window ${DURATION} `.length)).toEqual(shown)
  })
})

describe('compileTemplate with a bad source', () => {
  it.each([
    ['{{', 0, 'unclosed {{'],
    ['a }}', 2, 'unexpected }}'],
    ['{{ "\\q" }}', 3, 'invalid string literal "\\q"'],
    ['{{ $nope }}', 3, 'unknown term $nope; use $value, $labels or $labels.name'],
  ])('refuses %j with TemplateInvalidError naming the source and offset', (source, at, reason) => {
    const error = thrown(() => compileTemplate(source))
    expect(error).toBeInstanceOf(TemplateInvalidError)
    expect(error).toBeInstanceOf(MxError)
    expect(error).toMatchObject({
      code: 'MX_ALERT_TEMPLATE_INVALID',
      field: 'source',
      position: at,
    })
    expect(error.message).toBe(`source is not a valid template at offset ${at}: ${reason}`)
  })

  it('refuses a source that is not a string with MX_INVALID_OPTION', () => {
    const error = thrown(() => compileTemplate(10n as never))
    expect(error).toBeInstanceOf(InvalidOptionError)
    expect(error).toMatchObject({
      option: 'source',
      message: 'source must be a template string, got 10n',
    })
  })

  it('names the rule and annotation for a bad string literal in a rule', () => {
    const error = thrown(() =>
      validateRules([
        { name: 'R', metric: 'm', op: '>', threshold: 1, annotations: { a: '{{ "\\q" }}' } },
      ]),
    )
    expect(error).toBeInstanceOf(TemplateInvalidError)
    expect(error.message).toBe(
      'rule "R": annotations.a is not a valid template at offset 3: invalid string literal "\\q"',
    )
  })
})

describe('silence() with malformed input', () => {
  const manager = () =>
    createAlertManager({ source: scriptedSource(), rules: [], clock: manualClock() })
  const endsAt = 60_000

  it.each([
    [
      { matchers: [undefined], endsAt },
      'matchers',
      'silence matchers[0] must be an object with name and value, got undefined',
    ],
    [
      { matchers: [{ name: 'a', value: 'x' }, 7], endsAt },
      'matchers',
      'silence matchers[1] must be an object with name and value, got 7',
    ],
    [
      { matchers: [{ name: 'a', value: 'x', op: Object.create(null) }], endsAt },
      'matchers',
      'silence matchers[0].op must be one of =, !=, =~, !~, got an object',
    ],
    [
      { matchers: 'a=b', endsAt },
      'matchers',
      'silence matchers must be labels or a matcher list, got "a=b"',
    ],
    [
      { matchers: { a: 'x' }, endsAt: Object.create(null) },
      'endsAt',
      'silence endsAt must be a Date or a number of ms, got an object',
    ],
    [
      { matchers: { a: 'x' }, endsAt, comment: 10n },
      'comment',
      'silence comment must be a string, got 10n',
    ],
    [
      { matchers: { a: 'x' }, endsAt, createdBy: {} },
      'createdBy',
      'silence createdBy must be a string, got an object',
    ],
  ])('refuses %o with MX_ALERT_SILENCE_INVALID naming the field', (input, field, message) => {
    const m = manager()
    const error = thrown(() => m.silence(input as never))
    expect(error).toBeInstanceOf(SilenceInvalidError)
    expect(error).toMatchObject({ code: 'MX_ALERT_SILENCE_INVALID', field, message })
    expect(m.silences()).toEqual([])
  })
})

describe('createAlertManager options of any type', () => {
  const source = scriptedSource()
  it.each([
    [
      { clock: '' },
      'clock',
      'clock must be an object with now(), setTimeout() and clearTimeout() functions, got ""',
    ],
    [
      { clock: { now: () => 0 } },
      'clock',
      'clock must be an object with now(), setTimeout() and clearTimeout() functions, got an object',
    ],
    [
      { historyLimit: Object.create(null) },
      'historyLimit',
      'historyLimit must be a positive integer, got an object',
    ],
    [
      { maxQueuedNotifications: 5n },
      'maxQueuedNotifications',
      'maxQueuedNotifications must be a positive integer, got 5n',
    ],
    [{ route: null }, 'route', 'route must be an object of grouping and timing options'],
    [{ interval: 10n }, 'interval', `interval ${DURATION} 10n`],
  ])('refuses %o with MX_INVALID_OPTION naming the option', (options, option, message) => {
    const error = thrown(() => createAlertManager({ source, rules: [], ...options } as never))
    expect(error).toBeInstanceOf(InvalidOptionError)
    expect(error).toMatchObject({ code: 'MX_INVALID_OPTION', option, message })
  })
})

describe('rule fields of any type', () => {
  const base = { name: 'R', metric: 'm', op: '>', threshold: 1 }
  it.each([
    [{ op: 'toString' }, 'op', 'rule "R": op must be one of >, >=, <, <=, ==, !=, got "toString"'],
    [
      { op: Object.create(null) },
      'op',
      'rule "R": op must be one of >, >=, <, <=, ==, !=, got an object',
    ],
    [{ threshold: 1n }, 'threshold', 'rule "R": threshold must be a number, got 1n'],
    [
      { noData: -1n },
      'noData',
      'rule "R": noData must be one of nodata, alerting, ok, keepLast, got -1n',
    ],
    [
      { onError: Symbol('e') },
      'onError',
      'rule "R": onError must be one of error, alerting, ok, keepLast, got a symbol',
    ],
    [{ name: Object.create(null) }, 'name', 'rule name must be a non-empty string, got an object'],
    [
      { flap: { maxChanges: 3n } },
      'flap.maxChanges',
      'rule "R": flap.maxChanges must be an integer >= 2, got 3n',
    ],
  ])('refuses %o with MX_ALERT_RULE_INVALID naming the field', (fields, field, message) => {
    const error = thrown(() => validateRules([{ ...base, ...fields } as never]))
    expect(error).toBeInstanceOf(RuleInvalidError)
    expect(error).toMatchObject({ code: 'MX_ALERT_RULE_INVALID', field, message })
  })
})

describe('webhookSink options of any type', () => {
  it.each([
    [{ url: Object.create(null) }, 'url', 'webhookSink url must be an absolute URL, got an object'],
    [
      { url: 'http://x', retries: 2n },
      'retries',
      'webhookSink retries must be a non-negative integer, got 2n',
    ],
    [
      { url: 'http://x', backoff: { factor: Symbol('f') } },
      'backoff.factor',
      'webhookSink backoff.factor must be >= 1, got a symbol',
    ],
  ])('refuses %o with MX_INVALID_OPTION naming the option', (options, option, message) => {
    const error = thrown(() => webhookSink(options as never))
    expect(error).toBeInstanceOf(InvalidOptionError)
    expect(error).toMatchObject({ code: 'MX_INVALID_OPTION', option, message })
  })

  it('still accepts a URL object', () => {
    expect(webhookSink({ url: new URL('http://127.0.0.1:9/hook') }).name).toMatch(/webhook/)
  })
})

describe('unknown option keys', () => {
  const source = scriptedSource()
  const rule = { name: 'R', metric: 'm', op: '>' as const, threshold: 1 }
  const manager = (options: object) => () =>
    createAlertManager({ source, rules: [rule], ...options } as never)
  it.each([
    ['createAlertManager()', manager({ intervall: '1s' }), 'intervall', 'did you mean "interval"?'],
    [
      'createAlertManager()',
      () => createAlertManager({ sorce: source, rules: [] } as never),
      'sorce',
      'did you mean "source"?',
    ],
    [
      'createAlertManager()',
      manager({ route: { groupby: [] } }),
      'route.groupby',
      'did you mean "route.groupBy"?',
    ],
    [
      'createAlertManager()',
      manager({ flap: { windw: '1m' } }),
      'flap.windw',
      'did you mean "flap.window"?',
    ],
    [
      'createAlertManager()',
      manager({ inhibit: [{ source: {}, target: {}, equals: [] }] }),
      'inhibit[0].equals',
      'did you mean "inhibit[0].equal"?',
    ],
    [
      'createAlertManager()',
      manager({ redis: 'x' }),
      'redis',
      'the options are "source", "rules", "route", "inhibit", "sinks", "interval", "clock", "stateFile", "flap", "historyLimit", "snapshotTimeout", "maxQueuedNotifications"',
    ],
    [
      'rule "R"',
      () => validateRules([{ ...rule, fro: '5m' } as never]),
      'fro',
      'did you mean "for"?',
    ],
    [
      'rule "R"',
      () => validateRules([{ ...rule, flap: { stablefor: 1 } } as never]),
      'flap.stablefor',
      'did you mean "flap.stableFor"?',
    ],
    [
      'consoleSink()',
      () => consoleSink({ fromat: () => '' } as never),
      'fromat',
      'did you mean "format"?',
    ],
    [
      'fileSink()',
      () => fileSink({ path: 'x.jsonl', nam: 'f' } as never),
      'nam',
      'did you mean "name"?',
    ],
    [
      'callbackSink()',
      () => callbackSink(() => {}, { names: 'c' } as never),
      'names',
      'did you mean "name"?',
    ],
    [
      'webhookSink()',
      () => webhookSink({ url: 'http://h/', retires: 2 } as never),
      'retires',
      'did you mean "retries"?',
    ],
    [
      'webhookSink()',
      () => webhookSink({ url: 'http://h/', backoff: { maximum: 5 } } as never),
      'backoff.maximum',
      'the options of backoff are "initial", "max", "factor"',
    ],
    [
      'defaultRules()',
      () => defaultRules({ errorrate: false } as never),
      'errorrate',
      'did you mean "errorRate"?',
    ],
    [
      'defaultRules()',
      () => defaultRules({ cacheHitRatio: { treshold: 0.5 } } as never),
      'cacheHitRatio.treshold',
      'did you mean "cacheHitRatio.threshold"?',
    ],
    [
      'defaultRules()',
      () => defaultRules({ queueDepth: { minGrowht: 5 } } as never),
      'queueDepth.minGrowht',
      'did you mean "queueDepth.minGrowth"?',
    ],
  ])('%s refuses an unknown key naming the nearest one', (where, call, option, hint) => {
    const error = thrown(call)
    expect(error).toBeInstanceOf(InvalidOptionError)
    expect(error).toMatchObject({
      code: 'MX_INVALID_OPTION',
      option,
      message: `${where}: unknown option "${option}"; ${hint}`,
    })
  })

  it('passes an unknown key whose value is undefined (a spread of absent options)', () => {
    expect(() => validateRules([{ ...rule, ...{ fro: undefined } }])).not.toThrow()
    expect(defaultRules({ labels: {}, ...{ cachHitRatio: undefined } })).toHaveLength(7)
  })
})
