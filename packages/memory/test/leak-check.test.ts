import { describe, expect, it } from 'vitest'
import { leakCheck } from '../src/index'
import { fitGrowth } from '../src/leak-check'
import { documentJson } from './helpers/documents'

describe('leakCheck', () => {
  it('flags a function that keeps what it allocates', async () => {
    const kept: unknown[] = []
    const result = await leakCheck(
      () => {
        kept.push(new Array(512).fill(kept.length)) // 4 KiB of slots each
      },
      { iterations: 30 },
    )
    expect(result.verdict).toBe('leak')
    expect(result.leaking).toBe(true)
    expect(result.bytesPerIteration).toBeGreaterThan(4096)
    expect(result.bytesPerIteration).toBeLessThan(4096 * 2)
    expect(result.r2).toBeGreaterThan(0.9)
    expect(kept.length).toBe(40)
  })

  it('flags a small leak of one listener per call', async () => {
    const listeners: (() => void)[] = []
    const result = await leakCheck(
      (i) => {
        const data = { i, label: `listener ${i}` }
        listeners.push(() => data)
      },
      { iterations: 40, threshold: 64 },
    )
    expect(result.verdict).toBe('leak')
  })

  it('passes a function that allocates a lot but keeps nothing', async () => {
    const json = documentJson(500, 5)
    let total = 0
    const result = await leakCheck(
      async () => {
        const doc = JSON.parse(json) as { elements: unknown[] }
        await Promise.resolve()
        total += doc.elements.length
      },
      { iterations: 30 },
    )
    expect(result.verdict).toBe('clean')
    expect(result.leaking).toBe(false)
    expect(Math.abs(result.bytesPerIteration)).toBeLessThan(256)
    expect(total).toBe(40 * 500)
  })

  it('passes a function that fills a cache once and then stops growing', async () => {
    let cache: number[] | undefined
    const result = await leakCheck(
      (i) => {
        if (i === 8) cache = new Array(32_768).fill(i) // a lazy init, 256 KiB, once
        return cache?.length
      },
      { iterations: 30, warmup: 0 },
    )
    expect(result.growth).toBeGreaterThan(200_000)
    expect(result.verdict).toBe('clean')
  })

  it('fits a steady slope through a series with one outlier sample', () => {
    // Recorded from a real run: 4 KiB per iteration, one sample hit by a foreign allocation.
    const samples = Array.from({ length: 30 }, (_, i) => 10_791_425 + 4144 * i)
    samples[6] = (samples[6] as number) + 240_000
    const { slope, r2 } = fitGrowth(samples)
    expect(slope).toBe(4144)
    expect(r2).toBeGreaterThan(0.99)
    expect(fitGrowth(Array.from({ length: 30 }, () => 5_000_000))).toEqual({ slope: 0, r2: 0 })
  })

  it('validates its options with exact messages', async () => {
    await expect(leakCheck(() => {}, { iterations: 2 })).rejects.toThrow(
      'iterations must be a positive integer, got 2',
    )
    await expect(leakCheck('nope' as never)).rejects.toThrow("fn must be a function, got 'nope'")
  })
})
