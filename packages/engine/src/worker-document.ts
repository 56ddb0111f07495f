/**
 * The worker-thread side of a whole document (`WorkerDocument`) and of the reduce of a split one
 * (`WorkerReduce`): everything from the raw content to the cache entries happens here, so the
 * main thread only looks documents up, dispatches and hands results on.
 */
import { serialize } from 'node:v8'
import type { TaskContext } from '@mx/workers'
import type { Extractor, ExtractorElement } from './api'
import { packDocument } from './cached-document'
import { DocumentError, ExtractError, messageOf } from './errors'
import { checkElements } from './extractor'
import { elementKeys } from './keys'
import { record, type WorkerRecords } from './logging/worker-records'
import type { WorkerDocument, WorkerDocumentReply, WorkerReduce, WorkerTimings } from './types'
import { openStore, previousResults, save, unreported } from './worker-store'

type Done = Extract<WorkerDocumentReply, { kind: 'done' }>

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

type Failed = Extract<WorkerDocumentReply, { kind: 'failed' }>

/** A failure reply with the records so far and the failing stage's. */
function failedIn(
  error: unknown,
  logs: WorkerRecords,
  stage: string,
  started: number,
): WorkerDocumentReply {
  const reply = failed(error) as Failed
  if (logs) {
    record(logs, stage, performance.now() - started, { code: reply.code })
    reply.logs = logs
  }
  return reply
}

/** A document failure as data: the main thread turns it into the engine's error. */
function failed(error: unknown): WorkerDocumentReply {
  if (error instanceof DocumentError && error.code === 'MX_ENGINE_PARSE') {
    return withCause({ kind: 'failed', code: 'MX_ENGINE_PARSE', message: error.message }, error)
  }
  const message = error instanceof ExtractError ? error.message : messageOf(error)
  return withCause({ kind: 'failed', code: 'MX_ENGINE_EXTRACT', message }, error)
}

function withCause(
  reply: Extract<WorkerDocumentReply, { kind: 'failed' }>,
  error: unknown,
): WorkerDocumentReply {
  const cause = (error instanceof DocumentError ? error.cause : error) as { code?: unknown } | null
  if (typeof cause?.code === 'string' && cause.code !== reply.code) reply.causeCode = cause.code
  return reply
}

/**
 * The entry as the reply carries it: moved to the main thread, not copied by the structured clone
 * (which took a worker thread about half a second per cold run of the docs-metadata corpus). A
 * stored entry may still be on its way into the disk tier, or held by reference in a memory
 * tier, so the reply moves a copy of its own (a memcpy, a fraction of the clone's cost).
 */
export function sendEntry(entry: Uint8Array, stored: boolean, ctx: TaskContext): Uint8Array {
  let sent = entry
  if (stored) {
    sent = new Uint8Array(entry.byteLength)
    sent.set(entry)
  }
  ctx.transfer(sent)
  return sent
}

/** Runs `element()` over `elements` in order; the first that throws fails the document. */
export async function extractElements(
  extractor: Extractor,
  docId: string,
  elements: readonly ExtractorElement[],
): Promise<unknown[]> {
  const ctx = { docId, extractor: { name: extractor.name, version: extractor.version } }
  const results = new Array<unknown>(elements.length)
  for (let i = 0; i < elements.length; i++) {
    const element = elements[i] as ExtractorElement
    try {
      let result: unknown = extractor.element(element, ctx)
      if (isThenable(result)) result = await result
      results[i] = result
    } catch (error) {
      throw new ExtractError(docId, `element ${element.id} threw: ${messageOf(error)}`, {
        cause: error,
      })
    }
  }
  return results
}

async function reduce(
  extractor: Extractor,
  doc: WorkerReduce['doc'],
  elements: ExtractorElement[],
  metas: unknown[],
): Promise<unknown> {
  try {
    return await extractor.document(elements, metas, { doc, docId: doc.id })
  } catch (error) {
    throw new ExtractError(doc.id, `document threw: ${messageOf(error)}`, { cause: error })
  }
}

/** One whole document, from its raw content to the cache entries. */
export async function runDocument(
  extractor: Extractor,
  task: WorkerDocument,
): Promise<WorkerDocumentReply> {
  const { doc } = task
  const timings: WorkerTimings = { parse: 0, elements: 0, document: 0 }
  const logs: WorkerRecords = task.log ? [] : undefined
  let stage = 'parse'
  let started = performance.now()
  try {
    let parsed: unknown
    try {
      parsed = await extractor.parse(doc)
    } catch (error) {
      const reply = withCause(
        { kind: 'failed', code: 'MX_ENGINE_PARSE', message: `parse threw: ${messageOf(error)}` },
        error,
      ) as Failed
      record(logs, 'parse', performance.now() - started, { code: reply.code })
      if (logs) reply.logs = logs
      return reply
    }
    const elements = checkElements(doc.id, parsed)
    const store = task.store ? await openStore(task.store) : undefined
    const keys = task.keys || store ? elementKeys(doc.id, elements, task.extractorKey) : undefined
    timings.parse = performance.now() - started
    record(logs, 'parse', timings.parse, { elements: elements.length })

    stage = 'elements'
    started = performance.now()
    const found = store && keys ? await previousResults(store, task, keys) : []
    const pending: number[] = []
    for (let i = 0; i < elements.length; i++) if (found[i] === undefined) pending.push(i)
    if (pending.length > task.maxElements) {
      timings.elements = performance.now() - started
      const hits: Array<[number, unknown]> = []
      for (let i = 0; i < elements.length; i++) if (found[i] !== undefined) hits.push([i, found[i]])
      record(logs, 'split', timings.elements, { elements: pending.length })
      return {
        kind: 'split',
        elements,
        found: hits,
        ...(keys ? { keys } : {}),
        degraded: unreported(store),
        timings,
        ...(logs ? { logs } : {}),
      }
    }
    const computed = await extractElements(
      extractor,
      doc.id,
      pending.map((i) => elements[i] as ExtractorElement),
    )
    const metas = found.length === 0 ? computed : found.slice()
    if (found.length > 0)
      for (let j = 0; j < pending.length; j++) metas[pending[j] as number] = computed[j]
    timings.elements = performance.now() - started
    record(logs, 'elements', timings.elements, { elements: pending.length })

    stage = 'document'
    started = performance.now()
    const { content: _content, ...rest } = doc
    const metadata = await reduce(extractor, rest, elements, metas)
    timings.document = performance.now() - started
    record(logs, 'document', timings.document)

    // Encoded once: the same bytes are the reply and the cache entry.
    const entry = packDocument(metadata, serialize(metas), metas.length)
    const stored = await save(store, task, keys, entry)
    const reply: Done = {
      kind: 'done',
      entry,
      count: metas.length,
      extracted: pending.length,
      stored,
      degraded: unreported(store),
      timings,
    }
    if (keys && !stored) reply.keys = keys
    if (logs) reply.logs = logs
    return reply
  } catch (error) {
    return failedIn(error, logs, stage, started)
  }
}

/** The reduce of a document whose elements ran spread over threads, and its cache entries. */
export async function runReduce(
  extractor: Extractor,
  task: WorkerReduce,
): Promise<WorkerDocumentReply> {
  const started = performance.now()
  const logs: WorkerRecords = task.log ? [] : undefined
  try {
    const elements = task.elements as ExtractorElement[]
    const metadata = await reduce(extractor, task.doc, elements, task.metas)
    const timings = { parse: 0, elements: 0, document: performance.now() - started }
    record(logs, 'document', timings.document)
    const store = task.store ? await openStore(task.store) : undefined
    const entry = packDocument(metadata, serialize(task.metas), task.metas.length)
    const stored = await save(store, task, task.keys, entry)
    return {
      kind: 'done',
      entry,
      count: task.metas.length,
      extracted: task.fresh.length,
      stored,
      degraded: unreported(store),
      timings,
      ...(logs ? { logs } : {}),
    }
  } catch (error) {
    return failedIn(error, logs, 'document', started)
  }
}
