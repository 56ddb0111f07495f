// PDF throughput, in one process, on PDFs made here with pdfkit (test/fixtures/pdf.mjs):
//   node bench/pdf.mjs [--rounds 15]
// For one 15-page document, then a corpus of several (180 pages):
//   pdfjs loop   plain pdfjs: getDocument → every page's getTextContent → the text joined
//   ceiling N    the extractor (parse → element() → document()) on the document's page parts
//                (see src/pdf-split.mjs) on N plain worker threads, no mx: what the machine gives
//   mx N         @mx/engine, level performance, N threads, no cache (cache: false,
//                incremental: false), through extractDocuments (long PDFs read in page parts)
// Warm medians of interleaved rounds (each engine and thread pool made once, warmed first), in
// pages per second, and the ratios. Before that, parse (pdfjs and layout) vs element() time per
// page on this thread. Every run is checked: the same pages and words as the first mx run, and
// the pdfjs loop reads as many pages.
import { parseArgs } from 'node:util'
import { isMainThread, parentPort, Worker } from 'node:worker_threads'
import { createEngine } from '@mx/engine'
import { extractorUrl } from '../src/engine.mjs'
import { document } from '../src/extractor/document.mjs'
import { element } from '../src/extractor/element.mjs'
import { parse } from '../src/extractor/parse.mjs'
import { loadPdfjs } from '../src/extractor/pdf-open.mjs'
import { extractDocuments, splitDocument } from '../src/pdf-split.mjs'
import { invoicePdf, manyPagesPdf } from '../test/fixtures/pdf.mjs'

/** The extractor in a plain loop over documents (or page parts); resolves pages and elements. */
async function naiveExtract(docs) {
  let elements = 0
  for (const doc of docs) {
    const els = await parse(doc)
    const metas = els.map((el) => element(el))
    const { content: _content, ...rest } = doc
    document(els, metas, { doc: rest, docId: doc.id })
    elements += els.length
  }
  return elements
}

if (!isMainThread) {
  parentPort.on('message', async (docs) => parentPort.postMessage(await naiveExtract(docs)))
} else {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '15' } } })
  const rounds = Number(values.rounds)
  const pdf = (id, content) => ({ id, path: id, mediaType: 'application/pdf', content })
  const single = [pdf('invoice-15.pdf', await invoicePdf({ pages: 15 }))]
  const corpus = [
    ...single,
    pdf('invoice-15-revised.pdf', await invoicePdf({ pages: 15, changed: 3 })),
    pdf('invoice-30.pdf', await invoicePdf({ pages: 30 })),
    pdf('many-40.pdf', await manyPagesPdf(40)),
    pdf('many-80.pdf', await manyPagesPdf(80)),
  ]
  const pdfjs = await loadPdfjs()
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]

  /** getDocument → every page's getTextContent → the text joined: the plain pdfjs baseline. */
  async function pdfjsLoop(docs) {
    let pages = 0
    let chars = 0
    for (const doc of docs) {
      const task = pdfjs.getDocument({
        data: new Uint8Array(doc.content),
        disableFontFace: true,
        useSystemFonts: false,
        isEvalSupported: false,
        verbosity: 0,
      })
      const file = await task.promise
      const texts = []
      for (let n = 1; n <= file.numPages; n++) {
        const page = await file.getPage(n)
        texts.push((await page.getTextContent()).items.map((item) => item.str).join(' '))
        page.cleanup()
      }
      chars += texts.join('\n').length
      pages += file.numPages
      await file.destroy()
    }
    return { pages, chars }
  }

  /** Pages and words of an mx run, to compare runs. */
  async function mxRun(engine, docs) {
    let pages = 0
    let words = 0
    for await (const result of extractDocuments(engine, docs, { ordered: false })) {
      if (!result.ok) throw new Error(`${result.id}: ${result.error.message}`)
      pages += result.metadata.pdf.pages
      words += result.metadata.words
    }
    return { pages, words }
  }

  /** Plain threads, each running the extractor on its round-robin share of the page parts. */
  function createCeiling(threads) {
    const workers = Array.from({ length: threads }, () => new Worker(new URL(import.meta.url)))
    return {
      async run(docs) {
        const parts = (await Promise.all(docs.map(splitDocument))).flat()
        const shares = workers.map((_, t) => parts.filter((_, i) => i % threads === t))
        await Promise.all(
          workers.map(
            (worker, t) =>
              new Promise((resolve) => {
                worker.once('message', resolve)
                worker.postMessage(shares[t])
              }),
          ),
        )
      },
      close: () => Promise.all(workers.map((worker) => worker.terminate())),
    }
  }

  // parse vs element() per page, on this thread (after a warm-up).
  {
    const parseMs = []
    const elementMs = []
    for (let round = 0; round < 3 + rounds; round++) {
      let started = performance.now()
      const els = await parse(single[0])
      const parsed = performance.now() - started
      started = performance.now()
      for (const el of els) element(el)
      if (round < 3) continue
      parseMs.push(parsed)
      elementMs.push(performance.now() - started)
    }
    const elements = (await parse(single[0])).length - 1
    console.log(
      `per page (15-page invoice, ${elements} elements, this thread): parse ${(median(parseMs) / 15).toFixed(2)} ms ` +
        `(pdfjs + layout), element() ${(median(elementMs) / 15).toFixed(2)} ms: parse is ` +
        `${((100 * median(parseMs)) / (median(parseMs) + median(elementMs))).toFixed(0)}% of the work`,
    )
  }

  for (const [name, docs] of [
    ['one 15-page PDF', single],
    [`a corpus of ${corpus.length} PDFs`, corpus],
  ]) {
    const engines = new Map()
    const ceilings = new Map()
    for (const threads of [1, 2]) {
      const engine = createEngine({
        extractor: extractorUrl,
        level: 'performance',
        threads,
        cache: false,
        incremental: false,
      })
      engines.set(threads, engine)
      ceilings.set(threads, createCeiling(threads))
    }
    const expected = await mxRun(engines.get(1), docs)
    const samples = new Map()
    const time = async (key, fn) => {
      const started = performance.now()
      const out = await fn()
      const ms = performance.now() - started
      if (!samples.has(key)) samples.set(key, [])
      samples.get(key).push(ms)
      return out
    }
    for (let round = 0; round < 3 + rounds; round++) {
      if (round === 3) samples.clear() // warm-up rounds: threads started, pdfjs loaded and hot
      const loop = await time('pdfjs loop', () => pdfjsLoop(docs))
      if (loop.pages !== expected.pages)
        throw new Error(`the pdfjs loop read ${loop.pages} pages, mx ${expected.pages}`)
      for (const threads of [1, 2]) {
        await time(`ceiling ${threads}`, () => ceilings.get(threads).run(docs))
        const got = await time(`mx ${threads}`, () => mxRun(engines.get(threads), docs))
        if (got.pages !== expected.pages || got.words !== expected.words)
          throw new Error(
            `mx ${threads} gave ${JSON.stringify(got)}, not ${JSON.stringify(expected)}`,
          )
      }
    }
    for (const engine of engines.values()) await engine.close()
    for (const ceiling of ceilings.values()) await ceiling.close()

    const ms = (key) => median(samples.get(key))
    console.log(
      `\n${name}: ${expected.pages} pages, ${expected.words} words, medians of ${rounds} rounds`,
    )
    console.log('run          |     ms | pages/s')
    for (const key of samples.keys())
      console.log(
        `${key.padEnd(12)} | ${ms(key).toFixed(1).padStart(6)} | ${((expected.pages * 1000) / ms(key)).toFixed(0).padStart(7)}`,
      )
    const ratio = (a, b) => (ms(a) / ms(b)).toFixed(2)
    console.log(
      `mx 2 threads vs 1: ${ratio('mx 1', 'mx 2')}× (ceiling, plain threads: ${ratio('ceiling 1', 'ceiling 2')}×); ` +
        `mx 1 thread vs the pdfjs loop: ${ratio('pdfjs loop', 'mx 1')}×, mx 2 threads: ${ratio('pdfjs loop', 'mx 2')}×`,
    )
  }
}
