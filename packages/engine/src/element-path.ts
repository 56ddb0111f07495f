/**
 * The element path of a document (when it does not go to the worker threads whole): the parse
 * and the reduce run here, the elements through the element cache, the incremental tracker or
 * the worker threads in chunks.
 */

import { serialize } from 'node:v8'
import type { Extractor, ExtractorElement, ExtractSuccess, SourceDocument } from './api'
import { packDocument } from './cached-document'
import type { EngineContext } from './context'
import { type ElementsOutcome, resolveElements } from './elements'
import { ExtractError, messageOf, ParseError } from './errors'
import { checkElements } from './extractor'
import { traceOf } from './logging/trace'

/** Runs `fn` as a profiler stage (nested under the document's `extract` span) when there is a profiler. */
function stage<T>(ctx: EngineContext, name: string, fn: () => T): T {
  const { profiler } = ctx.slots
  return profiler ? profiler.span(name, fn) : fn()
}

/**
 * A document through the element path, on this thread: parse, its elements through the element
 * cache, the incremental tracker or worker chunks (`resolveElements`), then the reduce, and the
 * document's cache entry.
 */
export async function cold(
  ctx: EngineContext,
  extractor: Extractor,
  doc: SourceDocument,
  key: string | undefined,
  signal: AbortSignal,
): Promise<ExtractSuccess> {
  const { stats, clock } = ctx
  const trace = traceOf(doc)
  let t = clock.now()
  let parsed: unknown
  try {
    parsed = await stage(ctx, 'parse', () => extractor.parse(doc))
  } catch (error) {
    throw new ParseError(doc.id, `parse threw: ${messageOf(error)}`, { cause: error })
  }
  const elements = checkElements(doc.id, parsed)
  stats.stages.parse.add(clock.now() - t)
  trace?.stage('parse', clock.now() - t, { elements: elements.length })

  t = clock.now()
  const outcome = await stage(ctx, 'elements', () => computeElements(ctx, doc, elements, signal))
  stats.stages.elements.add(clock.now() - t)
  trace?.stage('elements', clock.now() - t, { extracted: outcome.extracted, ranIn: outcome.ranIn })

  t = clock.now()
  let metadata: unknown
  try {
    const { content: _content, ...rest } = doc
    metadata = await stage(ctx, 'document', () =>
      extractor.document(elements, outcome.metas, { doc: rest, docId: doc.id }),
    )
  } catch (error) {
    throw new ExtractError(doc.id, `document threw: ${messageOf(error)}`, { cause: error })
  }
  stats.stages.document.add(clock.now() - t)
  trace?.stage('document', clock.now() - t)

  if (key !== undefined && ctx.slots.cache) {
    try {
      // Packed, as a worker thread stores it: a hit decodes the metadata and leaves the element
      // results as bytes until something reads them.
      const entry = packDocument(metadata, serialize(outcome.metas), outcome.metas.length)
      await ctx.slots.cache.set(key, entry)
    } catch (error) {
      stats.degraded++
      trace?.degraded('cache', error, { operation: 'set' })
    }
  }
  const n = elements.length
  return {
    ok: true,
    id: doc.id,
    metadata,
    elements: outcome.metas,
    stats: {
      elements: n,
      extracted: outcome.extracted,
      reused: n - outcome.extracted,
      source: 'elements',
      ranIn: outcome.ranIn,
      durationMs: 0,
      ...(outcome.version === undefined ? {} : { version: outcome.version }),
    },
  }
}

/**
 * With the incremental slot, the tracker decides which elements are dirty and the engine
 * computes only those (through the element cache when there is one); otherwise every element
 * goes through the element cache or is computed.
 */
async function computeElements(
  ctx: EngineContext,
  doc: SourceDocument,
  elements: ExtractorElement[],
  signal: AbortSignal,
): Promise<ElementsOutcome & { version?: number }> {
  const tracker = ctx.slots.incremental
  if (!tracker) return resolveElements(ctx, doc, elements, signal)
  let extracted = 0
  let ranIn: ElementsOutcome['ranIn'] = 'none'
  // The tracker calls the batch hook once, with only the new and changed elements.
  const update = await tracker.update(doc.id, elements as never, {
    elements: async (dirty) => {
      const outcome = await resolveElements(ctx, doc, dirty, signal)
      extracted = outcome.extracted
      ranIn = outcome.ranIn
      return outcome.metas
    },
  })
  const metas = update.value.elements.map((entry) => entry.result)
  return { metas, extracted, ranIn, version: update.version }
}
