import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createTracker, type Element, hashElement, hashValue, memoryStore } from '../src/index'
import { matchesSnapshot, takeSnapshot } from '../src/snapshot'

interface Node extends Element {
  text: string
  meta: { page: number; tags: string[] }
}

const node = (id: string, text: string): Node => ({ id, text, meta: { page: 1, tags: ['a'] } })

describe('content snapshots', () => {
  it('match a value with the same content, in a fresh copy or the same object', () => {
    const value = { a: 1, b: ['x', { c: null, d: true }], e: { f: 'g' } }
    const snapshot = takeSnapshot(value)
    expect(snapshot).toBeDefined()
    expect(matchesSnapshot(value, snapshot as unknown[])).toBe(true)
    expect(matchesSnapshot(structuredClone(value), snapshot as unknown[])).toBe(true)
  })

  it('reject any changed, added or removed field, however deep', () => {
    const value = { a: 1, b: ['x', { c: null }], e: { f: 'g' } }
    const snapshot = takeSnapshot(value) as unknown[]
    expect(matchesSnapshot({ ...value, a: 2 }, snapshot)).toBe(false)
    expect(matchesSnapshot({ ...value, extra: 1 }, snapshot)).toBe(false)
    expect(matchesSnapshot({ a: 1, b: value.b }, snapshot)).toBe(false)
    expect(matchesSnapshot({ ...value, b: ['x', { c: 0 }] }, snapshot)).toBe(false)
    expect(matchesSnapshot({ ...value, b: ['x', { c: null }, 1] }, snapshot)).toBe(false)
    expect(matchesSnapshot({ ...value, e: { f: 'h' } }, snapshot)).toBe(false)
    expect(matchesSnapshot({ ...value, e: { f: 'g', z: undefined } }, snapshot)).toBe(false)
  })

  it('treat a different key order as a mismatch (the element is hashed again)', () => {
    const snapshot = takeSnapshot({ a: 1, b: 2 }) as unknown[]
    expect(matchesSnapshot({ b: 2, a: 1 }, snapshot)).toBe(false)
  })

  it('are not taken for dates, class instances, functions or cycles', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(takeSnapshot({ at: new Date(0) })).toBeUndefined()
    expect(takeSnapshot({ tags: new Set(['a']) })).toBeUndefined()
    expect(takeSnapshot({ run: () => 1 })).toBeUndefined()
    expect(takeSnapshot(cyclic)).toBeUndefined()
  })

  it('only ever match values that hash the same', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        const snapshot = takeSnapshot(a)
        expect(snapshot).toBeDefined()
        expect(matchesSnapshot(a, snapshot as unknown[])).toBe(true)
        if (matchesSnapshot(b, snapshot as unknown[])) expect(hashValue(b)).toBe(hashValue(a))
      }),
      { numRuns: 300 },
    )
  })
})

describe('tracker without immutableElements', () => {
  it('notices an element mutated in place, even deep inside a nested field', async () => {
    const tracker = createTracker({ store: memoryStore() })
    const seen: string[] = []
    const spec = { element: (el: Node) => seen.push(`${el.id}:${el.meta.tags.join()}`) }
    const elements = [node('a', 'one'), node('b', 'two')]
    await tracker.update('doc', elements, spec)
    ;(elements[1] as Node).meta.tags.push('b')
    const r = await tracker.update('doc', elements, spec)
    expect(r.counts).toMatchObject({ updated: 1, skipped: 1, recomputed: 1 })
    expect(seen).toEqual(['a:a', 'b:a', 'b:a,b'])
  })

  it('keeps the hash of unchanged elements passed as fresh copies', async () => {
    const tracker = createTracker({ store: memoryStore() })
    const seen: string[] = []
    const spec = { element: (el: Node) => seen.push(el.id) }
    const elements = [node('a', 'one'), node('b', 'two'), node('c', 'three')]
    await tracker.update('doc', elements, spec)
    const copies = structuredClone(elements)
    ;(copies[2] as Node).text = 'changed'
    const r = await tracker.update('doc', copies, spec)
    expect(r.counts).toMatchObject({ skipped: 2, updated: 1, recomputed: 1 })
    expect(seen).toEqual(['a', 'b', 'c', 'c'])
    const stored = await tracker.get('doc')
    expect(stored.value.elements.map((e) => e.id)).toEqual(['a', 'b', 'c'])
    expect(hashElement(copies[0] as Node)).toBe(hashElement(elements[0] as Node))
  })

  it('skips an element whose keys were only reordered, after hashing it again', async () => {
    const tracker = createTracker({ store: memoryStore() })
    let calls = 0
    const spec = { element: () => ++calls }
    await tracker.update('doc', [node('a', 'one')], spec)
    const reordered = { meta: { tags: ['a'], page: 1 }, text: 'one', id: 'a' }
    const r = await tracker.update('doc', [reordered], spec)
    expect(r.counts).toMatchObject({ skipped: 1, recomputed: 0 })
    expect(r.created).toBe(false)
    expect(calls).toBe(1)
  })
})
