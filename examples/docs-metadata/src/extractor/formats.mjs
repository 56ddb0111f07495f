// A document's format (markdown, html, text, pdf) from its media type or file extension, on its
// own: the run needs it for every document, and it loads none of the parsers.

const byMediaType = {
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'text/plain': 'text',
  'application/pdf': 'pdf',
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
  pdf: 'pdf',
}

/** The document's format: `markdown` (the default), `html`, `text` or `pdf`. */
export function formatOf(doc) {
  const mediaType = doc.mediaType?.split(';')[0].trim().toLowerCase()
  if (mediaType && byMediaType[mediaType]) return byMediaType[mediaType]
  const extension = /\.([a-z]+)$/i.exec(doc.path ?? doc.id)?.[1]?.toLowerCase()
  return byExtension[extension] ?? 'markdown'
}

/** The media type for a format, as written into SourceDocument.mediaType by the corpus. */
export const mediaTypes = {
  markdown: 'text/markdown',
  html: 'text/html',
  text: 'text/plain',
  pdf: 'application/pdf',
}
