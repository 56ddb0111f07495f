import { describe, expect, it } from 'vitest'
import { diffElements, type Element } from '../src/index'

const el = (id: string, text = id): Element => ({ id, text })
const ids = (list: Element[]) => list.map((element) => element.id)
const matchIds = (list: Array<{ next: Element }>) => list.map((match) => match.next.id)

describe('diffElements', () => {
  it('sorts elements into added, removed, modified and unchanged by id', () => {
    const prev = [el('a'), el('b'), el('c')]
    const next = [el('a'), el('b', 'B!'), el('d')]
    const diff = diffElements(prev, next)
    expect(ids(diff.added)).toEqual(['d'])
    expect(ids(diff.removed)).toEqual(['c'])
    expect(matchIds(diff.modified)).toEqual(['b'])
    expect(matchIds(diff.unchanged)).toEqual(['a'])
    expect(diff.moved).toEqual([])
  })

  it('keeps every other element unchanged when a neighbour is inserted at the front', () => {
    const prev = Array.from({ length: 50 }, (_, i) => el(`e${i}`))
    const diff = diffElements(prev, [el('new'), ...prev])
    expect(ids(diff.added)).toEqual(['new'])
    expect(diff.unchanged).toHaveLength(50)
    expect(diff.moved).toEqual([])
  })

  it('reports only the element that moved, not the ones it jumped over', () => {
    const prev = ['a', 'b', 'c', 'd', 'e'].map((id) => el(id))
    const next = ['b', 'c', 'd', 'a', 'e'].map((id) => el(id))
    const diff = diffElements(prev, next)
    expect(matchIds(diff.moved)).toEqual(['a'])
    expect(matchIds(diff.unchanged)).toEqual(['b', 'c', 'd', 'e'])
    expect(diff.moved[0]).toMatchObject({ prevIndex: 0, nextIndex: 3, byHash: false })
  })

  it('matches an element whose id changed by its content hash', () => {
    const prev = [el('a', 'alpha'), el('b', 'beta')]
    const next = [el('a', 'alpha'), el('b2', 'beta')]
    const diff = diffElements(prev, next)
    expect(diff.added).toEqual([])
    expect(diff.removed).toEqual([])
    expect(diff.unchanged.map((m) => [m.prev.id, m.next.id, m.byHash])).toEqual([
      ['a', 'a', false],
      ['b', 'b2', true],
    ])
  })

  it('does not count ignored fields as a modification', () => {
    const prev = [{ id: 'a', text: 'x', modifiedAt: 1 }]
    const next = [{ id: 'a', text: 'x', modifiedAt: 2 }]
    expect(diffElements(prev, next, { ignoreFields: ['modifiedAt'] }).unchanged).toHaveLength(1)
    expect(diffElements(prev, next).modified).toHaveLength(1)
  })

  it('puts every element in exactly one bucket', () => {
    const prev = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => el(id))
    const next = [el('f'), el('b', 'changed'), el('x'), el('c'), el('a'), el('d')]
    const diff = diffElements(prev, next)
    const matched = [...diff.modified, ...diff.moved, ...diff.unchanged]
    expect(matched.length + diff.added.length).toBe(next.length)
    expect(matched.length + diff.removed.length).toBe(prev.length)
  })

  it('throws MX_INCREMENTAL_DUPLICATE_ID and MX_INCREMENTAL_MISSING_ID for bad element lists', () => {
    expect(() => diffElements([el('a'), el('a')], [])).toThrow(
      expect.objectContaining({ code: 'MX_INCREMENTAL_DUPLICATE_ID', id: 'a' }),
    )
    expect(() => diffElements([], [{ text: 'x' } as unknown as Element])).toThrow(
      expect.objectContaining({ code: 'MX_INCREMENTAL_MISSING_ID', index: 0 }),
    )
    expect(() => diffElements([], [{ id: '' }])).toThrow(/non-empty string id, got ""/)
  })

  it('names both positions of a repeated id, on either side, found in prev or not', () => {
    const both = (i: number, j: number) => new RegExp(`at index ${i} and ${j}\\)`)
    expect(() => diffElements([el('a'), el('b'), el('a')], [])).toThrow(both(0, 2))
    // next: an id prev also has, and one it does not
    expect(() => diffElements([el('a'), el('b')], [el('b'), el('x'), el('b')])).toThrow(both(0, 2))
    expect(() => diffElements([el('a')], [el('x'), el('a'), el('x')])).toThrow(both(0, 2))
    // the first problem in next order wins, as a missing id before a repeat
    expect(() =>
      diffElements([el('a')], [el('a'), { text: 'x' } as unknown as Element, el('a')]),
    ).toThrow(expect.objectContaining({ code: 'MX_INCREMENTAL_MISSING_ID', index: 1 }))
  })
})
