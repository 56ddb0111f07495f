import { describe, expect, it } from 'vitest'
import { leakCheck } from '../src/index'
import { assessGrowth } from '../src/leak-check'
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

  it('flags a leak of off-heap Buffer memory', async () => {
    const kept: Buffer[] = []
    const result = await leakCheck(
      () => {
        kept.push(Buffer.alloc(16 * 1024))
      },
      { iterations: 20 },
    )
    expect(result.verdict).toBe('leak')
    expect(result.bytesPerIteration).toBeGreaterThanOrEqual(16 * 1024)
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
        if (i === 14) cache = new Array(32_768).fill(i) // a lazy init, 256 KiB, once
        return cache?.length
      },
      { iterations: 30, warmup: 0 },
    )
    expect(cache).toHaveLength(32_768)
    expect(result.verdict).toBe('clean')
  })

  it('tells a steady leak from a one-off step and a stray sample', () => {
    const steady = Array.from({ length: 30 }, (_, i) => 10_791_425 + 4144 * i)
    expect(assessGrowth(steady, 256)).toMatchObject({ slope: 4144, leaking: true })

    // Recorded from a real run: one sample hit by a foreign allocation.
    const spiked = [...steady]
    spiked[6] = (spiked[6] as number) + 240_000
    const fit = assessGrowth(spiked, 256)
    expect(fit.slope).toBe(4144)
    expect(fit.r2).toBeGreaterThan(0.99)
    expect(fit.leaking).toBe(true)

    // A cache filled once mid-run: the overall slope is positive, but neither half grows.
    const step = Array.from({ length: 30 }, (_, i) => 5_000_000 + (i >= 14 ? 262_144 : 0))
    const stepFit = assessGrowth(step, 256)
    expect(stepFit.slope).toBeGreaterThan(256)
    expect(stepFit.leaking).toBe(false)

    const flat = Array.from({ length: 30 }, () => 5_000_000)
    expect(assessGrowth(flat, 256)).toEqual({ slope: 0, r2: 0, leaking: false })
  })

  it('flags a steady leak with the fewest iterations allowed (3)', async () => {
    expect(assessGrowth([1_000_000, 1_065_536, 1_131_072], 256)).toMatchObject({
      slope: 65_536,
      r2: 1,
      leaking: true,
    })
    // 4 MiB per call: with 3 samples, the other allocations of a busy test process (a few
    // hundred KiB between two samples under CI) must not bend the line.
    const kept: Buffer[] = []
    const result = await leakCheck(
      () => {
        kept.push(Buffer.alloc(4 * 1024 * 1024))
      },
      { iterations: 3 },
    )
    expect(result.iterations).toBe(3)
    expect(result.samples).toHaveLength(3)
    expect(result.verdict).toBe('leak')
  })

  it('runs 50 measured iterations after 10 warm-up runs by default', async () => {
    const seen: number[] = []
    const result = await leakCheck((i) => {
      seen.push(i)
    })
    expect(result.iterations).toBe(50)
    expect(result.samples).toHaveLength(50)
    expect(seen.slice(0, 10)).toEqual([-1, -2, -3, -4, -5, -6, -7, -8, -9, -10])
    expect(seen.slice(10)).toEqual(Array.from({ length: 50 }, (_, i) => i))
    expect(result.verdict).toBe('clean')
  })

  it('finds no slope in fewer than two samples', () => {
    expect(assessGrowth([5_000_000], 256)).toMatchObject({ slope: 0, leaking: false })
    expect(assessGrowth([], 256)).toMatchObject({ slope: 0, leaking: false })
  })

  it('validates its options with exact messages', async () => {
    await expect(leakCheck(() => {}, { iterations: 2 })).rejects.toThrow(
      'iterations must be an integer of at least 3, got 2',
    )
    await expect(leakCheck('nope' as never)).rejects.toThrow('fn must be a function, got "nope"')
  })
})
