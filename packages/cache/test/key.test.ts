import { describe, expect, it } from 'vitest'
import { keyOf } from '../src/index'

describe('keyOf', () => {
  it('ignores object key order', () => {
    expect(keyOf({ a: 1, b: { c: 2, d: 3 } })).toBe(keyOf({ b: { d: 3, c: 2 }, a: 1 }))
  })

  it('distinguishes types and structure that print alike', () => {
    const keys = [
      keyOf(1),
      keyOf('1'),
      keyOf(1n),
      keyOf(true),
      keyOf(null),
      keyOf(undefined),
      keyOf([1, 2]),
      keyOf([[1], 2]),
      keyOf('a', 'b'),
      keyOf('ab'),
      keyOf({ a: 'b' }),
      keyOf(new Map([['a', 'b']])),
      keyOf(new Date(0)),
      keyOf(new Uint8Array([1])),
    ]
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('is stable for Maps and Sets regardless of insertion order', () => {
    expect(keyOf(new Set([1, 2]))).toBe(keyOf(new Set([2, 1])))
    expect(
      keyOf(
        new Map([
          [1, 'a'],
          [2, 'b'],
        ]),
      ),
    ).toBe(
      keyOf(
        new Map([
          [2, 'b'],
          [1, 'a'],
        ]),
      ),
    )
  })

  it('rejects functions and cycles instead of hashing them wrongly', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(() => keyOf(cyclic)).toThrow('keyOf cannot hash a circular structure')
    expect(() => keyOf(() => 1)).toThrow('keyOf cannot hash a function')
  })
})
