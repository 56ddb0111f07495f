// Long PDFs on several threads at once. The engine gives each document to one thread, and reading
// a PDF (pdfjs) costs more than extracting its elements, so a PDF of more than 8 pages goes in as
// parts of up to 8 pages: SourceDocuments `<id>#pages=1-8`, `<id>#pages=9-15`, … that share the
// file's bytes (one SharedArrayBuffer, never copied to the threads) and read only their pages
// (`meta.pdfPages`). Their results are merged back into one result for the file: the parts'
// element results in page order, reduced again by document() here (ids are page-scoped, so they
// are the same as if the file had been read whole). A file whose pages cannot be counted here
// (encrypted, corrupt) goes in whole and fails there with its typed error.
import { formatOf } from './extractor/formats.mjs'

/**
 * What splitting and merging PDFs needs (pdfjs, the reduce), loaded with the first PDF: a run
 * without one, or served from cache, never loads it.
 * @type {Promise<{ document: typeof import('./extractor/document.mjs').document,
 *   pdfElementId: typeof import('./extractor/pdf.mjs').pdfElementId,
 *   openPdf: typeof import('./extractor/pdf-open.mjs').openPdf }> | undefined}
 */
let pdfSteps
const loadPdfSteps = () => {
  pdfSteps ??= Promise.all([
    import('./extractor/document.mjs'),
    import('./extractor/pdf.mjs'),
    import('./extractor/pdf-open.mjs'),
  ]).then(([{ document }, { pdfElementId }, { openPdf }]) => ({ document, pdfElementId, openPdf }))
  return pdfSteps
}

/** Most pages in one part. */
export const pagesPerPart = 8

/**
 * The documents the engine gets for `doc`: itself, or the parts of a PDF of more than 8 pages.
 * @param {import('@mx/engine').SourceDocument} doc
 * @returns {Promise<import('@mx/engine').SourceDocument[]>}
 */
export async function splitDocument(doc) {
  if (formatOf(doc) !== 'pdf' || !(doc.content instanceof Uint8Array)) return [doc]
  const { openPdf } = await loadPdfSteps()
  let pages
  try {
    const pdf = await openPdf(doc.content, doc.id)
    pages = pdf.numPages
    await pdf.destroy()
  } catch {
    return [doc]
  }
  if (pages <= pagesPerPart) return [doc]
  const shared = new Uint8Array(new SharedArrayBuffer(doc.content.length))
  shared.set(doc.content)
  const count = Math.ceil(pages / pagesPerPart)
  return Array.from({ length: count }, (_, i) => {
    const from = Math.floor((i * pages) / count) + 1
    const to = Math.floor(((i + 1) * pages) / count)
    return {
      ...doc,
      id: `${doc.id}#pages=${from}-${to}`,
      content: shared,
      meta: { ...doc.meta, pdfPages: [from, to] },
    }
  })
}

/**
 * `engine.extractMany(source, options)` with long PDFs split into parts and their results merged:
 * one result per document of `source`.
 * @param {import('@mx/engine').Engine} engine
 * @param {Iterable<import('@mx/engine').SourceDocument> | AsyncIterable<import('@mx/engine').SourceDocument>} source
 * @param {Parameters<import('@mx/engine').Engine['extractMany']>[1]} [options]
 */
export async function* extractDocuments(engine, source, options) {
  /** @type {Map<string, { group: { doc: any, results: any[], left: number }, index: number }>} */
  const parts = new Map()
  async function* split() {
    for await (const doc of source) {
      const docs = await splitDocument(doc)
      if (docs.length > 1) {
        const group = { doc, results: [], left: docs.length }
        docs.forEach((part, index) => {
          parts.set(part.id, { group, index })
        })
      }
      yield* docs
    }
  }
  for await (const result of engine.extractMany(split(), options)) {
    const part = parts.get(result.id)
    if (!part) {
      yield result
      continue
    }
    parts.delete(result.id)
    part.group.results[part.index] = result
    if (--part.group.left === 0)
      yield mergeParts(part.group.doc, part.group.results, await loadPdfSteps())
  }
}

/**
 * One result from the results of a PDF's parts, in page order. A failed part fails the whole.
 * The stats add up the parts' (each part has its '#document' element).
 * @param {any} doc
 * @param {any[]} results
 * @param {Awaited<ReturnType<typeof loadPdfSteps>>} steps
 */
export function mergeParts(doc, results, { document, pdfElementId }) {
  const { content: _content, ...withoutContent } = doc
  const failed = results.find((result) => !result.ok)
  if (failed) return { ...failed, id: doc.id, ...(doc.meta && { meta: doc.meta }) }
  /** @type {Record<string, any> | undefined} */
  let info
  const metas = []
  for (const result of results)
    for (const meta of result.elements) {
      if (meta.type !== 'document') metas.push(meta)
      else if (!info) info = meta
      else if (meta.warnings)
        info = { ...info, warnings: [...(info.warnings ?? []), ...meta.warnings] }
    }
  // The ids and the lead paragraph parse() would have given the file read whole.
  const ordinals = new Map()
  const lead = metas.find((m) => m.type === 'paragraph' && /[\p{L}\p{N}]/u.test(m.text ?? ''))
  const elements = metas.map((meta) => {
    const key = `${meta.page}:${meta.type}`
    const ordinal = ordinals.get(key) ?? 0
    ordinals.set(key, ordinal + 1)
    const id = pdfElementId(meta.page, meta.type, ordinal)
    return { id, type: meta.type, format: 'pdf', ...(meta === lead && { lead: true }) }
  })
  const all = [info, ...metas]
  const metadata = document(
    [{ id: '#document', type: 'document', format: 'pdf' }, ...elements],
    all,
    { doc: withoutContent },
  )
  const sum = (key) => results.reduce((n, result) => n + result.stats[key], 0)
  return {
    ok: true,
    id: doc.id,
    metadata,
    elements: all,
    stats: {
      elements: sum('elements'),
      extracted: sum('extracted'),
      reused: sum('reused'),
      source: results.every((r) => r.stats.source === 'document-cache')
        ? 'document-cache'
        : 'elements',
      ranIn: results.find((r) => r.stats.ranIn !== 'none')?.stats.ranIn ?? 'none',
      durationMs: Math.max(...results.map((r) => r.stats.durationMs)),
      parts: results.length,
    },
    ...(doc.meta && { meta: doc.meta }),
  }
}
