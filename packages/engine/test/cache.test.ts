import { serialize } from 'node:v8'
import { tempDir } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import { packDocument } from '../src/cached-document'
import { createEngine, type ExtractSuccess } from '../src/index'
import { collect, countingPool, doc, docs, fixture, mapCache } from './helpers'

describe('caching', () => {
  it('serves a warm run from the document cache without reaching a worker', async () => {
    await using workers = countingPool(2)
    await using engine = createEngine({
      extractor: fixture('words.mjs'),
      level: 'standard',
      workers,
      cost: { inlineBelowUs: 0 },
    })
    const cold = await collect(engine.extractMany(docs(10)))
    expect(workers.batches).toHaveLength(10)
    const warm = await collect(engine.extractMany(docs(10)))
    expect(workers.batches).toHaveLength(10) // no new worker run
    expect(warm.map((r) => (r as ExtractSuccess).metadata)).toEqual(
      cold.map((r) => (r as ExtractSuccess).metadata),
    )
    expect(
      warm.every((r) => r.ok && r.stats.source === 'document-cache' && r.stats.ranIn === 'none'),
    ).toBe(true)
    expect(engine.report().cache).toMatchObject({ documentHits: 10, documentMisses: 10 })
  })

  it('extracts only the changed elements of an edited document, reading element results in one getMany', async () => {
    const cache = mapCache()
    await using engine = createEngine({ extractor: fixture('words.mjs'), level: 'basic', cache })
    await engine.extract(doc('a', 5))
    const edited = doc('a', 5)
    edited.content = String(edited.content).replace(
      'Paragraph 2 of a',
      'Paragraph two of a, edited',
    )
    const before = { ...cache.calls }
    const result = (await engine.extract(edited)) as ExtractSuccess
    expect(result.stats).toMatchObject({ elements: 6, extracted: 1, reused: 5, source: 'elements' })
    expect(result.metadata).toMatchObject({ words: 4 + 4 * 7 + 8 })
    expect(cache.calls.getMany - before.getMany).toBe(1)
    expect(cache.calls.setMany - before.setMany).toBe(1)
  })

  it('shares element results between documents with equal elements', async () => {
    await using engine = createEngine({ extractor: fixture('words.mjs'), level: 'standard' })
    await engine.extract({ id: 'one', content: 'shared paragraph\n\nonly in one' })
    const second = (await engine.extract({
      id: 'two',
      content: 'shared paragraph\n\nonly in two',
    })) as ExtractSuccess
    expect(second.stats).toMatchObject({ extracted: 1, reused: 1 })
  })

  it('keys documents by extractor version: a new version recomputes', async () => {
    const cache = mapCache()
    const make = (version: string) => ({
      name: 'v',
      version,
      parse: () => [{ id: 'a' }],
      element: () => version,
      document: (_e: unknown[], metas: unknown[]) => metas[0],
    })
    await using one = createEngine({ extractor: make('1'), cache })
    await using two = createEngine({ extractor: make('2'), cache })
    expect(await one.extract({ id: 'd', content: 'x' })).toMatchObject({ metadata: '1' })
    expect(await two.extract({ id: 'd', content: 'x' })).toMatchObject({
      metadata: '2',
      stats: { source: 'elements' },
    })
    expect(await one.extract({ id: 'd', content: 'x' })).toMatchObject({
      metadata: '1',
      stats: { source: 'document-cache' },
    })
  })

  it('keeps results across engines through the disk tier under cacheDir', async () => {
    const dir = tempDir()
    try {
      {
        await using engine = createEngine({
          extractor: fixture('words.mjs'),
          level: 'performance',
          cacheDir: dir.path,
          workers: false,
        })
        await collect(engine.extractMany(docs(3)))
      }
      await using engine = createEngine({
        extractor: fixture('words.mjs'),
        level: 'performance',
        cacheDir: dir.path,
        workers: false,
      })
      const warm = await collect(engine.extractMany(docs(3)))
      expect(warm.every((r) => r.ok && r.stats.source === 'document-cache')).toBe(true)
    } finally {
      dir.remove()
    }
  })

  it('computes through a failing cache and counts the degradation', async () => {
    const failing = {
      get: async () => {
        throw new Error('down')
      },
      set: async () => {
        throw new Error('down')
      },
      getMany: async () => {
        throw new Error('down')
      },
      setMany: async () => {
        throw new Error('down')
      },
    }
    await using engine = createEngine({
      extractor: fixture('words.mjs'),
      level: 'basic',
      cache: failing,
    })
    expect(await engine.extract(doc('a'))).toMatchObject({ ok: true, metadata: { words: 25 } })
    expect(engine.report().degraded).toBe(4)
  })

  it('serves encoded element results lazily, and treats ones another V8 cannot decode as a miss', async () => {
    const cache = mapCache()
    await using engine = createEngine({ extractor: fixture('words.mjs'), level: 'basic', cache })
    const cold = (await engine.extract(doc('a', 3))) as ExtractSuccess
    const [key] = [...cache.map.keys()].filter((k) => k.startsWith('d:'))
    const encoded = (v8: string, elements: Uint8Array) => ({
      elements,
      count: cold.elements.length,
      metadata: cold.metadata,
      v8,
    })
    // Encoded here, or by another V8 in a form this one reads: served, decoded when read.
    for (const v8 of [process.versions.v8, '0.0.0']) {
      cache.map.set(key as string, encoded(v8, serialize(cold.elements)))
      const hit = (await engine.extract(doc('a', 3))) as ExtractSuccess
      expect(hit.stats.source).toBe('document-cache')
      expect(hit.elements).toEqual(cold.elements)
    }
    // Another V8's bytes that do not decode: a miss, counted, and the document is extracted.
    cache.map.set(key as string, encoded('0.0.0', new Uint8Array([0xff, 0x0f, 0x22, 0x01])))
    const again = (await engine.extract(doc('a', 3))) as ExtractSuccess
    expect(again.stats.source).toBe('elements')
    expect(again.elements).toEqual(cold.elements)
    expect(engine.report().degraded).toBe(1)
  })

  it('serves a packed entry, and treats one whose metadata does not decode as a miss, counted', async () => {
    const cache = mapCache()
    await using engine = createEngine({ extractor: fixture('words.mjs'), level: 'basic', cache })
    const cold = (await engine.extract(doc('a', 3))) as ExtractSuccess
    const [key] = [...cache.map.keys()].filter((k) => k.startsWith('d:'))
    const packed = packDocument(cold.metadata, serialize(cold.elements), cold.elements.length)
    cache.map.set(key as string, packed)
    const hit = (await engine.extract(doc('a', 3))) as ExtractSuccess
    expect(hit.stats.source).toBe('document-cache')
    expect(hit.metadata).toEqual(cold.metadata)
    expect(hit.elements).toEqual(cold.elements)
    const garbled = Buffer.from(packed)
    garbled.fill(0xfe, 13 + (garbled[12] ?? 0), 13 + (garbled[12] ?? 0) + 4)
    cache.map.set(key as string, garbled)
    const again = (await engine.extract(doc('a', 3))) as ExtractSuccess
    expect(again.stats.source).toBe('elements')
    expect(again.metadata).toEqual(cold.metadata)
    expect(engine.report().degraded).toBe(1)
  })
})
