import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createProfiler } from '@mx/profiler'
import { afterAll, describe, expect, it, vi } from 'vitest'
import {
  type BreakerChange,
  createEngine,
  type EngineOptions,
  type ExtractFailure,
  type Extractor,
  type ExtractResult,
  type ExtractSuccess,
  nonRetryable,
} from '../src/index'
import { collect, fixture, manualClock, mapCache, optionError } from './helpers'

const flakyModule = fixture('flaky.mjs')
const dir = mkdtempSync(join(tmpdir(), 'mx-resilience-'))
let files = 0
/** A fresh attempt counter file for the flaky module's `<mode> <times> <file>` directive. */
const counter = () => join(dir, `attempts-${files++}`)
const attemptsIn = (file: string) => readFileSync(file, 'utf8').length

afterAll(() => rmSync(dir, { recursive: true, force: true }))

/**
 * An inline extractor that fails by pattern: a line `FAIL n` throws in `element()` the first n
 * times a document is attempted, `ALWAYS` always throws there, `BINARY` makes parse throw an
 * error coded `MX_DOCS_BINARY`, `WAIT` makes parse wait for `release()`; `broken = true` fails
 * every document. `calls` lists the documents parse saw, in order.
 */
function inlineFlaky(name = 'flaky-inline') {
  const left = new Map<string, number>()
  let release: () => void = () => {}
  let gate = new Promise<void>((resolve) => {
    release = resolve
  })
  const state = { broken: false, calls: [] as string[] }
  const extractor: Extractor<{ id: string; text: string }, { words: number }, unknown> = {
    name,
    version: '1',
    async parse(doc) {
      state.calls.push(doc.id)
      const text = String(doc.content)
      if (text.startsWith('BINARY'))
        throw Object.assign(new Error('not text'), { code: 'MX_DOCS_BINARY' })
      if (text.startsWith('WAIT')) await gate
      return text.split('\n').map((line, i) => ({ id: `e${i}`, text: line }))
    },
    element(el, ctx) {
      if (state.broken || el.text === 'ALWAYS') throw new Error(`${name} failed`)
      const match = /^FAIL (\d+)$/.exec(el.text)
      if (match) {
        const n = left.get(ctx.docId) ?? Number(match[1])
        left.set(ctx.docId, n - 1)
        if (n > 0) throw new Error(`${name} failed, ${n} to go`)
      }
      return { words: el.text.split(/\s+/).length }
    },
    document(_elements, metas) {
      return { by: name, words: metas.reduce((sum, m) => sum + m.words, 0) }
    },
  }
  return Object.assign(state, {
    extractor,
    release: () => release(),
    rearm: () => {
      gate = new Promise<void>((resolve) => {
        release = resolve
      })
    },
  })
}

const code = (result: ExtractResult) => (result.ok ? 'ok' : result.error.code)

describe('retries', () => {
  it('retries as configured, with the delays asked of the injected clock', async () => {
    const clock = manualClock()
    const flaky = inlineFlaky()
    await using engine = createEngine({
      extractor: flaky.extractor,
      level: 'basic',
      clock,
      retry: { attempts: 4, backoff: { initial: 100, factor: 3, max: 500, jitter: 0 } },
    })
    const ok = await engine.extract({ id: 'three', content: 'FAIL 3\nsome words' })
    expect(ok).toMatchObject({ ok: true, stats: { attempts: 4 }, metadata: { words: 4 } })
    expect(clock.delays).toEqual([100, 300, 500]) // 100, 100×3, min(500, 100×9)
    expect(flaky.calls).toEqual(['three', 'three', 'three', 'three'])

    clock.delays.length = 0
    const failed = await engine.extract({ id: 'always', content: 'ALWAYS' })
    expect(failed).toMatchObject({
      ok: false,
      attempts: 4,
      error: { code: 'MX_ENGINE_EXTRACT', message: 'element e0 threw: flaky-inline failed' },
    })
    expect(clock.delays).toEqual([100, 300, 500])

    const once = await engine.extract({ id: 'fine', content: 'no failure' })
    expect(once.ok && once.stats).not.toHaveProperty('attempts') // one attempt: not marked
    expect(engine.report().resilience).toEqual({ retries: 6, fallbacks: 0, breakers: [] })
  })

  it('spreads each delay within ±jitter of initial × factor^n', async () => {
    const clock = manualClock()
    const flaky = inlineFlaky()
    await using engine = createEngine({
      extractor: flaky.extractor,
      level: 'basic',
      clock,
      retry: { attempts: 5, backoff: { initial: 100, factor: 2, max: 10_000, jitter: 0.5 } },
    })
    const random = vi.spyOn(Math, 'random')
    try {
      random.mockReturnValue(0) // the low end: base × (1 − jitter)
      await engine.extract({ id: 'low', content: 'ALWAYS' })
      expect(clock.delays).toEqual([50, 100, 200, 400])
      clock.delays.length = 0
      random.mockReturnValue(1) // the high end: base × (1 + jitter)
      await engine.extract({ id: 'high', content: 'ALWAYS' })
      expect(clock.delays).toEqual([150, 300, 600, 1200])
    } finally {
      random.mockRestore()
    }
    clock.delays.length = 0
    for (let i = 0; i < 20; i++) await engine.extract({ id: `d${i}`, content: 'ALWAYS' })
    clock.delays.forEach((delay, i) => {
      const base = 100 * 2 ** (i % 4)
      expect(delay).toBeGreaterThanOrEqual(base * 0.5)
      expect(delay).toBeLessThanOrEqual(base * 1.5)
    })
  })

  it('never retries input errors or nonRetryable cause codes, even when `on` lists them', async () => {
    const clock = manualClock()
    const flaky = inlineFlaky()
    await using engine = createEngine({
      extractor: flaky.extractor,
      level: 'basic',
      clock,
      retry: { attempts: 3, on: ['MX_ENGINE_PARSE', 'MX_ENGINE_INPUT', 'MX_DOCS_BINARY'] },
    })
    const binary = await engine.extract({ id: 'bin', content: 'BINARY' })
    expect(binary).toMatchObject({
      ok: false,
      error: { code: 'MX_ENGINE_PARSE', causeCode: 'MX_DOCS_BINARY' },
    })
    expect(binary).not.toHaveProperty('attempts')
    const input = await engine.extract({ id: 'x', content: 42 } as never)
    expect(code(input)).toBe('MX_ENGINE_INPUT')
    expect(flaky.calls).toEqual(['bin'])
    expect(clock.delays).toEqual([])
    expect(nonRetryable.has('MX_DOCS_BINARY') && nonRetryable.has('MX_ENGINE_INPUT')).toBe(true)
  })

  it('retries what a predicate `on` says, and a run’s `retry` replaces the engine’s', async () => {
    const clock = manualClock()
    const flaky = inlineFlaky()
    const seen: string[] = []
    await using engine = createEngine({
      extractor: flaky.extractor,
      level: 'basic',
      clock,
      retry: {
        attempts: 2,
        on: (error) => {
          seen.push(`${error.code}: ${error.message}`)
          return error.message.includes('to go')
        },
      },
    })
    const [flakyDoc, always] = await collect(
      engine.extractMany([
        { id: 'a', content: 'FAIL 1\nx' },
        { id: 'b', content: 'ALWAYS' },
      ]),
    )
    expect(flakyDoc).toMatchObject({ ok: true, stats: { attempts: 2 } })
    expect(always).toMatchObject({ ok: false, error: { code: 'MX_ENGINE_EXTRACT' } })
    expect(always).not.toHaveProperty('attempts')
    expect(seen).toEqual([
      'MX_ENGINE_EXTRACT: element e0 threw: flaky-inline failed, 1 to go',
      'MX_ENGINE_EXTRACT: element e0 threw: flaky-inline failed',
    ])

    const [three] = await collect(
      engine.extractMany([{ id: 'c', content: 'ALWAYS' }], { retry: { attempts: 3 } }),
    )
    expect(three).toMatchObject({ ok: false, attempts: 3 })
    const [none] = await collect(
      engine.extractMany([{ id: 'd', content: 'FAIL 1\nx' }], { retry: false }),
    )
    expect(none).toMatchObject({ ok: false, error: { code: 'MX_ENGINE_EXTRACT' } })
    expect(none).not.toHaveProperty('attempts')
  })

  it('by default retries a worker crash once (real threads) and an extract error not at all', async () => {
    const clock = manualClock()
    await using engine = createEngine({
      extractor: flakyModule,
      level: 'basic',
      workers: true,
      threads: 1,
      clock,
    })
    const once = counter()
    const twice = counter()
    const thrown = counter()
    const results = await collect(
      engine.extractMany(
        [
          { id: 'crash-once', content: `crash 1 ${once}\ntwo words` },
          { id: 'crash-twice', content: `crash 2 ${twice}\ntwo words` },
          { id: 'throw-once', content: `throw 1 ${thrown}\ntwo words` },
        ],
        { maxInFlight: 1 },
      ),
    )
    expect(results.map(code)).toEqual(['ok', 'MX_ENGINE_CRASH', 'MX_ENGINE_EXTRACT'])
    expect(results[0]).toMatchObject({ stats: { attempts: 2, ranIn: 'workers' } })
    expect(results[1]).toMatchObject({ attempts: 2 })
    expect(results[2]).not.toHaveProperty('attempts')
    expect([attemptsIn(once), attemptsIn(twice), attemptsIn(thrown)]).toEqual([2, 2, 1])
    // The default backoff: about 10 ms (±50 %) on the engine's clock, once per crash retried.
    expect(clock.delays).toHaveLength(2)
    for (const delay of clock.delays) expect(delay).toBeGreaterThanOrEqual(5)
    for (const delay of clock.delays) expect(delay).toBeLessThanOrEqual(15)
  })

  it('retries element errors and timeouts in worker threads, each attempt under its own timeout', async () => {
    const clock = manualClock()
    await using engine = createEngine({
      extractor: flakyModule,
      level: 'basic',
      workers: true,
      threads: 1,
      clock,
      // Generous: under a loaded machine a thread start alone can take a second.
      timeout: 2000,
      retry: { attempts: 3, backoff: { initial: 20, factor: 2, jitter: 0 } },
    })
    await engine.extract({ id: 'warm', content: 'start the thread' })
    const thrown = counter()
    const hung = counter()
    const [threw, hang] = await collect(
      engine.extractMany(
        [
          { id: 'throw', content: `throw 2 ${thrown}\nthree more words` },
          { id: 'hang', content: `hang 1 ${hung}\nfour` },
        ],
        { maxInFlight: 1 },
      ),
    )
    expect(threw).toMatchObject({
      ok: true,
      metadata: { by: 'flaky-module', words: 3 },
      stats: { attempts: 3, ranIn: 'workers' },
    })
    expect(hang).toMatchObject({ ok: true, stats: { attempts: 2, ranIn: 'workers' } })
    expect([attemptsIn(thrown), attemptsIn(hung)]).toEqual([3, 2])
    expect(clock.delays).toEqual([20, 40, 20])
  }, 20_000)
})

describe('circuit breaker', () => {
  it('opens after N consecutive failures, fails fast, half-opens after coolDown, closes on success', async () => {
    const clock = manualClock()
    const flaky = inlineFlaky()
    await using engine = createEngine({
      extractor: flaky.extractor,
      level: 'basic',
      clock,
      retry: false,
      breaker: { failures: 3, rate: false, coolDown: 1000, probes: 1 },
    })
    const changes: BreakerChange[] = []
    engine.on('breaker', (change) => changes.push(change))
    for (const id of ['f1', 'f2']) await engine.extract({ id, content: 'ALWAYS' })
    expect(code(await engine.extract({ id: 'good', content: 'resets the count' }))).toBe('ok')
    for (const id of ['f3', 'f4']) await engine.extract({ id, content: 'ALWAYS' })
    expect(changes).toEqual([])
    await engine.extract({ id: 'f5', content: 'ALWAYS' })
    expect(changes).toEqual([{ extractor: 'flaky-inline', from: 'closed', to: 'open' }])

    flaky.calls.length = 0
    clock.t += 999
    const fast = await engine.extract({ id: 'fast', content: 'a good document' })
    expect(fast).toMatchObject({
      ok: false,
      error: {
        code: 'MX_ENGINE_CIRCUIT_OPEN',
        message: 'document fast: the circuit breaker of extractor flaky-inline is open',
      },
    })
    expect(flaky.calls).toEqual([]) // the extractor was not called

    clock.t += 1
    const probe = await engine.extract({ id: 'probe', content: 'a good document' })
    expect(code(probe)).toBe('ok')
    expect(changes.slice(1)).toEqual([
      { extractor: 'flaky-inline', from: 'open', to: 'half-open' },
      { extractor: 'flaky-inline', from: 'half-open', to: 'closed' },
    ])
    expect(engine.report().resilience.breakers).toEqual([
      { extractor: 'flaky-inline', state: 'closed', opened: 1, rejected: 1 },
    ])
  })

  it('lets at most `probes` documents through while half-open and reopens on a failed probe', async () => {
    const clock = manualClock()
    const flaky = inlineFlaky()
    await using engine = createEngine({
      extractor: flaky.extractor,
      level: 'basic',
      clock,
      retry: false,
      breaker: { failures: 1, rate: false, coolDown: 100, probes: 2 },
    })
    const changes: string[] = []
    engine.on('breaker', ({ from, to }) => changes.push(`${from}→${to}`))
    await engine.extract({ id: 'bad', content: 'ALWAYS' })
    clock.t += 100
    flaky.calls.length = 0
    // Four documents at once: two probes reach the extractor (and wait), two fail fast.
    const pending = ['w1', 'w2', 'w3', 'w4'].map((id) =>
      engine.extract({ id, content: 'WAIT\nALWAYS' }),
    )
    const fast = await Promise.all(pending.slice(2))
    expect(fast.map(code)).toEqual(['MX_ENGINE_CIRCUIT_OPEN', 'MX_ENGINE_CIRCUIT_OPEN'])
    expect(flaky.calls).toEqual(['w1', 'w2'])
    flaky.release()
    const probes = await Promise.all(pending.slice(0, 2))
    expect(probes.map(code)).toEqual(['MX_ENGINE_EXTRACT', 'MX_ENGINE_EXTRACT'])
    expect(changes).toEqual(['closed→open', 'open→half-open', 'half-open→open'])
    expect(code(await engine.extract({ id: 'after', content: 'fine' }))).toBe(
      'MX_ENGINE_CIRCUIT_OPEN',
    )
    clock.t += 100
    expect(code(await engine.extract({ id: 'healed', content: 'fine' }))).toBe('ok')
    expect(changes.slice(3)).toEqual(['open→half-open', 'half-open→closed'])
  })

  it('opens on a failure rate over the rolling window of the injected clock', async () => {
    const clock = manualClock()
    const flaky = inlineFlaky()
    await using engine = createEngine({
      extractor: flaky.extractor,
      level: 'basic',
      clock,
      retry: false,
      breaker: { failures: 100, rate: { threshold: 0.5, window: 1000, minimum: 4 } },
    })
    const states: string[] = []
    engine.on('breaker', ({ to }) => states.push(to))
    const run = async (pattern: string) => {
      for (const [i, c] of [...pattern].entries())
        await engine.extract({ id: `${clock.t}-${i}`, content: c === 'x' ? 'ALWAYS' : 'fine' })
    }
    await run('xx') // 2 failures at t = 1000...
    clock.t += 1001 // ...out of the window by now
    await run('..x.') // 4 calls in the window, 1 failure: 25 %
    await run('x') // 5 calls, 2 failures: 40 %
    expect(states).toEqual([])
    await run('x') // 6 calls, 3 failures: 50 %
    expect(states).toEqual(['open'])
  })

  it('does not count bad input or nonRetryable causes against the extractor', async () => {
    const clock = manualClock()
    const flaky = inlineFlaky()
    await using engine = createEngine({
      extractor: flaky.extractor,
      level: 'basic',
      clock,
      breaker: { failures: 2, rate: false },
    })
    for (let i = 0; i < 4; i++) {
      await engine.extract({ id: `b${i}`, content: 'BINARY' })
      await engine.extract({ id: `i${i}`, content: null } as never)
    }
    expect(engine.report().resilience.breakers).toEqual([
      { extractor: 'flaky-inline', state: 'closed', opened: 0, rejected: 0 },
    ])
  })

  it('keeps profiler counters and fires the CircuitBreakerOpen alert while a breaker is open', async () => {
    const clock = manualClock()
    const flaky = inlineFlaky()
    const profiler = createProfiler()
    try {
      await using engine = createEngine({
        extractor: flaky.extractor,
        level: 'basic',
        clock,
        profiler,
        alerts: true,
        retry: false,
        breaker: { failures: 2, coolDown: 50 },
      })
      expect(await engine.evaluateAlerts()).toEqual([])
      for (const id of ['a', 'b', 'c', 'd']) await engine.extract({ id, content: 'ALWAYS' })
      expect(await engine.evaluateAlerts()).toEqual([
        { rule: 'CircuitBreakerOpen', state: 'firing', value: 1 },
      ])
      const counters = Object.fromEntries(
        profiler.snapshot().counters.map((c) => [c.name, c.value]),
      )
      expect(counters).toMatchObject({ 'breaker.opened': 1, 'breaker.rejected': 2 })
      clock.t += 50
      await engine.extract({ id: 'ok', content: 'fine' })
      expect(await engine.evaluateAlerts()).toEqual([])
    } finally {
      profiler.close()
    }
  })
})

describe('fallback chains', () => {
  it('extracts with the fallback when the primary (worker threads) fails, never caching it as the primary’s', async () => {
    const cache = mapCache()
    const fallback = inlineFlaky('text-fallback')
    await using engine = createEngine({
      extractor: [flakyModule, fallback.extractor],
      level: 'basic',
      workers: true,
      threads: 1,
      cache,
      retry: false,
    })
    const file = counter()
    const doc = { id: 'doc', content: `throw 1 ${file}\nsome text here` }
    const first = await engine.extract(doc)
    expect(first).toMatchObject({
      ok: true,
      metadata: { by: 'text-fallback' },
      degraded: { by: 'fallback', from: 'MX_ENGINE_EXTRACT', extractor: 'text-fallback' },
      stats: { attempts: 2, source: 'elements', ranIn: 'inline' },
    })
    const keys = [...cache.map.keys()]
    expect(keys.filter((key) => key.startsWith('d:'))).toEqual([]) // no document entry
    expect(keys.length).toBeGreaterThan(0)
    for (const key of keys) expect(key).toMatch(/^e:text-fallback@1:/) // the fallback's own keys

    // The primary is healthy again: the same document is extracted by it, not served the fallback's.
    const second = await engine.extract(doc)
    expect(second).toMatchObject({
      ok: true,
      metadata: { by: 'flaky-module', words: 3 },
      stats: { source: 'elements', ranIn: 'workers' },
    })
    expect(second).not.toHaveProperty('degraded')
    const third = await engine.extract(doc)
    expect(third).toMatchObject({
      metadata: { by: 'flaky-module' },
      stats: { source: 'document-cache' },
    })
    expect(attemptsIn(file)).toBe(2)
    expect(engine.report().resilience).toMatchObject({ fallbacks: 1 })
  })

  it('sends documents past an open breaker to the fallback, and back once the primary recovers', async () => {
    const clock = manualClock()
    const primary = inlineFlaky('primary')
    const fallback = inlineFlaky('fallback')
    await using engine = createEngine({
      extractor: [primary.extractor, fallback.extractor],
      level: 'standard', // the engine-built cache
      clock,
      retry: false,
      breaker: { failures: 2, rate: false, coolDown: 500 },
    })
    const changes: BreakerChange[] = []
    engine.on('breaker', (change) => changes.push(change))
    primary.broken = true
    const doc = { id: 'same', content: 'one two' }
    const results = await collect(
      engine.extractMany([{ id: 'p1', content: 'a' }, { id: 'p2', content: 'b' }, doc], {
        maxInFlight: 1,
      }),
    )
    expect(results.map((r) => (r as ExtractSuccess).degraded?.from)).toEqual([
      'MX_ENGINE_EXTRACT',
      'MX_ENGINE_EXTRACT',
      'MX_ENGINE_CIRCUIT_OPEN',
    ])
    expect(primary.calls).toEqual(['p1', 'p2']) // `same` never reached the open primary
    expect(changes).toEqual([{ extractor: 'primary', from: 'closed', to: 'open' }])

    primary.broken = false
    clock.t += 500
    const healed = await engine.extract(doc)
    expect(healed).toMatchObject({ ok: true, metadata: { by: 'primary' } })
    expect(healed).not.toHaveProperty('degraded')
    expect(await engine.extract(doc)).toMatchObject({
      metadata: { by: 'primary' },
      stats: { source: 'document-cache' },
    })
  })

  it('follows fallbackOn, leaves nonRetryable failures alone by default, and reports the primary’s failure when all fail', async () => {
    const primary = inlineFlaky('primary')
    const fallback = inlineFlaky('fallback')
    await using engine = createEngine({
      extractor: [primary.extractor, fallback.extractor],
      level: 'basic',
      retry: false,
    })
    const binary = await engine.extract({ id: 'bin', content: 'BINARY' })
    expect(binary).toMatchObject({ ok: false, error: { causeCode: 'MX_DOCS_BINARY' } })
    expect(fallback.calls).toEqual([])

    fallback.broken = true
    const both = await engine.extract({ id: 'both', content: 'ALWAYS' })
    expect(both).toMatchObject({
      ok: false,
      attempts: 2,
      error: { code: 'MX_ENGINE_EXTRACT', message: 'element e0 threw: primary failed' },
    })

    await using picky = createEngine({
      extractor: [primary.extractor, fallback.extractor],
      level: 'basic',
      retry: false,
      fallbackOn: ['MX_ENGINE_TIMEOUT'],
    })
    fallback.calls.length = 0
    expect(code(await picky.extract({ id: 'x', content: 'ALWAYS' }))).toBe('MX_ENGINE_EXTRACT')
    expect(fallback.calls).toEqual([])
  })
})

describe('options', () => {
  const extractor = fixture('words.mjs')

  it('names the bad retry, breaker, fallbackOn and clock option in a typed error', () => {
    const cases: Array<[Partial<EngineOptions>, string, string]> = [
      [
        { retry: 3 as never },
        'retry',
        'retry must be false or an object ({ attempts, backoff, on }), got 3',
      ],
      [
        { retry: { attempts: 0 } },
        'retry.attempts',
        'retry.attempts must be a positive integer, got 0',
      ],
      [
        { retry: { backoff: 5 as never } },
        'retry.backoff',
        'retry.backoff must be an object ({ initial, max, factor, jitter }), got 5',
      ],
      [
        { retry: { backoff: { initial: -1 } } },
        'retry.backoff.initial',
        'retry.backoff.initial must be a number ≥ 0, got -1',
      ],
      [
        { retry: { backoff: { max: Number.NaN } } },
        'retry.backoff.max',
        'retry.backoff.max must be a number ≥ 0, got NaN',
      ],
      [
        { retry: { backoff: { factor: 0.5 } } },
        'retry.backoff.factor',
        'retry.backoff.factor must be a number ≥ 1, got 0.5',
      ],
      [
        { retry: { backoff: { jitter: 1.5 } } },
        'retry.backoff.jitter',
        'retry.backoff.jitter must be a number in [0, 1], got 1.5',
      ],
      [
        { retry: { on: 'MX_ENGINE_CRASH' as never } },
        'retry.on',
        'retry.on must be a list of error codes or a function (error) => boolean, got "MX_ENGINE_CRASH"',
      ],
      [
        { retry: { on: ['MX_ENGINE_CRASH', ''] } },
        'retry.on[1]',
        'retry.on[1] must be a non-empty string (an error code), got ""',
      ],
      [
        { breaker: 'on' as never },
        'breaker',
        'breaker must be true, false or an object ({ failures, rate, coolDown, probes }), got "on"',
      ],
      [
        { breaker: { failures: 0 } },
        'breaker.failures',
        'breaker.failures must be a positive integer, got 0',
      ],
      [
        { breaker: { rate: true as never } },
        'breaker.rate',
        'breaker.rate must be false or an object ({ threshold, window, minimum }), got true',
      ],
      [
        { breaker: { rate: { threshold: 0 } } },
        'breaker.rate.threshold',
        'breaker.rate.threshold must be a number in (0, 1], got 0',
      ],
      [
        { breaker: { rate: { window: 0 } } },
        'breaker.rate.window',
        'breaker.rate.window must be a positive number, got 0',
      ],
      [
        { breaker: { rate: { minimum: 2.5 } } },
        'breaker.rate.minimum',
        'breaker.rate.minimum must be a positive integer, got 2.5',
      ],
      [
        { breaker: { coolDown: -5 } },
        'breaker.coolDown',
        'breaker.coolDown must be a number ≥ 0, got -5',
      ],
      [
        { breaker: { probes: 0 } },
        'breaker.probes',
        'breaker.probes must be a positive integer, got 0',
      ],
      [
        { fallbackOn: 7 as never },
        'fallbackOn',
        'fallbackOn must be a list of error codes or a function (error, doc) => boolean, got 7',
      ],
      [
        { clock: { now: () => 0, setTimeout: 5 as never } },
        'clock.setTimeout',
        'clock.setTimeout must be a function when given, got 5',
      ],
    ]
    for (const [options, option, message] of cases)
      expect(optionError(options)).toEqual({ option, message })
  })

  it('checks each extractor of a chain and names it by its index', async () => {
    expect(optionError({ extractor: [] })).toEqual({
      option: 'extractor',
      message:
        'extractor must be an extractor or a non-empty list of extractors, got an empty array',
    })
    expect(optionError({ extractor: [extractor, { name: 'x', version: '1' } as never] })).toEqual({
      option: 'extractor[1].parse',
      message: 'extractor[1].parse must be a function, got undefined',
    })
    expect(optionError({ extractor: [extractor, new URL('https://example.com/x.mjs')] })).toEqual({
      option: 'extractor[1]',
      message: 'extractor[1] URL must be a file: URL, got https://example.com/x.mjs',
    })
    expect(optionError({ extractor: ['', extractor] })).toEqual({
      option: 'extractor[0]',
      message: 'extractor[0] must be a non-empty string, got ""',
    })
    await using broken = createEngine({
      extractor: [extractor, fixture('broken.mjs')],
      level: 'basic',
    })
    await expect(broken.ready()).rejects.toMatchObject({
      code: 'MX_INVALID_OPTION',
      option: 'extractor[1].element',
    })
  })

  it('checks the retry of one extractMany run when the run starts', async () => {
    await using engine = createEngine({ extractor, level: 'basic' })
    await expect(
      collect(engine.extractMany([], { retry: { attempts: -1 } })),
    ).rejects.toMatchObject({
      code: 'MX_INVALID_OPTION',
      option: 'retry.attempts',
      message: 'retry.attempts must be a positive integer, got -1',
    })
  })
})

// The type of a failure result carries `attempts`.
const _typed: ExtractFailure = {
  ok: false,
  id: 'x',
  error: { code: 'c', message: 'm' },
  attempts: 2,
}
void _typed
