import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { elementIgnoreTree } from '../src/hash'
import { createTracker, type Element, hashElement, hashValue, memoryStore } from '../src/index'
import { SnapshotTable } from '../src/snapshot'

interface Node extends Element {
  text: string
  meta: { page: number; tags: string[] }
}

const run = promisify(execFile)

const node = (id: string, text: string): Node => ({ id, text, meta: { page: 1, tags: ['a'] } })

/** A one-position table holding the snapshot of `value` (or none when it cannot be taken). */
function snap(value: unknown) {
  const table = SnapshotTable.create(1)
  const taken = table.take(0, value)
  return { taken, table, matches: (other: unknown) => table.matches(0, other) }
}

describe('content snapshots', () => {
  it('match a value with the same content, in a fresh copy or the same object', () => {
    const value = { a: 1, b: ['x', { c: null, d: true }], e: { f: 'g' } }
    const { taken, matches } = snap(value)
    expect(taken).toBe(true)
    expect(matches(value)).toBe(true)
    expect(matches(structuredClone(value))).toBe(true)
  })

  it('reject any changed, added or removed field, however deep', () => {
    const value = { a: 1, b: ['x', { c: null }], e: { f: 'g' } }
    const { matches } = snap(value)
    expect(matches({ ...value, a: 2 })).toBe(false)
    expect(matches({ ...value, extra: 1 })).toBe(false)
    expect(matches({ a: 1, b: value.b })).toBe(false)
    expect(matches({ ...value, b: ['x', { c: 0 }] })).toBe(false)
    expect(matches({ ...value, b: ['x', { c: null }, 1] })).toBe(false)
    expect(matches({ ...value, b: ['x'] })).toBe(false)
    expect(matches({ ...value, e: { f: 'h' } })).toBe(false)
    expect(matches({ ...value, e: { f: 'g', z: undefined } })).toBe(false)
    expect(matches({ ...value, e: ['g'] })).toBe(false)
    expect(matches({ ...value, e: new Map([['f', 'g']]) })).toBe(false)
  })

  it('treat a different key order as a mismatch (the element is hashed again)', () => {
    expect(snap({ a: 1, b: 2 }).matches({ b: 2, a: 1 })).toBe(false)
  })

  it('are not taken for dates, class instances, functions or cycles', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    for (const value of [{ at: new Date(0) }, { tags: new Set(['a']) }, { run: () => 1 }, cyclic]) {
      const { taken, table, matches } = snap(value)
      expect(taken).toBe(false)
      expect(table.has(0)).toBe(false)
      expect(matches(value)).toBe(false)
    }
  })

  it('only ever match values that hash the same', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        const { taken, matches } = snap(a)
        expect(taken).toBe(true)
        expect(matches(a)).toBe(true)
        if (matches(b)) expect(hashValue(b)).toBe(hashValue(a))
      }),
      { numRuns: 300 },
    )
  })

  it('share shapes and a value pool between tables, and keep old tables intact', () => {
    const first = SnapshotTable.create(3)
    const values = [
      { id: 'a', text: 'one', meta: { page: 1 } },
      { id: 'b', text: 'two', meta: { page: 1 } },
      { id: 'c', text: 'three', meta: { page: 2 } },
    ]
    for (const [i, value] of values.entries()) first.take(i, value)
    // the next version: position 1 changed, positions moved around
    const next = first.empty(3)
    next.copy(first, 2, 0, true)
    next.copy(first, 0, 1, true)
    next.take(2, { id: 'b', text: 'TWO', meta: { page: 1 } })
    expect(next.matches(0, values[2])).toBe(true)
    expect(next.matches(1, values[0])).toBe(true)
    expect(next.matches(2, values[1])).toBe(false)
    expect(next.matches(2, { id: 'b', text: 'TWO', meta: { page: 1 } })).toBe(true)
    // a clone changed afterwards does not change the table it was cloned from
    const clone = first.clone()
    clone.take(0, { id: 'a', text: 'changed', meta: { page: 1 } })
    for (const [i, value] of values.entries()) expect(first.matches(i, value)).toBe(true)
    expect(clone.matches(0, values[0])).toBe(false)
  })

  it('compact the pool when most of it is garbage, without changing what matches', () => {
    let table = SnapshotTable.create(2)
    const stable = { id: 'keep', words: ['a', 'b', 'c'] }
    table.take(0, stable)
    for (let round = 0; round < 3000; round++) {
      table = table.clone()
      table.take(1, { id: 'edit', round, words: ['x', 'y'] })
      table.compact()
    }
    expect(table.pooled).toBeLessThan(4096)
    expect(table.matches(0, stable)).toBe(true)
    expect(table.matches(1, { id: 'edit', round: 2999, words: ['x', 'y'] })).toBe(true)
    expect(table.matches(1, { id: 'edit', round: 2998, words: ['x', 'y'] })).toBe(false)
  })
})

describe('content snapshots with ignored fields', () => {
  const ignoreFields = ['seenAt', 'meta.modifiedAt']
  const ignore = elementIgnoreTree(ignoreFields)
  const take = (value: unknown) => {
    const table = SnapshotTable.create(1)
    return { taken: table.take(0, value, ignore), matches: (v: unknown) => table.matches(0, v) }
  }

  it('keep the key but not the value of fields the hash ignores, however they change', () => {
    const value = { id: 'a', text: 'x', seenAt: new Date(1), meta: { modifiedAt: 1, page: 2 } }
    const { taken, matches } = take(value)
    expect(taken).toBe(true) // the Date is ignored, so it no longer prevents a snapshot
    expect(matches({ ...value, seenAt: 'later', meta: { modifiedAt: { at: 2 }, page: 2 } })).toBe(
      true,
    )
    expect(matches({ ...value, meta: { modifiedAt: 1, page: 3 } })).toBe(false)
    expect(matches({ id: 'a', text: 'x', meta: value.meta })).toBe(false) // seenAt removed
    expect(matches({ ...value, text: 'y' })).toBe(false)
  })

  it('do not apply ignore rules inside arrays, exactly like the hash', () => {
    const value = { id: 'a', meta: [{ modifiedAt: 1 }] }
    const { matches } = take(value)
    expect(matches({ id: 'a', meta: [{ modifiedAt: 2 }] })).toBe(false)
    expect(hashElement({ id: 'a', meta: [{ modifiedAt: 2 }] }, { ignoreFields })).not.toBe(
      hashElement(value, { ignoreFields }),
    )
  })

  it('only ever match elements that hash the same', () => {
    const field = fc.oneof(fc.jsonValue(), fc.constant(undefined))
    const element = fc.record(
      {
        id: fc.constantFrom('a', 'b'),
        text: fc.constantFrom('x', 'y'),
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
        const { taken, matches } = take(a)
        expect(taken).toBe(true)
        expect(matches(a)).toBe(true)
        if (matches(b)) {
          expect(hashElement(b as Element, { ignoreFields })).toBe(
            hashElement(a as Element, { ignoreFields }),
          )
        }
      }),
      { numRuns: 500 },
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

  it('reads the content of the usual element shapes and of odd ones alike', async () => {
    const tracker = createTracker({ store: memoryStore() })
    const spec = { element: (el: Element) => JSON.stringify(el) }
    const tags: [string, { b: number }] = ['a', { b: 1 }]
    const deep = { a: [1, 2] }
    const nullProto = Object.assign(Object.create(null), { id: 'null-proto', text: 'y' })
    const elements: Element[] = [
      { id: 'flat', text: 'x', n: 1 },
      { id: 'nested', meta: { page: 1, deep } },
      { id: 'array', tags },
      nullProto,
    ]
    await tracker.update('doc', elements, spec)
    deep.a.push(3)
    tags[1].b = 2
    nullProto.text = 'z'
    const r = await tracker.update('doc', elements, spec)
    expect(r.counts).toMatchObject({ updated: 3, skipped: 1, recomputed: 3 })
    expect(r.value.elements.map((e) => e.result)).toEqual(elements.map((el) => JSON.stringify(el)))
  })
})

/** A frozen element that counts the reads of its fields (a proxy cannot lie about a frozen target). */
function counted<T extends object>(target: T, reads: { count: number }): T {
  return new Proxy(Object.freeze(target), {
    get(object, key, receiver) {
      reads.count++
      return Reflect.get(object, key, receiver)
    },
  })
}

describe('tracker with deeply frozen elements', () => {
  const frozenNode = (id: string, text: string): Node =>
    Object.freeze({
      id,
      text,
      meta: Object.freeze({ page: 1, tags: Object.freeze(['a']) }),
    }) as Node

  it('does not read an unchanged frozen element again, and still sees the changed one', async () => {
    const tracker = createTracker({ store: memoryStore() })
    const reads = { count: 0 }
    const seen: string[] = []
    const spec = { element: (el: Node) => seen.push(`${el.id}:${el.text}`) }
    const meta = Object.freeze({ page: 1, tags: Object.freeze(['a']) }) as Node['meta']
    const watched = counted<Node>({ id: 'a', text: 'one', meta }, reads)
    const elements = [watched, frozenNode('b', 'two')]
    await tracker.update('doc', elements, spec)
    await tracker.update('doc', elements, spec) // its snapshot is now taken
    reads.count = 0
    const next = [watched, frozenNode('b', 'TWO')]
    const r = await tracker.update('doc', next, spec)
    expect(reads.count).toBe(0)
    expect(r.counts).toMatchObject({ updated: 1, skipped: 1, recomputed: 1 })
    expect(seen).toEqual(['a:one', 'b:two', 'b:TWO'])
  })

  it('reads a frozen element whose nested object is not frozen, and sees it change', async () => {
    const tracker = createTracker({ store: memoryStore() })
    const seen: string[] = []
    const spec = { element: (el: Node) => seen.push(el.meta.tags.join()) }
    const tags = ['a']
    const element = Object.freeze({ id: 'a', text: 'one', meta: Object.freeze({ page: 1, tags }) })
    await tracker.update('doc', [element], spec)
    tags.push('b')
    const r = await tracker.update('doc', [element], spec)
    expect(r.counts).toMatchObject({ updated: 1, recomputed: 1 })
    expect(seen).toEqual(['a', 'a,b'])
  })

  it('does not trust a frozen element with a getter: it may answer differently', async () => {
    const tracker = createTracker({ store: memoryStore() })
    let text = 'one'
    const element = Object.freeze({
      id: 'a',
      get text() {
        return text
      },
    })
    const spec = { element: (el: { text: string }) => el.text }
    await tracker.update('doc', [element], spec)
    text = 'two'
    const r = await tracker.update('doc', [element], spec)
    expect(r.counts).toMatchObject({ updated: 1, recomputed: 1 })
    expect(r.value.elements[0]?.result).toBe('two')
  })

  it('trusts a frozen copy with equal content from the update after it arrives', async () => {
    const tracker = createTracker({ store: memoryStore() })
    const reads = { count: 0 }
    const spec = { element: (el: Node) => el.text }
    await tracker.update('doc', [node('a', 'one')], spec) // not frozen
    const meta = Object.freeze({ page: 1, tags: Object.freeze(['a']) }) as Node['meta']
    const copy = counted<Node>({ id: 'a', text: 'one', meta }, reads)
    const second = await tracker.update('doc', [copy], spec) // equal content, now frozen
    expect(second.counts).toMatchObject({ skipped: 1, recomputed: 0 })
    reads.count = 0
    await tracker.update('doc', [copy], spec)
    expect(reads.count).toBe(0)
  })
})

describe('content snapshots and memory', () => {
  it('keep no version’s source text alive through a slice of it', async () => {
    const script = fileURLToPath(new URL('./fixtures/retention.ts', import.meta.url))
    const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', script], {
      // tsx resolves from the working directory: the package's, whoever runs the tests
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    })
    // 40 versions of 4 MB: keeping a slice of each edited element would keep 160 MB alive; the
    // latest version's text (the elements of the last update) is the only one left
    expect(Number(stdout.trim())).toBeLessThan(60e6)
  }, 60_000)
})
