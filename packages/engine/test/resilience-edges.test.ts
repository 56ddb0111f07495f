import { describe, expect, it } from 'vitest'
import {
  AbortedError,
  createEngine,
  type Extractor,
  type ExtractResult,
  InvalidOptionError,
} from '../src/index'
import { collect, doc, docs, fixture, manualClock } from './helpers'

/**
 * An inline extractor: content `ALWAYS` throws in `element()`, `BINARY` makes parse throw a
 * nonRetryable code, `WAIT` makes parse wait for `release()`.
 */
function inline(name = 'edge') {
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  const extractor: Extractor<{ id: string; text: string }, number, unknown> = {
    name,
    version: '1',
    async parse(d) {
      const text = String(d.content)
      if (text === 'BINARY') throw Object.assign(new Error('not text'), { code: 'MX_DOCS_BINARY' })
      if (text === 'WAIT') await gate
      return [{ id: 'e0', text }]
    },
    element(el) {
      if (el.text === 'ALWAYS') throw new Error(`${name} failed`)
      return el.text.length
    },
    document: (_elements, metas) => ({ by: name, total: metas[0] }),
  }
  return { extractor, release: () => release() }
}

const code = (result: ExtractResult) => (result.ok ? 'ok' : result.error.code)

describe('circuit breaker edges', () => {
  it('compacts its rate window after over a thousand expired outcomes and still counts only the window', async () => {
    const clock = manualClock()
    const { extractor } = inline()
    await using engine = createEngine({
      extractor,
      level: 'basic',
      clock,
      retry: false,
      breaker: { failures: 100, rate: { threshold: 0.5, window: 1000, minimum: 4 } },
    })
    const states: string[] = []
    engine.on('breaker', ({ to }) => states.push(to))
    for (let i = 0; i < 1100; i++) await engine.extract({ id: `ok-${i}`, content: 'fine' })
    clock.t += 1001 // every success so far leaves the window at the next outcome
    const outcomes: string[] = []
    for (const content of ['ALWAYS', 'ALWAYS', 'fine', 'ALWAYS'])
      outcomes.push(code(await engine.extract({ id: `w-${outcomes.length}`, content })))
    expect(outcomes).toEqual(['MX_ENGINE_EXTRACT', 'MX_ENGINE_EXTRACT', 'ok', 'MX_ENGINE_EXTRACT'])
    // 3 failures of the 4 calls in the window (75 %): the 1,100 earlier successes do not count.
    expect(states).toEqual(['open'])
  })

  it('ignores a success that comes back after the breaker opened', async () => {
    const clock = manualClock()
    const { extractor, release } = inline()
    await using engine = createEngine({
      extractor,
      level: 'basic',
      clock,
      retry: false,
      breaker: { failures: 1, rate: false, coolDown: 1000 },
    })
    const slow = engine.extract({ id: 'slow', content: 'WAIT' })
    expect(code(await engine.extract({ id: 'bad', content: 'ALWAYS' }))).toBe('MX_ENGINE_EXTRACT')
    release()
    expect(code(await slow)).toBe('ok')
    expect(engine.report().resilience.breakers).toEqual([
      { extractor: 'edge', state: 'open', opened: 1, rejected: 0 },
    ])
  })

  it('gives a probe’s place back when it fails in a way the breaker does not count', async () => {
    const clock = manualClock()
    const { extractor } = inline()
    await using engine = createEngine({
      extractor,
      level: 'basic',
      clock,
      retry: false,
      breaker: { failures: 1, rate: false, coolDown: 100, probes: 1 },
    })
    await engine.extract({ id: 'bad', content: 'ALWAYS' })
    clock.t += 100
    // The only probe fails with a nonRetryable cause: not the extractor's fault.
    expect(code(await engine.extract({ id: 'binary', content: 'BINARY' }))).toBe('MX_ENGINE_PARSE')
    expect(code(await engine.extract({ id: 'next', content: 'fine' }))).toBe('ok')
    expect(engine.report().resilience.breakers).toEqual([
      { extractor: 'edge', state: 'closed', opened: 1, rejected: 0 },
    ])
  })

  it('keeps the failure of a retry that meets the breaker it opened', async () => {
    const clock = manualClock()
    const { extractor } = inline()
    await using engine = createEngine({
      extractor,
      level: 'basic',
      clock,
      retry: { attempts: 3, on: ['MX_ENGINE_EXTRACT'], backoff: { jitter: 0 } },
      breaker: { failures: 1, rate: false, coolDown: 60_000 },
    })
    const result = await engine.extract({ id: 'bad', content: 'ALWAYS' })
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'MX_ENGINE_EXTRACT', message: 'element e0 threw: edge failed' },
    })
    expect(result).not.toHaveProperty('attempts')
    expect(engine.report().resilience).toMatchObject({
      retries: 1,
      breakers: [{ extractor: 'edge', state: 'open', opened: 1, rejected: 1 }],
    })
  })

  it('names each extractor of the chain in the report before any is loaded', () => {
    const fallback = inline('inline-fallback').extractor
    const primary = fixture('words.mjs')
    const engine = createEngine({
      extractor: [primary, fallback, fixture('named.mjs').href],
      level: 'basic',
      breaker: true,
    })
    expect(engine.report().resilience.breakers).toEqual([
      { extractor: primary.href, state: 'closed', opened: 0, rejected: 0 },
      { extractor: 'inline-fallback', state: 'closed', opened: 0, rejected: 0 },
      { extractor: fixture('named.mjs').href, state: 'closed', opened: 0, rejected: 0 },
    ])
    return engine.close()
  })
})

describe('fallback chain edges', () => {
  it('asks a fallbackOn function with the failure and the document', async () => {
    const primary = inline('primary').extractor
    const fallback = inline('fallback').extractor
    const asked: string[] = []
    await using engine = createEngine({
      extractor: [primary, fallback],
      level: 'basic',
      retry: false,
      fallbackOn: (failure, d) => {
        asked.push(`${d.id}: ${failure.code}`)
        return d.id !== 'stay'
      },
    })
    const moved = await engine.extract({ id: 'move', content: 'ALWAYS' })
    expect(moved).toMatchObject({
      ok: false,
      error: { code: 'MX_ENGINE_EXTRACT', message: 'element e0 threw: primary failed' },
    })
    const stay = await engine.extract({ id: 'stay', content: 'ALWAYS' })
    expect(stay).toMatchObject({
      ok: false,
      error: { message: 'element e0 threw: primary failed' },
    })
    const good = await engine.extract({ id: 'fine', content: 'fine' })
    expect(good).toMatchObject({ ok: true, metadata: { by: 'primary' } })
    expect(asked).toEqual(['move: MX_ENGINE_EXTRACT', 'stay: MX_ENGINE_EXTRACT'])
    expect(engine.report().resilience.fallbacks).toBe(0)
  })

  it('refuses a fallback module that cannot be loaded, naming it by its index', async () => {
    const missing = new URL('./fixtures/does-not-exist.mjs', import.meta.url)
    await using engine = createEngine({
      extractor: [fixture('words.mjs'), missing],
      level: 'basic',
    })
    const error = await engine.ready().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidOptionError)
    expect(error).toMatchObject({ option: 'extractor[1]' })
    expect((error as Error).message).toMatch(
      /^extractor\[1\] module file:.*does-not-exist\.mjs could not be loaded: /,
    )
  })
})

describe('aborting a run', () => {
  it('throws AbortedError when aborted while a retry waits, and starts no more documents', async () => {
    const controller = new AbortController()
    const { extractor } = inline()
    let started = 0
    await using engine = createEngine({
      extractor,
      level: 'basic',
      // Real timers: the retry waits 60 s unless the run is aborted.
      retry: { attempts: 2, on: ['MX_ENGINE_EXTRACT'], backoff: { initial: 60_000, jitter: 0 } },
    })
    const run = collect(
      engine.extractMany([{ id: 'bad', content: 'ALWAYS' }, ...docs(3)], {
        signal: controller.signal,
        maxInFlight: 1,
        onProgress: (progress) => {
          started = progress.started
        },
      }),
    )
    await expect.poll(() => engine.report().resilience.retries).toBe(1)
    controller.abort()
    await expect(run).rejects.toBeInstanceOf(AbortedError)
    expect(started).toBe(1)
  })

  it('stops pulling documents as soon as onProgress aborts the run', async () => {
    const controller = new AbortController()
    await using engine = createEngine({ extractor: fixture('words.mjs'), level: 'basic' })
    let pulled = 0
    function* source() {
      for (const d of docs(10)) {
        pulled++
        yield d
      }
    }
    const error = await collect(
      engine.extractMany(source(), {
        signal: controller.signal,
        onProgress: (progress) => {
          if (progress.started === 3) controller.abort()
        },
      }),
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AbortedError)
    expect(pulled).toBe(3)
    expect((await engine.extract(doc('after'))).ok).toBe(true)
  })
})
