// relate(docs): the corpus pass over every document's metadata: keywords by TF-IDF, the section
// tree of each document, links between documents of the corpus, and near-duplicate documents
// found by MinHash with locality-sensitive hashing (only documents sharing a band are compared).
import { posix } from 'node:path'
import { bandKeys, similarity } from './minhash.mjs'

export const keywordsPerDocument = 8
/** The least MinHash similarity of a near-duplicate pair. */
export const duplicateThreshold = 0.7

/**
 * @param {ReadonlyArray<{ id: string, metadata: ReturnType<typeof import('./document.mjs').document> }>} docs
 * @returns {{ keywords: Record<string, string[]>, sections: Record<string, SectionNode[]>,
 *   links: { from: string, to: string, href: string }[], duplicates: { a: string, b: string, similarity: number }[] }}
 */
export function relate(docs) {
  return {
    keywords: keywords(docs),
    sections: Object.fromEntries(docs.map((d) => [d.id, sectionTree(d.metadata.outline)])),
    links: crossLinks(docs),
    duplicates: nearDuplicates(docs),
  }
}

function keywords(docs) {
  const documentFrequency = new Map()
  for (const { metadata } of docs)
    for (const term in metadata.terms)
      documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1)
  /** @type {Record<string, string[]>} */
  const result = {}
  for (const { id, metadata } of docs)
    result[id] = topKeywords(
      Object.entries(metadata.terms),
      metadata.words,
      docs.length,
      documentFrequency,
    )
  return result
}

/**
 * A document's keywords: its terms ranked by TF-IDF, the best `keywordsPerDocument`. Shared with
 * relate-incremental.mjs, so both rank alike.
 * @param {ReadonlyArray<[string, number]>} terms the document's terms and their counts
 * @param {number} words the document's word count
 * @param {number} documents the number of documents of the corpus
 * @param {{ get(term: string): number | undefined }} documentFrequency how many documents have each term
 */
export function topKeywords(terms, words, documents, documentFrequency) {
  const length = Math.max(words, 1)
  return terms
    .map(
      ([term, count]) =>
        /** @type {[string, number]} */ ([
          term,
          (count / length) *
            Math.log(documents / /** @type {number} */ (documentFrequency.get(term))),
        ]),
    )
    .filter(([, score]) => score > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, keywordsPerDocument)
    .map(([term]) => term)
}

/** @typedef {{ id: string, text: string, depth: number, children: SectionNode[] }} SectionNode */

/** Nests a flat outline by heading depth. */
export function sectionTree(outline) {
  const root = { children: /** @type {SectionNode[]} */ ([]) }
  const stack = [{ depth: 0, node: root }]
  for (const heading of outline) {
    const node = { id: heading.id, text: heading.text, depth: heading.depth, children: [] }
    while (stack.length > 1 && stack[stack.length - 1].depth >= heading.depth) stack.pop()
    stack[stack.length - 1].node.children.push(node)
    stack.push({ depth: heading.depth, node })
  }
  return root.children
}

/** Relative links resolved against the linking document's id; kept when they name a document of the corpus. */
function crossLinks(docs) {
  const ids = new Set(docs.map((d) => d.id))
  const has = (id) => ids.has(id)
  return docs.flatMap(({ id, metadata }) => resolveLinks(id, linkTargets(id, metadata.links), has))
}

/** @typedef {{ href: string, candidates: string[] }} LinkTarget */

/**
 * The ids each relative link of a document could name, most likely first: the path itself, then
 * as a Markdown file, a folder's README.md or its index.html. External links, anchors and the
 * document itself are left out. Shared with relate-incremental.mjs, which indexes the candidates.
 * @param {string} from the linking document's id
 * @param {readonly string[]} hrefs
 * @returns {LinkTarget[]}
 */
export function linkTargets(from, hrefs) {
  /** @type {LinkTarget[]} */
  const targets = []
  for (const href of hrefs) {
    if (/^[a-z][a-z\d+.-]*:|^\/\/|^#/i.test(href)) continue
    const path = decodeSafe(href.replace(/[?#].*$/, ''))
    if (!path) continue
    const resolved = posix.normalize(posix.join(posix.dirname(from), path)).replace(/\/$/, '')
    const candidates = [
      resolved,
      `${resolved}.md`,
      `${resolved}/README.md`,
      `${resolved}/index.html`,
    ].filter((candidate) => candidate !== from)
    targets.push({ href, candidates })
  }
  return targets
}

/**
 * A document's links to the corpus: for each target, its first candidate that `exists`; each
 * linked document once, at its first link.
 * @param {string} from
 * @param {readonly LinkTarget[]} targets from linkTargets()
 * @param {(id: string) => boolean} exists
 */
export function resolveLinks(from, targets, exists) {
  const seen = new Set()
  const found = []
  for (const { href, candidates } of targets) {
    const target = candidates.find(exists)
    if (target && !seen.has(target)) {
      seen.add(target)
      found.push({ from, to: target, href })
    }
  }
  return found
}

function decodeSafe(text) {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

function nearDuplicates(docs) {
  const buckets = new Map()
  const signed = docs.filter((d) => d.metadata.signature)
  signed.forEach((doc, index) => {
    for (const key of bandKeys(doc.metadata.signature)) {
      const bucket = buckets.get(key)
      if (bucket) bucket.push(index)
      else buckets.set(key, [index])
    }
  })
  const pairs = new Map()
  for (const bucket of buckets.values()) {
    for (let i = 0; i < bucket.length; i++)
      for (let j = i + 1; j < bucket.length; j++) {
        const key = `${bucket[i]},${bucket[j]}`
        if (pairs.has(key)) continue
        pairs.set(
          key,
          similarity(signed[bucket[i]].metadata.signature, signed[bucket[j]].metadata.signature),
        )
      }
  }
  return [...pairs]
    .filter(([, score]) => score >= duplicateThreshold)
    .map(([key, score]) => {
      const [a, b] = key.split(',').map(Number)
      return { a: signed[a].id, b: signed[b].id, similarity: score }
    })
    .sort(byDuplicateRank)
}

/**
 * The order of near-duplicate pairs: most similar first, then by ids. Shared with
 * relate-incremental.mjs.
 * @param {{ a: string, b: string, similarity: number }} x
 * @param {{ a: string, b: string, similarity: number }} y
 */
export function byDuplicateRank(x, y) {
  return y.similarity - x.similarity || (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : 1)
}
