import { readFileSync } from 'node:fs'
import { document } from '../src/extractor/document.mjs'
import { element } from '../src/extractor/element.mjs'
import { parse } from '../src/extractor/parse.mjs'
import { relate } from '../src/extractor/relate.mjs'

/** The extractor's functions as plain functions (the engine-typed definition hides their types). */
export const extractor = { parse, element, document, relate }

/** A fixture document as the corpus source gives it: raw bytes. */
export function loadFixture(id: string) {
  return {
    id,
    path: id,
    content: new Uint8Array(readFileSync(new URL(`./fixtures/corpus/${id}`, import.meta.url))),
  }
}

/** parse → element → document, the way the engine calls the extractor, with no engine. */
export function extractInline(doc: { id: string; content: string | Uint8Array; path?: string }) {
  const elements = extractor.parse(doc)
  const metas = elements.map((el) => extractor.element(el))
  const { content: _content, ...withoutContent } = doc
  return {
    elements,
    metas,
    metadata: extractor.document(elements, metas, { doc: withoutContent }),
  }
}
