import { createHash } from 'node:crypto'
import type { SourceDocument } from './types'

/**
 * Cache key of a document's result: its content plus everything `document()` can see (id, path,
 * media type, meta) and the extractor's name and version. Parts are NUL-separated and tagged so
 * no two different inputs share a key.
 */
export function documentKey(doc: SourceDocument, extractorKey: string): string {
  const hash = createHash('sha256')
  hash.update(`d\0${extractorKey}\0${doc.id}\0${doc.path ?? ''}\0${doc.mediaType ?? ''}\0`)
  if (doc.meta !== undefined) hash.update(JSON.stringify(doc.meta))
  hash.update(typeof doc.content === 'string' ? '\0s\0' : '\0b\0')
  hash.update(doc.content)
  return `d:${hash.digest('base64url')}`
}

/** Cache key of one element's result: its content hash (`hashElement`) and the extractor. */
export function elementKey(elementHash: string, extractorKey: string): string {
  return `e:${extractorKey}:${elementHash}`
}
