import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { thrown } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import { extractorFromModule } from '../src/extractor'
import {
  CircuitOpenError,
  createEngine,
  DocumentError,
  defineExtractor,
  type Extractor,
  InvalidOptionError,
} from '../src/index'
import { collect, doc, fixture, optionError } from './helpers'

/** An inline extractor whose `parse` returns what `parsed` gives for the document. */
function parsing(parsed: (content: string) => unknown): Extractor {
  return {
    name: 'parsing',
    version: '1',
    parse: (d) => parsed(String(d.content)) as never,
    element: () => 1,
    document: (_elements, metas) => ({ count: metas.length }),
  }
}

describe('documents that are not documents', () => {
  it('fails a null document, an empty id and a non-string id with MX_ENGINE_INPUT, keeping meta', async () => {
    await using engine = createEngine({ extractor: fixture('words.mjs'), level: 'basic' })
    expect(await engine.extract(null as never)).toMatchObject({
      ok: false,
      id: '',
      error: { code: 'MX_ENGINE_INPUT', message: 'a document must be an object, got null' },
    })
    expect(await engine.extract({ id: '', content: 'x' })).toMatchObject({
      ok: false,
      id: '',
      error: {
        code: 'MX_ENGINE_INPUT',
        message: 'document id must be a non-empty string, got ""',
      },
    })
    const numbered = await engine.extract({ id: 7, content: 'x', meta: { from: 'test' } } as never)
    expect(numbered).toMatchObject({
      ok: false,
      id: '',
      error: { code: 'MX_ENGINE_INPUT', message: 'document id must be a non-empty string, got 7' },
      meta: { from: 'test' },
    })
    expect(engine.report().documents).toMatchObject({ ok: 0, failed: 3 })
  })

  it('fails a document whose parse returns no array, an element without id or an id twice with MX_ENGINE_PARSE', async () => {
    await using engine = createEngine({
      extractor: parsing((content) => JSON.parse(content)),
      level: 'basic',
    })
    const errors = await Promise.all(
      ['{"not":"a list"}', '[{"id":"a"},{"name":"b"}]', '[{"id":"a"},{"id":"a"}]'].map(
        async (content, i) => {
          const result = await engine.extract({ id: `d${i}`, content })
          return result.ok ? undefined : result.error
        },
      ),
    )
    expect(errors).toEqual([
      {
        code: 'MX_ENGINE_PARSE',
        message: 'parse must return an array of elements, got an object',
      },
      {
        code: 'MX_ENGINE_PARSE',
        message: 'parse returned an element without a string id: an object',
      },
      { code: 'MX_ENGINE_PARSE', message: 'parse returned the element id a twice' },
    ])
    const ok = await engine.extract({ id: 'fine', content: '[{"id":"a"},{"id":"b"}]' })
    expect(ok).toMatchObject({ ok: true, metadata: { count: 2 } })
  })
})

describe('a document whose meta is not JSON data', () => {
  it('is extracted without the document cache instead of rejecting, alone and in a run', async () => {
    const cyclic: Record<string, unknown> = { name: 'loop' }
    cyclic.self = cyclic
    await using engine = createEngine({ extractor: fixture('words.mjs'), level: 'standard' })
    const big = { ...doc('big', 1), meta: { size: 10n } }
    const first = await engine.extract(big)
    expect(first).toMatchObject({
      ok: true,
      id: 'big',
      meta: { size: 10n },
      stats: { source: 'elements', ranIn: 'inline' },
    })
    // Not cached under a key it cannot have: the second extraction computes it again.
    const again = await engine.extract(big)
    expect(again).toMatchObject({ ok: true, stats: { source: 'elements' } })
    expect(engine.report().degraded).toBe(2)
    await using basic = createEngine({ extractor: fixture('words.mjs'), level: 'basic' })
    expect(again.ok && again.metadata).toEqual(
      ((await basic.extract(big)) as { metadata: unknown }).metadata,
    )
    const results = await collect(
      engine.extractMany([doc('a'), { ...doc('b'), meta: cyclic }, doc('c')]),
    )
    expect(results.map((r) => [r.id, r.ok])).toEqual([
      ['a', true],
      ['b', true],
      ['c', true],
    ])
    expect(results[1]?.meta).toBe(cyclic)
  })
})

describe('options of createEngine and extract', () => {
  it('refuses options that are not an object, a non-string redisPrefix and a clock without now()', () => {
    const notObject = thrown(() => createEngine(null as never))
    expect(notObject).toBeInstanceOf(InvalidOptionError)
    expect(notObject).toMatchObject({
      option: 'options',
      message: 'createEngine expects an options object, got null',
    })
    expect(optionError({ redisPrefix: 5 as never })).toEqual({
      option: 'redisPrefix',
      message: 'redisPrefix must be a string, got 5',
    })
    expect(optionError({ clock: {} as never })).toEqual({
      option: 'clock',
      message: 'clock must be an object with a now() method',
    })
  })

  it('names the forms of a slot that takes no settings object', () => {
    expect(optionError({ incremental: 5 as never })).toEqual({
      option: 'incremental',
      message: 'incremental must be true, false or an object with update method, got 5',
    })
  })

  it('builds the memory monitor from a settings object without a budget', async () => {
    await using engine = createEngine({
      extractor: fixture('words.mjs'),
      level: 'basic',
      memory: {},
    })
    expect(typeof engine.slots.memory?.on).toBe('function')
    expect((await engine.extract(doc('a'))).ok).toBe(true)
  })

  it('rejects extract options that are not an object, and makes an id when none is given', async () => {
    await using engine = createEngine({ extractor: fixture('words.mjs'), level: 'basic' })
    const error = await engine.extract(doc('a'), null as never).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidOptionError)
    expect(error).toMatchObject({
      option: 'options',
      message: 'extract options must be an object, got null',
    })
    const result = await engine.extract(doc('a'), {})
    expect(result.correlationId).toMatch(/^[\da-f]{8}\.\d+$/)
  })
})

describe('extractor sources', () => {
  it('loads an extractor module from a file: URL string and from a path relative to the working directory', async () => {
    const href = fixture('words.mjs').href
    const path = relative(process.cwd(), fileURLToPath(href))
    expect(path.startsWith('/')).toBe(false)
    for (const extractor of [href, path]) {
      await using engine = createEngine({ extractor, level: 'basic' })
      const result = await engine.extract(doc('a', 1))
      expect(result).toMatchObject({ ok: true, metadata: { title: 'Title of a' } })
    }
  })

  it('finds the extractor of a CommonJS module on default.default or default.extractor', () => {
    const extractor = parsing(() => [])
    expect(extractorFromModule({ default: { default: extractor } }, 'file:///x.cjs')).toBe(
      extractor,
    )
    expect(extractorFromModule({ default: { extractor } }, 'file:///x.cjs')).toBe(extractor)
    expect(
      thrown(() => extractorFromModule({ default: { name: 'half' } }, 'file:///x.cjs')),
    ).toMatchObject({ option: 'extractor.version' })
    expect(thrown(() => extractorFromModule({ other: extractor }, 'file:///x.mjs'))).toMatchObject({
      code: 'MX_INVALID_OPTION',
      option: 'extractor',
      message:
        'extractor module file:///x.mjs has neither a default export nor an export named extractor',
    })
  })

  it('refuses a definition that is not an object', () => {
    expect(thrown(() => defineExtractor(null as never))).toMatchObject({
      code: 'MX_INVALID_OPTION',
      option: 'extractor',
      message: 'extractor must be an extractor object, got null',
    })
  })
})

describe('CircuitOpenError', () => {
  it('is a document error naming the document and the extractor whose breaker is open', () => {
    const error = new CircuitOpenError('doc-1', 'words')
    expect(error).toBeInstanceOf(DocumentError)
    expect(error.code).toBe('MX_ENGINE_CIRCUIT_OPEN')
    expect(error.docId).toBe('doc-1')
    expect(error.extractor).toBe('words')
    expect(error.message).toBe('document doc-1: the circuit breaker of extractor words is open')
    const cause = new Error('earlier')
    expect(new CircuitOpenError('d', 'x', { cause }).cause).toBe(cause)
  })
})

describe('options that are no object', () => {
  it('are refused by extractMany and createErrorPatterns with MX_INVALID_OPTION naming the call', async () => {
    const { createErrorPatterns } = await import('../src/index')
    expect(thrown(() => createErrorPatterns(null as never))).toMatchObject({
      code: 'MX_INVALID_OPTION',
      option: 'options',
      message: 'createErrorPatterns(): options must be an object, got null',
    })
    await using engine = createEngine({ extractor: fixture('words.mjs'), level: 'basic' })
    let error: unknown
    try {
      await collect(engine.extractMany([doc('a')], 'fast' as never))
    } catch (caught) {
      error = caught
    }
    expect(error).toMatchObject({
      code: 'MX_INVALID_OPTION',
      option: 'options',
      message: 'extractMany(): options must be an object, got "fast"',
    })
  })
})
