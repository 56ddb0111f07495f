import { describe, expect, it } from 'vitest'
import { memoryTier } from '../src/index'
import { manualClock } from '../src/test-suite'
import { estimateSize } from '../src/util'
import { entryOn } from './helpers'

const clock = manualClock()
const entry = entryOn(clock)

describe('estimateSize (the memory tier default sizeOf)', () => {
  it('sizes primitives by kind: strings by length, bigints by digits, symbols and functions flat', () => {
    expect(estimateSize('abcd')).toBe(16 + 8)
    expect(estimateSize(1)).toBe(8)
    expect(estimateSize(true)).toBe(8)
    expect(estimateSize(undefined)).toBe(8)
    expect(estimateSize(null)).toBe(8)
    expect(estimateSize(0xffffn)).toBe(16 + 2)
    expect(estimateSize(2n ** 64n)).toBeGreaterThan(estimateSize(1n))
    expect(estimateSize(Symbol('s'))).toBe(16)
    expect(estimateSize(() => 1)).toBe(16)
  })

  it('sizes binary data by its byte length', () => {
    expect(estimateSize(new Uint8Array(100))).toBe(64 + 100)
    expect(estimateSize(Buffer.alloc(10))).toBe(64 + 10)
    expect(estimateSize(new DataView(new ArrayBuffer(7)))).toBe(64 + 7)
    expect(estimateSize(new ArrayBuffer(50))).toBe(32 + 50)
  })

  it('sums the members of maps, sets, arrays and plain objects', () => {
    expect(estimateSize(new Date(0))).toBe(48)
    expect(estimateSize([])).toBe(32)
    expect(estimateSize([1, 'ab'])).toBe(32 + (8 + 8) + (8 + 16 + 4))
    expect(estimateSize(new Set([1, 2]))).toBe(32 + 2 * (8 + 8))
    expect(estimateSize(new Map([['a', 1]]))).toBe(32 + (16 + 2) + 8)
    expect(estimateSize({ ab: 1 })).toBe(32 + 16 + 4 + 8)
    const big = new Map(Array.from({ length: 100 }, (_, i) => [`key${i}`, { i }]))
    expect(estimateSize(big)).toBeGreaterThan(100 * 40)
  })

  it('stops descending past 8 levels, so deep and cyclic values stay bounded', () => {
    type Node = { next?: Node }
    const cyclic: Node = {}
    cyclic.next = cyclic
    const size = estimateSize(cyclic)
    expect(Number.isFinite(size)).toBe(true)
    // 9 levels of { next } (32 + 16 + 8 bytes each) and a flat 64 for whatever lies below.
    expect(size).toBe(9 * (32 + 16 + 8) + 64)
  })
})

describe('memoryTier sized by estimate', () => {
  it('skips a value whose estimate is above maxEntrySize and keeps a small one', () => {
    const tier = memoryTier({ maxEntrySize: 2_000, clock })
    const large = new Map(Array.from({ length: 100 }, (_, i) => [i, new Set([`member-${i}`])]))
    tier.set('large', entry(large))
    tier.set('small', entry(new Set(['x'])))
    tier.set('nothing', entry(undefined))
    expect(tier.getSync('large')).toBeUndefined()
    expect(tier.getSync('small')?.value).toEqual(new Set(['x']))
    expect(tier.getSync('nothing')).toMatchObject({ value: undefined })
    expect(tier.size).toBe(2)
  })

  it('evicts by estimated bytes: a large buffer pushes the older entries out', () => {
    const tier = memoryTier({ maxBytes: 5_000, clock })
    const evicted: string[] = []
    tier.subscribe((event) => {
      if (event.type === 'evict') evicted.push(event.key)
    })
    tier.set('a', entry(new ArrayBuffer(1_000)))
    tier.set('b', entry(new Date(0)))
    tier.set('c', entry(new Uint8Array(3_900)))
    expect(evicted).toEqual(['a'])
    expect(tier.getSync('b')?.value).toEqual(new Date(0))
    expect(tier.getSync('c')?.value).toBeInstanceOf(Uint8Array)
  })
})
