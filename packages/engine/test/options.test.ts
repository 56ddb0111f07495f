import { rejected, thrown } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import {
  createEngine,
  createErrorPatterns,
  defineExtractor,
  extractViaQueue,
  InvalidOptionError,
  serveQueue,
} from '../src/index'
import { collect, doc, optionError } from './helpers'

describe('createEngine options', () => {
  it('names the bad option in a typed error', () => {
    expect(optionError({ level: 'turbo' as never })).toEqual({
      option: 'level',
      message: 'level must be one of basic, standard, performance, enterprise, got "turbo"',
    })
    expect(optionError({ threads: 0 })).toEqual({
      option: 'threads',
      message: 'threads must be a positive integer, got 0',
    })
    expect(optionError({ timeout: -5 })).toEqual({
      option: 'timeout',
      message: 'timeout must be a positive number, got -5',
    })
    expect(optionError({ maxInFlight: 1.5 })).toEqual({
      option: 'maxInFlight',
      message: 'maxInFlight must be a positive integer, got 1.5',
    })
    expect(optionError({ extractor: undefined as never })).toMatchObject({ option: 'extractor' })
    expect(optionError({ extractor: new URL('https://example.com/x.mjs') })).toEqual({
      option: 'extractor',
      message: 'extractor URL must be a file: URL, got https://example.com/x.mjs',
    })
    expect(optionError({ extractor: { name: 'x', version: '1' } as never })).toEqual({
      option: 'extractor.parse',
      message: 'extractor.parse must be a function, got undefined',
    })
    expect(optionError({ redis: 'http://localhost' })).toMatchObject({ option: 'redis' })
    expect(optionError({ cost: { alpha: 2 } })).toMatchObject({ option: 'cost.alpha' })
    expect(optionError({ cost: 5 as never })).toEqual({
      option: 'cost',
      message: 'cost must be an object, got 5',
    })
    expect(optionError({ cost: null as never })).toEqual({
      option: 'cost',
      message: 'cost must be an object, got null',
    })
  })

  it('checks slot shapes and names the missing methods', () => {
    expect(optionError({ cache: { get() {}, set() {} } as never })).toEqual({
      option: 'cache',
      message:
        'cache must be true, false or an object with get, set, getMany and setMany methods; missing getMany and setMany',
    })
    expect(optionError({ workers: 'fast' as never })).toEqual({
      option: 'workers',
      message:
        'workers must be true, false, a settings object or an object with run method, got "fast"',
    })
    // `{}` is an empty settings object for cache, workers, memory and alerts (test/slot-settings.test.ts).
    for (const slot of ['incremental', 'profiler'] as const) {
      expect(optionError({ [slot]: {} })).toMatchObject({ option: slot })
    }
  })

  it('refuses a workers slot with an extractor object, which runs inline only', () => {
    const inline = { name: 'n', version: '1', parse: () => [], element: () => 0, document: () => 0 }
    expect(optionError({ extractor: inline, workers: { run: async () => ({}) } })).toMatchObject({
      option: 'workers',
    })
  })
})

describe('defineExtractor', () => {
  it('returns the frozen definition', () => {
    const definition = defineExtractor({
      name: 'x',
      version: '1',
      parse: () => [],
      element: () => 1,
      document: () => 2,
    })
    expect(Object.isFrozen(definition)).toBe(true)
    expect(definition.name).toBe('x')
  })

  it('names the invalid field', () => {
    expect(() => defineExtractor({ name: '', version: '1' } as never)).toThrow(
      expect.objectContaining({
        option: 'extractor.name',
        message: 'extractor.name must be a non-empty string, got ""',
      }),
    )
    expect(() => defineExtractor({ name: 'x', version: 1 } as never)).toThrow(
      expect.objectContaining({ option: 'extractor.version' }),
    )
    expect(() =>
      defineExtractor({
        name: 'x',
        version: '1',
        parse: () => [],
        element: () => 1,
        document: () => 1,
        relate: 5,
      } as never),
    ).toThrow(expect.objectContaining({ option: 'extractor.relate' }))
  })
})

describe('unknown option keys', () => {
  const inline = { name: 'n', version: '1', parse: () => [], element: () => 0, document: () => 0 }

  it.each([
    [{ thread: 2 }, 'thread', 'did you mean "threads"?'],
    [{ cachedir: '/tmp' }, 'cachedir', 'did you mean "cacheDir"?'],
    [{ cost: { alhpa: 0.5 } }, 'cost.alhpa', 'did you mean "cost.alpha"?'],
    [{ retry: { atempts: 2 } }, 'retry.atempts', 'did you mean "retry.attempts"?'],
    [
      { retry: { backoff: { jiter: 0 } } },
      'retry.backoff.jiter',
      'did you mean "retry.backoff.jitter"?',
    ],
    [{ breaker: { probe: 1 } }, 'breaker.probe', 'did you mean "breaker.probes"?'],
    [
      { breaker: { rate: { windows: 1 } } },
      'breaker.rate.windows',
      'did you mean "breaker.rate.window"?',
    ],
    [{ workers: { thread: 2 } }, 'workers.thread', 'did you mean "workers.threads"?'],
    [{ memory: { budgets: 1 } }, 'memory.budgets', 'did you mean "memory.budget"?'],
    [{ alerts: { rule: [] } }, 'alerts.rule', 'did you mean "alerts.rules"?'],
    [
      { colour: 'red' },
      'colour',
      'the options are "extractor", "level", "cache", "workers", "incremental", "profiler", "memory", "alerts", "logger", "redis", "redisPrefix", "cacheDir", "threads", "timeout", "maxInFlight", "chunkSize", "cost", "clock", "retry", "breaker", "fallbackOn"',
    ],
  ])('createEngine refuses %o naming the nearest key', (options, option, hint) => {
    expect(optionError(options as never)).toEqual({
      option,
      message: `createEngine(): unknown option "${option}"; ${hint}`,
    })
  })

  it('names an unknown field of an alert rule by its place', () => {
    const rule = { name: 'R', metric: 'm', op: '>', threshold: 1, fro: '5m' }
    expect(optionError({ alerts: { rules: [rule as never] } })).toEqual({
      option: 'alerts.rules[0].fro',
      message: 'alerts.rules[0]: rule "R": unknown option "fro"; did you mean "for"?',
    })
  })

  it('passes an unknown key whose value is undefined (a spread of absent options)', async () => {
    const engine = createEngine({ extractor: inline, level: 'basic', ...{ thread: undefined } })
    await engine.close()
  })

  it('extract() and extractMany() refuse an unknown key', async () => {
    const engine = createEngine({ extractor: inline, level: 'basic' })
    try {
      await expect(engine.extract(doc('a'), { correlationID: 'x' } as never)).rejects.toMatchObject(
        {
          code: 'MX_INVALID_OPTION',
          option: 'correlationID',
          message: 'extract(): unknown option "correlationID"; did you mean "correlationId"?',
        },
      )
      await expect(
        collect(engine.extractMany([doc('a')], { maxInflight: 2 } as never)),
      ).rejects.toMatchObject({
        option: 'maxInflight',
        message: 'extractMany(): unknown option "maxInflight"; did you mean "maxInFlight"?',
      })
      await expect(
        collect(engine.extractMany([doc('a')], { retry: { attempt: 2 } } as never)),
      ).rejects.toMatchObject({
        option: 'retry.attempt',
        message: 'extractMany(): unknown option "retry.attempt"; did you mean "retry.attempts"?',
      })
    } finally {
      await engine.close()
    }
  })

  it('the other factories refuse an unknown key', async () => {
    expect(thrown(() => defineExtractor({ ...inline, relat: () => 0 } as never))).toMatchObject({
      code: 'MX_INVALID_OPTION',
      option: 'extractor.relat',
      message:
        'defineExtractor(): unknown option "extractor.relat"; did you mean "extractor.relate"?',
    })
    const patterns = thrown(() => createErrorPatterns({ maximum: 5 } as never))
    expect(patterns).toBeInstanceOf(InvalidOptionError)
    expect(patterns.message).toBe(
      'createErrorPatterns(): unknown option "maximum"; the options are "max"',
    )
    expect(
      thrown(() => extractViaQueue([], { redis: 'redis://h', atempts: 2 } as never)),
    ).toMatchObject({
      option: 'atempts',
      message: 'extractViaQueue(): unknown option "atempts"; did you mean "attempts"?',
    })
    const engine = createEngine({ extractor: inline, level: 'basic' })
    try {
      const serve = await rejected(() =>
        serveQueue(engine, { redis: 'redis://h', concurency: 2 } as never),
      )
      expect(serve).toMatchObject({
        option: 'concurency',
        message: 'serveQueue(): unknown option "concurency"; did you mean "concurrency"?',
      })
    } finally {
      await engine.close()
    }
  })
})
