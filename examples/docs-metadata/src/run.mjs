// One `mx-docs extract` run: list the corpus, write the lines of the files unchanged since the
// last run as they are, stream the others through the engine and write one JSON line per document
// as results arrive, then the corpus line (relate), the HTML report and the summary.
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { createProfiler, renderReport } from '@mx/profiler'
import { listCorpus, readDocuments, workspaceRoot } from './corpus.mjs'
import { corpusUpdate } from './corpus-update.mjs'
import { openLines } from './json-lines.mjs'
import { openLogs } from './logs.mjs'
import { extractDocuments } from './pdf-split.mjs'
import { createDocumentRows } from './report/document-rows.mjs'
import { headline, metadataView } from './report/metadata-view.mjs'
import { loadRunState } from './run-state.mjs'
import { buildSummary, createTally, documentCount } from './summary.mjs'
import { createLineKeeper, splitUnchanged, unchangedLine } from './unchanged.mjs'

/**
 * Runs one extraction. `hooks.onStart({ total })` once the corpus is listed,
 * `hooks.onResult(line)` after each document (`line`: its JSON line, with only the metadata
 * fields the report shows). Resolves the summary (see summary.mjs).
 * @param {import('./cli/args.mjs').RunOptions} options
 */
export async function runExtraction(options, hooks = {}) {
  const started = performance.now()
  const startedAt = Date.now()
  const listing = await listCorpus(options.dir)
  hooks.onStart?.({ total: listing.length })
  // The last run's listing, fingerprints, corpus index and lines (none with --no-cache).
  const state = loadRunState(
    options.cacheDir && resolve(options.cacheDir),
    options.dir ? resolve(options.dir) : `installed:${workspaceRoot()}`,
    options.encoding,
  )
  // Level basic has no cache: nothing is kept from one run for the next but the corpus pass's.
  if (options.level === 'basic') state.lines.clear()
  const listed = new Set(listing.map((entry) => entry.id))
  const { unchanged, changed } = unchangedFiles(listing, listed, state, options)
  // The report's profiler; level basic means no slots at all, so the engine does not get it.
  const profiler = createProfiler({ collectRuntime: true, intervalMs: 250 })
  // The report's timeline spans the run: a point now, one every 250 ms, one at the end, so that
  // a run shorter than the interval still has the two points a chart needs.
  profiler.tick()
  const logs = await openLogs(options)
  // Loaded and made for the documents to read: a run whose files are all unchanged needs none.
  const side = changed.length > 0 ? await import('./engine.mjs') : undefined
  /** @type {import('@mx/engine').Engine | undefined} */
  let engine
  const out = await openLines(options.out)
  const tally = createTally(side?.createErrorPatterns())
  // The report's table: a few fields per document, not the results.
  const documents = createDocumentRows()
  const corpus = corpusUpdate(state)
  const keeper = createLineKeeper(state, startedAt)
  /** @param {{ line: any, json: string | Buffer }} written */
  const write = async ({ line, json }) => {
    tally.add(line)
    documents.add(line)
    await out.writeJson(json)
    hooks.onResult?.(line)
  }
  const readFailures = []
  const flushReadFailures = async () => {
    while (readFailures.length > 0) {
      const failure = readFailures.shift()
      const line = readFailureLine(failure)
      keeper.drop(failure.id)
      // Never reached the engine: its only log line is this one.
      logs.logger?.error(
        { docId: failure.id, stage: 'read', outcome: 'failed', code: failure.error.code },
        'document failed',
      )
      await write({ line, json: JSON.stringify(line) })
    }
  }
  try {
    for (const { id, kept } of unchanged) {
      corpus.unchanged(id)
      await write(unchangedLine(id, kept))
    }
    if (side) {
      engine = side.createEngine(
        side.engineOptions(options, options.level === 'basic' ? undefined : profiler, logs.logger),
      )
      const source = readDocuments(changed, {
        maxBytes: options.maxBytes,
        encoding: options.encoding,
        stat: true,
        onError: (failure) => readFailures.push(failure),
      })
      for await (const result of extractDocuments(engine, noted(source, corpus, keeper))) {
        await flushReadFailures()
        const { line, json, kept } = side.documentLine(result)
        if (kept && options.level !== 'basic') keeper.keep(result.id, kept)
        else keeper.drop(result.id)
        if (result.ok) corpus.extracted(result.id, () => side.relateInput(result))
        else corpus.failed(result.id)
        await write({ line, json })
      }
    }
    await flushReadFailures()
    keeper.forgetUnlisted(listed)
    // Lines kept this run (files too new to keep when last read) are worth the state's write.
    const finished = corpus.finish(listing, { linesKept: keeper.kept() > 0 })
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
      report: engine?.report(),
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
    await engine?.close()
    await logs.close()
    profiler.close()
  }
}

/**
 * The JSON line of a document that could not be read (MX_DOCS_UNREADABLE, MX_DOCS_TOO_LARGE).
 * @param {{ id: string, error: { code: string, message: string } }} failure
 */
function readFailureLine({ id, error }) {
  const { code, message } = error
  return { kind: 'document', id, ok: false, error: { code, message }, stage: 'read' }
}

/**
 * The listing split into unchanged files (written from the state) and the ones to read. When the
 * corpus index will be needed (something to read, or a document gone), it is decoded first: an
 * index that does not decode is rebuilt from every document, so then none is unchanged.
 * @param {{ id: string, path: string }[]} listing
 * @param {Set<string>} listed the listing's ids
 * @param {ReturnType<typeof loadRunState>} state
 * @param {{ maxBytes: number }} options
 */
function unchangedFiles(listing, listed, state, options) {
  const split = splitUnchanged(listing, state, options)
  if (split.unchanged.length === 0) return split
  const gone = [...state.fingerprints.keys()].some((id) => !listed.has(id))
  if (split.changed.length === 0 && !gone) return split
  state.index()
  return state.lines.size > 0 ? split : { unchanged: [], changed: listing }
}

/**
 * The documents as read, on their way to the engine: each one's fingerprint goes to the corpus
 * pass, its stat to the kept lines (the engine gets the document without it).
 * @param {AsyncIterable<import('@mx/engine').SourceDocument & { stat?: any }>} source
 * @param {ReturnType<typeof corpusUpdate>} corpus
 * @param {ReturnType<typeof createLineKeeper>} keeper
 */
async function* noted(source, corpus, keeper) {
  for await (const { stat, ...doc } of source) {
    keeper.read({ ...doc, stat })
    corpus.read(doc)
    yield doc
  }
}

/**
 * report.html: the documents (a table to filter), near-duplicates and links first, then the
 * profiler's performance sections under the document hit rate.
 * @param {string} path
 * @param {import('@mx/profiler').Profiler} profiler
 * @param {ReturnType<typeof buildSummary>} summary
 * @param {{ documents: ReturnType<typeof createDocumentRows>,
 *   relations: import('./report/metadata-view.mjs').Relations }} report
 */
async function writeHtmlReport(path, profiler, summary, { documents, relations }) {
  const title = `mx-docs: ${documentCount(summary.documents.total)}, ${summary.documents.fromCache} from cache, ${summary.elements.extracted} elements extracted`
  const { rows, externalLinks } = documents
  const intro = metadataView({ rows, externalLinks, relations, summary })
  await mkdir(dirname(resolve(path)), { recursive: true })
  profiler.tick()
  await writeFile(
    path,
    renderReport(profiler.snapshot(), { title, intro, headline: headline(summary) }),
  )
}
