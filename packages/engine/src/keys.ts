import { createHash } from 'node:crypto'
import { hashElement } from '@mx/incremental'
import type { ExtractorElement, SourceDocument } from './api'
import { messageOf, ParseError } from './errors'

/**
 * Cache key of a document's result: its content plus everything `document()` can see (id, path,
 * media type, meta) and the extractor's name and version. Parts are NUL-separated and tagged so
 * no two different inputs share a key.
 */
export function documentKey(doc: SourceDocument, extractorKey: string): string {
  const meta = doc.meta === undefined ? '' : JSON.stringify(doc.meta)
  const kind = typeof doc.content === 'string' ? 's' : 'b'
  const hash = createHash('sha256')
  // Two updates: the metadata header (lengths make the boundaries unambiguous), then the content.
  hash.update(
    `${extractorKey.length}:${extractorKey}${doc.id.length}:${doc.id}${doc.path?.length ?? -1}:${doc.path ?? ''}` +
      `${doc.mediaType?.length ?? -1}:${doc.mediaType ?? ''}${meta.length}:${meta}${kind}`,
  )
  hash.update(doc.content)
  return `d:${hash.digest('base64url')}`
}

/** Cache key of one element's result: its content hash (`hashElement`) and the extractor. */
export function elementKey(elementHash: string, extractorKey: string): string {
  return `e:${extractorKey}:${elementHash}`
}

/**
 * Cache key of the last version of document `docId` that a worker thread stored: its
 * `DocumentVersion` (the document's key and its elements' keys), from which the next edit reuses
 * the element results of the unchanged elements.
 */
export function versionKey(docId: string, extractorKey: string): string {
  return `v:${extractorKey}:${docId}`
}

/** What a worker thread stores under `versionKey`: where a document's element results are. */
export interface DocumentVersion {
  /** The document entry (`{ metadata, elements }`) holding the element results, in order. */
  doc: string
  /** The cache key of each element of that version, in order. */
  keys: string[]
}

/** Cache keys of a document's elements; an element that is not JSON data throws `ParseError`. */
export function elementKeys(
  docId: string,
  elements: readonly ExtractorElement[],
  extractorKey: string,
): string[] {
  return elements.map((element) => {
    try {
      return elementKey(hashElement(element as never), extractorKey)
    } catch (error) {
      const message = messageOf(error)
      throw new ParseError(docId, `element ${element.id} is not JSON-serializable: ${message}`, {
        cause: error,
      })
    }
  })
}
