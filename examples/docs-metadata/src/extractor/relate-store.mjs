// The documents of relate-incremental.mjs's index and their persisted form, made to be cheap in
// a fresh process, where allocating is what costs: decoding the tens of thousands of small
// objects of the documents' terms, sections and links took ~200 ms. The form is a small v8
// header (format, version, ids, signatures) followed by typed arrays, which decode as views on
// the bytes: the documents' terms as numbers into one vocabulary, with their counts, and their
// parts (link targets, sections, keywords, links) as UTF-8 JSON text, parsed only when a part is
// needed (resultJson() copies them as they are).
import { deserialize, serialize } from 'node:v8'
import { Parts, partNames, Vocabulary } from './relate-entries.mjs'

/**
 * @typedef {import('./relate-entries.mjs').Entry} Entry
 * @typedef {import('./relate-entries.mjs').Range} Range
 */

const format = 'mx-docs-relate-index'
// Bump when relate.mjs's rules or the form below change: an index stored by older code is refused.
const version = 2

/**
 * The size of UTF-8 text made of `pieces`, strings or stored ranges.
 * @param {Array<string | Range>} pieces
 * @param {Uint32Array} [ends] receives where each piece ends
 */
function measureText(pieces, ends) {
  let size = 0
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]
    size += typeof piece === 'string' ? Buffer.byteLength(piece) : piece[2] - piece[1]
    if (ends) ends[i] = size
  }
  return size
}

/**
 * Writes the UTF-8 text of `pieces` into `into` from `at`: ranges that follow each other in the
 * same bytes are copied at once.
 * @param {Array<string | Range>} pieces
 * @param {Buffer} into
 * @param {number} at
 */
function writeText(pieces, into, at) {
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]
    if (typeof piece === 'string') {
      at += into.write(piece, at)
      continue
    }
    let end = piece[2]
    for (let next = pieces[i + 1]; typeof next === 'object' && next[0] === piece[0]; ) {
      if (next[1] !== end) break
      end = next[2]
      next = pieces[++i + 1]
    }
    at += piece[0].copy(into, at, piece[1], end)
  }
}

/**
 * The JSON text of relate()'s result from its parts' pieces, parsing none: `keywords` and
 * `sections` are objects built as relate() builds them (their keys come in JSON.stringify()'s
 * order), `links` each document's links.
 * @param {{ keywords: Record<string, string | Range>, sections: Record<string, string | Range>,
 *   links: Array<string | Range>, duplicates: unknown[] }} result
 */
export function resultText({ keywords, sections, links, duplicates }) {
  /** @type {Array<string | Range>} */
  const pieces = []
  const object = (/** @type {Record<string, string | Range>} */ record) =>
    Object.entries(record).forEach(([id, piece], i) => {
      pieces.push(`${i ? ',' : ''}${JSON.stringify(id)}:`, piece)
    })
  pieces.push('{"keywords":{')
  object(keywords)
  pieces.push('},"sections":{')
  object(sections)
  pieces.push('},"links":[')
  let separator = ''
  for (const piece of links) {
    // A document's links without their brackets, when it has some.
    const [start, end] =
      typeof piece === 'string' ? [1, piece.length - 1] : [piece[1] + 1, piece[2] - 1]
    if (start === end) continue
    pieces.push(
      separator,
      typeof piece === 'string' ? piece.slice(start, end) : [piece[0], start, end],
    )
    separator = ','
  }
  pieces.push(`],"duplicates":${JSON.stringify(duplicates)}}`)
  const text = Buffer.allocUnsafe(measureText(pieces))
  writeText(pieces, text, 0)
  return text.toString('utf8')
}

/** The typed arrays after the header, in order: per document, per term of each, and the texts. */
const arrays = {
  words: Float64Array,
  lengths: Uint32Array,
  ends: Uint32Array,
  terms: Uint32Array,
  counts: Float64Array,
  df: Uint32Array,
  vocabulary: Uint8Array,
  parts: Uint8Array,
}

/**
 * Where each array lies after the header (8-byte aligned, so that they decode as views), and
 * the size of them all.
 * @param {Record<keyof arrays, number>} lengths
 */
function layout(lengths) {
  const offsets = /** @type {Record<keyof arrays, number>} */ ({})
  let size = 0
  for (const [name, Type] of Object.entries(arrays)) {
    offsets[name] = size
    size += Math.ceil((lengths[name] * Type.BYTES_PER_ELEMENT) / 8) * 8
  }
  return { offsets, size }
}

/**
 * The persisted form: the header (ids, signatures, near-duplicate pairs as `[a, b, similarity,
 * ...]`, the arrays' lengths), then the arrays, each document's in its order: words; the
 * number of its terms, the end of each of its parts' text; its terms' numbers and counts; the
 * vocabulary's dfs and text; the parts' texts.
 * @param {Map<string, Entry>} docs
 * @param {Vocabulary} vocabulary
 * @param {Map<string, Map<string, number>>} pairs
 * @param {Parts} parts
 */
export function encodeState(docs, vocabulary, pairs, parts) {
  const entries = [...docs.values()]
  const { text, df, renumber } = vocabulary.stored()
  const pieces = entries.flatMap((entry) => partNames.map((name) => parts.piece(entry, name)))
  const ends = new Uint32Array(pieces.length)
  const partsSize = measureText(pieces, ends)
  const terms = entries.reduce((sum, entry) => sum + entry.terms.length, 0)
  const n = entries.length
  const lengths = {
    words: n,
    lengths: n,
    ends: ends.length,
    terms,
    counts: terms,
    df: df.length,
    vocabulary: text.length,
    parts: partsSize,
  }
  const duplicates = []
  for (const [a, others] of pairs)
    for (const [b, score] of others) if (a < b) duplicates.push(a, b, score)
  const signatures = entries.map((entry) => entry.signature)
  const head = { format, version, ids: [...docs.keys()], signatures, duplicates, lengths, start: 0 }
  // The arrays begin after the header, 8-byte aligned: `start` itself adds 4 bytes at most.
  head.start = Math.ceil((serialize(head).length + 4) / 8) * 8
  const header = serialize(head)
  const { start } = head
  const { offsets, size } = layout(lengths)
  const bytes = Buffer.alloc(start + size)
  header.copy(bytes)
  const array = (name) =>
    new arrays[name](bytes.buffer, bytes.byteOffset + start + offsets[name], lengths[name])
  const [wordsOf, lengthsOf, termsOf, countsOf] = ['words', 'lengths', 'terms', 'counts'].map(array)
  let at = 0
  for (const [i, entry] of entries.entries()) {
    wordsOf[i] = entry.words
    lengthsOf[i] = entry.terms.length
    termsOf.set(renumber ? entry.terms.map((n) => renumber[n]) : entry.terms, at)
    countsOf.set(entry.counts, at)
    at += entry.terms.length
  }
  array('ends').set(ends)
  array('df').set(df)
  array('vocabulary').set(text)
  writeText(pieces, bytes, start + offsets.parts)
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/**
 * The documents, vocabulary, pairs and parts of encodeState()'s bytes; throws on bytes that
 * are not an index, or of another version. Nothing is parsed or copied: the documents hold
 * views on `bytes` (which must not change afterwards).
 * @param {Uint8Array} bytes
 */
export function decodeState(bytes) {
  let state
  try {
    state = deserialize(bytes)
  } catch (error) {
    throw new Error('not a relate index: the bytes do not deserialize', { cause: error })
  }
  if (state?.format !== format) throw new Error('not a relate index: the bytes hold something else')
  if (state.version !== version)
    throw new Error(`relate index version ${state.version}, this code reads ${version}: rebuild it`)
  const { ids, signatures, duplicates, lengths, start } = state
  const views = readArrays(bytes, start, lengths)
  const count = Array.isArray(ids) ? ids.length : -1
  const whole =
    views &&
    Array.isArray(signatures) &&
    signatures.length === count &&
    lengths.words === count &&
    lengths.lengths === count &&
    lengths.ends === count * partNames.length &&
    lengths.terms === lengths.counts &&
    Array.isArray(duplicates)
  if (!whole) throw new Error('not a relate index: its documents are missing')
  const { words, terms, counts, df } = views
  /** @type {Map<string, Entry>} */
  const docs = new Map()
  let at = 0
  for (let row = 0; row < count; row++) {
    const end = at + views.lengths[row]
    docs.set(ids[row], {
      words: words[row],
      signature: signatures[row],
      bands: undefined,
      terms: terms.subarray(at, end),
      counts: counts.subarray(at, end),
      row,
    })
    at = end
  }
  /** @type {Map<string, Map<string, number>>} */
  const pairs = new Map()
  for (let i = 0; i < duplicates.length; i += 3) {
    const [a, b, score] = duplicates.slice(i, i + 3)
    pairs.set(a, (pairs.get(a) ?? new Map()).set(b, score))
    pairs.set(b, (pairs.get(b) ?? new Map()).set(a, score))
  }
  return {
    docs,
    // A copy of the dfs: they change with the documents.
    vocabulary: new Vocabulary(views.vocabulary, df.slice()),
    pairs,
    parts: new Parts(views.parts, views.ends),
  }
}

/**
 * The arrays after the header, as views on `bytes` (copied where they are not aligned in
 * memory); null when `start` and `lengths` do not describe the bytes (cut short, say).
 * @param {Uint8Array} bytes
 * @param {number} start
 * @param {Record<keyof arrays, number>} lengths
 */
function readArrays(bytes, start, lengths) {
  const natural = (n) => Number.isSafeInteger(n) && n >= 0
  if (!natural(start) || !Object.keys(arrays).every((name) => natural(lengths?.[name]))) return null
  const { offsets, size } = layout(lengths)
  if (start + size !== bytes.byteLength) return null
  const views = /** @type {{ [name in keyof arrays]: InstanceType<(typeof arrays)[name]> }} */ ({})
  const buffer = /** @type {ArrayBuffer} */ (bytes.buffer)
  for (const [name, Type] of Object.entries(arrays)) {
    const at = bytes.byteOffset + start + offsets[name]
    views[name] =
      at % Type.BYTES_PER_ELEMENT === 0
        ? new Type(buffer, at, lengths[name])
        : new Type(buffer.slice(at, at + lengths[name] * Type.BYTES_PER_ELEMENT))
  }
  return views
}
