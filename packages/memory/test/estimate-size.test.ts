import { describe, expect, it } from 'vitest'
import { estimateSize, forceGc } from '../src/index'
import { documentJson } from './helpers/documents'

/** Heap growth caused by keeping what `make` returns, measured between forced full GCs. */
function measuredGrowth(make: () => unknown): { value: unknown; bytes: number } {
  forceGc()
  forceGc()
  const before = process.memoryUsage().heapUsed
  const value = make()
  forceGc()
  forceGc()
  const bytes = process.memoryUsage().heapUsed - before
  return { value, bytes }
}

function expectWithin25Percent(estimate: number, measured: number): void {
  expect(estimate / measured).toBeGreaterThan(0.75)
  expect(estimate / measured).toBeLessThan(1.25)
}

describe('estimateSize', () => {
  // Below ~1 MB, one-off allocations (hidden classes, string table growth) blur the measure.
  for (const count of [10_000, 20_000]) {
    it(`is within ±25% of the measured heap growth for a ${count}-element JSON document`, () => {
      const json = documentJson(count, count)
      const { value, bytes } = measuredGrowth(() => JSON.parse(json))
      expectWithin25Percent(estimateSize(value), bytes)
    })
  }

  it('is within ±25% for JSON text in a two-byte script', () => {
    const cyrillic = 'метаданные извлечение документ раздел заголовок абзац ссылка'.split(' ')
    const json = documentJson(5_000, 7, cyrillic)
    const { value, bytes } = measuredGrowth(() => JSON.parse(json))
    expectWithin25Percent(estimateSize(value), bytes)
  })

  it('is within ±25% for Maps and Sets of parsed records', () => {
    const json = documentJson(5_000, 3)
    const { value, bytes } = measuredGrowth(() => {
      const doc = JSON.parse(json) as { elements: { id: string; tags: string[] }[] }
      const byId = new Map(doc.elements.map((element) => [element.id, element]))
      const tags = new Set(doc.elements.flatMap((element) => element.tags))
      return { byId, tags }
    })
    expectWithin25Percent(estimateSize(value), bytes)
  })

  it('counts two-byte strings at twice the one-byte size', () => {
    const latin = 'a'.repeat(1000)
    const cjk = '文'.repeat(1000)
    expect(estimateSize(latin)).toBe(1016)
    expect(estimateSize(cjk)).toBe(2016)
    expect(estimateSize('é'.repeat(1000))).toBe(1016) // Latin-1 still fits one byte
  })

  it('counts small integers as free and boxes other numbers', () => {
    expect(estimateSize(42)).toBe(0)
    expect(estimateSize(1.5)).toBe(16)
    expect(estimateSize({ a: 1 })).toBe(32)
    expect(estimateSize({ a: 1.5 })).toBe(48)
    expect(estimateSize([1.5, 2.5])).toBe(32 + 16 + 16) // unboxed double elements
    expect(estimateSize(true)).toBe(0)
    expect(estimateSize(null)).toBe(0)
  })

  it('counts Buffers and typed arrays by their bytes, each backing store once', () => {
    const buffer = Buffer.alloc(64 * 1024)
    const size = estimateSize(buffer)
    expect(size).toBeGreaterThanOrEqual(64 * 1024)
    expect(size).toBeLessThan(64 * 1024 + 512)
    const views = [new Uint8Array(buffer.buffer), new Float64Array(buffer.buffer)]
    expect(estimateSize(views) - estimateSize([1, 2])).toBeLessThan(64 * 1024 + 512)
    expect(estimateSize(new Float64Array(1000))).toBeGreaterThanOrEqual(8000)
    expect(estimateSize(Buffer.from('tiny'))).toBeLessThan(200) // pooled slice
  })

  it('counts shared references once and terminates on cycles', () => {
    const shared = { text: 'x'.repeat(10_000) }
    const once = estimateSize({ a: shared })
    expect(estimateSize({ a: shared, b: shared, c: [shared, shared] })).toBeLessThan(once + 200)
    const node: { self?: unknown; children: unknown[] } = { children: [] }
    node.self = node
    node.children.push(node, { parent: node })
    expect(estimateSize(node)).toBeGreaterThan(0)
    const map = new Map<string, unknown>()
    map.set('me', map)
    expect(estimateSize(map)).toBeGreaterThan(0)
  })

  it('sizes Dates, RegExps, functions, BigInts and class instances', () => {
    class Section {
      title = 'Intro'
      depth = 1
    }
    expect(estimateSize(new Date(0))).toBeGreaterThan(0)
    expect(estimateSize(new RegExp('x'.repeat(64)))).toBeGreaterThan(estimateSize(/a/) + 48)
    expect(estimateSize(() => 1)).toBeGreaterThan(0)
    expect(estimateSize(2n ** 200n)).toBeGreaterThan(estimateSize(1n))
    expect(estimateSize(new Section())).toBe(estimateSize({ title: 'Intro', depth: 1 }))
    expect(estimateSize(Symbol('x'))).toBeGreaterThan(0)
  })

  it('counts weak collections and weak refs as a header, not their targets', () => {
    const big = { text: 'x'.repeat(100_000) }
    const weakMap = new WeakMap([[big, big]])
    expect(estimateSize(weakMap)).toBe(estimateSize(new WeakMap()))
    expect(estimateSize(new WeakSet([big]))).toBe(estimateSize(weakMap))
    expect(estimateSize(new WeakRef(big))).toBe(estimateSize(weakMap))
    expect(estimateSize(weakMap)).toBeLessThan(100)
  })

  it('counts the message and stack of an Error', () => {
    const short = new Error('x')
    const long = new Error('y'.repeat(5000))
    // The 4999 extra characters are counted twice: in the message and in the stack's first line.
    const extra = estimateSize(long) - estimateSize(short)
    expect(extra).toBeGreaterThanOrEqual(2 * 4992)
    expect(extra).toBeLessThanOrEqual(2 * 5008)
  })

  it('counts only own properties and sizes an empty object as one with slack', () => {
    const proto = { inherited: 'z'.repeat(1000) }
    const child = Object.create(proto) as Record<string, unknown>
    expect(estimateSize(child)).toBe(estimateSize({}))
    child.own = 1
    expect(estimateSize(child)).toBe(estimateSize({ own: 1 }))
  })

  it('sizes objects with many keys as dictionaries', () => {
    const keys = (count: number) =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]))
    const perKey = (count: number) => estimateSize(keys(count)) / count
    // Fast-mode objects cost a slot per key; dictionaries a hash-table entry of 3 slots.
    expect(perKey(100)).toBeLessThan(perKey(200))
    expect(estimateSize(keys(129)) - estimateSize(keys(128))).toBeGreaterThan(8)
  })

  it('grows with Map and Set contents', () => {
    const small = estimateSize(new Map([[1, 1]]))
    const large = estimateSize(new Map(Array.from({ length: 1000 }, (_, i) => [i, i])))
    expect(large).toBeGreaterThan(small + 1000 * 24)
    expect(estimateSize(new Set(['é'.repeat(500)]))).toBeGreaterThan(500)
  })
})
