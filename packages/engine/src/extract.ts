import type {
  ExtractFailure,
  Extractor,
  ExtractResult,
  ExtractSuccess,
  SourceDocument,
} from './api'
import {
  type CachedDocument,
  cachedDocument,
  elementCount,
  lazyElements,
  metadataFrom,
  readableElements,
} from './cached-document'
import type { EngineContext } from './context'
import { extractInWorkers, runsWhole } from './document-task'
import { cold } from './element-path'
import { ExtractTimeoutError, InputError } from './errors'
import { describeValue } from './kernel'
import { documentKey } from './keys'
import type { DocumentTrace } from './logging/trace'
import { failureInfo } from './resilience/codes'
import type { RetryPolicy } from './resilience/retry'

function checkInput(doc: unknown): InputError | undefined {
  if (typeof doc !== 'object' || doc === null)
    return new InputError('', `a document must be an object, got ${describeValue(doc)}`)
  const { id, content } = doc as Partial<SourceDocument>
  if (typeof id !== 'string' || id === '') {
    return new InputError(
      typeof id === 'string' ? id : '',
      `document id must be a non-empty string, got ${describeValue(id)}`,
    )
  }
  if (typeof content !== 'string' && !(content instanceof Uint8Array)) {
    return new InputError(
      id,
      `document ${id}: content must be a string or a Uint8Array, got ${describeValue(content)}`,
    )
  }
  return undefined
}

function withMeta<T extends ExtractSuccess | ExtractFailure>(result: T, doc: SourceDocument): T {
  if (doc.meta !== undefined) result.meta = doc.meta
  return result
}

/** Records a finished document in the stats, the profiler, the logs and the events, and returns it. */
function finish(
  ctx: EngineContext,
  result: ExtractResult,
  started: number,
  trace: DocumentTrace,
  doc?: unknown,
): ExtractResult {
  const ms = ctx.clock.now() - started
  const { stats } = ctx
  result.correlationId = trace.correlationId
  trace.end(result, ms)
  ctx.logs.done(doc)
  stats.stages.total.add(ms)
  ctx.recordDuration?.(ms)
  if (result.ok) {
    stats.ok++
    if (ctx.counters) {
      ctx.counters.ok.inc()
      if (result.stats.extracted > 0) ctx.counters.extracted.inc(result.stats.extracted)
      if (result.stats.reused > 0) ctx.counters.reused.inc(result.stats.reused)
    }
    result.stats.durationMs = ms
    stats.elements += result.stats.elements
    stats.extracted += result.stats.extracted
    stats.reused += result.stats.reused
    stats.ranIn[result.stats.ranIn]++
  } else {
    stats.failed++
    ctx.counters?.failed.inc()
    stats.errors[result.error.code] = (stats.errors[result.error.code] ?? 0) + 1
    stats.patterns.add(result.id, result.error)
    ctx.emit('error', result)
  }
  ctx.emit('document', result)
  return result
}

function failure(doc: SourceDocument, error: unknown): ExtractFailure {
  return withMeta({ ok: false, id: doc.id, error: failureInfo(error) }, doc)
}

/**
 * Extracts one document. Never throws for a document failure (input, parse, extract, timeout,
 * crash): those come back as `ok: false` results with a stable code.
 */
export async function extractDocument(
  ctx: EngineContext,
  doc: SourceDocument,
  signal?: AbortSignal,
  correlationId?: string,
  retry?: RetryPolicy,
): Promise<ExtractResult> {
  const started = ctx.clock.now()
  const trace = ctx.logs.begin(doc, correlationId)
  const invalid = checkInput(doc)
  if (invalid) {
    const id = invalid.docId
    const meta = (doc as { meta?: Record<string, unknown> } | null)?.meta
    const result: ExtractFailure = {
      ok: false,
      id,
      error: { code: invalid.code, message: invalid.message },
    }
    if (meta !== undefined) result.meta = meta
    return finish(ctx, result, started, trace, doc)
  }
  if (!ctx.extractor) await ctx.load()
  const { cache } = ctx.slots
  let key: string | undefined
  if (cache) {
    try {
      key = documentKey(doc, ctx.extractorKey)
    } catch (error) {
      // A `meta` that is not JSON data (a BigInt, a cycle) has no cache key: the document is
      // extracted as without a cache, never thrown (its outcome is always a result).
      ctx.stats.degraded++
      trace.degraded('cache', error, { operation: 'key' })
    }
  }
  if (cache && key !== undefined) {
    let hit: CachedDocument | null | undefined
    try {
      hit = cachedDocument(cache.getSync?.(key) ?? (await cache.get(key)))
    } catch (error) {
      ctx.stats.degraded++
      trace.degraded('cache', error, { operation: 'get' })
    }
    ctx.stats.stages.cache.add(ctx.clock.now() - started)
    if (trace.debug) trace.stage('cache', ctx.clock.now() - started, { hit: Boolean(hit) })
    if (hit === null || (hit && !readableElements(hit))) {
      ctx.stats.degraded++
      trace.degraded('cache', 'a cached document does not decode here', {
        operation: 'get',
      })
      hit = undefined
    }
    if (hit) {
      ctx.stats.documentHits++
      ctx.counters?.documentHits.inc()
      const n = elementCount(hit)
      const stats = {
        elements: n,
        extracted: 0,
        reused: n,
        source: 'document-cache',
        ranIn: 'none',
        durationMs: 0,
      } as const
      const result: ExtractSuccess = {
        ok: true,
        id: doc.id,
        metadata: undefined,
        elements: Array.isArray(hit.elements) ? hit.elements : [],
        stats: { ...stats },
      }
      metadataFrom(result, hit)
      if (!Array.isArray(hit.elements)) lazyElements(result, hit.elements)
      return finish(ctx, withMeta(result, doc), started, trace, doc)
    }
    ctx.stats.documentMisses++
    ctx.counters?.documentMisses.inc()
  }
  try {
    // Breakers, retries and the fallback chain around each attempt (see resilience/chain.ts).
    const outcome = await ctx.resilience.run(
      doc,
      key,
      signal,
      retry ?? ctx.resilience.retry,
      (link, linkExtractor, _doc, linkKey, linkSignal) =>
        attempt(link, linkExtractor, doc, linkKey, linkSignal, trace.attributes),
    )
    if (!outcome.ok) {
      const result = failure(doc, outcome.error)
      if (outcome.attempts > 1) result.attempts = outcome.attempts
      return finish(ctx, result, started, trace, doc)
    }
    if (outcome.attempts > 1) outcome.result.stats.attempts = outcome.attempts
    return finish(ctx, withMeta(outcome.result, doc), started, trace, doc)
  } catch (error) {
    // An aborted extractMany run ends the document without a result (the run throws MX_ENGINE_ABORTED).
    if (signal?.aborted) {
      ctx.logs.done(doc)
      throw error
    }
    return finish(ctx, failure(doc, error), started, trace, doc)
  }
}

/**
 * One attempt of one extractor of the chain under the document's `timeout`: whole in the worker
 * threads or through the element path. Throws the document's error.
 */
async function attempt(
  ctx: EngineContext,
  extractor: Extractor,
  doc: SourceDocument,
  key: string | undefined,
  signal: AbortSignal | undefined,
  attributes: Record<string, string>,
): Promise<ExtractSuccess> {
  const controller = new AbortController()
  const onAbort = () => controller.abort(signal?.reason)
  signal?.addEventListener('abort', onAbort, { once: true })
  const run = () =>
    runsWhole(ctx, doc)
      ? extractInWorkers(ctx, doc, key, controller.signal)
      : cold(ctx, extractor, doc, key, controller.signal)
  const { profiler } = ctx.slots
  const work = profiler ? profiler.span('extract', run, attributes) : run()
  try {
    return ctx.timeout === undefined
      ? await work
      : await withTimeout(work, ctx.timeout, doc.id, controller)
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}

function withTimeout<T>(
  work: Promise<T>,
  ms: number,
  docId: string,
  controller: AbortController,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new ExtractTimeoutError(docId, `document ${docId} took longer than ${ms} ms`)
      controller.abort(error) // cancels its queued and running worker chunks
      reject(error)
    }, ms)
  })
  work.catch(() => {}) // the late failure of a timed-out document is not an unhandled rejection
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}
