import { createProfiler } from '@mx/profiler'
import { describe, expect, it } from 'vitest'
import { createEngine } from '../src/index'
import { collect, mapCache } from './helpers'

/** A clock the extractor moves: parse takes 5 ms, each element 2 ms, document 1 ms. */
function timedExtractor() {
  const clock = { t: 1000, now: () => clock.t }
  const extractor = {
    name: 'timed',
    version: '1',
    parse: (doc: { content: unknown }) => {
      clock.t += 5
      return String(doc.content)
        .split(' ')
        .map((word, i) => ({ id: `w${i}`, word }))
    },
    element: (el: { id: string; word: string }) => {
      clock.t += 2
      return el.word.length
    },
    document: (_elements: unknown[], metas: number[]) => {
      clock.t += 1
      return metas.length
    },
  }
  return { clock, extractor }
}

describe('report', () => {
  it('gives stage timings, throughput and counts from the injected clock', async () => {
    const { clock, extractor } = timedExtractor()
    await using engine = createEngine({ extractor, clock, level: 'basic', cache: mapCache() })
    await collect(
      engine.extractMany(
        [
          { id: 'a', content: 'one two three' },
          { id: 'b', content: 'four' },
          { id: 'x', content: 5 } as never,
        ],
        { maxInFlight: 1 },
      ),
    )
    await engine.extract({ id: 'a', content: 'one two three' }) // served from the document cache
    const report = engine.report()
    expect(report.stages.parse).toEqual({ count: 2, p50: 5, p95: 5 })
    expect(report.stages.elements).toEqual({ count: 2, p50: 6, p95: 6 }) // 3 × 2 ms and 1 × 2 ms
    expect(report.stages.document).toEqual({ count: 2, p50: 1, p95: 1 })
    expect(report.stages.total).toEqual({ count: 4, p50: 8, p95: 12 })
    expect(report.documents).toEqual({
      ok: 3,
      failed: 1,
      total: 4,
      perSecond: 4000 / (clock.t - 1000),
    })
    expect(report.elements).toEqual({ total: 7, extracted: 4, reused: 3 })
    expect(report.ranIn).toEqual({ inline: 2, workers: 0, none: 1 })
    expect(report.errors).toEqual({ MX_ENGINE_INPUT: 1 })
    expect(report.cache).toMatchObject({
      documentHits: 1,
      documentMisses: 2,
      hitRatio: 1 / 3,
      tiers: [],
    })
    expect(report.elapsedMs).toBe(clock.t - 1000)
    expect(report.memory.peakRss).toBeGreaterThan(0)
  })

  it("keeps the profiler's counters, so its report charts throughput and the document hit ratio", async () => {
    const { clock, extractor } = timedExtractor()
    const profiler = createProfiler()
    try {
      await using engine = createEngine({
        extractor,
        clock,
        level: 'basic',
        cache: mapCache(),
        profiler,
      })
      await collect(
        engine.extractMany([
          { id: 'a', content: 'one two three' },
          { id: 'x', content: 5 } as never,
        ]),
      )
      engine.report()
      expect(profiler.snapshot().hitRatios).toContainEqual({
        name: 'cache.document',
        hits: 0,
        misses: 1,
        ratio: 0,
      })
      await engine.extract({ id: 'a', content: 'one two three' }) // from the document cache
      engine.report()
      const counters = Object.fromEntries(
        profiler.snapshot().counters.map((c) => [c.name, c.value]),
      )
      expect(counters).toMatchObject({
        'documents.ok': 2,
        'documents.failed': 1,
        'elements.extracted': 3,
        'elements.reused': 3,
        'cache.document.hits': 1,
        'cache.document.misses': 1,
      })
      expect(profiler.snapshot().hitRatios).toContainEqual({
        name: 'cache.document',
        hits: 1,
        misses: 1,
        ratio: 0.5,
      })
    } finally {
      profiler.close()
    }
  })
})
