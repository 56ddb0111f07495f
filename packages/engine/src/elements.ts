import type { ExtractorElement, RanIn, SourceDocument } from './api'
import type { EngineContext } from './context'
import { ExtractError, ExtractTimeoutError, messageOf, WorkerCrashError } from './errors'
import { elementKeys } from './keys'
import { traceOf } from './logging/trace'
import type { WorkerBatchResult } from './types'

/** Element results of a list of elements, and how they were obtained. */
export interface ElementsOutcome {
  metas: unknown[]
  /** Elements whose `element()` ran now (not served from the element cache). */
  extracted: number
  ranIn: RanIn
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

/**
 * Results for `list`: from the element cache in one `getMany` round trip, the rest computed
 * inline or in worker threads (decided by the cost model), then written back with one `setMany`.
 */
export async function resolveElements(
  ctx: EngineContext,
  doc: SourceDocument,
  list: readonly ExtractorElement[],
  signal: AbortSignal | undefined,
): Promise<ElementsOutcome> {
  const metas = new Array<unknown>(list.length)
  let pending: number[]
  let keys: string[] | undefined
  const { cache } = ctx.slots
  if (cache && list.length > 0) {
    keys = elementKeys(doc.id, list, ctx.extractorKey)
    let found: unknown[] = []
    try {
      found = await cache.getMany(keys)
    } catch (error) {
      ctx.stats.degraded++ // a failing cache read degrades to computing
      traceOf(doc)?.degraded('cache', error, { operation: 'getMany' })
    }
    pending = []
    for (let i = 0; i < list.length; i++) {
      const value = found[i]
      if (value === undefined) pending.push(i)
      else metas[i] = value
    }
  } else {
    pending = list.map((_, i) => i)
  }
  if (pending.length === 0) return { metas, extracted: 0, ranIn: 'none' }

  const todo = pending.map((i) => list[i] as ExtractorElement)
  const where =
    ctx.href !== undefined && ctx.slots.workers ? ctx.cost.decide(todo.length) : 'inline'
  const results =
    where === 'inline'
      ? await runInline(ctx, doc, todo)
      : await runInWorkers(ctx, doc, todo, signal)
  const entries: Array<{ key: string; value: unknown }> = []
  for (let j = 0; j < pending.length; j++) {
    const i = pending[j] as number
    metas[i] = results[j]
    if (keys && results[j] !== undefined)
      entries.push({ key: keys[i] as string, value: results[j] })
  }
  if (cache && entries.length > 0) {
    try {
      await cache.setMany(entries)
    } catch (error) {
      ctx.stats.degraded++
      traceOf(doc)?.degraded('cache', error, { operation: 'setMany' })
    }
  }
  return { metas, extracted: todo.length, ranIn: where }
}

async function runInline(
  ctx: EngineContext,
  doc: SourceDocument,
  todo: ExtractorElement[],
): Promise<unknown[]> {
  const extractor = ctx.extractor
  if (!extractor) throw new Error('extractor not loaded')
  const elementCtx = {
    docId: doc.id,
    extractor: { name: extractor.name, version: extractor.version },
  }
  const results = new Array<unknown>(todo.length)
  const started = ctx.clock.now()
  for (let i = 0; i < todo.length; i++) {
    const element = todo[i] as ExtractorElement
    try {
      let result = extractor.element(element, elementCtx)
      if (isThenable(result)) result = await result
      results[i] = result
    } catch (error) {
      throw new ExtractError(doc.id, `element ${element.id} threw: ${messageOf(error)}`, {
        cause: error,
      })
    }
  }
  ctx.cost.observe(todo.length, (ctx.clock.now() - started) * 1000)
  return results
}

/** Maps a failure the pool reports to the document's stable error. */
export function workerFailure(docId: string, error: unknown): Error {
  const code = (error as { code?: unknown } | null)?.code
  const message = messageOf(error)
  if (code === 'MX_WORKERS_ABORTED') return error as Error
  if (code === 'MX_WORKERS_TASK_TIMEOUT')
    return new ExtractTimeoutError(docId, `timed out in a worker: ${message}`, { cause: error })
  if (code === 'MX_WORKERS_TASK_CRASHED')
    return new WorkerCrashError(docId, `worker crashed: ${message}`, { cause: error })
  return new ExtractError(docId, message, { cause: error })
}

function checkBatchResult(docId: string, value: unknown, size: number): WorkerBatchResult {
  const result = value as WorkerBatchResult | undefined
  if (!result || !Array.isArray(result.results) || result.results.length !== size) {
    throw new ExtractError(
      docId,
      `the workers slot answered ${typeof value} instead of { results, us } for ${size} elements`,
    )
  }
  return result
}

/**
 * Sends the elements in chunks of `chunkSize`, at most two chunks per thread in flight for this
 * document, so a very large document streams through bounded messages.
 */
export async function runInWorkers(
  ctx: EngineContext,
  doc: SourceDocument,
  todo: ExtractorElement[],
  signal: AbortSignal | undefined,
): Promise<unknown[]> {
  const workers = ctx.slots.workers
  const href = ctx.href
  if (!workers || href === undefined) throw new Error('no workers slot')
  const results = new Array<unknown>(todo.length)
  const chunks: number[] = []
  for (let start = 0; start < todo.length; start += ctx.chunkSize) chunks.push(start)
  const lanes = Math.max(1, (workers.threads ?? 1) * 2)
  let nextChunk = 0
  let failed = false
  const trace = traceOf(doc)
  const log = trace?.debug === true
  const options = {
    ...(signal ? { signal } : {}),
    ...(ctx.timeout === undefined ? {} : { timeout: ctx.timeout }),
  }
  const lane = async () => {
    while (!failed && nextChunk < chunks.length) {
      const start = chunks[nextChunk++] as number
      const elements = todo.slice(start, start + ctx.chunkSize)
      let reply: WorkerBatchResult
      try {
        reply = checkBatchResult(
          doc.id,
          await workers.run(
            log
              ? { module: href, docId: doc.id, elements, log }
              : { module: href, docId: doc.id, elements },
            options,
          ),
          elements.length,
        )
      } catch (error) {
        failed = true
        throw workerFailure(doc.id, error)
      }
      ctx.cost.observe(elements.length, reply.us)
      trace?.records(reply.logs)
      for (let i = 0; i < elements.length; i++) results[start + i] = reply.results[i]
    }
  }
  await Promise.all(Array.from({ length: Math.min(lanes, chunks.length) }, lane))
  return results
}
