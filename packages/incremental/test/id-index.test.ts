import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DuplicateIdError, MissingIdError } from '../src/errors'
import { hashId, IdIndex } from '../src/id-index'

const usesMap = (index: IdIndex) => (index as unknown as { map?: unknown }).map instanceof Map

describe('IdIndex', () => {
  it('answers as a Map of id to first position would', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, unit: 'binary' }), { maxLength: 300 }),
        fc.array(fc.string(), { maxLength: 20 }),
        (ids, others) => {
          const index = IdIndex.of(ids.map((id) => ({ id })))
          const map = new Map(ids.map((id, i) => [id, i]))
          expect(index.size).toBe(ids.length)
          for (const id of [...ids, ...others]) {
            expect(index.get(id)).toBe(map.get(id))
            expect(index.has(id)).toBe(map.has(id))
          }
        },
      ),
    )
  })

  it('reports the first problem in list order: a repeated id or a missing one', () => {
    const ids = (...list: unknown[]) => list.map((id) => ({ id }))
    const repeated = expect(() => IdIndex.of(ids('a', 'b', 'a', 'b')))
    repeated.toThrow(DuplicateIdError)
    repeated.toThrow('element id "a" appears twice (at index 0 and 2)')
    expect(() => IdIndex.of(ids('a', '', 'a'))).toThrow(MissingIdError)
    expect(() => IdIndex.of(ids('a', 'a', 7))).toThrow('at index 0 and 1')
    expect(() => IdIndex.of([{ id: 'a' }, null])).toThrow(MissingIdError)
    expect(IdIndex.empty.get('a')).toBeUndefined()
  })

  it('turns into a Map when ids collide on purpose, with the same answers and errors', () => {
    // 300 ids in a table of 1024 slots, all hashed to the same slot: probing would be quadratic
    const ids: string[] = []
    for (let n = 0; ids.length < 300; n++) if ((hashId(`k${n}`) & 1023) === 0) ids.push(`k${n}`)
    const index = IdIndex.ofIds(ids)
    expect(usesMap(index)).toBe(true)
    expect(ids.map((id) => index.get(id))).toEqual(ids.map((_, i) => i))
    expect(index.get('absent')).toBeUndefined()
    expect(() => IdIndex.ofIds([...ids, ids[7] as string])).toThrow('at index 7 and 300')
    // ordinary ids stay in the table
    expect(usesMap(IdIndex.ofIds(Array.from({ length: 10_000 }, (_, i) => `el-${i}`)))).toBe(false)
  })
})
