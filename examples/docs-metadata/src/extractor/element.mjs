// element(el): the metadata of one element. Pure (its result depends only on the element's
// content), so the engine may run it in a worker thread and cache it by the element's hash.
import { franc } from 'franc-min'
import { findEntities } from './entities.mjs'
import { lexInline } from './inline.mjs'
import { minhash } from './minhash.mjs'
import { countSentences, indexTerms, words } from './terms.mjs'

// franc needs some text to be right; shorter prose gets no language vote.
const minLanguageChars = 80
const languageSample = 600
// Enough for a description (200 characters).
const keptTextChars = 200
const addresses = /\bhttps?:\/\/\S+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g

/**
 * @param {{ type: string, format: string, source?: string, text?: string, depth?: number, lang?: string,
 *   refs?: Record<string, { href: string, title: string | null }>, links?: object[], images?: object[],
 *   ordered?: boolean, task?: boolean, columns?: number, rows?: number, lead?: boolean }} el
 */
export function element(el) {
  const content = contentOf(el)
  const isCode = el.type === 'code'
  // URLs and e-mail addresses are entities, not words: keep them out of counts and terms.
  const tokens = isCode ? [] : words(content.text.replace(addresses, ' '))
  const language = isCode ? null : languageOf(content.text)
  const meta = {
    type: el.type,
    ...(el.depth !== undefined && { depth: el.depth }),
    ...(isCode && { lang: el.lang ?? null }),
    ...(el.ordered && { ordered: true }),
    ...(el.task !== undefined && { task: el.task }),
    ...(el.type === 'table' && { columns: el.columns, rows: el.rows }),
    chars: content.text.length,
    words: tokens.length,
    sentences: isCode ? 0 : countSentences(content.text),
    lines: content.text === '' ? 0 : content.text.split('\n').length,
    // Empty lists are left out: most elements have none, and every result is cloned and stored.
    ...(content.links.length > 0 && { links: content.links }),
    ...(content.images.length > 0 && { images: content.images }),
    ...nonEmpty(findEntities(content.text)),
    ...(language && { language }),
    terms: indexTerms(tokens),
    ...minhash(tokens),
  }
  // Text is kept only where document() reads it: headings (outline), the lead paragraph
  // (description) and prose too short to vote on its own language (a short document's language).
  // Every element result is cloned and cached, so long texts are left out.
  if (el.type === 'heading') meta.text = content.text
  else if (el.lead || (!isCode && el.type !== 'table' && content.text.length < minLanguageChars))
    meta.text = content.text.slice(0, keptTextChars)
  return meta
}

/** `{ entities }` with the kinds that have matches, or nothing. */
function nonEmpty(entities) {
  const found = Object.entries(entities).filter(([, values]) => values.length > 0)
  return found.length > 0 ? { entities: Object.fromEntries(found) } : {}
}

function contentOf(el) {
  if (el.format === 'markdown' && el.type !== 'code') {
    return lexInline(el.source ?? '', el.refs)
  }
  return { text: el.text ?? el.source ?? '', links: el.links ?? [], images: el.images ?? [] }
}

/** ISO 639-3 code of the text's language (franc-min), or null when unsure or too short. */
export function languageOf(text, minLength = minLanguageChars) {
  if (text.length < minLength) return null
  const language = franc(text.slice(0, languageSample), { minLength })
  return language === 'und' ? null : language
}
