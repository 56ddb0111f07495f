import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { elementIgnoreTree } from '../src/hash'
import { createTracker, memoryStore } from '../src/index'
import { walkShape } from '../src/snapshot-compare'
import { compiledMatcher, compileMatcher } from '../src/snapshot-compile'
import { encode, type Shape } from '../src/snapshot-encode'
import { snapshotElement } from './fixtures/snapshot-elements'

const run = promisify(execFile)
const ignore = elementIgnoreTree(['meta.modifiedAt'])

/** The snapshot of `value` as snapshot.ts records it: its shape and its pooled values. */
function snapshot(value: unknown, ignoreTree = ignore) {
  const tokens: unknown[] = []
  const values: unknown[] = []
  if (!encode(value, tokens, values, 0, ignoreTree)) return undefined
  const shape: Shape = { tokens, count: values.length, signature: '', calls: 0, matcher: undefined }
  // a few unrelated values before it, as in a pool shared by many elements
  return { shape, values: ['before', 1, null, ...values], at: 3 }
}

describe('compiled shape matchers', () => {
  it('answer exactly as the token walk does, for any content and any candidate', () => {
    const element = snapshotElement
    const value = fc.oneof(element, fc.jsonValue())
    fc.assert(
      fc.property(value, value, (a, b) => {
        const taken = snapshot(a)
        if (!taken) return
        const { shape, values, at } = taken
        const matcher = compileMatcher(shape.tokens)
        expect(matcher(a, values, at)).toBe(true)
        expect(matcher(structuredClone(a), values, at)).toBe(
          walkShape(structuredClone(a), shape, values, at),
        )
        expect(matcher(b, values, at)).toBe(walkShape(b, shape, values, at))
      }),
      { numRuns: 1000 },
    )
  })

  it('reject what the token walk rejects: other keys, order, kinds, lengths and prototypes', () => {
    const value = {
      id: 'a',
      text: 'x',
      list: [1, 'two', { deep: null }],
      meta: { page: 1, modifiedAt: 5 },
    }
    const { shape, values, at } = snapshot(value) as NonNullable<ReturnType<typeof snapshot>>
    const matcher = compileMatcher(shape.tokens)
    const candidates: unknown[] = [
      { ...value, meta: { page: 1, modifiedAt: 99 } },
      { ...value, text: 'y' },
      { ...value, meta: { page: 1 } },
      { text: 'x', list: value.list, meta: value.meta },
      { ...value, extra: 1 },
      { id: 'a', list: value.list, text: 'x', meta: value.meta },
      { ...value, list: [1, 'two'] },
      { ...value, list: [1, 'two', { deep: null }, 4] },
      { ...value, list: [1, 'two', { deep: undefined }] },
      { ...value, list: { 0: 1, 1: 'two', 2: { deep: null }, length: 3 } },
      { ...value, meta: Object.assign(Object.create({ inherited: 1 }), value.meta) },
      { ...value, meta: new Map([['page', 1]]) },
      { ...value, text: new String('x') },
      { ...value, meta: { page: Number.NaN, modifiedAt: 5 } },
      Object.assign(Object.create(null), value),
      [value],
      null,
      'x',
    ]
    for (const candidate of candidates) {
      expect(matcher(candidate, values, at), JSON.stringify(candidate)).toBe(
        walkShape(candidate, shape, values, at),
      )
    }
  })

  it('write keys into the source as string literals only, however odd the key', () => {
    const odd = ['a"];globalThis.__pwned = 1;//', '\\', '\u2028', '__proto__', 'constructor', '']
    const value = Object.fromEntries(odd.map((key, i) => [key, i]))
    const { shape, values, at } = snapshot(value, undefined) as NonNullable<
      ReturnType<typeof snapshot>
    >
    const matcher = compileMatcher(shape.tokens)
    expect(matcher(JSON.parse(JSON.stringify(value)), values, at)).toBe(true)
    expect(matcher({ ...value, '\\': 9 }, values, at)).toBe(false)
    expect((globalThis as { __pwned?: number }).__pwned).toBeUndefined()
  })

  it('are compiled once per shape and tracker, and large shapes keep the token walk', () => {
    const { shape } = snapshot({ id: 'a', text: 'x' }) as NonNullable<ReturnType<typeof snapshot>>
    const cache = new Map()
    const first = compiledMatcher(cache, 'shared', shape.tokens)
    expect(first).toBeTypeOf('function')
    expect(compiledMatcher(cache, 'shared', shape.tokens)).toBe(first)
    expect(compiledMatcher(new Map(), 'shared', shape.tokens)).not.toBe(first)
    const large = snapshot({ id: 'a', list: Array.from({ length: 300 }, (_, i) => i) })
    expect(compiledMatcher(cache, 'large', large?.shape.tokens ?? [])).toBeUndefined()
  })

  it('take over in the tracker once a shape is in use, with the same results', async () => {
    const tracker = createTracker({ store: memoryStore(), ignoreFields: ['meta.modifiedAt'] })
    const doc = (edited: number, at: number) =>
      Array.from({ length: 200 }, (_, i) => ({
        id: `p${i}`,
        text: i === edited ? `edited ${at}` : `paragraph ${i}`,
        meta: { page: i >> 3, modifiedAt: at },
      }))
    const seen: string[] = []
    const spec = { element: (el: { id: string; text: string }) => seen.push(el.id) }
    await tracker.update('doc', doc(-1, 0), spec)
    for (let v = 1; v <= 5; v++) {
      seen.length = 0
      const result = await tracker.update('doc', doc(v * 7, v), spec)
      // the element edited now, and the one edited last time (back to its first text)
      expect(seen).toEqual(v === 1 ? ['p7'] : [`p${(v - 1) * 7}`, `p${v * 7}`])
      expect(result.counts.recomputed).toBe(seen.length)
    }
  })
})

describe('compiled shape matchers where code generation is disallowed', () => {
  it('are not used, and the token walk gives the same results', async () => {
    const script = fileURLToPath(new URL('./fixtures/no-codegen.ts', import.meta.url))
    const { stdout } = await run(
      process.execPath,
      ['--disallow-code-generation-from-strings', '--import', 'tsx', script],
      { cwd: fileURLToPath(new URL('..', import.meta.url)) },
    )
    expect(JSON.parse(stdout)).toEqual({
      generation: 'disallowed',
      recomputed: [1, 2, 2, 2],
      compiled: false,
    })
  }, 60_000)
})
