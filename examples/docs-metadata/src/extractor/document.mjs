// document(elements, metas): the cheap reduce of element results into a document's metadata.
import { languageOf as detectLanguage } from './element.mjs'
import { entityKinds } from './entities.mjs'
import { formatOf } from './formats.mjs'
import { frontMatterFields } from './front-matter.mjs'
import { mergeSignatures } from './minhash.mjs'
import { headingDepths } from './pdf.mjs'

const wordsPerMinute = 230
const descriptionChars = 200
const keptTerms = 100
// Below 20 words of prose franc guesses wrong too often (a 3-line changelog reads as French):
// such a document gets no language.
export const minDocumentLanguageWords = 20

const unique = (values) => [...new Set(values)]

/**
 * @param {{ id: string, type: string, format: string, lead?: boolean }[]} elements
 * @param {import('./element.mjs').ElementMeta[]} metas in element order
 * @param {{ doc?: { id: string, path?: string, mediaType?: string } }} [context]
 */
export function document(elements, metas, context) {
  // The document-info pseudo-element (see parse.mjs) is counted nowhere: the rest is reduced
  // alone, and its encoding, front matter and warnings are added as they are.
  const info = metas.find((m) => m.type === 'document')
  if (info) {
    elements = elements.filter((_, i) => metas[i] !== info)
    metas = metas.filter((m) => m !== info)
  }
  // Front matter (or an HTML page's <meta> tags) wins over the headings and the lead paragraph.
  const {
    title: givenTitle,
    description: givenDescription,
    ...given
  } = info?.frontMatter ? frontMatterFields(info.frontMatter) : {}
  // A PDF heading's depth is the rank of its font size: ranked here over the whole document (a
  // PDF read in parts, see ../pdf-split.mjs, ranked each part's alone).
  const depths = headingDepths(metas.flatMap((m) => (m.size === undefined ? [] : [m.size])))
  /** @type {import('./element.mjs').ElementMeta[]} */
  const headings = metas.flatMap((m, i) =>
    m.type === 'heading'
      ? [{ ...m, id: elements[i].id, ...(m.size !== undefined && { depth: depths.get(m.size) }) }]
      : [],
  )
  // An HTML <title> is a depth-0 heading: the title, not part of the outline.
  const title =
    headings.find((h) => h.depth === 0) ?? headings.find((h) => h.depth === 1) ?? headings[0]
  const firstProse = metas.find((m, i) => elements[i].lead && m.words > 0)
  // An HTML <title> shows in the tab, not in the page: its words are not the document's.
  const words = metas.reduce((sum, m) => sum + (m.depth === 0 ? 0 : m.words), 0)
  const count = (type) => metas.reduce((n, m) => n + (m.type === type ? 1 : 0), 0)
  const all = (pick) => unique(metas.flatMap(pick))
  return {
    title: givenTitle ?? (title?.text || null),
    description:
      givenDescription ??
      (firstProse ? firstProse.text.replace(/\s+/g, ' ').slice(0, descriptionChars) : null),
    format: context?.doc ? formatOf(context.doc) : (elements[0]?.format ?? null),
    // A PDF has no text encoding: null.
    encoding: info?.encoding === undefined ? 'utf-8' : info.encoding,
    // tags, date, updated, authors, frontMatter: only those the front matter has.
    ...given,
    ...(info?.warnings?.length > 0 && { warnings: info?.warnings }),
    // A PDF's page count, producer, creator and bookmarks.
    ...(info?.pdf && { pdf: info.pdf }),
    language: languageOf(metas),
    outline: headings
      .filter((h) => h.depth > 0)
      .map((h) => ({ id: h.id, depth: h.depth, text: h.text, ...(h.page && { page: h.page }) })),
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
  // No element was long enough to vote: a short document is judged on its short prose as a whole.
  const prose = metas.filter((m) => m.type !== 'heading' && m.text && !m.language)
  const words = prose.reduce((sum, m) => sum + m.words, 0)
  if (words < minDocumentLanguageWords) return null
  return detectLanguage(prose.map((m) => m.text).join(' '))
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
