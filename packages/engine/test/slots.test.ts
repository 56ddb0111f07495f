import { createAlertManager, defaultRules } from '@mx/alerts'
import { createCache, memoryTier } from '@mx/cache'
import { createTracker, memoryStore } from '@mx/incremental'
import { createMemoryMonitor } from '@mx/memory'
import { createProfiler } from '@mx/profiler'
import { createPool } from '@mx/workers'
import { describe, expect, it } from 'vitest'
import {
  type AlertsSlot,
  type CacheSlot,
  createEngine,
  type ExtractSuccess,
  type IncrementalSlot,
  type MemorySlot,
  type ProfilerSlot,
  type TrackedElement,
  type WorkerBatch,
  type WorkersSlot,
  workerTaskUrl,
} from '../src/index'
import { collect, doc, docs, fixture, mapCache } from './helpers'

describe('slot interfaces', () => {
  it('are satisfied by the real packages (checked by the type checker) and work in the engine', async () => {
    const profiler = createProfiler() satisfies ProfilerSlot
    const cache = createCache({ tiers: [memoryTier()] }) satisfies CacheSlot
    const pool = createPool({ task: workerTaskUrl(), threads: 1 }) satisfies WorkersSlot
    const incremental = createTracker({ store: memoryStore() }) satisfies IncrementalSlot
    const memory = createMemoryMonitor({ autoStart: false }) satisfies MemorySlot
    const alerts = createAlertManager({
      source: profiler,
      rules: defaultRules(),
    }) satisfies AlertsSlot
    try {
      await using engine = createEngine({
        extractor: fixture('words.mjs'),
        level: 'basic',
        profiler,
        cache,
        workers: pool,
        incremental,
        memory,
        alerts,
        cost: { inlineBelowUs: 0 },
      })
      expect(engine.slots).toEqual({ profiler, cache, workers: pool, incremental, memory, alerts })
      const results = await collect(engine.extractMany(docs(3)))
      expect(
        results.every((r) => r.ok && r.stats.ranIn === 'workers' && r.stats.version === 1),
      ).toBe(true)
      expect(profiler.snapshot().metrics['extract.duration']).toMatchObject({ count: 3 })
    } finally {
      await pool.close()
      await cache.close()
      await alerts.stop()
      profiler.close()
    }
  })

  it('accept hand-written implementations of every slot', async () => {
    const calls: string[] = []
    const cache = mapCache()
    const { default: words } = await import(fixture('words.mjs').href)
    const workers: WorkersSlot = {
      threads: 1,
      async run(batch: WorkerBatch) {
        calls.push(`workers:${batch.docId}:${batch.elements.length}`)
        const ctx = { docId: batch.docId, extractor: { name: words.name, version: words.version } }
        return { results: batch.elements.map((el) => words.element(el, ctx)), us: 1 }
      },
    }
    const versions = new Map<string, Map<string, unknown>>()
    const incremental: IncrementalSlot = {
      async update(docId, elements, spec) {
        const previous = versions.get(docId) ?? new Map()
        const key = (el: TrackedElement) => JSON.stringify(el)
        const dirty = elements.filter((el) => !previous.has(key(el)))
        const computed = await spec.elements(dirty)
        const next = new Map(previous)
        for (const [i, el] of dirty.entries()) next.set(key(el), computed[i])
        versions.set(docId, next)
        calls.push(`incremental:${docId}:${dirty.length}`)
        return {
          version: versions.size,
          value: { elements: elements.map((el) => ({ id: el.id, result: next.get(key(el)) })) },
          counts: { recomputed: dirty.length, reused: elements.length - dirty.length },
        }
      },
    }
    const profiler: ProfilerSlot = {
      span: (name, fn) => {
        calls.push(`span:${name}`)
        return fn()
      },
      record: (name) => calls.push(`record:${name}`),
    }
    const memory: MemorySlot = { level: () => 'normal', on: () => () => {} }
    const alerts: AlertsSlot = {
      evaluate: async () => calls.push('evaluate'),
      active: () => [{ rule: 'Handmade', state: 'firing', value: 1 }],
    }
    await using engine = createEngine({
      extractor: fixture('words.mjs'),
      level: 'basic',
      cache,
      workers,
      incremental,
      profiler,
      memory,
      alerts,
      cost: { inlineBelowUs: 0 },
    })
    const result = (await engine.extract(doc('a', 2))) as ExtractSuccess
    expect(result).toMatchObject({
      ok: true,
      metadata: { words: 18 },
      stats: { ranIn: 'workers', extracted: 3 },
    })
    // each stage's time goes to `record` too (`extract.stage.duration`, labelled by stage)
    expect(calls).toEqual([
      'record:extract.stage.duration', // the cache lookup
      'span:extract',
      'span:parse',
      'record:extract.stage.duration',
      'span:elements',
      'workers:a:3',
      'incremental:a:3',
      'record:extract.stage.duration',
      'span:document',
      'record:extract.stage.duration',
      'record:extract.duration',
      'evaluate',
    ])
    expect(engine.report().alerts).toEqual([{ rule: 'Handmade', state: 'firing', value: 1 }])
    expect(cache.map.size).toBe(4) // three elements and the document
  })
})
