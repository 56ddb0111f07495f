// One `mx-docs extract` run: list the corpus, stream it through the engine, write one JSON line
// per document as results arrive, then the corpus line (relate), the HTML report and the summary.
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, extname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { folderDocuments, installedDocuments, readCorpus } from '@mx/corpus'
import { createEngine, metadataFields, metadataJson } from '@mx/engine'
import { createProfiler, renderReport } from '@mx/profiler'
import { corpusUpdate } from './corpus-update.mjs'
import { formatOf, mediaTypes } from './extractor/formats.mjs'
import { openLines } from './json-lines.mjs'
import { openLogs } from './logs.mjs'
import { extractDocuments } from './pdf-split.mjs'
import { createDocumentRows } from './report/document-rows.mjs'
import { headline, metadataView } from './report/metadata-view.mjs'
import { loadRunState } from './run-state.mjs'
import { buildSummary, createTally } from './summary.mjs'

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

/** The workspace root: the nearest folder above this file with a pnpm-workspace.yaml. */
export function workspaceRoot() {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'pnpm-workspace.yaml')) && dirname(dir) !== dir) dir = dirname(dir)
  return dir
}

/** Files of a folder that are documents, by extension. */
const documentExtensions = new Map([
  ['.md', 'markdown'],
  ['.markdown', 'markdown'],
  ['.html', 'html'],
  ['.htm', 'html'],
  ['.txt', 'text'],
  ['.pdf', 'pdf'],
])

// A symbolic link is listed too: if it leads nowhere, reading it is that document's error.
const walk = { skip: ['node_modules', '.git', '.mx-cache'], symlinks: true }

/**
 * The documents to extract as `{ id, path }`: a folder's, walked in sorted order, or the
 * installed packages' Markdown documentation (README, CHANGELOG and the like, docs/, doc/),
 * each package once, sorted by id.
 * @param {string} [dir]
 * @returns {Promise<import('@mx/corpus').DocumentEntry[]>}
 */
export async function listCorpus(dir) {
  if (!dir)
    return installedDocuments(workspaceRoot(), {
      ...walk,
      names:
        /^(readme|changelog|history|contributing|migrating|migration|upgrading)(\.[\w-]+)?\.(md|markdown)$/i,
      folders: ['docs', 'doc'],
      extensions: ['.md', '.markdown'],
    })
  return folderDocuments(resolve(dir), {
    ...walk,
    extensions: [...documentExtensions.keys()],
    order: 'found',
  })
}

/**
 * Reads the listed documents lazily as SourceDocuments: raw bytes (the extractor decides whether
 * they are text), the media type by extension, `encoding` (`--encoding`) as its `charset`.
 * Unreadable and too-large files go to `onError` and are skipped.
 * @param {{ id: string, path: string }[]} listing
 * @param {Omit<import('@mx/corpus').ReadOptions, 'mediaType' | 'text'>} options
 */
export function readDocuments(listing, options) {
  const mediaType = (path) =>
    mediaTypes[documentExtensions.get(extname(path).toLowerCase()) ?? 'markdown']
  return readCorpus(listing, { ...options, mediaType })
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

/**
 * Runs one extraction. `hooks.onStart({ total })` once the corpus is listed,
 * `hooks.onResult(line)` after each document (`line`: its JSON line, with only the metadata
 * fields the report shows). Resolves the summary (see summary.mjs).
 * @param {import('./cli/args.mjs').RunOptions} options
 */
export async function runExtraction(options, hooks = {}) {
  const started = performance.now()
  const listing = await listCorpus(options.dir)
  hooks.onStart?.({ total: listing.length })
  // The last run's listing, fingerprints and corpus index (none with --no-cache).
  const state = loadRunState(
    options.cacheDir && resolve(options.cacheDir),
    options.dir ? resolve(options.dir) : `installed:${workspaceRoot()}`,
  )
  // The report's profiler; level basic means no slots at all, so the engine does not get it.
  const profiler = createProfiler({ collectRuntime: true, intervalMs: 250 })
  const logs = await openLogs(options)
  const engine = createEngine(
    engineOptions(options, options.level === 'basic' ? undefined : profiler, logs.logger),
  )
  const out = await openLines(options.out)
  const tally = createTally()
  // The report's table: a few fields per document, not the results.
  const documents = createDocumentRows()
  const corpus = corpusUpdate(state)
  const readFailures = []
  const flushReadFailures = async () => {
    while (readFailures.length > 0) {
      const failure = readFailures.shift()
      const line = {
        kind: 'document',
        id: failure.id,
        ok: false,
        error: { code: failure.error.code, message: failure.error.message },
        stage: 'read',
      }
      tally.add(line)
      documents.add(line)
      // Never reached the engine: its only log line is this one.
      logs.logger?.error(
        { docId: failure.id, stage: 'read', outcome: 'failed', code: failure.error.code },
        'document failed',
      )
      await out.write(line)
      hooks.onResult?.(line)
    }
  }
  try {
    const source = readDocuments(listing, {
      maxBytes: options.maxBytes,
      encoding: options.encoding,
      onError: (failure) => readFailures.push(failure),
    })
    for await (const result of extractDocuments(engine, corpus.fingerprinted(source))) {
      await flushReadFailures()
      const { line, json } = documentLine(result)
      tally.add(line)
      documents.add(line)
      corpus.add(result)
      await out.writeJson(json)
      hooks.onResult?.(line)
    }
    await flushReadFailures()
    const finished = corpus.finish(listing)
    // The relations' JSON goes out as it is (an unchanged corpus's are not encoded again): an
    // object with its four keys, after the line's own two.
    await out.writeJson(
      `{"kind":"corpus","documents":${corpus.size},${finished.relations.slice(1)}`,
    )
    const relations = JSON.parse(finished.relations)
    const { removed } = finished
    const seconds = (performance.now() - started) / 1000
    const summary = buildSummary({
      options,
      tally,
      removed,
      relations,
      report: engine.report(),
      seconds,
    })
    logs.logger?.info(
      {
        stage: 'run',
        outcome: 'ok',
        durationMs: Math.round(seconds * 1000),
        documents: summary.documents,
        patterns: summary.failures.patterns.slice(0, 5),
      },
      'run done',
    )
    await writeHtmlReport(options.report, profiler, summary, { documents, relations })
    return summary
  } finally {
    await out.close()
    await engine.close()
    await logs.close()
    profiler.close()
  }
}

/** Metadata fields the JSON lines leave out: the internals relate() works from. */
const internalFields = ['terms', 'signature']
/** What the report's table and the summary read of a document's metadata. */
const rowFields = ['title', 'format', 'language', 'words', 'links']

/**
 * A result as a JSON line (`json`), and as the few fields the tally and the report read (`line`).
 * The metadata goes out as the engine's cache stored it, without the internal fields: a result
 * served from the cache is written without decoding its metadata.
 * @param {import('@mx/engine').ExtractResult} result
 */
function documentLine(result) {
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
    return { line, json: JSON.stringify(line) }
  }
  const { elements, extracted, reused, source, ranIn } = result.stats
  const stats = { elements, extracted, reused, source, ranIn }
  // Read by the plain-text fallback: { by: 'fallback', from: <the parser's failure>, extractor }.
  const degraded = result.degraded ? `,"degraded":${JSON.stringify(result.degraded)}` : ''
  const head = JSON.stringify({ kind: 'document', id: result.id, ok: true }).slice(0, -1)
  const json = Buffer.concat([
    Buffer.from(`${head},"metadata":`),
    metadataJson(result, { omit: internalFields }),
    Buffer.from(`,"stats":${JSON.stringify(stats)}${degraded}}`),
  ])
  return {
    line: {
      kind: 'document',
      id: result.id,
      ok: true,
      metadata: metadataFields(result, rowFields),
      stats,
    },
    json,
  }
}

/**
 * report.html: the documents (a table to filter), near-duplicates and links first, then the
 * profiler's performance sections under the document hit rate.
 * @param {string} path
 * @param {ReturnType<typeof createProfiler>} profiler
 * @param {ReturnType<typeof buildSummary>} summary
 * @param {{ documents: ReturnType<typeof createDocumentRows>,
 *   relations: import('./report/metadata-view.mjs').Relations }} report
 */
async function writeHtmlReport(path, profiler, summary, { documents, relations }) {
  const title = `mx-docs: ${summary.documents.total} documents, ${summary.documents.fromCache} from cache, ${summary.elements.extracted} elements extracted`
  const { rows, externalLinks } = documents
  const intro = metadataView({ rows, externalLinks, relations, summary })
  await mkdir(dirname(resolve(path)), { recursive: true })
  await writeFile(
    path,
    renderReport(profiler.snapshot(), { title, intro, headline: headline(summary) }),
  )
}
