import { seededRandom } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import { Histogram, InvalidValueError } from '../src/index'

function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number
}

const distributions: Record<string, (random: () => number) => number> = {
  uniform: (r) => r() * 1000,
  lognormal: (r) =>
    Math.exp(2 + 1.5 * Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r())),
  exponential: (r) => -Math.log(1 - r()) * 3,
  'wide range': (r) => 10 ** (r() * 12 - 6),
}

describe('Histogram', () => {
  for (const [name, draw] of Object.entries(distributions)) {
    it(`keeps quantiles within 1% of the exact sorted quantiles (${name})`, () => {
      const random = seededRandom(name.length * 7919)
      const histogram = new Histogram('latency')
      const values: number[] = []
      for (let i = 0; i < 50_000; i++) {
        const value = draw(random)
        values.push(value)
        histogram.record(value)
      }
      values.sort((a, b) => a - b)
      for (const q of [0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999]) {
        const exact = exactQuantile(values, q)
        expect(Math.abs(histogram.quantile(q) - exact) / exact).toBeLessThanOrEqual(0.01)
      }
      const stats = histogram.stats()
      expect(stats.count).toBe(values.length)
      expect(stats.min).toBe(values[0])
      expect(stats.max).toBe(values.at(-1))
      expect(stats.sum).toBeCloseTo(
        values.reduce((a, b) => a + b, 0),
        3,
      )
    })
  }

  it('keeps memory bounded whatever the spread of values', () => {
    const histogram = new Histogram('spread')
    for (let exponent = -300; exponent <= 300; exponent += 3) histogram.record(10 ** exponent)
    histogram.record(Number.MAX_VALUE)
    histogram.record(0)
    // 91 octaves of 64 eight-byte counts at most.
    expect(histogram.footprint).toBeLessThanOrEqual(91 * 64 * 8 + 8)
    expect(histogram.quantile(1)).toBe(Number.MAX_VALUE)
    expect(histogram.quantile(0)).toBe(0)
  })

  it('rejects NaN, negative and infinite values with MX_PROFILER_INVALID_VALUE', () => {
    const histogram = new Histogram('extract.ms')
    for (const bad of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
      const error = (() => {
        try {
          histogram.record(bad)
        } catch (caught) {
          return caught
        }
      })()
      expect(error).toBeInstanceOf(InvalidValueError)
      expect(error).toMatchObject({ code: 'MX_PROFILER_INVALID_VALUE', metric: 'extract.ms' })
    }
    expect(histogram.count).toBe(0)
  })

  it('merges another histogram as if every value had been recorded into one', () => {
    const random = seededRandom(3)
    const a = new Histogram()
    const b = new Histogram()
    const both = new Histogram()
    for (let i = 0; i < 5000; i++) {
      const small = random() * 10
      const large = 1000 + random() * 1e6
      a.record(small)
      b.record(large)
      both.record(small)
      both.record(large)
    }
    a.merge(b)
    const { sum, mean, ...rest } = a.stats()
    const { sum: bothSum, mean: bothMean, ...bothRest } = both.stats()
    expect(rest).toEqual(bothRest)
    expect(sum).toBeCloseTo(bothSum, 3)
    expect(mean).toBeCloseTo(bothMean, 6)
  })

  it('reports zeros for an empty histogram and forgets values on reset', () => {
    const histogram = new Histogram()
    expect(histogram.stats()).toEqual({
      count: 0,
      sum: 0,
      min: 0,
      max: 0,
      mean: 0,
      p50: 0,
      p90: 0,
      p99: 0,
    })
    histogram.record(5)
    histogram.reset()
    expect(histogram.stats().count).toBe(0)
    expect(histogram.quantile(0.5)).toBe(0)
  })
})
