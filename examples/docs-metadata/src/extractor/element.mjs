// element(el): the metadata of one element. Pure (its result depends only on the element's
// content), so the engine may run it in a worker thread and cache it by the element's hash.
import { franc, francAll } from 'franc-min'
import { findEntities } from './entities.mjs'
import { lexInline } from './inline.mjs'
import { minhash } from './minhash.mjs'
import { countSentences, countWords, indexTerms, words } from './terms.mjs'

// franc needs some text to be right: prose of fewer than 20 words gets no language vote of its
// own (its text is kept, and document() judges a short document on its short prose together).
// Words, not characters: 20 Chinese words are ~40 characters, 20 English words ~120.
export const minLanguageWords = 20
const languageSample = 600
// Japanese mixes kanji and kana: franc calls it Chinese when kanji are most of the sample.
const hiragana = /\p{Script=Hiragana}/u
const russianLetters = /[ыэЫЭ]/u
const notRussianAlphabet = new Set(['bul', 'ukr', 'srp', 'mkd'])
// Enough for a description (200 characters).
const keptTextChars = 200
const addresses = /\bhttps?:\/\/\S+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g

/**
 * An element's result: its kind (`type`) and the fields `document()` reads for that kind (words,
 * terms, signature, language, links, text where it is kept; the `#document` element's info).
 * @typedef {{ type: string, signature?: string, shingles?: string, [field: string]: any }} ElementMeta
 */

/**
 * @param {{ id?: string, type: string, format: string, source?: string, text?: string,
 *   depth?: number, lang?: string, refs?: Record<string, { href: string, title: string | null }>,
 *   links?: object[], images?: object[], ordered?: boolean, task?: boolean, columns?: number,
 *   rows?: number, lead?: boolean, page?: number, bbox?: number[], size?: number }} el
 * @returns {ElementMeta}
 */
export function element(el) {
  // The document-info pseudo-element (see parse.mjs) has no text: its fields pass through.
  if (el.type === 'document') {
    const { id: _id, type: _type, ...info } = el
    return { type: 'document', ...info }
  }
  const content = contentOf(el)
  const isCode = el.type === 'code'
  // URLs and e-mail addresses are entities, not words: keep them out of counts and terms.
  const prose = isCode ? '' : content.text.replace(addresses, ' ')
  const tokens = isCode ? [] : words(prose)
  const language = isCode || tokens.length < minLanguageWords ? null : languageOf(content.text)
  /** @type {ElementMeta} */
  const meta = {
    type: el.type,
    ...(el.depth !== undefined && { depth: el.depth }),
    // Where a PDF block is (a heading's font size too: document() ranks the outline by it).
    ...(el.format === 'pdf' && { page: el.page, bbox: el.bbox }),
    ...(el.size !== undefined && { size: el.size }),
    ...(isCode && { lang: el.lang ?? null }),
    ...(el.ordered && { ordered: true }),
    ...(el.task !== undefined && { task: el.task }),
    ...(el.type === 'table' && { columns: el.columns, rows: el.rows }),
    chars: content.text.length,
    words: isCode ? 0 : countWords(prose),
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
  if (el.type === 'heading') meta.text = headingText(el, content)
  else if (el.lead || (!isCode && el.type !== 'table' && tokens.length < minLanguageWords))
    meta.text = content.text.slice(0, keptTextChars)
  return meta
}

/** `{ entities }` with the kinds that have matches, or nothing. */
function nonEmpty(entities) {
  const found = Object.entries(entities).filter(([, values]) => values.length > 0)
  return found.length > 0 ? { entities: Object.fromEntries(found) } : {}
}

/** A heading's text as a title reads: a Markdown heading's images (badges) are left out. */
function headingText(el, content) {
  if (el.format !== 'markdown' || content.images.length === 0) return content.text
  return lexInline(el.source ?? '', el.refs, { imageText: false }).text || content.text
}

function contentOf(el) {
  if (el.format === 'markdown' && el.type !== 'code') {
    return lexInline(el.source ?? '', el.refs)
  }
  return { text: el.text ?? el.source ?? '', links: el.links ?? [], images: el.images ?? [] }
}

/** ISO 639-3 code of the text's language (franc-min), or null when unsure. Callers check length. */
export function languageOf(text) {
  const sample = text.slice(0, languageSample)
  const language = franc(sample, { minLength: 1 })
  if (language === 'cmn' && hiragana.test(sample)) return 'jpn'
  // Short Russian reads as Bulgarian or Ukrainian to franc's trigrams, but ы and э are letters
  // of neither: the best guess whose alphabet has them.
  if (notRussianAlphabet.has(language) && russianLetters.test(sample))
    return francAll(sample, { minLength: 1, only: ['rus', 'bel'] })[0][0]
  return language === 'und' ? null : language
}
