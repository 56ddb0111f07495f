// The docs-metadata extractor, map → reduce (see @mx/engine's defineExtractor): parse() splits
// a Markdown, HTML or text document into elements with stable ids; element() extracts one
// element (pure: worker threads, cached by element hash); document() reduces; relate() is the
// corpus pass. The engine loads this module by URL in each worker thread.
import * as engine from '@mx/engine'
import { document } from './extractor/document.mjs'
import { element } from './extractor/element.mjs'
import { parse } from './extractor/parse.mjs'
import { relate } from './extractor/relate.mjs'

export { DocumentContentError } from './extractor/decode.mjs'

/** Bump when the metadata changes shape or meaning: it is part of every cache key. */
export const version = '1'

const definition = { name: 'docs-metadata', version, parse, element, document, relate }

// defineExtractor validates and freezes; a plain frozen object has the same shape.
export const extractor =
  typeof engine.defineExtractor === 'function'
    ? engine.defineExtractor(definition)
    : Object.freeze(definition)

export default extractor
