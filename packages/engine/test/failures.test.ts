import { createPool } from '@mx/workers'
import { describe, expect, it } from 'vitest'
import { createEngine, type ExtractFailure, type SourceDocument, workerTaskUrl } from '../src/index'
import { collect, fixture } from './helpers'

const input = (id: string, ...lines: string[]): SourceDocument => ({
  id,
  content: lines.join('\n'),
})

function codes(results: Array<{ ok: boolean; id: string }>) {
  return Object.fromEntries(
    results.map((r) => [r.id, r.ok ? 'ok' : (r as ExtractFailure).error.code]),
  )
}

describe('per-document failures', () => {
  it('turns parse, element and document errors into results inline and the run goes on', async () => {
    await using engine = createEngine({ extractor: fixture('failing.mjs'), level: 'standard' })
    const results = await collect(
      engine.extractMany([
        input('parse', 'PARSE me'),
        input('element', 'fine', 'BOOM'),
        input('document', 'DOCFAIL'),
        input('good', 'abc', 'de'),
        { id: 'input', content: 12 } as never,
      ]),
    )
    expect(codes(results)).toEqual({
      parse: 'MX_ENGINE_PARSE',
      element: 'MX_ENGINE_EXTRACT',
      document: 'MX_ENGINE_EXTRACT',
      good: 'ok',
      input: 'MX_ENGINE_INPUT',
    })
    expect(results[0]).toMatchObject({ error: { message: 'parse threw: cannot parse this' } })
    expect(results[1]).toMatchObject({ error: { message: 'element e1 threw: element exploded' } })
    expect(results[3]).toMatchObject({ ok: true, metadata: { total: 5 } })
    expect(engine.report().errors).toEqual({
      MX_ENGINE_PARSE: 1,
      MX_ENGINE_EXTRACT: 2,
      MX_ENGINE_INPUT: 1,
    })
  })

  it("keeps the extractor's own error code as causeCode next to the engine's code", async () => {
    await using engine = createEngine({ extractor: fixture('failing.mjs'), level: 'basic' })
    const [coded, plain] = await collect(
      engine.extractMany([input('coded', 'CODED'), input('plain', 'PARSE me')]),
    )
    expect(coded).toMatchObject({
      ok: false,
      error: {
        code: 'MX_ENGINE_PARSE',
        causeCode: 'MY_PARSER_BINARY',
        message: 'parse threw: not text',
      },
    })
    expect((plain as ExtractFailure).error).not.toHaveProperty('causeCode')
  })

  it('fails a document whose async element never settles with MX_ENGINE_TIMEOUT', async () => {
    await using engine = createEngine({
      extractor: fixture('failing.mjs'),
      level: 'basic',
      timeout: 200,
    })
    const results = await collect(engine.extractMany([input('hang', 'AWAIT'), input('after', 'x')]))
    expect(codes(results)).toEqual({ hang: 'MX_ENGINE_TIMEOUT', after: 'ok' })
  })

  it('reports element errors, hangs and crashes in worker threads per document', async () => {
    await using engine = createEngine({
      extractor: fixture('failing.mjs'),
      level: 'performance',
      threads: 2,
      // Generous: under a loaded machine a thread start alone can take a second.
      timeout: 3000,
      cost: { inlineBelowUs: 0 },
    })
    const results = await collect(
      engine.extractMany(
        [
          input('before', 'a', 'bb'),
          input('element', 'ok', 'BOOM'),
          input('hang', 'HANG'),
          input('exit', 'EXIT'),
          input('document', 'DOCFAIL'),
          input('after', 'ccc'),
        ],
        { maxInFlight: 2 },
      ),
    )
    expect(codes(results)).toEqual({
      before: 'ok',
      element: 'MX_ENGINE_EXTRACT',
      hang: 'MX_ENGINE_TIMEOUT',
      exit: 'MX_ENGINE_CRASH',
      document: 'MX_ENGINE_EXTRACT',
      after: 'ok',
    })
    expect(results.find((r) => r.id === 'after')).toMatchObject({
      ok: true,
      metadata: { total: 3 },
      stats: { ranIn: 'workers' },
    })
    expect(engine.report().ranIn.workers).toBe(2)
  })

  it('fails a document whose element runs a worker out of memory with MX_ENGINE_CRASH', async () => {
    const pool = createPool({
      task: workerTaskUrl(),
      threads: 1,
      batch: false,
      retries: { attempts: 1 },
      resourceLimits: { maxOldGenerationSizeMb: 24 },
    })
    try {
      await using engine = createEngine({
        extractor: fixture('failing.mjs'),
        level: 'basic',
        workers: pool,
        cost: { inlineBelowUs: 0 },
      })
      const results = await collect(
        engine.extractMany([input('oom', 'OOM'), input('after', 'abcd')]),
      )
      expect(codes(results)).toEqual({ oom: 'MX_ENGINE_CRASH', after: 'ok' })
      expect((results[0] as ExtractFailure).error.message).toMatch(/memory/i)
    } finally {
      await pool.close()
    }
  })
})
