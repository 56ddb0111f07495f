import { describe, expect, it } from 'vitest'
import { CostModel } from '../src/cost'
import { createEngine, type ExtractSuccess } from '../src/index'
import { countingPool, doc, fixture } from './helpers'

describe('CostModel', () => {
  it('probes small documents inline and sends big unknown ones to workers', () => {
    const model = new CostModel()
    expect(model.decide(10)).toBe('inline')
    expect(model.decide(1000)).toBe('workers')
  })

  it('decides from the moving average of µs per element', () => {
    const model = new CostModel({ inlineBelowUs: 1000, alpha: 0.5 })
    model.observe(10, 100) // 10 µs per element
    expect(model.estimate).toBe(10)
    expect(model.decide(99)).toBe('inline')
    expect(model.decide(100)).toBe('workers')
    model.observe(10, 300) // 30 µs per element, averaged to 20
    expect(model.estimate).toBe(20)
    expect(model.decide(49)).toBe('inline')
    expect(model.decide(50)).toBe('workers')
  })

  it('always uses workers with inlineBelowUs 0', () => {
    expect(new CostModel({ inlineBelowUs: 0 }).decide(1)).toBe('workers')
  })
})

describe('inline or workers per document', () => {
  it('runs cheap documents inline and costly ones in workers, from the estimated cost', async () => {
    await using workers = countingPool(1)
    // 100 µs per element (injected estimate, no timing involved); inline below 1 ms of work.
    await using engine = createEngine({
      extractor: fixture('words.mjs'),
      level: 'basic',
      workers,
      cost: { initialUsPerElement: 100, inlineBelowUs: 1000, alpha: 1e-9 },
    })
    const small = (await engine.extract(doc('small', 3))) as ExtractSuccess // 4 elements: 400 µs
    const big = (await engine.extract(doc('big', 30))) as ExtractSuccess // 31 elements: 3.1 ms
    expect(small.stats.ranIn).toBe('inline')
    expect(big.stats.ranIn).toBe('workers')
    expect(workers.batches.map((b) => b.docId)).toEqual(['big'])
    expect(engine.report().ranIn).toEqual({ inline: 1, workers: 1, none: 0 })
  })

  it('streams a very large document through bounded chunks', async () => {
    await using workers = countingPool(2)
    await using engine = createEngine({
      extractor: fixture('words.mjs'),
      level: 'basic',
      workers,
      chunkSize: 100,
      cost: { inlineBelowUs: 0 },
    })
    const result = (await engine.extract(doc('huge', 999))) as ExtractSuccess
    expect(result.stats.elements).toBe(1000)
    expect(workers.batches.map((b) => b.elements.length)).toEqual(Array(10).fill(100))
    expect(result.elements[999]).toEqual({ words: 7, heading: false })
    expect(result.elements[0]).toEqual({ words: 4, heading: true })
  })

  it('keeps at most two chunks per thread of one document in flight', async () => {
    const { default: words } = await import(fixture('words.mjs').href)
    let running = 0
    let peak = 0
    const workers = {
      threads: 2,
      async run(batch: { docId: string; elements: unknown[] }) {
        running++
        peak = Math.max(peak, running)
        await new Promise((resolve) => setTimeout(resolve, 2))
        running--
        const ctx = { docId: batch.docId, extractor: { name: 'words', version: '1' } }
        return { results: batch.elements.map((el) => words.element(el, ctx)), us: 1 }
      },
    }
    await using engine = createEngine({
      extractor: fixture('words.mjs'),
      level: 'basic',
      workers,
      chunkSize: 10,
      cost: { inlineBelowUs: 0 },
    })
    const result = (await engine.extract(doc('long', 199))) as ExtractSuccess
    expect(result.stats).toMatchObject({ elements: 200, extracted: 200, ranIn: 'workers' })
    expect(peak).toBe(4)
  })
})
