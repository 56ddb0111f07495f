import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { elementIgnoreTree } from '../src/hash'
import { createTracker, memoryStore } from '../src/index'
import { matchesShape, walkShape } from '../src/snapshot-compare'
import { compileShape } from '../src/snapshot-compile'
import { encode, type Shape } from '../src/snapshot-encode'

/** The shape and values `value` is recorded as, as a snapshot table records it. */
function record(value: unknown, ignore = elementIgnoreTree(undefined)) {
  const tokens: unknown[] = []
  const values: unknown[] = []
  if (!encode(value, tokens, values, 0, ignore)) return undefined
  const shape: Shape = { tokens, count: values.length, uses: 0, matcher: undefined }
  return { shape, values }
}

/** Compares `other` with the snapshot of `value` both ways: compiled and walked. */
function both(value: unknown, other: unknown, ignore?: ReturnType<typeof elementIgnoreTree>) {
  const recorded = record(value, ignore)
  if (!recorded) throw new Error('no snapshot')
  const matcher = compileShape(recorded.shape)
  if (!matcher) throw new Error('not compiled')
  return {
    compiled: matcher(other, recorded.values, 0),
    walked: walkShape(other, recorded.shape, recorded.values, 0),
  }
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('compiled snapshot shapes', () => {
  it('answer exactly as the token walk, for any two JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        expect(both(a, a)).toEqual({ compiled: true, walked: true })
        expect(both(a, structuredClone(a)).compiled).toBe(true)
        const { compiled, walked } = both(a, b)
        expect(compiled).toBe(walked)
      }),
      { numRuns: 500 },
    )
  })

  it('answer exactly as the token walk on elements with ignored fields', () => {
    const ignore = elementIgnoreTree(['seenAt', 'meta.modifiedAt'])
    const field = fc.oneof(fc.jsonValue(), fc.constant(undefined))
    const element = fc.record(
      {
        id: fc.constantFrom('a', 'b'),
        text: fc.constantFrom('x', 'y', 'a longer paragraph of text'),
        seenAt: field,
        meta: fc.oneof(
          fc.record({ modifiedAt: field, page: fc.nat(2) }, { requiredKeys: [] }),
          fc.array(fc.record({ modifiedAt: fc.nat(2) })),
        ),
      },
      { requiredKeys: ['id'] },
    )
    fc.assert(
      fc.property(element, element, (a, b) => {
        expect(both(a, a, ignore).compiled).toBe(true)
        const { compiled, walked } = both(a, b, ignore)
        expect(compiled).toBe(walked)
      }),
      { numRuns: 500 },
    )
  })

  it('reject what the walk rejects: other prototypes, inherited keys, reordered keys, NaN', () => {
    const value = { id: 'a', meta: { page: 1 }, list: [1, 2] }
    const inherited = Object.create({ extra: 1 }) as Record<string, unknown>
    Object.assign(inherited, structuredClone(value))
    const cases: unknown[] = [
      inherited,
      { id: 'a', list: [1, 2], meta: { page: 1 } },
      {
        ...value,
        meta: new (class Meta {
          page = 1
        })(),
      },
      { ...value, meta: [1] },
      { ...value, list: { 0: 1, 1: 2 } },
      { ...value, list: [1, 2, 3] },
      { ...value, list: [1] },
      null,
      'a',
      [value],
    ]
    for (const other of cases)
      expect(both(value, other)).toEqual({ compiled: false, walked: false })
    expect(both({ n: Number.NaN }, { n: Number.NaN })).toEqual({ compiled: false, walked: false })
  })

  it('keep keys that are not identifiers as data, never as code', () => {
    const value = { "'); throw new Error('x": 1, 'a\nb': { '\u2028': 'c' }, __proto__x: 2 }
    expect(both(value, structuredClone(value))).toEqual({ compiled: true, walked: true })
    expect(both(value, { ...value, 'a\nb': { '\u2028': 'd' } }).compiled).toBe(false)
  })

  it('leave large shapes and processes without code generation to the walk', () => {
    const large = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, i]))
    expect(compileShape((record(large) as { shape: Shape }).shape)).toBeUndefined()
    vi.stubGlobal('Function', () => {
      throw new EvalError('Code generation from strings disallowed for this context')
    })
    const small = record({ id: 'a', text: 'b' }) as { shape: Shape; values: unknown[] }
    expect(compileShape(small.shape)).toBeUndefined()
    // the shape is compiled after enough uses; failing to, it is walked from then on
    for (let i = 0; i < 100; i++) {
      expect(matchesShape({ id: 'a', text: 'b' }, small.shape, small.values, 0)).toBe(true)
      expect(matchesShape({ id: 'a', text: 'c' }, small.shape, small.values, 0)).toBe(false)
    }
    expect(small.shape.matcher).toBeNull()
  })

  it('serve a tracker’s re-parsed elements: only the edited one is recomputed', async () => {
    const tracker = createTracker({ store: memoryStore() })
    const parse = (edit: number) =>
      Array.from({ length: 500 }, (_, i) => ({
        id: `p${i}`,
        text: i === edit ? `edited ${edit}` : `paragraph ${i}`,
        meta: { page: i >> 4, tags: ['a', String(i % 3)] },
      }))
    const spec = { element: (el: { text: string }) => el.text.length }
    await tracker.update('doc', parse(-1), spec)
    for (let edit = 0; edit < 5; edit++) {
      const { counts } = await tracker.update('doc', parse(edit), spec)
      // the previous edit reverted and this one made: two changed elements, the rest compiled
      expect(counts.recomputed).toBe(edit === 0 ? 1 : 2)
      expect(counts.skipped).toBe(500 - counts.updated)
    }
  })
})
