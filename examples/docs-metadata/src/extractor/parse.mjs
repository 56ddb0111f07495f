// parse(doc): picks the format from the media type, else the file extension, and returns the
// document's elements in order, each with a stable id (see ids.mjs).
import { decodeDocument } from './decode.mjs'
import { formatOf } from './formats.mjs'
import { splitFrontMatter } from './front-matter.mjs'
import { parseHtml } from './html.mjs'
import { createIdAllocator } from './ids.mjs'
import { parseMarkdown } from './markdown.mjs'
import { parsePdf } from './pdf.mjs'
import { parseText } from './text.mjs'

export { formatOf, mediaTypes } from './formats.mjs'

/**
 * Splits a document into elements. The first is always the document-info pseudo-element
 * `{ id: '#document', type: 'document', format, encoding, frontMatter?, warnings? }`: what
 * document() needs that is not in any element (it is counted nowhere). Throws a
 * DocumentContentError (MX_DOCS_BINARY, MX_DOCS_INVALID_UTF8) when the content is not text;
 * a PDF resolves its elements (a promise; see pdf.mjs for its own errors).
 * @param {{ id: string, content: string | Uint8Array, path?: string, mediaType?: string, meta?: object }} doc
 */
export function parse(doc) {
  const format = formatOf(doc)
  // PDF bytes are no text to decode: pdf.mjs reads them (asynchronously, page by page). The
  // engine awaits parse(); the cast keeps the type other formats' callers see (an array).
  if (format === 'pdf') return /** @type {any[]} */ (/** @type {unknown} */ (parsePdf(doc)))
  const { text, encoding } = decodeDocument(doc.content, doc.id, {
    format,
    mediaType: doc.mediaType,
  })
  const info = { id: '#document', type: 'document', format, encoding }
  const ids = createIdAllocator()
  let elements
  if (format === 'html') {
    // The description, keywords and author <meta> tags, read like front matter.
    /** @type {Record<string, string>} */
    const meta = {}
    elements = parseHtml(text, ids, { meta })
    if (Object.keys(meta).length > 0) info.frontMatter = meta
  } else if (format === 'text') elements = parseText(text, ids)
  else {
    // Front matter is taken off first: its lines are no elements and change no element id.
    const front = splitFrontMatter(text)
    if (front?.data) info.frontMatter = front.data
    if (front?.warning) info.warnings = [front.warning]
    elements = parseMarkdown(front ? front.body : text, ids)
  }
  // The lead paragraph is the description: element() keeps its text (and drops other long texts).
  const lead = elements.find(
    (el) => el.type === 'paragraph' && /[\p{L}\p{N}]/u.test(el.source ?? el.text),
  )
  if (lead) lead.lead = true
  return [info, ...elements]
}
