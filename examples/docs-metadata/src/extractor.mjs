// The docs-metadata extractor, map → reduce (see @mx/engine's defineExtractor): parse() splits
// a Markdown, HTML, text or PDF document into elements with stable ids; element() extracts one
// element (pure: worker threads, cached by element hash); document() reduces; relate() is the
// corpus pass. The engine loads this module by URL in each worker thread.
//
// The steps themselves (steps.mjs: the parsers, language detection, the reduce) are loaded on
// first use: the engine loads this module for the extractor's name and version (its cache keys),
// and a run served from the cache never needs more. Once loaded, each step answers directly.
import { defineExtractor } from '@mx/engine/extractor'
import { version } from './extractor/version.mjs'

export { DocumentContentError } from './extractor/decode.mjs'
export { version }

/** @type {Record<string, (...args: any[]) => any> | undefined} */
let steps
/** @type {Promise<Record<string, (...args: any[]) => any>> | undefined} */
let loading

/**
 * The step `name` of steps.mjs: called at once when the steps are loaded, after loading them
 * otherwise (the engine awaits what a step returns).
 * @param {'parse' | 'element' | 'document' | 'relate'} name
 * @returns {(...args: any[]) => any}
 */
function step(name) {
  return (...args) => {
    if (steps) return steps[name](...args)
    loading ??= import('./extractor/steps.mjs').then((module) => {
      steps = /** @type {Record<string, (...args: any[]) => any>} */ ({ ...module })
      return steps
    })
    return loading.then((loaded) => loaded[name](...args))
  }
}

const definition = {
  name: 'docs-metadata',
  version,
  parse: step('parse'),
  element: step('element'),
  document: step('document'),
  relate: step('relate'),
}

// defineExtractor validates and freezes the definition. `@mx/engine/extractor` is the engine's
// light entry: a worker thread that loads this module loads no cache, pool or disk tier.
export const extractor = defineExtractor(definition)

export default extractor
