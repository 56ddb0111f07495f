// The naive loop, and the machine's parallel ceiling for this extractor with no mx at all: plain worker_threads,
// each running the naive loop (parse → element() each → document()) over its share of the
// documents. The benchmark starts them, as a cold engine run starts its pool, and times until
// every thread is done.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { document } from '../src/extractor/document.mjs'
import { element } from '../src/extractor/element.mjs'
import { parse } from '../src/extractor/parse.mjs'

/** The same extractor called in a plain loop, no mx: parse → element() each → document(). */
export function naive(corpus) {
  let elements = 0
  for (const doc of corpus) {
    try {
      const els = parse(doc)
      const metas = els.map((el) => element(el))
      const { content: _content, ...rest } = doc
      document(els, metas, { doc: rest, docId: doc.id })
      elements += els.length
    } catch {}
  }
  return { elements }
}

/** Runs `corpus` split round-robin over `threads` plain worker threads; resolves the element count. */
export function rawThreads(corpus, threads) {
  const shares = Array.from({ length: threads }, (_, t) =>
    corpus.filter((_, i) => i % threads === t),
  )
  return Promise.all(
    shares.map(
      (share) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(new URL(import.meta.url), { workerData: share })
          worker.once('message', (elements) => {
            resolve(elements)
            void worker.terminate()
          })
          worker.once('error', reject)
        }),
    ),
  ).then((counts) => ({ elements: counts.reduce((a, b) => a + b, 0) }))
}

if (!isMainThread) parentPort.postMessage(naive(workerData).elements)
