/**
 * The engine's task module for `@mx/workers` (built to `dist/worker.js`): imports the user's
 * extractor module once per thread and runs a whole document (`WorkerDocument`), the reduce of a
 * split one (`WorkerReduce`), or `element()` over a chunk of one document's elements.
 */
import { defineTask } from '@mx/workers'
import type { Extractor } from './api'
import { extractorFromModule } from './extractor'
import type { WorkerBatch, WorkerBatchResult, WorkerDocumentReply, WorkerTask } from './types'
import { flush, runDocument, runReduce } from './worker-document'

const extractors = new Map<string, Promise<Extractor>>()

function load(href: string): Promise<Extractor> {
  let loading = extractors.get(href)
  if (!loading) {
    loading = import(href).then((exports) => extractorFromModule(exports, href))
    extractors.set(href, loading)
  }
  return loading
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

/** An element that threw: the code travels back through the pool with the error. */
class ElementFailure extends Error {
  readonly code = 'MX_ENGINE_EXTRACT'
}

async function runBatch(extractor: Extractor, batch: WorkerBatch): Promise<WorkerBatchResult> {
  const ctx = {
    docId: batch.docId,
    extractor: { name: extractor.name, version: extractor.version },
  }
  const started = performance.now()
  const results = new Array<unknown>(batch.elements.length)
  for (let i = 0; i < batch.elements.length; i++) {
    const element = batch.elements[i] as { id: string }
    try {
      let result: unknown = extractor.element(element, ctx)
      if (isThenable(result)) result = await result
      results[i] = result
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      throw new ElementFailure(`element ${element.id} threw: ${message}`)
    }
  }
  return { results, us: (performance.now() - started) * 1000 }
}

async function run(task: WorkerTask): Promise<WorkerBatchResult | WorkerDocumentReply> {
  if ('kind' in task && task.kind === 'flush') return flush()
  const extractor = await load(task.module)
  if ('kind' in task) {
    return task.kind === 'document' ? runDocument(extractor, task) : runReduce(extractor, task)
  }
  return runBatch(extractor, task)
}

export default defineTask(run)
