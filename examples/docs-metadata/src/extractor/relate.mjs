// relate(docs): the corpus pass over every document's metadata: keywords by TF-IDF, the section
// tree of each document, links between documents of the corpus, and near-duplicate documents
// found by MinHash with locality-sensitive hashing (only documents sharing a band are compared).
import { posix } from 'node:path'
import { bandKeys, similarity } from './minhash.mjs'

const keywordsPerDocument = 8
const duplicateThreshold = 0.7

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
  for (const { id, metadata } of docs) {
    const length = Math.max(metadata.words, 1)
    result[id] = Object.entries(metadata.terms)
      .map(
        ([term, count]) =>
          /** @type {[string, number]} */ ([
            term,
            (count / length) * Math.log(docs.length / documentFrequency.get(term)),
          ]),
      )
      .filter(([, score]) => score > 0)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, keywordsPerDocument)
      .map(([term]) => term)
  }
  return result
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
  const found = []
  for (const { id, metadata } of docs) {
    const seen = new Set()
    for (const href of metadata.links) {
      if (/^[a-z][a-z\d+.-]*:|^\/\/|^#/i.test(href)) continue
      const path = decodeSafe(href.replace(/[?#].*$/, ''))
      if (!path) continue
      const resolved = posix.normalize(posix.join(posix.dirname(id), path)).replace(/\/$/, '')
      const target = [
        resolved,
        `${resolved}.md`,
        `${resolved}/README.md`,
        `${resolved}/index.html`,
      ].find((candidate) => ids.has(candidate) && candidate !== id)
      if (target && !seen.has(target)) {
        seen.add(target)
        found.push({ from: id, to: target, href })
      }
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
    .sort(
      (x, y) =>
        y.similarity - x.similarity || (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : 1),
    )
}
