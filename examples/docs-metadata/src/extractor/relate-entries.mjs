// The documents of relate-incremental.mjs's index: what each holds and what is computed over
// them. A document holds its terms as numbers into the corpus's vocabulary, with their counts, in
// typed arrays, which persist as flat bytes (relate-store.mjs) and rank its keywords without a Map
// over the corpus (building one over ~10,000 terms costs ~30 ms in a fresh process). Its parts
// (link targets, sections, keywords, links) are values, or the stored JSON text until needed.
import { bandKeys, similarity } from './minhash.mjs'
import { duplicateThreshold, keywordsPerDocument } from './relate.mjs'

/**
 * One document: its words and signature, its terms as vocabulary numbers with their counts, its
 * row in the stored parts (-1: none), and its parts: link targets (from its links), sections
 * (from its outline), keywords and links, each undefined while it is the stored text at `row`,
 * then a Part: its value and JSON text (each made from the other on first use), and `range`
 * where the text is the stored one (it is copied as it is then).
 * @typedef {{ value?: any, text?: string, range?: Range }} Part
 * @typedef {{ words: number, signature: string | null, bands: string[] | undefined,
 *   terms: Uint32Array, counts: Float64Array, row: number, targets?: Part, sections?: Part,
 *   keywords?: Part, links?: Part }} Entry
 * @typedef {'targets' | 'sections' | 'keywords' | 'links'} PartName
 * @typedef {[Buffer, number, number]} Range UTF-8 text in stored bytes: buffer, start, end
 */

/** The parts of an entry, in their stored order. */
export const partNames = /** @type {PartName[]} */ (['targets', 'sections', 'keywords', 'links'])

/** The documents' parts: their own, or their stored text while they have none. */
export class Parts {
  #bytes
  #ends

  /**
   * @param {Uint8Array} [bytes] the stored parts' UTF-8 JSON texts, one after the other
   * @param {Uint32Array} [ends] where each ends in `bytes`, 4 per row
   */
  constructor(bytes = new Uint8Array(), ends = new Uint32Array()) {
    this.#bytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.#ends = ends
  }

  /**
   * A part's JSON text as a piece of resultText() or of the stored form: the stored bytes, when
   * it is the stored text.
   * @param {Entry} entry
   * @param {PartName} name
   * @returns {string | Range}
   */
  piece(entry, name) {
    const part = entry[name]
    if (!part) return this.#range(entry, name)
    part.text ??= JSON.stringify(part.value)
    return part.range ?? part.text
  }

  /** @param {Entry} entry @param {PartName} name */
  text(entry, name) {
    const part = this.#part(entry, name)
    part.text ??= JSON.stringify(part.value)
    return part.text
  }

  /** @param {Entry} entry @param {PartName} name */
  value(entry, name) {
    const part = this.#part(entry, name)
    part.value ??= JSON.parse(/** @type {string} */ (part.text))
    return part.value
  }

  /** An entry's part, decoded from the stored text when it has none of its own. */
  #part(entry, name) {
    if (entry[name]) return entry[name]
    const range = this.#range(entry, name)
    entry[name] = { text: this.#bytes.toString('utf8', range[1], range[2]), range }
    return entry[name]
  }

  /** @returns {Range} */
  #range(entry, name) {
    const last = entry.row * partNames.length + partNames.indexOf(name)
    return [this.#bytes, last ? this.#ends[last - 1] : 0, this.#ends[last]]
  }
}

/**
 * The terms by number, parsed from their stored text on first use, and their dfs (`df`). A term
 * that no document has any more keeps its number (an edit often brings it back) until such terms
 * are a quarter of the vocabulary, when stored() drops them.
 */
export class Vocabulary {
  /** @type {string[] | undefined} */
  #terms
  #stored
  #storedSize
  /** @type {Map<string, number> | undefined} term → number, made after a few lookups */
  #numbers
  #lookups = 0

  /**
   * @param {Uint8Array} [stored] the terms as UTF-8 JSON text
   * @param {Uint32Array} [df] the document frequency of each term, by number
   */
  constructor(stored = Buffer.from('[]'), df = new Uint32Array()) {
    this.#stored = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength)
    this.#storedSize = df.length
    this.df = df
  }

  /** The terms, by number. */
  get terms() {
    this.#terms ??= /** @type {string[]} */ (JSON.parse(this.#stored.toString('utf8')))
    return this.#terms
  }

  /**
   * A document's terms as numbers, with their counts, by count, most first (NaN last), so that
   * keywords() stops at the first term that cannot rank. `previous` are the numbers it had:
   * their terms are not looked up.
   * @param {Record<string, number>} counted
   * @param {Uint32Array} previous
   */
  numbered(counted, previous) {
    const known = new Map()
    for (const n of previous) known.set(this.terms[n], n)
    const count = (term) => (Number.isNaN(Number(counted[term])) ? -Infinity : counted[term])
    const keys = Object.keys(counted).sort((a, b) => count(b) - count(a))
    return {
      terms: Uint32Array.from(keys, (term) => known.get(term) ?? this.#numberOf(term)),
      counts: Float64Array.from(keys, (term) => counted[term]),
    }
  }

  /** The number of `term`: a new one, of df 0, for a term not seen yet. */
  #numberOf(term) {
    // An edit scans for the few terms its documents gained; a new corpus builds the Map.
    if (!this.#numbers && ++this.#lookups > 256)
      this.#numbers = new Map(this.terms.map((known, n) => [known, n]))
    let n = this.#numbers ? this.#numbers.get(term) : this.terms.indexOf(term)
    if (n !== undefined && n >= 0) return n
    n = this.terms.push(term) - 1
    this.#numbers?.set(term, n)
    if (n >= this.df.length) {
      const df = new Uint32Array(2 * n + 16)
      df.set(this.df)
      this.df = df
    }
    return n
  }

  /**
   * Moves a document's terms from `before` to `after` in the dfs; returns the terms it gained
   * or lost, whose df changed.
   * @param {Uint32Array} before
   * @param {Uint32Array} after
   */
  count(before, after) {
    const lost = new Set(before)
    const gained = after.filter((n) => !lost.delete(n))
    for (const n of gained) this.df[n]++
    for (const n of lost) this.df[n]--
    return [...gained, ...lost]
  }

  /**
   * The ids of the documents having one of the terms `numbers`.
   * @param {Map<string, { terms: Uint32Array }>} docs
   * @param {Iterable<number>} numbers
   */
  *having(docs, numbers) {
    const wanted = new Uint8Array(this.df.length)
    for (const n of numbers) wanted[n] = 1
    for (const [id, { terms }] of docs)
      for (let i = 0; i < terms.length; i++)
        if (wanted[terms[i]]) {
          yield id
          break
        }
  }

  /**
   * Documents' keywords as relate.mjs's topKeywords() ranks them: the same scores, the best
   * first, then by term, the best 8. A term enters the best only when it ranks before the 8th,
   * and the terms come by count, so that the terms that cannot rank are not even scored: most
   * of them, which counts in a fresh process, where this code runs before it is compiled. The
   * property test holds the two equal.
   * @param {Array<{ terms: Uint32Array, counts: Float64Array, words: number }>} documents
   * @param {number} count the number of documents of the corpus
   */
  keywords(documents, count) {
    const logs = new Float64Array(count + 1)
    for (let df = 1; df <= count; df++) logs[df] = Math.log(count / df)
    const { df, terms } = this
    const scores = new Float64Array(keywordsPerDocument)
    const best = new Uint32Array(keywordsPerDocument)
    /** @type {string[][]} */
    const keywords = []
    for (const { terms: numbers, counts, words } of documents) {
      const length = Math.max(words, 1)
      let size = 0
      for (let i = 0; i < numbers.length; i++) {
        const share = counts[i] / length
        // By count, most first: no term from here on scores over share × log(N/1), the most.
        if (size === keywordsPerDocument && share * logs[1] < scores[size - 1]) break
        const score = share * logs[df[numbers[i]]]
        if (!(score > 0)) continue
        // Where it ranks, in topKeywords()'s order: `b.score - a.score || (a.term < b.term ? -1 : 1)`.
        let at = size
        for (; at > 0; at--) {
          const difference = scores[at - 1] - score
          if (difference > 0 || (!difference && !(terms[numbers[i]] < terms[best[at - 1]]))) break
        }
        if (at === keywordsPerDocument) continue
        size = Math.min(size + 1, keywordsPerDocument)
        scores.copyWithin(at + 1, at, size - 1)
        best.copyWithin(at + 1, at, size - 1)
        scores[at] = score
        best[at] = numbers[i]
      }
      keywords.push(Array.from(best.subarray(0, size), (n) => terms[n]))
    }
    return keywords
  }

  /** The stored form: the terms' text, their dfs, and the new numbers by old when some were dropped. */
  stored() {
    const size = this.#terms?.length ?? this.#storedSize
    const df = this.df.subarray(0, size)
    let unused = 0
    for (let n = 0; n < size; n++) if (df[n] === 0) unused++
    if (unused * 4 <= size) {
      const added = this.#terms?.slice(this.#storedSize) ?? []
      if (added.length === 0) return { text: this.#stored, df, renumber: null }
      // Appended to the stored text: `[...` + `,"new","terms"]`.
      const head = this.#stored.subarray(0, this.#stored.length - 1)
      const tail = `${this.#storedSize ? ',' : ''}${JSON.stringify(added).slice(1)}`
      return { text: Buffer.concat([head, Buffer.from(tail)]), df, renumber: null }
    }
    const renumber = new Uint32Array(size)
    const kept = []
    for (let n = 0; n < size; n++) if (df[n] > 0) renumber[n] = kept.push(this.terms[n]) - 1
    const text = Buffer.from(JSON.stringify(kept))
    return { text, df: df.filter((count) => count > 0), renumber }
  }
}

/**
 * Compares the signature of each `changed` document with those of the documents sharing one of
 * its LSH bands, each pair once, and keeps the near-duplicates in `pairs` (both ways); returns
 * how many pairs it compared. The buckets are built only when a signature is to be compared.
 * @param {Map<string, Entry>} docs
 * @param {Iterable<string>} changed
 * @param {Map<string, Map<string, number>>} pairs
 */
export function compareSignatures(docs, changed, pairs) {
  /** @type {Map<string, string[]> | undefined} */
  let buckets
  let comparisons = 0
  const done = new Set()
  for (const id of changed) {
    done.add(id)
    const entry = /** @type {Entry} */ (docs.get(id))
    if (bandsOf(entry).length === 0) continue
    buckets ??= bucketsOf(docs)
    const compared = new Set()
    for (const key of bandsOf(entry))
      for (const other of buckets.get(key) ?? []) {
        if (done.has(other) || compared.has(other)) continue
        compared.add(other)
        comparisons++
        const score = similarity(entry.signature, /** @type {Entry} */ (docs.get(other)).signature)
        if (score < duplicateThreshold) continue
        pairs.set(id, (pairs.get(id) ?? new Map()).set(other, score))
        pairs.set(other, (pairs.get(other) ?? new Map()).set(id, score))
      }
  }
  return comparisons
}

/** The LSH buckets of `docs`: band key → the documents having it. */
function bucketsOf(docs) {
  const buckets = new Map()
  for (const [id, entry] of docs)
    for (const key of bandsOf(entry)) {
      const bucket = buckets.get(key)
      if (bucket) bucket.push(id)
      else buckets.set(key, [id])
    }
  return buckets
}

/** A document's LSH band keys, computed on first use for a decoded one. */
function bandsOf(entry) {
  entry.bands ??= entry.signature ? bandKeys(entry.signature) : []
  return entry.bands
}
