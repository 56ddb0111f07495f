// document(elements, metas): the cheap reduce of element results into a document's metadata.
import { languageOf as detectLanguage } from './element.mjs'
import { entityKinds } from './entities.mjs'
import { mergeSignatures } from './minhash.mjs'
import { formatOf } from './parse.mjs'

const wordsPerMinute = 230
const descriptionChars = 200
const keptTerms = 100
// Below this much prose franc guesses wrong too often (a 3-line changelog reads as French).
const shortDocumentChars = 200

const unique = (values) => [...new Set(values)]

/**
 * @param {{ id: string, type: string, format: string }[]} elements
 * @param {ReturnType<typeof import('./element.mjs').element>[]} metas in element order
 * @param {{ doc?: { id: string, path?: string, mediaType?: string } }} [context]
 */
export function document(elements, metas, context) {
  const headings = metas.flatMap((m, i) =>
    m.type === 'heading' ? [{ ...m, id: elements[i].id }] : [],
  )
  // An HTML <title> is a depth-0 heading: the title, not part of the outline.
  const title =
    headings.find((h) => h.depth === 0) ?? headings.find((h) => h.depth === 1) ?? headings[0]
  const firstProse = metas.find((m, i) => elements[i].lead && m.words > 0)
  const words = metas.reduce((sum, m) => sum + m.words, 0)
  const count = (type) => metas.reduce((n, m) => n + (m.type === type ? 1 : 0), 0)
  const all = (pick) => unique(metas.flatMap(pick))
  return {
    title: title?.text || null,
    description: firstProse
      ? firstProse.text.replace(/\s+/g, ' ').slice(0, descriptionChars)
      : null,
    format: context?.doc ? formatOf(context.doc) : (elements[0]?.format ?? null),
    language: languageOf(metas),
    outline: headings
      .filter((h) => h.depth > 0)
      .map((h) => ({ id: h.id, depth: h.depth, text: h.text })),
    words,
    readingMinutes: Math.ceil(words / wordsPerMinute),
    counts: {
      elements: metas.length,
      headings: headings.filter((h) => h.depth > 0).length,
      paragraphs: count('paragraph'),
      listItems: count('list-item'),
      codeBlocks: count('code'),
      tables: count('table'),
      quotes: count('quote'),
      links: metas.reduce((n, m) => n + (m.links?.length ?? 0), 0),
      images: metas.reduce((n, m) => n + (m.images?.length ?? 0), 0),
    },
    codeLanguages: all((m) => (m.lang ? [m.lang] : [])),
    links: all((m) => m.links?.map((l) => l.href) ?? []),
    entities: Object.fromEntries(
      entityKinds.map((kind) => [kind, all((m) => m.entities?.[kind] ?? [])]),
    ),
    terms: topTerms(metas),
    signature: mergeSignatures(metas),
  }
}

/** The language of most of the prose, weighted by characters; null when too little prose. */
function languageOf(metas) {
  const weights = new Map()
  for (const m of metas)
    if (m.language) weights.set(m.language, (weights.get(m.language) ?? 0) + m.chars)
  let best = null
  for (const [language, weight] of weights) if (!best || weight > best[1]) best = [language, weight]
  if (best) return best[0]
  // No element was long enough to vote: a short document is judged on its prose as a whole.
  const prose = metas.flatMap((m) => (m.type !== 'heading' && m.text ? [m.text] : [])).join(' ')
  return detectLanguage(prose, shortDocumentChars)
}

function topTerms(metas) {
  const counts = new Map()
  for (const m of metas) {
    if (!m.terms) continue
    for (const term of m.terms.split(' ')) counts.set(term, (counts.get(term) ?? 0) + 1)
  }
  const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, keptTerms)
  return Object.fromEntries(top)
}
