import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { diffElements, type Element, hashElement } from '../src/index'

const texts = fc.constantFrom('a', 'b', 'c', 'd', 'e')
const docs = fc
  .uniqueArray(fc.nat(40), { maxLength: 25 })
  .chain((ids) => fc.tuple(...ids.map((id) => texts.map((text) => ({ id: `e${id}`, text })))))

describe('diffElements property', () => {
  it('partitions both lists, matches ids first and keeps every id-matched pair', () => {
    fc.assert(
      fc.property(docs, docs, (prev: Element[], next: Element[]) => {
        const diff = diffElements(prev, next)
        const matched = [...diff.modified, ...diff.moved, ...diff.unchanged]
        expect(matched.length + diff.added.length).toBe(next.length)
        expect(matched.length + diff.removed.length).toBe(prev.length)
        expect(new Set(matched.map((m) => m.nextIndex)).size).toBe(matched.length)
        expect(new Set(matched.map((m) => m.prevIndex)).size).toBe(matched.length)
        const prevIds = new Set(prev.map((e) => e.id))
        for (const element of next) {
          const match = matched.find((m) => m.next === element)
          if (prevIds.has(element.id)) expect(match?.prev.id).toBe(element.id)
        }
        for (const m of diff.modified) expect(hashElement(m.prev)).not.toBe(hashElement(m.next))
        for (const m of [...diff.moved, ...diff.unchanged]) {
          expect(hashElement(m.prev)).toBe(hashElement(m.next))
        }
        // unchanged pairs keep their relative order: their prev indexes increase along next
        const order = diff.unchanged.map((m) => m.prevIndex)
        expect([...order].sort((a, b) => a - b)).toEqual(order)
      }),
      { numRuns: 300 },
    )
  })

  it('never marks anything moved when elements are only inserted or deleted', () => {
    fc.assert(
      fc.property(docs, fc.array(fc.boolean()), (prev: Element[], keep) => {
        const next = prev.filter((_, i) => keep[i] ?? true)
        next.splice(Math.floor(next.length / 2), 0, { id: 'fresh', text: 'z' })
        const diff = diffElements(prev, next)
        expect(diff.moved).toEqual([])
        expect(diff.unchanged).toHaveLength(next.length - 1)
      }),
    )
  })
})

/** The classification of a diff as index pairs, comparable between two diffs. */
function summary(diff: ReturnType<typeof diffElements>) {
  const pairs = (list: Array<{ prevIndex: number; nextIndex: number; byHash: boolean }>) =>
    list.map((m) => [m.prevIndex, m.nextIndex, m.byHash])
  return {
    added: diff.added.map((e) => e.id),
    removed: diff.removed.map((e) => e.id),
    modified: pairs(diff.modified),
    moved: pairs(diff.moved),
    unchanged: pairs(diff.unchanged),
  }
}

describe('diffElements with objects shared between the lists', () => {
  it('classifies exactly as with fresh copies of every element (shared ones are not hashed)', () => {
    // next: elements of prev, each kept as the same object, copied, or copied and edited,
    // in a shuffled order, plus new ones
    const plan = fc.array(fc.tuple(fc.constantFrom('same', 'copy', 'edit'), fc.nat()), {
      maxLength: 30,
    })
    fc.assert(
      fc.property(docs, plan, fc.array(texts, { maxLength: 3 }), (prev: Element[], how, fresh) => {
        const next: Element[] = []
        const used = new Set<number>()
        for (const [kind, pick] of how) {
          if (prev.length === 0) break
          const i = pick % prev.length
          if (used.has(i)) continue
          used.add(i)
          const element = prev[i] as Element
          if (kind === 'same') next.push(element)
          else if (kind === 'copy') next.push({ ...element })
          else next.push({ ...element, text: `${element.text}!` })
        }
        for (const [k, text] of fresh.entries()) next.splice(k * 2, 0, { id: `new${k}`, text })
        const copies = (list: Element[]) => list.map((element) => ({ ...element }))
        expect(summary(diffElements(prev, next))).toEqual(
          summary(diffElements(copies(prev), copies(next))),
        )
      }),
      { numRuns: 300 },
    )
  })
})

describe('diffElements without hashes', () => {
  it('classifies as if every element were hashed (equal fields skip the hash, nothing else)', () => {
    // elements with nested meta, a volatile field, optional and undefined fields, key order
    // varying between copies: each pair matched by id is either compared or hashed
    const meta = fc.record(
      { page: fc.nat(2), modifiedAt: fc.nat(3), tags: fc.array(texts, { maxLength: 2 }) },
      { requiredKeys: ['page'] },
    )
    const body = fc.record({ text: texts, meta, level: fc.constantFrom(undefined, 1, 2) })
    const element = (id: string, fields: object) =>
      fc.boolean().map((flip) => {
        const entries = Object.entries({ id, ...fields })
        return Object.fromEntries(flip ? entries.reverse() : entries) as Element
      })
    const list = fc
      .uniqueArray(fc.nat(30), { maxLength: 20 })
      .chain((ids) => fc.tuple(...ids.map((id) => body.chain((b) => element(`e${id}`, b)))))
    const options = { ignoreFields: ['meta.modifiedAt'] }
    fc.assert(
      fc.property(list, list, (prev: Element[], next: Element[]) => {
        const hashOf = (e: Element) => hashElement(e, options)
        expect(summary(diffElements(prev, next, options))).toEqual(
          summary(diffElements(prev, next, { hashOf })),
        )
      }),
      { numRuns: 500 },
    )
  })
})

describe('hashElement property', () => {
  it('does not depend on key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (fields) => {
        const entries = Object.entries(fields)
        const forward = Object.fromEntries(entries)
        const backward = Object.fromEntries([...entries].reverse())
        expect(hashElement({ ...forward, id: 'x' })).toBe(hashElement({ ...backward, id: 'x' }))
      }),
    )
  })
})
