// parse(doc): picks the format from the media type, else the file extension, and returns the
// document's elements in order, each with a stable id (see ids.mjs).
import { decodeContent } from './decode.mjs'
import { parseHtml } from './html.mjs'
import { createIdAllocator } from './ids.mjs'
import { parseMarkdown } from './markdown.mjs'
import { parseText } from './text.mjs'

const byMediaType = {
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'text/plain': 'text',
}
const byExtension = {
  md: 'markdown',
  markdown: 'markdown',
  mdx: 'markdown',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  txt: 'text',
  text: 'text',
}

/** The document's format: `markdown` (the default), `html` or `text`. */
export function formatOf(doc) {
  const mediaType = doc.mediaType?.split(';')[0].trim().toLowerCase()
  if (mediaType && byMediaType[mediaType]) return byMediaType[mediaType]
  const extension = /\.([a-z]+)$/i.exec(doc.path ?? doc.id)?.[1]?.toLowerCase()
  return byExtension[extension] ?? 'markdown'
}

/** The media type for a format, as written into SourceDocument.mediaType by the corpus. */
export const mediaTypes = { markdown: 'text/markdown', html: 'text/html', text: 'text/plain' }

/**
 * Splits a document into elements. Throws a DocumentContentError (MX_DOCS_BINARY,
 * MX_DOCS_INVALID_UTF8) when the content is not text.
 * @param {{ id: string, content: string | Uint8Array, path?: string, mediaType?: string }} doc
 */
export function parse(doc) {
  const text = decodeContent(doc.content, doc.id)
  const ids = createIdAllocator()
  const format = formatOf(doc)
  const elements =
    format === 'html'
      ? parseHtml(text, ids)
      : format === 'text'
        ? parseText(text, ids)
        : parseMarkdown(text, ids)
  // The lead paragraph is the description: element() keeps its text (and drops other long texts).
  const lead = elements.find(
    (el) => el.type === 'paragraph' && /[\p{L}\p{N}]/u.test(el.source ?? el.text),
  )
  if (lead) lead.lead = true
  return elements
}
