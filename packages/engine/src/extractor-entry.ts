/**
 * `@mx/engine/extractor`: what an extractor module needs, and none of the engine. Importing it
 * loads no leaf package (no cache, LMDB, pool or profiler), so a worker thread that loads an
 * extractor module pays for the extractor alone.
 */
export type {
  DocumentContext,
  ElementContext,
  Extractor,
  ExtractorElement,
  MaybePromise,
  SourceDocument,
} from './api'
export { InvalidOptionError, MxError } from './errors'
export { defineExtractor } from './extractor'
