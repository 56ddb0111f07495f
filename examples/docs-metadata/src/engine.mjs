// The engine's side of a run, loaded only when a document is read (a run over unchanged files
// never loads @mx/engine): its options for the command line's flags, and what the run writes and
// keeps of each result.
import { resolve } from 'node:path'
import { metadataFields, metadataJson } from '@mx/engine'
import { formatOf } from './extractor/formats.mjs'

export { createEngine, createErrorPatterns } from '@mx/engine'

/** The extractor module the engine loads, in this thread and in each worker thread. */
export const extractorUrl = new URL('./extractor.mjs', import.meta.url)

/** The fallback (plain text, on the main thread) for documents the Markdown or HTML parser fails. */
export const textExtractorUrl = new URL('./extractor-text.mjs', import.meta.url)

/**
 * Which failures of the extractor go to the plain-text fallback: a parser or element failure of
 * a Markdown, HTML or text document. Not the user's own errors, which fall back to nothing: a
 * PDF (text read from PDF bytes is no text), and content errors (`MX_DOCS_*`: binary, invalid
 * UTF-8, an encrypted or broken PDF), which are reported as they are.
 * @param {{ code: string, causeCode?: string }} error
 * @param {{ id: string, path?: string, mediaType?: string }} doc
 */
export function fallbackOn(error, doc) {
  if (formatOf(doc) === 'pdf' || error.causeCode?.startsWith('MX_DOCS_')) return false
  return error.code === 'MX_ENGINE_PARSE' || error.code === 'MX_ENGINE_EXTRACT'
}

/** Engine options for the command line's flags; `logger` is --log-level's (none: no logs). */
export function engineOptions(options, profiler, logger) {
  return {
    // A document the Markdown or HTML parser fails comes back read as plain text, `degraded`.
    extractor: [extractorUrl, textExtractorUrl],
    fallbackOn,
    level: options.level,
    threads: options.threads,
    ...(options.cacheDir && { cacheDir: resolve(options.cacheDir) }),
    ...(options.redis && { redis: options.redis, redisPrefix: options.redisPrefix }),
    // --no-cache: nothing persisted and nothing reused, whatever the level says. Otherwise one
    // run looks each document up once: a disk or Redis hit is not copied into the memory tier
    // (settings build a cache at any level: none at level basic, which has none).
    ...(!options.cache
      ? { cache: false, incremental: false }
      : options.level !== 'basic' && { cache: { promote: false } }),
    ...(profiler && { profiler }),
    // Always given: at level enterprise the engine's own logger would write to stderr.
    logger: logger ?? false,
  }
}

/** Metadata fields the JSON lines leave out: the internals relate() works from. */
const internalFields = ['terms', 'signature']
/** What the report's table and the summary read of a document's metadata. */
const rowFields = ['title', 'format', 'language', 'words', 'links']

/**
 * A result as a JSON line (`json`), as the few fields the tally and the report read (`line`),
 * and, for a success, what the next run writes if the file is unchanged (`kept`). The metadata
 * goes out as the engine's cache stored it, without the internal fields: a result served from
 * the cache is written without decoding its metadata.
 * @param {import('@mx/engine').ExtractResult} result
 */
export function documentLine(result) {
  if (!result.ok) {
    // The engine's code says which stage failed; causeCode is parse()'s own (MX_DOCS_*).
    const { causeCode: reason, ...error } = result.error
    const line = {
      kind: 'document',
      id: result.id,
      ok: false,
      error: { ...error, ...(reason && { reason }) },
      stage: 'extract',
    }
    return { line, json: JSON.stringify(line), kept: undefined }
  }
  const { elements, extracted, reused, source, ranIn } = result.stats
  const stats = { elements, extracted, reused, source, ranIn }
  // Read by the plain-text fallback: { by: 'fallback', from: <the parser's failure>, extractor }.
  const degraded = result.degraded ? `,"degraded":${JSON.stringify(result.degraded)}` : ''
  const head = JSON.stringify({ kind: 'document', id: result.id, ok: true }).slice(0, -1)
  const body = Buffer.concat([
    Buffer.from(`${head},"metadata":`),
    metadataJson(result, { omit: internalFields }),
  ])
  const row = metadataFields(result, rowFields)
  return {
    line: { kind: 'document', id: result.id, ok: true, metadata: row, stats },
    json: Buffer.concat([body, Buffer.from(`,"stats":${JSON.stringify(stats)}${degraded}}`)]),
    kept: { body, elements, degraded, row },
  }
}

/**
 * What the corpus pass reads of a document's metadata (see relate-incremental.mjs), decoded
 * alone for a result served from the cache.
 * @param {import('@mx/engine').ExtractSuccess} result
 * @returns {import('./extractor/relate-incremental.mjs').RelateInput}
 */
export function relateInput(result) {
  const { terms, signature, links, outline, words } = /** @type {any} */ (
    metadataFields(result, ['terms', 'signature', 'links', 'outline', 'words'])
  )
  return { terms, signature, links, outline, words }
}
