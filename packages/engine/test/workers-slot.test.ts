import { rmSync, writeFileSync } from 'node:fs'
import { tempDir } from '@mx/testkit'
import { createPool } from '@mx/workers'
import { describe, expect, it } from 'vitest'
import { createEngine, type ExtractSuccess, type WorkersSlot, workerTaskUrl } from '../src/index'
import { enginePool } from '../src/slots/workers'
import type { WorkerDocument, WorkerFlush, WorkerReduce } from '../src/types'
import { capture, doc, docs, fixture, mapCache } from './helpers'

/** The engine's own pool (whole documents and element chunks); `await using` closes it. */
function wholePool(threads: number) {
  const pool = enginePool({ threads })
  return Object.assign(pool, { [Symbol.asyncDispose]: () => pool.close() })
}

type DocumentTask = WorkerDocument | WorkerReduce | WorkerFlush

/** A workers slot as a user builds one over the engine's task module, `threads` left out. */
function userPool(threads = 2) {
  const pool = createPool({ task: workerTaskUrl(), threads })
  const tasks: string[] = []
  const slot: WorkersSlot = {
    run: (batch, options) => {
      tasks.push('batch')
      return pool.run(batch, options)
    },
    runDocument: (task, options) => {
      tasks.push(task.kind)
      return pool.run(task, options)
    },
  }
  return Object.assign(slot, { tasks, [Symbol.asyncDispose]: () => pool.close() })
}

/** A big document: a heading and `n` paragraphs, paragraph `i` of which `word(i)` words long. */
function longDoc(id: string, n: number, edit = (_i: number) => '') {
  const parts = [`# ${id}`]
  for (let i = 0; i < n; i++) parts.push(`Paragraph ${i} says something ${edit(i)}`.trim())
  return { id, content: parts.join('\n\n'), path: `${id}.md`, mediaType: 'text/markdown' }
}

describe('a workers slot built by the user', () => {
  it('runs whole documents through a slot that does not say its threads, and commits their disk writes', async () => {
    const dir = tempDir()
    try {
      await using workers = userPool(2)
      const cold: ExtractSuccess[] = []
      {
        await using engine = createEngine({
          extractor: fixture('words.mjs'),
          level: 'performance',
          workers,
          cacheDir: dir.path,
          chunkSize: 2,
        })
        // Without `threads` the engine takes one thread: a long document is not spread.
        for await (const result of engine.extractMany([...docs(3), longDoc('long', 12)]))
          cold.push(result as ExtractSuccess)
        expect(cold.map((r) => r.ok && r.stats.ranIn)).toEqual(Array(4).fill('workers'))
        expect(workers.tasks.filter((t) => t === 'document')).toHaveLength(4)
        expect(workers.tasks).not.toContain('reduce')
        // The run ends with one flush (a thread's worth) so the next engine finds the entries.
        expect(workers.tasks.at(-1)).toBe('flush')
      }
      await using warm = createEngine({
        extractor: fixture('words.mjs'),
        level: 'performance',
        workers: false,
        cacheDir: dir.path,
      })
      const again = (await warm.extract(longDoc('long', 12))) as ExtractSuccess
      expect(again.stats.source).toBe('document-cache')
      expect(again.metadata).toEqual(cold[3]?.metadata)
    } finally {
      dir.remove()
    }
  })

  it('sends element chunks through a slot without threads, two chunks in flight at most', async () => {
    await using workers = userPool(2)
    const { runDocument: _, ...chunksOnly } = workers
    await using engine = createEngine({
      extractor: fixture('threads.mjs'),
      level: 'basic',
      workers: chunksOnly as WorkersSlot,
      chunkSize: 2,
      cost: { inlineBelowUs: 0 },
    })
    const result = await engine.extract(doc('chunked', 5))
    expect(result).toMatchObject({ ok: true, stats: { ranIn: 'workers', elements: 6 } })
    expect(workers.tasks).toEqual(['batch', 'batch', 'batch'])
  })
})

describe('a workers slot that answers something else', () => {
  const engineOn = (workers: WorkersSlot) =>
    createEngine({ extractor: fixture('words.mjs'), level: 'basic', workers, retry: false })

  it('fails the document when runDocument answers no document reply', async () => {
    const answers: unknown[] = [
      'nonsense',
      { kind: 'flushed', degraded: 0 },
      {
        kind: 'done',
        entry: new TextEncoder().encode('not a packed entry'),
        count: 1,
        extracted: 1,
        stored: false,
        degraded: 0,
        timings: { parse: 0, elements: 0, document: 0 },
      },
    ]
    const messages: string[] = []
    for (const answer of answers) {
      const workers: WorkersSlot = {
        threads: 1,
        run: async () => ({ results: [], us: 0 }),
        runDocument: async (task: DocumentTask) => (task.kind === 'flush' ? undefined : answer),
      }
      await using engine = engineOn(workers)
      const result = await engine.extract(doc('a'))
      expect(result).toMatchObject({ ok: false, id: 'a', error: { code: 'MX_ENGINE_EXTRACT' } })
      if (!result.ok) messages.push(result.error.message)
    }
    expect(messages).toEqual([
      'the workers slot answered string instead of a document reply',
      'the worker did not complete the document',
      'the worker replied with an entry that does not decode',
    ])
  })

  it('fails the document when run answers the wrong number of element results', async () => {
    const workers: WorkersSlot = { threads: 1, run: async () => ({ results: [1], us: 5 }) }
    await using engine = createEngine({
      extractor: fixture('words.mjs'),
      level: 'basic',
      workers,
      cost: { inlineBelowUs: 0 },
      retry: false,
    })
    expect(await engine.extract(doc('a', 2))).toMatchObject({
      ok: false,
      error: {
        code: 'MX_ENGINE_EXTRACT',
        message: 'the workers slot answered object instead of { results, us } for 3 elements',
      },
    })
  })

  it('fails a spread document whose reduce does not complete', async () => {
    await using pool = wholePool(2)
    const workers: WorkersSlot = {
      threads: 2,
      run: (batch, options) => pool.run(batch, options),
      runDocument: async (task: DocumentTask, options) =>
        task.kind === 'reduce'
          ? { kind: 'flushed', degraded: 0 }
          : (pool.runDocument?.(task, options) as Promise<unknown>),
    }
    await using engine = createEngine({
      extractor: fixture('words.mjs'),
      level: 'basic',
      workers,
      chunkSize: 2,
      retry: false,
    })
    const result = await engine.extract(longDoc('long', 10))
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'MX_ENGINE_EXTRACT', message: 'the reduce did not complete' },
    })
  })
})

describe('whole documents with an injected cache', () => {
  it('writes the element and document entries of a document spread over the threads', async () => {
    await using pool = wholePool(2)
    const cache = mapCache()
    await using engine = createEngine({
      extractor: fixture('words.mjs'),
      level: 'basic',
      workers: pool,
      cache,
      chunkSize: 2,
    })
    const cold = (await engine.extract(longDoc('long', 10))) as ExtractSuccess
    expect(cold.stats).toMatchObject({ elements: 11, extracted: 11, ranIn: 'workers' })
    const keys = [...cache.map.keys()]
    expect(keys.filter((k) => k.startsWith('e:'))).toHaveLength(11)
    expect(keys.filter((k) => k.startsWith('d:'))).toHaveLength(1)
    const warm = (await engine.extract(longDoc('long', 10))) as ExtractSuccess
    expect(warm.stats.source).toBe('document-cache')
    expect(warm.metadata).toEqual(cold.metadata)
    expect(warm.elements).toEqual(cold.elements)
  })

  it('counts a failing write of the worker’s entries as degraded and still returns the result', async () => {
    await using pool = wholePool(1)
    const cache = mapCache()
    cache.setMany = async () => {
      throw new Error('cache is read-only')
    }
    const { logger, lines } = capture()
    await using engine = createEngine({
      extractor: fixture('words.mjs'),
      level: 'basic',
      workers: pool,
      cache,
      logger,
    })
    const result = await engine.extract(doc('a'))
    expect(result).toMatchObject({ ok: true, stats: { ranIn: 'workers' } })
    expect(engine.report().degraded).toBe(1)
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        docId: 'a',
        stage: 'cache',
        operation: 'setMany',
        error: 'cache is read-only',
      }),
    )
  })
})

describe('whole documents on the disk store', () => {
  it('spreads an edited long document over the threads, reusing its unchanged elements from the store', async () => {
    const dir = tempDir()
    try {
      const options = {
        extractor: fixture('words.mjs'),
        level: 'performance',
        threads: 2,
        chunkSize: 2,
        cacheDir: dir.path,
      } as const
      {
        await using engine = createEngine(options)
        const cold = (await engine.extract(longDoc('long', 20))) as ExtractSuccess
        expect(cold.stats).toMatchObject({ elements: 21, extracted: 21, ranIn: 'workers' })
      }
      await using engine = createEngine(options)
      // Six paragraphs change: more than two chunks' worth, so the rest are found in the store.
      const edited = longDoc('long', 20, (i) => (i < 6 ? 'and more' : ''))
      const result = (await engine.extract(edited)) as ExtractSuccess
      expect(result.stats).toMatchObject({
        elements: 21,
        extracted: 6,
        reused: 15,
        ranIn: 'workers',
      })
      await using inline = createEngine({ extractor: fixture('words.mjs'), level: 'basic' })
      const expected = (await inline.extract(edited)) as ExtractSuccess
      expect(result.metadata).toEqual(expected.metadata)
      expect(result.elements).toEqual(expected.elements)
      expect(engine.report().degraded).toBe(0)
    } finally {
      dir.remove()
    }
  })
})

describe('a disk store the worker thread cannot open', () => {
  it('extracts without it and counts it as degraded', async () => {
    const dir = tempDir()
    try {
      await using engine = createEngine({
        extractor: fixture('words.mjs'),
        level: 'performance',
        threads: 1,
        cacheDir: dir.path,
      })
      // The directory turns into a file before the thread first opens its store there.
      rmSync(dir.path, { recursive: true, force: true })
      writeFileSync(dir.path, 'not a directory')
      const result = (await engine.extract(longDoc('long', 4))) as ExtractSuccess
      expect(result).toMatchObject({ ok: true, stats: { ranIn: 'workers' } })
      await using inline = createEngine({ extractor: fixture('words.mjs'), level: 'basic' })
      const expected = (await inline.extract(longDoc('long', 4))) as ExtractSuccess
      expect(result.metadata).toEqual(expected.metadata)
      expect(engine.report().degraded).toBeGreaterThanOrEqual(1)
    } finally {
      rmSync(dir.path, { recursive: true, force: true })
    }
  })
})

describe('failures in the worker threads', () => {
  it('writes the thread’s records of a failing stage with its code at level debug', async () => {
    await using pool = wholePool(1)
    const { logger, lines } = capture()
    await using engine = createEngine({
      extractor: fixture('failing.mjs'),
      level: 'basic',
      workers: pool,
      logger,
      retry: false,
    })
    const parse = await engine.extract({ id: 'p', content: 'PARSE me' })
    const boom = await engine.extract({ id: 'b', content: 'fine\nBOOM' })
    expect(parse).toMatchObject({ ok: false, error: { code: 'MX_ENGINE_PARSE' } })
    expect(boom).toMatchObject({ ok: false, error: { code: 'MX_ENGINE_EXTRACT' } })
    const fromThread = (id: string) =>
      lines.filter((l) => l.docId === id && typeof l.threadId === 'number' && l.threadId !== 0)
    expect(fromThread('p')).toEqual([
      expect.objectContaining({ stage: 'parse', outcome: 'failed', code: 'MX_ENGINE_PARSE' }),
    ])
    expect(fromThread('b').map((l) => [l.stage, l.outcome, l.code])).toEqual([
      ['parse', 'ok', undefined],
      ['elements', 'failed', 'MX_ENGINE_EXTRACT'],
    ])
    // The main thread's line of the round trip says it failed, with the code.
    expect(lines).toContainEqual(
      expect.objectContaining({
        docId: 'b',
        stage: 'worker',
        outcome: 'failed',
        code: 'MX_ENGINE_EXTRACT',
      }),
    )
  })

  it('fails a spread document whose reduce throws in a thread', async () => {
    await using engine = createEngine({
      extractor: fixture('failing.mjs'),
      level: 'performance',
      threads: 2,
      chunkSize: 2,
      cache: false,
      retry: false,
    })
    const lines = Array.from({ length: 10 }, (_, i) => `line ${i}`)
    const result = await engine.extract({ id: 'big', content: [...lines, 'DOCFAIL'].join('\n') })
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'MX_ENGINE_EXTRACT', message: 'document threw: document reduce failed' },
    })
  })

  it('fails a document whose element results cannot be stored, and runs async element()s', async () => {
    await using pool = wholePool(1)
    await using engine = createEngine({
      extractor: fixture('unclonable.mjs'),
      level: 'basic',
      workers: pool,
      retry: false,
    })
    const result = await engine.extract({ id: 's', content: 'text\nSYMBOL' })
    expect(result).toMatchObject({ ok: false, error: { code: 'MX_ENGINE_EXTRACT' } })
    expect(!result.ok && result.error.message).toMatch(/could not be cloned|symbol/i)
    await using named = createEngine({
      extractor: fixture('named.mjs'),
      level: 'basic',
      workers: pool,
    })
    expect(await named.extract({ id: 'n', content: 'abc\nde' })).toMatchObject({
      ok: true,
      metadata: { chars: 5 },
      stats: { ranIn: 'workers' },
    })
  })
})
