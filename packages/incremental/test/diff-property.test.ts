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
