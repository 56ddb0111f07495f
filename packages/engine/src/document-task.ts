/**
 * The main thread's side of a whole document in the worker threads: build the task, send it,
 * turn the reply into a result. The main thread runs no extractor code on this path.
 */
import type { ExtractorElement, ExtractSuccess, SourceDocument } from './api'
import { decodeElements, lazyElements, metadataFrom, unpackDocument } from './cached-document'
import type { EngineContext } from './context'
import { runInWorkers, workerFailure } from './elements'
import { ExtractError, ParseError } from './errors'
import { type DocumentTrace, traceOf } from './logging/trace'
import type { WorkerDocument, WorkerDocumentReply, WorkerFlush, WorkerReduce } from './types'

type Done = Extract<WorkerDocumentReply, { kind: 'done' }>
type Split = Extract<WorkerDocumentReply, { kind: 'split' }>

/**
 * Whether `doc` goes to the worker threads whole: the workers slot takes documents, the
 * extractor is a module, and no incremental slot needs the elements here. Without a store the
 * workers cannot read element results, so a document this engine extracted before (an edit)
 * goes through the element path, where the element cache spares its unchanged elements.
 */
export function runsWhole(ctx: EngineContext, doc: SourceDocument): boolean {
  const { workers, incremental } = ctx.slots
  if (!workers?.runDocument || ctx.href === undefined || incremental) return false
  return !ctx.seenIds?.has(doc.id)
}

/** Most elements one thread extracts for a document; above it they are spread over the threads. */
function maxElements(ctx: EngineContext): number {
  const threads = ctx.slots.workers?.threads ?? 1
  return threads > 1 ? ctx.chunkSize * 2 : Number.POSITIVE_INFINITY
}

function checkReply(docId: string, value: unknown): WorkerDocumentReply {
  const kind = (value as { kind?: unknown } | null)?.kind
  if (kind === 'done' || kind === 'split' || kind === 'failed' || kind === 'flushed')
    return value as WorkerDocumentReply
  throw new ExtractError(
    docId,
    `the workers slot answered ${typeof value} instead of a document reply`,
  )
}

async function send(
  ctx: EngineContext,
  task: WorkerDocument | WorkerReduce,
  docId: string,
  signal: AbortSignal,
  trace?: DocumentTrace,
): Promise<WorkerDocumentReply> {
  const workers = ctx.slots.workers
  if (!workers?.runDocument) throw new Error('the workers slot takes no documents')
  const options = ctx.timeout === undefined ? { signal } : { signal, timeout: ctx.timeout }
  const started = ctx.clock.now()
  let value: unknown
  try {
    value = await workers.runDocument(task, options)
  } catch (error) {
    const failure = workerFailure(docId, error)
    const code = (failure as { code?: unknown }).code
    trace?.stage('worker', ctx.clock.now() - started, { task: task.kind, outcome: 'failed', code })
    throw failure
  }
  const reply = checkReply(docId, value)
  if (trace && reply.kind !== 'flushed') {
    trace.records(reply.logs)
    const failed = reply.kind === 'failed' ? { outcome: 'failed', code: reply.code } : {}
    trace.stage('worker', ctx.clock.now() - started, { task: task.kind, ...failed })
  }
  if (reply.kind === 'done' && reply.stored) ctx.storeWrites = true
  if (reply.kind !== 'failed') return reply
  const cause = reply.causeCode === undefined ? undefined : { cause: { code: reply.causeCode } }
  throw reply.code === 'MX_ENGINE_PARSE'
    ? new ParseError(docId, reply.message, cause)
    : new ExtractError(docId, reply.message, cause)
}

/**
 * A document whose pending elements are too many for one thread: they go out in chunks (as the
 * element path sends them), then one worker runs the reduce and writes the cache entries.
 */
async function spread(
  ctx: EngineContext,
  doc: SourceDocument,
  split: Split,
  task: WorkerDocument,
  signal: AbortSignal,
): Promise<Done> {
  const started = ctx.clock.now()
  const metas = new Array<unknown>(split.elements.length)
  for (const [index, meta] of split.found) metas[index] = meta
  const pending: number[] = []
  for (let i = 0; i < metas.length; i++) if (metas[i] === undefined) pending.push(i)
  const results = await runInWorkers(
    ctx,
    doc,
    pending.map((i) => split.elements[i] as ExtractorElement),
    signal,
  )
  pending.forEach((index, j) => {
    metas[index] = results[j]
  })
  const { content: _content, ...rest } = doc
  const reduce: WorkerReduce = {
    kind: 'reduce',
    module: task.module,
    extractorKey: task.extractorKey,
    doc: rest,
    elements: split.elements,
    metas,
    fresh: pending,
    ...(split.keys ? { keys: split.keys } : {}),
    ...(task.store && task.docKey !== undefined ? { store: task.store, docKey: task.docKey } : {}),
    ...(task.log ? { log: true } : {}),
  }
  const reply = await send(ctx, reduce, doc.id, signal, traceOf(doc))
  if (reply.kind !== 'done') throw new ExtractError(doc.id, 'the reduce did not complete')
  return {
    ...reply,
    extracted: pending.length,
    ...(split.keys && !reply.stored ? { keys: split.keys } : {}),
    degraded: reply.degraded + split.degraded,
    timings: {
      parse: split.timings.parse,
      elements: split.timings.elements + (ctx.clock.now() - started) - reply.timings.document,
      document: reply.timings.document,
    },
  }
}

/**
 * Extracts a document in the worker threads. With the engine's disk tier as the workers' store,
 * the worker reads element results and writes the entries itself; with another cache the reply
 * carries the element keys and the entries are written here in one `setMany`.
 */
export async function extractInWorkers(
  ctx: EngineContext,
  doc: SourceDocument,
  key: string | undefined,
  signal: AbortSignal,
): Promise<ExtractSuccess> {
  const { cache } = ctx.slots
  const store = key === undefined ? undefined : ctx.workerStore
  const trace = traceOf(doc)
  const task: WorkerDocument = {
    kind: 'document',
    module: ctx.href as string,
    extractorKey: ctx.extractorKey,
    doc,
    keys: cache !== undefined && store === undefined,
    maxElements: maxElements(ctx),
    ...(store && key !== undefined ? { store, docKey: key } : {}),
    ...(trace?.debug ? { log: true } : {}),
  }
  const first = await send(ctx, task, doc.id, signal, trace)
  const reply = first.kind === 'split' ? await spread(ctx, doc, first, task, signal) : first
  if (reply.kind !== 'done')
    throw new ExtractError(doc.id, 'the worker did not complete the document')

  const { stats } = ctx
  stats.degraded += reply.degraded
  if (reply.degraded > 0)
    trace?.degraded('cache', 'store reads or writes failed in a worker thread', {
      operation: 'store',
      count: reply.degraded,
    })
  stats.stages.parse.add(reply.timings.parse)
  stats.stages.elements.add(reply.timings.elements)
  stats.stages.document.add(reply.timings.document)
  // Written by this very process a moment ago: it decodes (a worker thread shares our V8).
  const entry = unpackDocument(reply.entry)
  if (!entry)
    throw new ExtractError(doc.id, 'the worker replied with an entry that does not decode')
  if (cache && key !== undefined && !reply.stored) {
    const entries: Array<{ key: string; value: unknown }> = []
    if (reply.keys) {
      const metas = decodeElements(entry.elements)
      reply.keys.forEach((elementKey, i) => {
        entries.push({ key: elementKey, value: metas[i] })
      })
    }
    entries.push({ key, value: reply.entry })
    try {
      await cache.setMany(entries)
    } catch (error) {
      stats.degraded++
      trace?.degraded('cache', error, { operation: 'setMany' })
    }
  }
  ctx.seenIds?.add(doc.id)
  const n = reply.count
  const result: ExtractSuccess = {
    ok: true,
    id: doc.id,
    metadata: undefined,
    elements: [],
    stats: {
      elements: n,
      extracted: reply.extracted,
      reused: n - reply.extracted,
      source: 'elements',
      ranIn: 'workers',
      durationMs: 0,
    },
  }
  return lazyElements(metadataFrom(result, entry), entry.elements)
}

/**
 * Before the engine closes: one `WorkerFlush` per thread (idle threads take one each), so every
 * store write the threads still have in flight is committed, and its failures counted.
 */
export async function flushWorkers(ctx: EngineContext): Promise<void> {
  const workers = ctx.slots.workers
  if (!ctx.storeWrites || !workers?.runDocument || ctx.href === undefined) return
  ctx.storeWrites = false
  const task: WorkerFlush = { kind: 'flush', module: ctx.href }
  const replies = await Promise.all(
    Array.from({ length: workers.threads ?? 1 }, () =>
      workers.runDocument?.(task).catch(() => undefined),
    ),
  )
  for (const reply of replies) {
    const degraded = (reply as { kind?: unknown; degraded?: unknown } | undefined)?.degraded
    if (typeof degraded === 'number') ctx.stats.degraded += degraded
  }
}
