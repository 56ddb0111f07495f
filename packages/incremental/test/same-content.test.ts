import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalJson, elementIgnoreTree } from '../src/hash'
import { sameContent } from '../src/same-content'

const ignoreFields = ['meta.modifiedAt', 'volatile']
const ignore = elementIgnoreTree(ignoreFields)
const hash = (value: unknown) => canonicalJson(value, ['id', ...ignoreFields])

/** JSON-like values plus the things the hash treats specially (undefined, -0, Dates). */
const leaf = fc.oneof(
  fc.constantFrom(undefined, null, true, -0, 0, 1.5, '', 'a', 'b'),
  fc.constant(new Date(0)),
)
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'meta', 'modifiedAt', 'volatile', 'id'), tie('node'), {
      maxKeys: 4,
    }),
  ),
})).node

/** A structural copy with the keys of every object in reverse order. */
function reversed(input: unknown): unknown {
  if (Array.isArray(input)) return input.map(reversed)
  if (input === null || typeof input !== 'object' || input instanceof Date) return input
  return Object.fromEntries(
    Object.entries(input)
      .reverse()
      .map(([k, v]) => [k, reversed(v)]),
  )
}

describe('sameContent', () => {
  it('never says two values are the same when their hashes differ', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        if (sameContent(a, b, ignore)) expect(hash(a)).toBe(hash(b))
      }),
      { numRuns: 2000 },
    )
  })

  it('recognises structural copies, in any key order', () => {
    const plain = fc.jsonValue({ maxDepth: 4 })
    fc.assert(
      fc.property(plain, (a) => {
        expect(sameContent(a, structuredClone(a), ignore)).toBe(true)
        expect(sameContent(a, reversed(a), ignore)).toBe(true)
      }),
    )
  })

  it('ignores the ignored fields but not their presence', () => {
    const a = { id: 'x', text: 't', meta: { page: 1, modifiedAt: 1 } }
    expect(sameContent(a, { id: 'y', text: 't', meta: { page: 1, modifiedAt: 2 } }, ignore)).toBe(
      true,
    )
    // same key count, but an ignored key traded for a compared one
    expect(sameContent({ volatile: 1, b: 1 }, { b: 1, c: 5 }, ignore)).toBe(false)
    // an undefined field traded for a defined one
    expect(sameContent({ a: undefined, b: 1 }, { b: 1, c: 5 }, ignore)).toBe(false)
  })

  it('leaves to the hash anything it would reject or treat specially', () => {
    const fn = () => 1
    for (const odd of [Number.POSITIVE_INFINITY, Number.NaN, 1n, Symbol.for('s'), fn]) {
      expect(sameContent({ a: odd }, { a: odd }, ignore)).toBe(false)
    }
    const date = new Date(0)
    expect(sameContent({ a: date }, { a: date }, ignore)).toBe(false)
    class Point {
      x = 1
    }
    expect(sameContent(new Point(), new Point(), ignore)).toBe(false)
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    expect(sameContent(cycle, cycle, ignore)).toBe(false)
  })

  it('answers false while Object.prototype has an enumerable key', () => {
    const proto = Object.prototype as Record<string, unknown>
    proto.polluted = 1
    try {
      expect(sameContent({ polluted: 1 }, {}, ignore)).toBe(false)
    } finally {
      delete proto.polluted
    }
    expect(sameContent({ a: 1 }, { a: 1 }, ignore)).toBe(true)
  })
})
