import { tempDir } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import { createEngine, type ExtractSuccess, type SourceDocument } from '../src/index'
import { countingPool, doc, fixture } from './helpers'

function edit(source: SourceDocument, from: string, to: string): SourceDocument {
  return { ...source, content: String(source.content).replace(from, to) }
}

describe('incremental slot', () => {
  it('extracts only the changed elements after an edit, without any cache', async () => {
    await using engine = createEngine({
      extractor: fixture('words.mjs'),
      level: 'basic',
      incremental: true,
    })
    const first = (await engine.extract(doc('a', 9))) as ExtractSuccess
    expect(first.stats).toMatchObject({ elements: 10, extracted: 10, reused: 0, version: 1 })
    const edited = edit(doc('a', 9), 'Paragraph 4 of a', 'Paragraph four of a, edited')
    const second = (await engine.extract(edited)) as ExtractSuccess
    expect(second.stats).toMatchObject({
      elements: 10,
      extracted: 1,
      reused: 9,
      ranIn: 'inline',
      version: 2,
    })
    expect(second.elements[5]).toEqual({ words: 8, heading: false })
    expect((second.metadata as { words: number }).words).toBe(
      (first.metadata as { words: number }).words + 1,
    )
    const again = (await engine.extract(edited)) as ExtractSuccess
    expect(again.stats).toMatchObject({ extracted: 0, reused: 10, ranIn: 'none', version: 2 })
  })

  it('sends only the dirty elements to the worker threads', async () => {
    await using workers = countingPool(1)
    await using engine = createEngine({
      extractor: fixture('words.mjs'),
      level: 'basic',
      incremental: true,
      workers,
      cost: { inlineBelowUs: 0 },
    })
    await engine.extract(doc('a', 20))
    const edited = edit(
      edit(doc('a', 20), 'Paragraph 3 of a', 'P3 changed'),
      'Paragraph 17 of a',
      'P17 changed',
    )
    const result = (await engine.extract(edited)) as ExtractSuccess
    expect(result.stats).toMatchObject({ extracted: 2, reused: 19, ranIn: 'workers', version: 2 })
    expect(workers.batches.map((b) => b.elements.length)).toEqual([21, 2])
  })

  it('keeps versions in cacheDir, so a new engine after an edit extracts only the changed elements', async () => {
    const dir = tempDir()
    try {
      {
        await using engine = createEngine({
          extractor: fixture('words.mjs'),
          level: 'basic',
          incremental: true,
          cacheDir: dir.path,
        })
        await engine.extract(doc('a', 5))
      }
      await using engine = createEngine({
        extractor: fixture('words.mjs'),
        level: 'basic',
        incremental: true,
        cacheDir: dir.path,
      })
      const result = (await engine.extract(
        edit(doc('a', 5), 'Paragraph 1 of a', 'Edited'),
      )) as ExtractSuccess
      expect(result.stats).toMatchObject({ extracted: 1, reused: 5, version: 2 })
    } finally {
      dir.remove()
    }
  })

  it('reports an element failure inside the batch hook as the document error and commits nothing', async () => {
    await using engine = createEngine({
      extractor: fixture('failing.mjs'),
      level: 'basic',
      incremental: true,
    })
    expect(await engine.extract({ id: 'd', content: 'a\nBOOM' })).toMatchObject({
      ok: false,
      error: { code: 'MX_ENGINE_EXTRACT' },
    })
    expect(await engine.extract({ id: 'd', content: 'a\nbb' })).toMatchObject({
      ok: true,
      stats: { version: 1, extracted: 2 },
    })
  })
})
