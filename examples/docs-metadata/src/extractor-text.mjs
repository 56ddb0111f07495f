// The fallback of the docs-metadata extractor (see run.mjs `engineOptions`): when the Markdown
// or HTML parser throws on a document, the engine extracts it again with this one, on the main
// thread, and marks the result `degraded`. It reads every document as plain text: decoded as
// parse() would, or leniently (bad bytes become U+FFFD) where that fails, HTML tags dropped,
// Markdown heading marks dropped, then the plain-text parser and the same element() and
// document(). No Markdown or HTML parser runs, so none can fail it. Its name and version are its own: its element results are cached
// apart from the primary's, and its documents never under the primary's cache key.
//
// Like extractor.mjs, it loads its steps (the text parser, element(), document()) on first use.
import { defineExtractor } from '@mx/engine/extractor'
import { decodeDocument } from './extractor/decode.mjs'
import { formatOf } from './extractor/formats.mjs'
import { createIdAllocator } from './extractor/ids.mjs'

export const version = '1'

const lenient = new TextDecoder('utf-8')

/** What the document's own parser warns about: read as text, its structure may be lost. */
export const fallbackWarning = 'read as plain text: its own parser failed on it'

/** @param {import('@mx/engine').SourceDocument} doc */
function textOf(doc) {
  const format = formatOf(doc)
  try {
    return decodeDocument(doc.content, doc.id, { format, mediaType: doc.mediaType })
  } catch {
    const text = typeof doc.content === 'string' ? doc.content : lenient.decode(doc.content)
    return { text, encoding: 'utf-8' }
  }
}

/** An HTML page as text: scripts, styles and comments out, tags to line breaks, a few entities. */
function htmlText(html) {
  return html
    .replace(/<!--[\s\S]*?(?:-->|$)|<(script|style)\b[\s\S]*?(?:<\/\1\s*>|$)/gi, '')
    .replace(/<\/?(?:p|div|h[1-6]|li|tr|pre|blockquote|section|article|br)\b[^>]*>/gi, '\n\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
}

const atxMarks = /^ {0,3}#{1,6}[ \t]+|[ \t]+#+[ \t]*$/gm

/** @type {typeof import('./extractor/text-steps.mjs') | undefined} */
let steps
/** @returns {Promise<typeof import('./extractor/text-steps.mjs')>} */
const load = async () => {
  steps ??= await import('./extractor/text-steps.mjs')
  return steps
}

/** @param {import('@mx/engine').SourceDocument} doc */
async function parse(doc) {
  const { parseText } = steps ?? (await load())
  const { text, encoding } = textOf(doc)
  const info = { id: '#document', type: 'document', format: 'text', encoding }
  info.warnings = [fallbackWarning]
  const format = formatOf(doc)
  // Markdown's `#` heading marks are not words: a heading line reads as a heading without them.
  const plain =
    format === 'html' ? htmlText(text) : format === 'markdown' ? text.replace(atxMarks, '') : text
  const elements = parseText(plain, createIdAllocator())
  const lead = elements.find((el) => el.type === 'paragraph' && /[\p{L}\p{N}]/u.test(el.text))
  if (lead) lead.lead = true
  return [info, ...elements]
}

export const extractor = defineExtractor({
  name: 'docs-metadata-text',
  version,
  parse,
  // Direct once parse() (or an earlier call) loaded the steps, after loading them otherwise.
  element: (/** @type {any} */ el) =>
    steps ? steps.element(el) : load().then((loaded) => loaded.element(el)),
  document: (/** @type {any[]} */ elements, /** @type {any[]} */ metas, /** @type {any} */ ctx) =>
    steps
      ? steps.document(elements, metas, ctx)
      : load().then((loaded) => loaded.document(elements, metas, ctx)),
})

export default extractor
