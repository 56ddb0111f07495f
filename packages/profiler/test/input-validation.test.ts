import { rejected, thrown } from '@mx/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import { bench, benchCompare, compareRuns } from '../src/bench-entry'
import {
  createProfiler,
  InvalidLabelError,
  InvalidMetricNameError,
  InvalidOptionError,
  InvalidValueError,
  serveDashboard,
} from '../src/index'

describe('createProfiler options of any type', () => {
  it.each([
    [null, 'options', 'options must be an object, got null'],
    ['fast', 'options', 'options must be an object, got "fast"'],
    [[], 'options', 'options must be an object, got an array'],
    [
      { intervalMs: Symbol('i') },
      'intervalMs',
      'intervalMs must be a positive integer, got a symbol',
    ],
    [{ intervalMs: 10n }, 'intervalMs', 'intervalMs must be a positive integer, got 10n'],
    [
      { timelineSize: Object.create(null) },
      'timelineSize',
      'timelineSize must be a positive integer, got an object',
    ],
    [{ prefix: 5 }, 'prefix', 'prefix must match [a-zA-Z_:][a-zA-Z0-9_:]*, got 5'],
    [{ prefix: Symbol('p') }, 'prefix', 'prefix must match [a-zA-Z_:][a-zA-Z0-9_:]*, got a symbol'],
    [{ prefix: '1bad' }, 'prefix', 'prefix must match [a-zA-Z_:][a-zA-Z0-9_:]*, got "1bad"'],
  ])('refuses %o with MX_INVALID_OPTION naming the option', (options, option, message) => {
    const error = thrown(() => createProfiler(options as never))
    expect(error).toBeInstanceOf(InvalidOptionError)
    expect(error.code).toBe('MX_INVALID_OPTION')
    expect(error.option).toBe(option)
    expect(error.message).toBe(message)
  })

  it('refuses bad profile options and a missing function before profiling', async () => {
    const p = createProfiler()
    const nullOptions = await rejected(() => p.cpuProfile(() => 1, null as never))
    expect(nullOptions).toBeInstanceOf(InvalidOptionError)
    expect(nullOptions.message).toBe('options must be an object, got null')
    const top = await rejected(() => p.heapProfile(() => 1, { top: Symbol('t') as never }))
    expect(top).toMatchObject({ code: 'MX_INVALID_OPTION', option: 'top' })
    expect(top.message).toBe('top must be a positive integer, got a symbol')
    const fn = await rejected(() => p.cpuProfile('run' as never))
    expect(fn).toMatchObject({ option: 'fn', message: 'fn must be a function, got "run"' })
  })
})

describe('metric handles with values of any type', () => {
  it('refuses metric options that are not an object, and a help that is not a string', () => {
    const p = createProfiler()
    expect(thrown(() => p.counter('a', null as never))).toMatchObject({
      code: 'MX_INVALID_OPTION',
      option: 'options',
      message: 'options of "a" must be an object, got null',
    })
    expect(thrown(() => p.gauge('g', { help: 7 as never }))).toMatchObject({
      option: 'help',
      message: 'help of "g" must be a string, got 7',
    })
    expect(p.toPrometheus()).toBe('')
  })

  it('names a metric name of any type in its message without throwing a TypeError', () => {
    const p = createProfiler()
    for (const [name, shown] of [
      [Symbol('n'), 'a symbol'],
      [Object.create(null), 'an object'],
      [10n, '10n'],
    ] as const) {
      const error = thrown(() => p.counter(name as never))
      expect(error).toBeInstanceOf(InvalidMetricNameError)
      expect(error.message).toBe(`metric name ${shown} must match [a-zA-Z_:][a-zA-Z0-9_:.]*`)
    }
  })

  it('refuses Symbol and BigInt values with MX_PROFILER_INVALID_VALUE', () => {
    const p = createProfiler()
    for (const value of [Symbol('v'), 10n]) {
      const shown = typeof value === 'bigint' ? '10n' : 'a symbol'
      expect(thrown(() => p.counter('c').inc(value as never))).toMatchObject({
        code: 'MX_PROFILER_INVALID_VALUE',
        message: `counter "c" increments by finite values ≥ 0, got ${shown}`,
      })
      expect(thrown(() => p.gauge('g').inc(value as never))).toBeInstanceOf(InvalidValueError)
      expect(thrown(() => p.gauge('g').set(value as never))).toBeInstanceOf(InvalidValueError)
      expect(thrown(() => p.histogram('h').record(value as never))).toBeInstanceOf(
        InvalidValueError,
      )
      expect(thrown(() => p.record('r', value as never))).toBeInstanceOf(InvalidValueError)
    }
    expect(p.snapshot().metrics.g).toEqual({ value: 0 })
  })

  it('refuses labels that are not an object of label values', () => {
    const p = createProfiler()
    const error = thrown(() => p.counter('c', { labels: 'tier' as never }))
    expect(error).toBeInstanceOf(InvalidLabelError)
    expect(error.message).toBe('labels of "c" must be an object of label values, got "tier"')
  })
})

describe('profiler.record() refusing a label', () => {
  it('leaves no half-registered label in the series or the exposition', () => {
    const p = createProfiler()
    p.record('plain', 1)
    p.record('plain', 2, { stage: 'parse' })
    const before = p.toPrometheus()
    for (const labels of [{ '../x': 'v' }, { __name: 'v' }, { ok: {} }, 'abc'] as never[]) {
      expect(thrown(() => p.record('plain', 1, labels))).toBeInstanceOf(InvalidLabelError)
    }
    expect(p.toPrometheus()).toBe(before)
    expect(p.toPrometheus()).not.toContain('../x')
    // The family still takes well-formed label sets, widening as before.
    p.record('plain', 3, { tier: 'memory' })
    expect(p.toPrometheus()).toContain('plain_count{stage="",tier="memory"} 1')
  })
})

describe('unknown option keys', () => {
  const profiler = createProfiler()
  afterAll(() => profiler.close())
  const run = { tasks: [], meta: { date: '', node: '', platform: '', cpus: 0 } }
  it.each([
    [
      'createProfiler()',
      () => createProfiler({ intervalms: 5 } as never),
      'intervalms',
      'did you mean "intervalMs"?',
    ],
    [
      'createProfiler()',
      () => createProfiler({ registry: 1 } as never),
      'registry',
      'the options are "collectRuntime", "spans", "intervalMs", "timelineSize", "prefix", "now", "traceChannels"',
    ],
    [
      'counter("c")',
      () => profiler.counter('c', { lables: {} } as never),
      'lables',
      'did you mean "labels"?',
    ],
    [
      'compareRuns()',
      () => compareRuns(run, run, { tolerence: 0.1 } as never),
      'tolerence',
      'did you mean "tolerance"?',
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

  it.each([
    [
      'serveDashboard()',
      () => serveDashboard(profiler, { prot: 0 } as never),
      'prot',
      'did you mean "port"?',
    ],
    [
      'bench()',
      () => bench({ a: () => 1 }, { timems: 1 } as never),
      'timems',
      'did you mean "timeMs"?',
    ],
    [
      'benchCompare()',
      () => benchCompare({ a: () => 1, b: () => 2 }, { minSample: 1 } as never),
      'minSample',
      'did you mean "minSamples"?',
    ],
    [
      'cpuProfile()',
      () => profiler.cpuProfile(() => 1, { samplingInterval: 5 } as never),
      'samplingInterval',
      'did you mean "samplingIntervalUs"?',
    ],
    [
      'heapProfile()',
      () => profiler.heapProfile(() => 1, { tops: 5 } as never),
      'tops',
      'did you mean "top"?',
    ],
  ])('%s rejects an unknown key naming the nearest one', async (where, call, option, hint) => {
    const error = await rejected(call)
    expect(error).toBeInstanceOf(InvalidOptionError)
    expect(error).toMatchObject({
      code: 'MX_INVALID_OPTION',
      option,
      message: `${where}: unknown option "${option}"; ${hint}`,
    })
  })
})
