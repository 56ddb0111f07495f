// createRelateIndex(): relate()'s corpus metadata kept up to date document by document. It holds
// what relate() derives from every document (document frequencies, link candidates, signatures)
// and each document's results, so a change recomputes only what it can affect. set() and
// delete() note what is to be recomputed; the next result(), resultJson(), stats() or encode()
// recomputes it, once for a whole batch of changes. result(order) is then deep-equal to relate()
// over the same documents in that order, and resultJson(order) is its JSON text. A decoded index
// parses a document's parts only when they are needed (see relate-store.mjs).
import { bandKeys } from './minhash.mjs'
import { byDuplicateRank, linkTargets, resolveLinks, sectionTree } from './relate.mjs'
import { compareSignatures, Parts, Vocabulary } from './relate-entries.mjs'
import { decodeState, encodeState, resultText } from './relate-store.mjs'

/**
 * What relate() reads of a document's metadata.
 * @typedef {{ terms: Record<string, number>, words: number, signature?: string | null,
 *   links: string[], outline: Array<{ id: string, depth: number, text: string }> }} RelateInput
 * @typedef {import('./relate-entries.mjs').Entry} Entry
 * @typedef {import('./relate-entries.mjs').PartName} PartName
 */

class RelateIndex {
  /** @type {Map<string, Entry>} */
  #docs = new Map()
  #vocabulary = new Vocabulary()
  #parts = new Parts()
  /** @type {Map<string, Map<string, number>>} id → its near-duplicates and similarity, both ways */
  #pairs = new Map()
  /**
   * Documents to rank, to link, to compare; numbers of the terms whose df changed; ids that
   * came or went (the documents with a link that could name one link again).
   * @type {{ ranked: Set<string>, linked: Set<string>, signed: Set<string>, terms: Set<number>,
   *   named: Set<string> } | null}
   */
  #changes = null
  /** The document count the keywords were last ranked with. */
  #rankedCount = 0
  #lastStats = { keywords: 0, links: 0, comparisons: 0 }

  /**
   * An empty index, or a decoded one: nothing is recomputed.
   * @param {ReturnType<typeof decodeState>} [decoded]
   */
  constructor(decoded) {
    if (!decoded) return
    this.#docs = decoded.docs
    this.#vocabulary = decoded.vocabulary
    this.#parts = decoded.parts
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
    // Before any change: a malformed signature throws here, leaving the index as it was.
    const bands = signature ? bandKeys(signature) : []
    const targets = linkTargets(id, input.links)
    const targetsText = JSON.stringify(targets)
    const sections = sectionTree(input.outline)
    // Copies: a later change to `input` does not reach the index.
    const { terms, counts } = this.#vocabulary.numbered(
      input.terms,
      before?.terms ?? new Uint32Array(),
    )
    /** @type {Entry} */
    const entry = {
      words: input.words,
      signature,
      bands,
      terms,
      counts,
      // Its keywords and links stay the stored ones at its row until the next refresh.
      row: before?.row ?? -1,
      targets: { value: targets, text: targetsText },
      sections: { value: sections },
      keywords: before ? before.keywords : { value: [] },
      links: before ? before.links : { value: [] },
    }
    const changes = this.#pending()
    for (const n of this.#vocabulary.count(before?.terms ?? new Uint32Array(), terms))
      changes.terms.add(n)
    changes.ranked.add(id)
    if (!before) changes.named.add(id)
    if (!before || this.#parts.text(before, 'targets') !== targetsText) changes.linked.add(id)
    if (!before || before.signature !== signature) {
      this.#dropPairs(id)
      changes.signed.add(id)
    }
    this.#docs.set(id, entry)
  }

  /** Removes one document; false when it is not in the index. */
  delete(id) {
    const entry = this.#docs.get(id)
    if (!entry) return false
    const changes = this.#pending()
    for (const n of this.#vocabulary.count(entry.terms, new Uint32Array())) changes.terms.add(n)
    changes.named.add(id)
    this.#dropPairs(id)
    this.#docs.delete(id)
    for (const documents of [changes.ranked, changes.linked, changes.signed]) documents.delete(id)
    return true
  }

  /**
   * relate()'s result over the index's documents in `order`, the run's document order. It
   * assembles the cached results (shared with the index: do not mutate them), parsing those of
   * a decoded index: resultJson() is cheaper when the result is to be written as JSON.
   * @param {readonly string[]} order exactly the index's ids
   * @returns {ReturnType<typeof import('./relate.mjs').relate>}
   */
  result(order) {
    const read = (entry, name) => this.#parts.value(entry, name)
    const { keywords, sections, links, duplicates } = this.#assemble(order, read)
    return { keywords, sections, links: links.flat(), duplicates }
  }

  /**
   * JSON.stringify(result(order)), made of the JSON texts of the documents' parts: a decoded
   * index parses none of them.
   * @param {readonly string[]} order exactly the index's ids
   */
  resultJson(order) {
    return resultText(this.#assemble(order, (entry, name) => this.#parts.piece(entry, name)))
  }

  /** What the last refresh recomputed: documents ranked, documents linked, signatures compared. */
  stats() {
    this.#refresh()
    return { ...this.#lastStats }
  }

  /** The index as bytes, for decodeRelateIndex() in a later run. */
  encode() {
    this.#refresh()
    return encodeState(this.#docs, this.#vocabulary, this.#pairs, this.#parts)
  }

  /**
   * relate()'s result in `order`, each document's parts as `read` gives them.
   * @template T
   * @param {readonly string[]} order
   * @param {(entry: Entry, name: PartName) => T} read
   */
  #assemble(order, read) {
    const position = this.#positions(order)
    this.#refresh()
    // Built as relate() builds them, for the same keys in the same order.
    /** @type {Record<string, T>} */
    const keywords = {}
    for (const id of order) keywords[id] = read(this.#entry(id), 'keywords')
    return {
      keywords,
      sections: Object.fromEntries(order.map((id) => [id, read(this.#entry(id), 'sections')])),
      links: order.map((id) => read(this.#entry(id), 'links')),
      duplicates: this.#duplicates(order, position),
    }
  }

  #pending() {
    this.#changes ??= {
      ranked: new Set(),
      linked: new Set(),
      signed: new Set(),
      terms: new Set(),
      named: new Set(),
    }
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

  /** The near-duplicate pairs, each once, `a` before `b` in `order`, ranked as relate() ranks them. */
  #duplicates(order, position) {
    const duplicates = []
    order.forEach((id, i) => {
      for (const [other, score] of this.#pairs.get(id) ?? [])
        if (Number(position.get(other)) > i) duplicates.push({ a: id, b: other, similarity: score })
    })
    return duplicates.sort(byDuplicateRank)
  }

  /** Drops the near-duplicate pairs of `id`, whose signature changed or which left. */
  #dropPairs(id) {
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
    if (ranked.size < count && changes.terms.size > 0)
      for (const id of this.#vocabulary.having(this.#docs, changes.terms)) ranked.add(id)
    this.#rankedCount = count
    const entries = Array.from(ranked, (id) => this.#entry(id))
    const keywords = this.#vocabulary.keywords(entries, count)
    for (const [i, entry] of entries.entries()) entry.keywords = { value: keywords[i] }
    // The documents with a link that could name an id that came or went link again.
    const linked = changes.linked
    const named = (target) => target.candidates.some((id) => changes.named.has(id))
    if (changes.named.size > 0)
      for (const [id, entry] of this.#docs)
        if (this.#parts.value(entry, 'targets').some(named)) linked.add(id)
    const exists = (id) => this.#docs.has(id)
    for (const id of linked) {
      const entry = this.#entry(id)
      entry.links = { value: resolveLinks(id, this.#parts.value(entry, 'targets'), exists) }
    }
    const comparisons = compareSignatures(this.#docs, changes.signed, this.#pairs)
    this.#lastStats = { keywords: ranked.size, links: linked.size, comparisons }
  }
}

/** An empty index. */
export function createRelateIndex() {
  return new RelateIndex()
}

/**
 * An index from encode()'s bytes; throws on bytes that are not one, or of another version. It
 * holds views on `bytes`: they must not change afterwards.
 * @param {Uint8Array} bytes
 */
export function decodeRelateIndex(bytes) {
  return new RelateIndex(decodeState(bytes))
}
