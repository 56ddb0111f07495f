import { describe, expect, it } from 'vitest'
import { defineExtractor } from '../src/index'
import { optionError } from './helpers'

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
