// The docs-metadata extractor's steps, loaded by extractor.mjs on first use.
export { document } from './document.mjs'
export { element } from './element.mjs'
export { parse } from './parse.mjs'
export { relate } from './relate.mjs'
