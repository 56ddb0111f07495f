import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { join } from 'node:path'
import { createCache, diskTier } from '@mx/cache'
import { tempDir } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import { createEngine, type ExtractSuccess } from '../src/index'
import { collect, doc, docs, fixture } from './helpers'

type Threads = { words: number; parsedIn: number[]; extractedIn: number[]; reducedIn: number }

/** An engine at level `performance` with 2 threads, on the disk cache in `cacheDir`. */
const performanceEngine = (extractor: string, cacheDir: string) =>
  createEngine({ extractor: fixture(extractor), level: 'performance', threads: 2, cacheDir })

describe('whole documents in the worker threads', () => {
  it('runs no parse, element or document code on the main thread at level performance', async () => {
    const dir = tempDir()
    try {
      await using engine = performanceEngine('threads.mjs', dir.path)
      const results = (await collect(engine.extractMany(docs(12, 4)))) as ExtractSuccess<Threads>[]
      expect(results.every((r) => r.ok && r.stats.ranIn === 'workers')).toBe(true)
      for (const { metadata } of results) {
        expect(metadata.parsedIn).not.toContain(0)
        expect(metadata.extractedIn).not.toContain(0)
        expect(metadata.reducedIn).not.toBe(0)
      }
    } finally {
      dir.remove()
    }
  })

  it('writes the entries from the worker threads: a new engine on the same disk cache serves them, and an edit re-extracts only the changed element', async () => {
    const dir = tempDir()
    try {
      const options = {
        extractor: fixture('words.mjs'),
        level: 'performance',
        threads: 2,
        cacheDir: dir.path,
      } as const
      let cold: ExtractSuccess[]
      {
        await using engine = createEngine(options)
        cold = (await collect(engine.extractMany(docs(8)))) as ExtractSuccess[]
      }
      // What a worker stored is the packed entry it replied with, kept as its own bytes.
      {
        const disk = createCache({
          namespace: 'mx-engine',
          tiers: [diskTier({ dir: join(dir.path, 'cache') })],
        })
        const keys: string[] = []
        for await (const key of disk.keys()) if (key.startsWith('d:')) keys.push(key)
        expect(keys).toHaveLength(8)
        const stored = await disk.get<Uint8Array>(keys[0] as string)
        expect(
          Buffer.from(stored as Uint8Array)
            .subarray(0, 3)
            .toString('latin1'),
        ).toBe('MXD')
        await disk.close()
      }
      await using engine = createEngine(options)
      const warm = (await collect(engine.extractMany(docs(8)))) as ExtractSuccess[]
      expect(warm.every((r) => r.ok && r.stats.source === 'document-cache')).toBe(true)
      // The element results come back as the cold run gave them (stored encoded, decoded on
      // first read), as a plain property in JSON and in a structured clone.
      expect(warm.map((r) => r.elements)).toEqual(cold.map((r) => r.elements))
      expect(cold[0]?.elements.length).toBeGreaterThan(0)
      const data = ({ metadata, elements }: ExtractSuccess) => ({ metadata, elements })
      expect(JSON.parse(JSON.stringify(warm[1])).elements).toEqual(cold[1]?.elements)
      expect(data(structuredClone(warm[2]) as ExtractSuccess)).toEqual(
        data(cold[2] as ExtractSuccess),
      )
      const edited = doc('doc-3')
      edited.content = String(edited.content).replace('Paragraph 1 of', 'Paragraph one of')
      const result = (await engine.extract(edited)) as ExtractSuccess
      expect(result.stats).toMatchObject({ elements: 4, extracted: 1, reused: 3, ranIn: 'workers' })
      expect(engine.report().degraded).toBe(0)
    } finally {
      dir.remove()
    }
  })

  it('commits the threads’ writes when a run ends: the same engine’s next run is all cache hits', async () => {
    const dir = tempDir()
    try {
      await using engine = performanceEngine('words.mjs', dir.path)
      const cold = (await collect(engine.extractMany(docs(40)))) as ExtractSuccess[]
      expect(cold.every((r) => r.ok && r.stats.ranIn === 'workers')).toBe(true)
      const warm = (await collect(engine.extractMany(docs(40)))) as ExtractSuccess[]
      expect(warm.map((r) => r.stats.source)).toEqual(warm.map(() => 'document-cache'))
      expect(warm.map((r) => r.metadata)).toEqual(cold.map((r) => r.metadata))
    } finally {
      dir.remove()
    }
  })

  it('sends short documents several to a message, each with its own result', async () => {
    const batches: number[] = []
    const onBatch = (message: unknown) => {
      batches.push((message as { items: number }).items)
    }
    subscribe('mx:workers:batch', onBatch)
    try {
      await using engine = createEngine({
        extractor: fixture('threads.mjs'),
        level: 'performance',
        threads: 1,
        cache: false,
      })
      const input = docs(40, 2)
      const results = (await collect(engine.extractMany(input))) as ExtractSuccess<Threads>[]
      expect(results.map((r) => r.ok && r.id)).toEqual(input.map((d) => d.id))
      expect(results.every((r) => r.stats.ranIn === 'workers' && r.stats.elements === 3)).toBe(true)
      // Every document went through the pool once, and fewer messages than documents carried them.
      expect(batches.reduce((a, b) => a + b, 0)).toBe(40)
      expect(batches.length).toBeLessThan(40)
      expect(Math.max(...batches)).toBeGreaterThan(1)
    } finally {
      unsubscribe('mx:workers:batch', onBatch)
    }
  })

  it('spreads a document with more pending elements than 2 × chunkSize over the threads', async () => {
    await using engine = createEngine({
      extractor: fixture('threads.mjs'),
      level: 'performance',
      threads: 2,
      chunkSize: 10,
      cache: false,
    })
    const big = doc('big', 200)
    const result = (await engine.extract(big)) as ExtractSuccess<Threads>
    expect(result.stats).toMatchObject({ elements: 201, extracted: 201, ranIn: 'workers' })
    expect(result.metadata.extractedIn).not.toContain(0)
    expect(result.metadata.reducedIn).not.toBe(0)
    const small = (await engine.extract(doc('small', 3))) as ExtractSuccess<Threads>
    expect(result.metadata.words).toBeGreaterThan(small.metadata.words)
  })

  it('turns a parse error in a worker into MX_ENGINE_PARSE with the extractor’s own code', async () => {
    await using engine = createEngine({
      extractor: fixture('words.mjs'),
      level: 'performance',
      threads: 1,
      cache: false,
    })
    const result = await engine.extract({ id: 'bad', content: new Uint8Array([0x66, 0xff, 0xfe]) })
    expect(result).toMatchObject({ ok: false, error: { code: 'MX_ENGINE_PARSE' } })
    expect(result.ok === false && result.error.message).toMatch(/^parse threw: /)
  })
})
