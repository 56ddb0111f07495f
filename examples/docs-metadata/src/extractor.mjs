// The docs-metadata extractor, map → reduce (see @mx/engine's defineExtractor): parse() splits
// a Markdown, HTML, text or PDF document into elements with stable ids; element() extracts one
// element (pure: worker threads, cached by element hash); document() reduces; relate() is the
// corpus pass. The engine loads this module by URL in each worker thread.
import { defineExtractor } from '@mx/engine/extractor'
import { document } from './extractor/document.mjs'
import { element } from './extractor/element.mjs'
import { parse } from './extractor/parse.mjs'
import { relate } from './extractor/relate.mjs'
import { version } from './extractor/version.mjs'

export { DocumentContentError } from './extractor/decode.mjs'
export { version }

const definition = { name: 'docs-metadata', version, parse, element, document, relate }

// defineExtractor validates and freezes the definition. `@mx/engine/extractor` is the engine's
// light entry: a worker thread that loads this module loads no cache, pool or disk tier.
export const extractor = defineExtractor(definition)

export default extractor
