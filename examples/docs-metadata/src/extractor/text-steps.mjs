// The plain-text fallback's steps, loaded by extractor-text.mjs on first use.
export { document } from './document.mjs'
export { element } from './element.mjs'
export { parseText } from './text.mjs'
