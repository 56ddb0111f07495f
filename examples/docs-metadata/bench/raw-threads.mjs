// The naive loop, and the machine's parallel ceiling for this extractor with no mx at all: plain
// worker_threads, each running the naive loop (parse → element() each → document()) over its
// share of the documents and posting its results back in one message (metadata no caller can
// read is no extraction; one message per thread is the cheapest way to hand them on). The
// benchmark starts them, as a cold engine run starts its pool, and times until every thread's
// results are on the main thread.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { document } from '../src/extractor/document.mjs'
import { element } from '../src/extractor/element.mjs'
import { parse } from '../src/extractor/parse.mjs'

/**
 * The same extractor called in a plain loop, no mx: parse → element() each → document(). Async
 * only because a PDF's parse() is.
 * With `keep`, also the metadata of each document that succeeded, by id (to check other runs).
 */
export async function naive(corpus, { keep = false } = {}) {
  let elements = 0
  const metadata = new Map()
  for (const doc of corpus) {
    try {
      // A PDF's parse() is a promise; the other formats' an array.
      const els = await parse(doc)
      const metas = els.map((el) => element(el))
      const { content: _content, ...rest } = doc
      const result = document(els, metas, { doc: rest, docId: doc.id })
      if (keep) metadata.set(doc.id, result)
      elements += els.length
    } catch {}
  }
  return { elements, metadata }
}

/**
 * Runs `corpus` split round-robin over `threads` plain worker threads; resolves the element count
 * and each document's metadata, by id (checked by the benchmarks like any other run's).
 */
export function rawThreads(corpus, threads) {
  const shares = Array.from({ length: threads }, (_, t) =>
    corpus.filter((_, i) => i % threads === t),
  )
  return Promise.all(
    shares.map(
      (share) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(new URL(import.meta.url), { workerData: share })
          worker.once('message', (reply) => {
            resolve(reply)
            void worker.terminate()
          })
          worker.once('error', reject)
        }),
    ),
  ).then((replies) => ({
    elements: replies.reduce((a, b) => a + b.elements, 0),
    metadata: new Map(replies.flatMap((reply) => [...reply.metadata])),
  }))
}

if (!isMainThread) parentPort.postMessage(await naive(workerData, { keep: true }))
