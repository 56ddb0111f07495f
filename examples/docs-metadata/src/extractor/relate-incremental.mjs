// createRelateIndex(): relate()'s corpus metadata kept up to date document by document. It holds
// what relate() derives from every document (document frequencies, link candidates, LSH buckets)
// and each document's results, so a change recomputes only what it can affect. set() and
// delete() update the indexes at once and note what is to be recomputed; the next result(),
// stats() or encode() recomputes it, once for a whole batch of changes. result(order) is then
// deep-equal to relate() over the same documents in that order.
import { deserialize, serialize } from 'node:v8'
import { bandKeys, similarity } from './minhash.mjs'
import {
  byDuplicateRank,
  duplicateThreshold,
  linkTargets,
  resolveLinks,
  sectionTree,
  topKeywords,
} from './relate.mjs'

const format = 'mx-docs-relate-index'
// Bump when relate.mjs's rules or this file's state change: an index stored by older code is refused.
const version = 1

/**
 * What relate() reads of a document's metadata.
 * @typedef {{ terms: Record<string, number>, words: number, signature?: string | null,
 *   links: string[], outline: Array<{ id: string, depth: number, text: string }> }} RelateInput
 * One document: its input, reduced to what the corpus pass needs, and its cached results.
 * @typedef {{ terms: Record<string, number>, words: number, signature: string | null,
 *   bands: string[], targets: import('./relate.mjs').LinkTarget[], keywords: string[],
 *   sections: import('./relate.mjs').SectionNode[], links: ReturnType<typeof resolveLinks> }} Entry
 */

// The indexes map a key to a list of ids, added and removed as a multiset: lists, not sets, as a
// decoded index rebuilds tens of thousands of them, and a list is far cheaper to build.
function addTo(map, key, value) {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

function removeFrom(map, key, value) {
  const list = map.get(key) ?? []
  const at = list.indexOf(value)
  if (at >= 0) list.splice(at, 1)
  if (list.length === 0) map.delete(key)
}

class RelateIndex {
  /** @type {Map<string, Entry>} */
  #docs = new Map()
  /** @type {Map<string, string[]>} term → the documents having it: its df is the list's length */
  #postings = new Map()
  /** @type {Map<string, string[]>} id → the documents with a link that could name it */
  #linkers = new Map()
  /** @type {Map<string, string[]>} LSH band key → the documents whose signature has it */
  #buckets = new Map()
  /** @type {Map<string, Map<string, number>>} id → its near-duplicates and similarity, both ways */
  #pairs = new Map()
  /** @type {Record<'ranked' | 'linked' | 'signed' | 'terms', Set<string>> | null} */
  #changes = null
  /** The document count the keywords were last ranked with. */
  #rankedCount = 0
  #lastStats = { keywords: 0, links: 0, comparisons: 0 }

  /**
   * An empty index, or a decoded one: its indexes are rebuilt, nothing is recomputed.
   * @param {{ docs: Map<string, Entry>, pairs: Map<string, Map<string, number>> }} [decoded]
   */
  constructor(decoded) {
    if (!decoded) return
    for (const [id, entry] of decoded.docs) {
      for (const term of Object.keys(entry.terms)) addTo(this.#postings, term, id)
      this.#indexTargets(id, [], entry.targets)
      for (const key of entry.bands) addTo(this.#buckets, key, id)
    }
    this.#docs = decoded.docs
    this.#pairs = decoded.pairs
    this.#rankedCount = decoded.docs.size
  }

  get size() {
    return this.#docs.size
  }

  has(id) {
    return this.#docs.has(id)
  }

  /** The ids, in the order they were first set. */
  ids() {
    return [...this.#docs.keys()]
  }

  /**
   * Adds or replaces one document.
   * @param {string} id
   * @param {RelateInput} input
   */
  set(id, input) {
    const before = this.#docs.get(id)
    const signature = input.signature || null
    /** @type {Entry} */
    const entry = {
      terms: { ...input.terms }, // a copy: a later change to `input` does not reach the index
      words: input.words,
      signature,
      // Before any change: a malformed signature throws here, leaving the index as it was.
      bands: signature ? bandKeys(signature) : [],
      targets: linkTargets(id, input.links),
      keywords: before?.keywords ?? [],
      sections: sectionTree(input.outline),
      links: before?.links ?? [],
    }
    const changes = this.#pending()
    this.#indexTerms(id, before?.terms ?? {}, entry.terms)
    changes.ranked.add(id)
    // A new id: the documents with a link that could name it resolve their links again.
    if (!before) for (const linker of this.#linkers.get(id) ?? []) changes.linked.add(linker)
    if (!before || JSON.stringify(before.targets) !== JSON.stringify(entry.targets)) {
      this.#indexTargets(id, before?.targets ?? [], entry.targets)
      changes.linked.add(id)
    }
    if (!before || before.signature !== signature) {
      this.#unindexSignature(id, before)
      for (const key of entry.bands) addTo(this.#buckets, key, id)
      changes.signed.add(id)
    }
    this.#docs.set(id, entry)
  }

  /** Removes one document; false when it is not in the index. */
  delete(id) {
    const entry = this.#docs.get(id)
    if (!entry) return false
    const changes = this.#pending()
    this.#indexTerms(id, entry.terms, {})
    this.#indexTargets(id, entry.targets, [])
    for (const linker of this.#linkers.get(id) ?? []) changes.linked.add(linker)
    this.#unindexSignature(id, entry)
    this.#docs.delete(id)
    for (const documents of [changes.ranked, changes.linked, changes.signed]) documents.delete(id)
    return true
  }

  /**
   * relate()'s result over the index's documents in `order`, the run's document order. Cheap:
   * it assembles the cached results (shared with the index: do not mutate them).
   * @param {readonly string[]} order exactly the index's ids
   * @returns {ReturnType<typeof import('./relate.mjs').relate>}
   */
  result(order) {
    const position = this.#positions(order)
    this.#refresh()
    /** @type {Record<string, string[]>} */
    const keywords = {}
    for (const id of order) keywords[id] = this.#entry(id).keywords
    const duplicates = []
    order.forEach((id, i) => {
      for (const [other, score] of this.#pairs.get(id) ?? [])
        if (Number(position.get(other)) > i) duplicates.push({ a: id, b: other, similarity: score })
    })
    return {
      keywords,
      sections: Object.fromEntries(order.map((id) => [id, this.#entry(id).sections])),
      links: order.flatMap((id) => this.#entry(id).links),
      duplicates: duplicates.sort(byDuplicateRank),
    }
  }

  /** What the last refresh recomputed: documents ranked, documents linked, signatures compared. */
  stats() {
    this.#refresh()
    return { ...this.#lastStats }
  }

  /** The index as bytes, for decodeRelateIndex() in a later run. */
  encode() {
    this.#refresh()
    const bytes = serialize({ format, version, docs: this.#docs, pairs: this.#pairs })
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  /** Changes to recompute: documents to rank, to link, to compare; terms whose df changed. */
  #pending() {
    this.#changes ??= { ranked: new Set(), linked: new Set(), signed: new Set(), terms: new Set() }
    return this.#changes
  }

  #entry(id) {
    return /** @type {Entry} */ (this.#docs.get(id))
  }

  /** Each id's place in `order`; throws unless `order` lists each of the index's ids once. */
  #positions(order) {
    const position = new Map(order.map((id, i) => [id, i]))
    const unknown = order.find((id) => !this.#docs.has(id))
    if (unknown !== undefined)
      throw new Error(`result(order): ${JSON.stringify(unknown)} is not in the index`)
    if (position.size < order.length) throw new Error('result(order): an id is listed twice')
    const missing = this.ids().find((id) => !position.has(id))
    if (missing !== undefined)
      throw new Error(`result(order): ${JSON.stringify(missing)} is missing`)
    return position
  }

  /** Moves `id` from the postings of `before`'s terms to `after`'s; a term gained or lost changes its df. */
  #indexTerms(id, before, after) {
    const lost = new Set(Object.keys(before))
    const gained = Object.keys(after).filter((term) => !lost.delete(term))
    for (const term of gained) addTo(this.#postings, term, id)
    for (const term of lost) removeFrom(this.#postings, term, id)
    for (const term of [...gained, ...lost]) this.#pending().terms.add(term)
  }

  #indexTargets(id, before, after) {
    for (const candidate of before.flatMap((t) => t.candidates))
      removeFrom(this.#linkers, candidate, id)
    for (const candidate of after.flatMap((t) => t.candidates)) addTo(this.#linkers, candidate, id)
  }

  /** Takes `id` out of its LSH buckets and drops its near-duplicate pairs. */
  #unindexSignature(id, entry) {
    for (const key of entry?.bands ?? []) removeFrom(this.#buckets, key, id)
    for (const other of this.#pairs.get(id)?.keys() ?? []) this.#pairs.get(other)?.delete(id)
    this.#pairs.delete(id)
  }

  /** Recomputes what the changes since the last refresh affect. */
  #refresh() {
    const changes = this.#changes
    if (!changes) return
    this.#changes = null
    const count = this.#docs.size
    // The document count is in every score's log(N/df): when it changed, every document's
    // keywords are ranked again (inherent to TF-IDF), from the terms held here. Otherwise only
    // the changed documents and those having a term whose df changed.
    const ranked = count === this.#rankedCount ? changes.ranked : new Set(this.#docs.keys())
    for (const term of changes.terms)
      for (const id of this.#postings.get(term) ?? []) ranked.add(id)
    this.#rankedCount = count
    const frequency = { get: (term) => this.#postings.get(term)?.length }
    for (const id of ranked) {
      const entry = this.#entry(id)
      entry.keywords = topKeywords(Object.entries(entry.terms), entry.words, count, frequency)
    }
    const exists = (id) => this.#docs.has(id)
    for (const id of changes.linked)
      this.#entry(id).links = resolveLinks(id, this.#entry(id).targets, exists)
    const comparisons = this.#compare(changes.signed)
    this.#lastStats = { keywords: ranked.size, links: changes.linked.size, comparisons }
  }

  /**
   * Compares each changed signature with the members of its LSH buckets, each pair once, and
   * keeps the near-duplicates; returns how many pairs it compared.
   */
  #compare(changed) {
    let comparisons = 0
    const done = new Set()
    for (const id of changed) {
      done.add(id)
      const { signature, bands } = this.#entry(id)
      const compared = new Set()
      for (const key of bands)
        for (const other of this.#buckets.get(key) ?? []) {
          if (done.has(other) || compared.has(other)) continue
          compared.add(other)
          comparisons++
          const score = similarity(signature, this.#entry(other).signature)
          if (score < duplicateThreshold) continue
          this.#pairs.set(id, (this.#pairs.get(id) ?? new Map()).set(other, score))
          this.#pairs.set(other, (this.#pairs.get(other) ?? new Map()).set(id, score))
        }
    }
    return comparisons
  }
}

/** An empty index. */
export function createRelateIndex() {
  return new RelateIndex()
}

/**
 * An index from encode()'s bytes; throws on bytes that are not one, or of another version.
 * @param {Uint8Array} bytes
 */
export function decodeRelateIndex(bytes) {
  let state
  try {
    state = deserialize(bytes)
  } catch (error) {
    throw new Error('not a relate index: the bytes do not deserialize', { cause: error })
  }
  if (state?.format !== format) throw new Error('not a relate index: the bytes hold something else')
  if (state.version !== version)
    throw new Error(`relate index version ${state.version}, this code reads ${version}: rebuild it`)
  if (!(state.docs instanceof Map) || !(state.pairs instanceof Map))
    throw new Error('not a relate index: its documents are missing')
  return new RelateIndex(state)
}
