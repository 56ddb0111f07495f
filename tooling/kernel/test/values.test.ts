import { describe, expect, it } from 'vitest'
import { isPlainJson } from '../src/index'

describe('isPlainJson', () => {
  it('accepts what JSON gives back exactly', () => {
    for (const value of ['a', 1, true, null, [1, 'b', null], { a: { b: [1, { c: 'd' }] } }])
      expect(isPlainJson(value)).toBe(true)
  })

  it('refuses what JSON would change or lose', () => {
    const deep: unknown[] = []
    let at = deep
    for (let i = 0; i < 40; i++) at = at[0] = [] as unknown[]
    for (const value of [
      undefined,
      Number.NaN,
      -0,
      Infinity,
      new Date(0),
      new Map(),
      new Array(3),
      { a: undefined },
      JSON.parse('{"__proto__":1}'),
      () => 1,
      1n,
      deep,
    ])
      expect(isPlainJson(value)).toBe(false)
  })
})
