/**
 * The engine's task module for `@mx/workers` (built to `dist/worker.js`): imports the user's
 * extractor module once per thread and runs a whole document (`WorkerDocument`), the reduce of a
 * split one (`WorkerReduce`), or `element()` over a chunk of one document's elements.
 */
import { defineTask, type TaskContext } from '@mx/workers'
import type { Extractor, ExtractorElement } from './api'
import { extractorFromModule } from './extractor'
import { record } from './logging/worker-records'
import type { WorkerBatch, WorkerBatchResult, WorkerDocumentReply, WorkerTask } from './types'
import { extractElements, runDocument, runReduce, sendEntry } from './worker-document'
import { flush } from './worker-store'

const extractors = new Map<string, Promise<Extractor>>()

function load(href: string): Promise<Extractor> {
  let loading = extractors.get(href)
  if (!loading) {
    loading = import(href).then((exports) => extractorFromModule(exports, href))
    extractors.set(href, loading)
  }
  return loading
}

/** One chunk of a document's elements; an element that throws fails it with `MX_ENGINE_EXTRACT`. */
async function runBatch(extractor: Extractor, batch: WorkerBatch): Promise<WorkerBatchResult> {
  const started = performance.now()
  const results = await extractElements(
    extractor,
    batch.docId,
    batch.elements as ExtractorElement[],
  )
  const ms = performance.now() - started
  if (!batch.log) return { results, us: ms * 1000 }
  const logs: WorkerBatchResult['logs'] = []
  record(logs, 'elements', ms, { elements: results.length })
  return { results, us: ms * 1000, logs }
}

async function run(
  task: WorkerTask,
  ctx: TaskContext,
): Promise<WorkerBatchResult | WorkerDocumentReply> {
  if ('kind' in task && task.kind === 'flush') return flush()
  const extractor = await load(task.module)
  if (!('kind' in task)) return runBatch(extractor, task)
  const reply =
    task.kind === 'document' ? await runDocument(extractor, task) : await runReduce(extractor, task)
  if (reply.kind === 'done') reply.entry = sendEntry(reply.entry, reply.stored, ctx)
  return reply
}

export default defineTask(run)
