import { serialize } from 'node:v8'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { relate } from '../src/extractor/relate.mjs'
import {
  createRelateIndex,
  decodeRelateIndex,
  type RelateInput,
} from '../src/extractor/relate-incremental.mjs'

type Index = ReturnType<typeof createRelateIndex>

/** relate() from scratch over the model's documents in `order`. */
function fromScratch(model: Map<string, RelateInput>, order: string[]) {
  const docs = order.map((id) => ({ id, metadata: model.get(id) }))
  return relate(docs as unknown as Parameters<typeof relate>[0])
}

/** Equal as values and as JSON, so that the key order of objects counts too. */
function expectSame(actual: unknown, expected: unknown) {
  expect(actual).toEqual(expected)
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected))
}

const encodeSignature = (values: number[]) =>
  Buffer.from(new Uint32Array(values).buffer).toString('base64')

// Three unrelated signatures; a generated one is one of them with a few positions changed, so
// some share LSH bands (4 equal positions in a row) and some are near-duplicates (≥ 23 of 32).
const bases = [0, 1, 2].map((k) => Array.from({ length: 32 }, (_, i) => 1000 * (k + 1) + i))

// With non-ASCII text (the parts are stored as UTF-8) and an integer-like id, which a JavaScript
// object lists first (the keys of relate()'s keywords and sections).
const ids =
  'a.md b.md docs/c.md docs/README.md docs/ü.md guide/index.html notes.txt x/y/e.md 2024'.split(' ')
const hrefs = [
  ...'a.md ./b.md ../a.md c.md docs/c docs docs/ guide/ ../guide notes.txt#part'.split(' '),
  ...'b.md?plain=1 missing.md ../../docs/c.md https://example.com/a.md #top %E0%A4%A'.split(' '),
  ...'ü.md ../docs/%C3%BC.md /2024 ../2024'.split(' '),
]

const input: fc.Arbitrary<RelateInput> = fc.record({
  // More terms than the 8 keywords a document keeps, and few counts: ranks and ties vary.
  terms: fc.dictionary(
    fc.constantFrom(
      ...'alpha beta gamma delta eps zeta eta theta iota kappa größe 日本'.split(' '),
    ),
    fc.integer({ min: 1, max: 4 }),
    { maxKeys: 11 },
  ),
  words: fc.integer({ min: 0, max: 20 }),
  signature: fc.oneof(
    fc.constantFrom(undefined, null, ''),
    fc
      .record({
        base: fc.integer({ min: 0, max: 2 }),
        changes: fc.array(fc.tuple(fc.nat(31), fc.nat(3)), { maxLength: 8 }),
      })
      .map(({ base, changes }) => {
        const values = [...(bases[base] ?? [])]
        for (const [at, value] of changes) values[at] = value
        return encodeSignature(values)
      }),
  ),
  links: fc.uniqueArray(fc.constantFrom(...hrefs), { maxLength: 4 }),
  outline: fc.array(
    fc.record({
      id: fc.constantFrom('s#h', 't#h'),
      depth: fc.integer({ min: 1, max: 3 }),
      text: fc.constantFrom('One', 'Two', 'Zwölf', '十二'),
    }),
    { maxLength: 4 },
  ),
})

const step = fc.record({
  action: fc.oneof(
    fc.record({ kind: fc.constant('set' as const), id: fc.constantFrom(...ids), input }),
    fc.record({ kind: fc.constant('delete' as const), id: fc.constantFrom(...ids) }),
    fc.record({ kind: fc.constant('reopen' as const) }),
  ),
  // Picks the run's document order among the permutations of the ids.
  shuffle: fc.nat(),
})

function shuffled(values: string[], seed: number) {
  const out = [...values]
  let state = seed
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31
    const j = state % (i + 1)
    ;[out[i], out[j]] = [out[j] as string, out[i] as string]
  }
  return out
}

describe('createRelateIndex: incremental relate()', () => {
  it('equals relate() from scratch after every add, remove and edit, and after a round trip', () => {
    const seen = { duplicates: 0, links: 0, keywords: 0, full: 0 }
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), (steps) => {
        const model = new Map<string, RelateInput>()
        let index: Index = createRelateIndex()
        for (const { action, shuffle } of steps) {
          if (action.kind === 'set') {
            model.set(action.id, action.input)
            index.set(action.id, action.input)
          } else if (action.kind === 'delete') {
            expect(index.delete(action.id)).toBe(model.delete(action.id))
          } else index = decodeRelateIndex(index.encode())
          expect(index.size).toBe(model.size)
          const order = shuffled([...model.keys()], shuffle)
          const expected = fromScratch(model, order)
          expectSame(index.result(order), expected)
          expect(index.resultJson(order)).toBe(JSON.stringify(expected))
          const decoded = decodeRelateIndex(index.encode())
          expect(decoded.resultJson(order)).toBe(JSON.stringify(expected))
          expectSame(decoded.result(order), expected)
          seen.duplicates += expected.duplicates.length
          seen.links += expected.links.length
          seen.keywords += Object.values(expected.keywords).flat().length
          seen.full += Object.values(expected.keywords).filter((k) => k.length === 8).length
        }
      }),
      { numRuns: 300 },
    )
    // The generators do reach the interesting cases.
    expect(seen.duplicates).toBeGreaterThan(20)
    expect(seen.links).toBeGreaterThan(50)
    expect(seen.keywords).toBeGreaterThan(500)
    expect(seen.full).toBeGreaterThan(50)
  })

  it('equals relate() over a corpus of many terms, new and dropped, across round trips', () => {
    // Enough terms that the index looks them up by a Map, and drops enough that the vocabulary
    // is compacted on encoding.
    const words = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => `term${from + i}`).join(' ')
    const docs = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [`d${i}.md`, doc(`${words(i * 7, 12)} shared`)]),
    )
    let index = indexOf(docs)
    index = decodeRelateIndex(index.encode())
    for (let i = 0; i < 40; i++) {
      docs[`d${i}.md`] = doc(`${words(1000 + i, 3)} shared`)
      index.set(`d${i}.md`, docs[`d${i}.md`] as RelateInput)
    }
    check(index, docs)
    index = decodeRelateIndex(index.encode())
    check(index, docs)
    delete docs['d59.md']
    index.delete('d59.md')
    check(decodeRelateIndex(index.encode()), docs)
  })
})

/** A document whose terms are its words (each once), with its links and signature. */
function doc(text: string, extra: Partial<RelateInput> = {}): RelateInput {
  const words = text.split(' ')
  return {
    terms: Object.fromEntries(words.map((word) => [word, 1])),
    words: words.length,
    links: [],
    outline: [{ id: 'top#h', depth: 1, text }],
    ...extra,
  }
}

/** An index over `docs`, refreshed; checked against relate() from scratch. */
function indexOf(docs: Record<string, RelateInput>) {
  const index = createRelateIndex()
  for (const [id, input] of Object.entries(docs)) index.set(id, input)
  check(index, docs)
  return index
}

function check(index: Index, docs: Record<string, RelateInput>) {
  const order = Object.keys(docs)
  const expected = fromScratch(new Map(Object.entries(docs)), order)
  expect(index.resultJson(order)).toBe(JSON.stringify(expected))
  expectSame(index.result(order), expected)
}

describe('what a change recomputes', () => {
  const corpus = () =>
    Object.fromEntries(
      ['one', 'two', 'three', 'four', 'five', 'six'].map((word) => [
        `${word}.md`,
        doc(`${word} common`),
      ]),
    )

  it('re-ranks only the edited document when the document frequencies stay', () => {
    const docs = corpus()
    const index = indexOf(docs)
    docs['one.md'] = doc('one common', { terms: { one: 3, common: 1 } })
    index.set('one.md', docs['one.md'])
    check(index, docs)
    expect(index.stats()).toEqual({ keywords: 1, links: 0, comparisons: 0 })
  })

  it('re-ranks the documents having a term whose document frequency changed, and no other', () => {
    const docs = corpus()
    const index = indexOf(docs)
    docs['one.md'] = doc('one two common')
    index.set('one.md', docs['one.md'])
    check(index, docs)
    expect(index.stats().keywords).toBe(2)
  })

  it('re-ranks every document when the count changes (TF-IDF), but re-links only those naming the id', () => {
    const docs = corpus()
    docs['one.md'] = doc('one common', { links: ['new.md'] })
    docs['two.md'] = doc('two common', { links: ['./new'] })
    docs['three.md'] = doc('three common', { links: ['one.md'] })
    const index = indexOf(docs)
    docs['new.md'] = doc('new common')
    index.set('new.md', docs['new.md'])
    check(index, docs)
    expect(index.stats()).toMatchObject({ keywords: 7, links: 3 })
    expect(index.result(Object.keys(docs)).links.filter((l) => l.to === 'new.md')).toHaveLength(2)
    index.delete('new.md')
    delete docs['new.md']
    check(index, docs)
    expect(index.stats()).toMatchObject({ keywords: 6, links: 2 })
  })

  it('compares a changed signature only with the members of its LSH buckets', () => {
    const near = (base: number, at: number[]) => {
      const values = [...(bases[base] ?? [])]
      for (const i of at) values[i] = 7
      return encodeSignature(values)
    }
    const docs = corpus()
    docs['one.md'] = doc('one common', { signature: near(0, []) })
    docs['two.md'] = doc('two common', { signature: near(0, [0, 5]) })
    docs['three.md'] = doc('three common', { signature: near(1, []) })
    docs['four.md'] = doc('four common', { signature: near(2, []) })
    const index = indexOf(docs)
    expect(index.result(Object.keys(docs)).duplicates).toHaveLength(1)
    docs['one.md'] = doc('one common', { signature: near(0, [31]) })
    index.set('one.md', docs['one.md'])
    check(index, docs)
    expect(index.stats().comparisons).toBe(1)
    // An edit that keeps the signature compares nothing.
    docs['one.md'] = { ...docs['one.md'], words: 5 }
    index.set('one.md', docs['one.md'])
    check(index, docs)
    expect(index.stats().comparisons).toBe(0)
  })

  it('keeps what it computed across encode and decode: nothing is recomputed on decoding', () => {
    const docs = corpus()
    const index = decodeRelateIndex(indexOf(docs).encode())
    check(index, docs)
    expect(index.stats()).toEqual({ keywords: 0, links: 0, comparisons: 0 })
    docs['two.md'] = doc('two common', { terms: { two: 2, common: 1 } })
    index.set('two.md', docs['two.md'])
    check(index, docs)
    expect(index.stats().keywords).toBe(1)
  })
})

describe('createRelateIndex: misuse', () => {
  it('refuses an order that is not exactly the index ids', () => {
    const index = indexOf({ 'a.md': doc('a'), 'b.md': doc('b') })
    expect(() => index.result(['a.md'])).toThrow(/"b.md" is missing/)
    expect(() => index.result(['a.md', 'c.md'])).toThrow(/"c.md" is not in the index/)
    expect(() => index.result(['a.md', 'a.md'])).toThrow(/listed twice/)
    expect(index.ids()).toEqual(['a.md', 'b.md'])
    expect(index.has('a.md') && !index.has('c.md')).toBe(true)
    expect(index.delete('c.md')).toBe(false)
  })

  it('refuses bytes that are not an encoded index of this version', () => {
    expect(() => decodeRelateIndex(new Uint8Array([1, 2, 3, 4, 5]))).toThrow(/not a relate index/)
    expect(() => decodeRelateIndex(serialize({ docs: [] }))).toThrow(/not a relate index/)
    const future = serialize({ format: 'mx-docs-relate-index', version: 99, docs: new Map() })
    expect(() => decodeRelateIndex(future)).toThrow(/version 99/)
    const bytes = indexOf({ 'a.md': doc('a b c'), 'b.md': doc('b c d') }).encode()
    expect(() => decodeRelateIndex(bytes.subarray(0, bytes.length - 8))).toThrow(
      /its documents are missing/,
    )
  })
})
