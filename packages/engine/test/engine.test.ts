import { describe, expect, it } from 'vitest'
import { createEngine, type ExtractResult, levels } from '../src/index'
import { collect, doc, docs, fixture } from './helpers'

// The correlation id is new per extraction: it never compares.
function comparable(results: ExtractResult[]) {
  return results.map(({ correlationId: _, ...r }) =>
    r.ok ? { id: r.id, metadata: r.metadata, elements: r.elements } : r,
  )
}

describe('createEngine', () => {
  it('turns every slot off at level basic and still extracts', async () => {
    await using engine = createEngine({ extractor: fixture('words.mjs'), level: 'basic' })
    expect(Object.values(engine.slots).every((slot) => slot === undefined)).toBe(true)
    const result = await engine.extract(doc('a', 2))
    expect(result).toEqual({
      ok: true,
      id: 'a',
      metadata: { id: 'a', paragraphs: 3, words: 18, title: 'Title of a' },
      elements: [
        { words: 4, heading: true },
        { words: 7, heading: false },
        { words: 7, heading: false },
      ],
      stats: expect.objectContaining({
        elements: 3,
        extracted: 3,
        reused: 0,
        source: 'elements',
        ranIn: 'inline',
      }),
      correlationId: expect.stringMatching(/^[\da-f]{8}\.1$/),
    })
    const report = engine.report()
    expect(report.cache).toBeUndefined()
    expect(report.documents).toMatchObject({ ok: 1, failed: 0, total: 1 })
  })

  it('builds the slots each level names', async () => {
    for (const [name, preset] of Object.entries(levels)) {
      await using engine = createEngine({
        extractor: fixture('words.mjs'),
        level: name as keyof typeof levels,
      })
      expect(engine.slots.cache !== undefined).toBe(preset.cache)
      expect(engine.slots.profiler !== undefined).toBe(preset.profiler)
      expect(engine.slots.workers !== undefined).toBe(preset.workers)
      expect(engine.slots.memory !== undefined).toBe(preset.memory)
      expect(engine.slots.incremental !== undefined).toBe(preset.incremental)
      expect(engine.slots.alerts !== undefined).toBe(preset.alerts)
      expect(engine.slots.logger !== undefined).toBe(preset.logger)
    }
  })

  it('lets explicit slots win over the level: false turns one off, true builds it', async () => {
    await using engine = createEngine({
      extractor: fixture('words.mjs'),
      level: 'enterprise',
      cache: false,
      workers: false,
    })
    expect(engine.slots.cache).toBeUndefined()
    expect(engine.slots.workers).toBeUndefined()
    expect(engine.slots.incremental).toBeDefined()
    await using basic = createEngine({
      extractor: fixture('words.mjs'),
      level: 'basic',
      profiler: true,
    })
    expect(basic.slots.profiler).toBeDefined()
    expect(basic.slots.cache).toBeUndefined()
  })

  it('gives identical results and errors at every level', async () => {
    const input = [...docs(6), { id: 'bad', content: 42 } as never, doc('last', 1)]
    const outputs: unknown[] = []
    for (const level of ['basic', 'standard', 'performance', 'enterprise'] as const) {
      await using engine = createEngine({
        extractor: fixture('words.mjs'),
        level,
        threads: 2,
        cost: { inlineBelowUs: 0 },
      })
      outputs.push(comparable(await collect(engine.extractMany(input))))
    }
    for (const output of outputs.slice(1)) expect(output).toEqual(outputs[0])
    expect((outputs[0] as ExtractResult[])[6]).toMatchObject({
      ok: false,
      id: 'bad',
      error: { code: 'MX_ENGINE_INPUT' },
    })
  })

  it('runs each slot alone', async () => {
    for (const slot of [
      'cache',
      'workers',
      'incremental',
      'profiler',
      'memory',
      'alerts',
    ] as const) {
      await using engine = createEngine({
        extractor: fixture('words.mjs'),
        level: 'basic',
        [slot]: true,
        threads: 1,
      })
      const present = Object.entries(engine.slots)
        .filter(([, value]) => value !== undefined)
        .map(([key]) => key)
      expect(present).toEqual([slot])
      const results = await collect(engine.extractMany(docs(4)))
      expect(results.map((r) => r.ok && (r.metadata as { words: number }).words)).toEqual([
        25, 25, 25, 25,
      ])
    }
  })

  it('accepts an extractor exported by name and an extractor object', async () => {
    await using named = createEngine({ extractor: fixture('named.mjs').pathname, level: 'basic' })
    expect(await named.extract({ id: 'x', content: 'ab\ncde' })).toMatchObject({
      ok: true,
      metadata: { chars: 5 },
    })
    await using inline = createEngine({
      extractor: {
        name: 'n',
        version: '1',
        parse: () => [{ id: 'a' }],
        element: () => 1,
        document: (_e, m) => m,
      },
    })
    expect(await inline.extract({ id: 'y', content: '' })).toMatchObject({
      ok: true,
      metadata: [1],
    })
  })

  it('passes meta through to results and runs relate over the ok results', async () => {
    await using engine = createEngine({ extractor: fixture('words.mjs'), level: 'standard' })
    const results = await collect(
      engine.extractMany([
        { ...doc('a', 1), meta: { source: 'x' } },
        doc('b', 1),
        { id: 'c' } as never,
      ]),
    )
    expect(results[0]?.meta).toEqual({ source: 'x' })
    expect(await engine.relate(results)).toEqual({ totalWords: 22 })
  })

  it('emits document and error events and stops emitting after unsubscribe', async () => {
    await using engine = createEngine({ extractor: fixture('words.mjs'), level: 'basic' })
    const seen: string[] = []
    const off = engine.on('document', (r) => seen.push(`doc:${r.id}`))
    engine.on('error', (r) => seen.push(`error:${r.id}:${r.error.code}`))
    await engine.extract(doc('a'))
    await engine.extract({ id: 'b', content: null } as never)
    off()
    await engine.extract(doc('c'))
    expect(seen).toEqual(['doc:a', 'error:b:MX_ENGINE_INPUT', 'doc:b'])
  })

  it('rejects calls after close with MX_ENGINE_CLOSED', async () => {
    const engine = createEngine({ extractor: fixture('words.mjs'), level: 'basic' })
    await engine.close()
    await expect(engine.extract(doc('a'))).rejects.toMatchObject({ code: 'MX_ENGINE_CLOSED' })
    await expect(collect(engine.extractMany([doc('a')]))).rejects.toMatchObject({
      code: 'MX_ENGINE_CLOSED',
    })
  })

  it('rejects with InvalidOptionError when the extractor module is missing or incomplete', async () => {
    await using missing = createEngine({ extractor: fixture('nope.mjs'), level: 'basic' })
    await expect(missing.ready()).rejects.toMatchObject({
      code: 'MX_INVALID_OPTION',
      option: 'extractor',
    })
    await using broken = createEngine({ extractor: fixture('broken.mjs'), level: 'basic' })
    await expect(broken.extract(doc('a'))).rejects.toMatchObject({ option: 'extractor.element' })
  })
})
