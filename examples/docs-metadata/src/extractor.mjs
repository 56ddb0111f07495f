// The docs-metadata extractor, map → reduce (see @mx/engine's defineExtractor): parse() splits
// a Markdown, HTML or text document into elements with stable ids; element() extracts one
// element (pure: worker threads, cached by element hash); document() reduces; relate() is the
// corpus pass. The engine loads this module by URL in each worker thread.
import { isMainThread } from 'node:worker_threads'
import { document } from './extractor/document.mjs'
import { element } from './extractor/element.mjs'
import { parse } from './extractor/parse.mjs'
import { relate } from './extractor/relate.mjs'

export { DocumentContentError } from './extractor/decode.mjs'

/** Bump when the metadata changes shape or meaning: it is part of every cache key. */
export const version = '3'

const definition = { name: 'docs-metadata', version, parse, element, document, relate }

// defineExtractor validates and freezes the definition. It is taken on the main thread, where
// @mx/engine is loaded anyway; a worker thread only calls the functions, and importing the whole
// engine (cache, disk tier, pool, ...) into each worker would cost ~200 ms and ~10 MB per thread.
const { defineExtractor } = isMainThread
  ? await import('@mx/engine')
  : { defineExtractor: (/** @type {typeof definition} */ value) => Object.freeze(value) }

export const extractor = defineExtractor(definition)

export default extractor
