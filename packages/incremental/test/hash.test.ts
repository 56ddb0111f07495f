import { describe, expect, it } from 'vitest'
import { canonicalJson, hashElement, hashValue, NotSerializableError } from '../src/index'

describe('hashElement', () => {
  it('gives the same hash whatever the key order, nested objects included', () => {
    const a = { id: 'p1', type: 'p', meta: { lang: 'en', page: 2 }, text: 'hi' }
    const b = { text: 'hi', meta: { page: 2, lang: 'en' }, type: 'p', id: 'p1' }
    expect(hashElement(a)).toBe(hashElement(b))
  })

  it('changes when any content field changes', () => {
    const base = hashElement({ id: 'p1', text: 'hi', level: 1 })
    expect(hashElement({ id: 'p1', text: 'hi!', level: 1 })).not.toBe(base)
    expect(hashElement({ id: 'p1', text: 'hi', level: 2 })).not.toBe(base)
    expect(hashElement({ id: 'p1', text: 'hi', level: '1' })).not.toBe(base)
  })

  it('leaves the id out so a regenerated id keeps the same hash', () => {
    expect(hashElement({ id: 'a', text: 'x' })).toBe(hashElement({ id: 'b', text: 'x' }))
  })

  it('ignores configured volatile fields, top-level or by dotted path', () => {
    const ignoreFields = ['modifiedAt', 'meta.fetchedAt']
    const a = { id: 'p', text: 't', modifiedAt: 1, meta: { fetchedAt: 5, lang: 'en' } }
    const b = { id: 'p', text: 't', modifiedAt: 2, meta: { fetchedAt: 9, lang: 'en' } }
    expect(hashElement(a, { ignoreFields })).toBe(hashElement(b, { ignoreFields }))
    expect(hashElement(a)).not.toBe(hashElement(b))
    const c = { ...b, meta: { fetchedAt: 9, lang: 'fr' } }
    expect(hashElement(c, { ignoreFields })).not.toBe(hashElement(a, { ignoreFields }))
  })

  it('treats undefined fields as absent and dates as ISO strings', () => {
    expect(hashValue({ a: 1, b: undefined })).toBe(hashValue({ a: 1 }))
    expect(canonicalJson({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}')
    expect(canonicalJson([undefined, -0])).toBe('[null,0]')
  })

  it.each([
    ['a function', { f: () => 1 }, '$.f'],
    ['a bigint', { n: 10n }, '$.n'],
    ['a symbol', { s: Symbol('x') }, '$.s'],
    ['NaN', { list: [1, Number.NaN] }, '$.list[1]'],
    ['Infinity', { x: Number.POSITIVE_INFINITY }, '$.x'],
    ['a Map', { m: new Map() }, '$.m'],
    ['an invalid Date', { d: new Date('nope') }, '$.d'],
  ])('rejects %s with MX_INCREMENTAL_NOT_SERIALIZABLE naming the path', (_label, value, path) => {
    const error = (() => {
      try {
        hashValue(value)
      } catch (caught) {
        return caught
      }
    })()
    expect(error).toBeInstanceOf(NotSerializableError)
    expect(error).toMatchObject({ code: 'MX_INCREMENTAL_NOT_SERIALIZABLE', path })
  })

  it('rejects circular references', () => {
    const element: Record<string, unknown> = { id: 'x' }
    element.self = element
    expect(() => hashElement(element as { id: string })).toThrow(/circular reference/)
  })

  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { k: 1 }
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"k":1},"b":{"k":1}}')
  })
})
